"""Two real `python -m bot run` replicas on one PostgreSQL: interleaved and duplicated webhook deliveries
for one chat leave a consistent state and exactly one reply each; racing on one code, one success."""

from __future__ import annotations

import asyncio
import html
import re
import subprocess
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest

from handlers import texts_dossier as tx
from storage import Store
from tests import postgres
from tests.bot.fake_telegram import TOKEN, FakeBotApi, callback_update, message_update
from tests.bot.fake_zalo import FakeZalo, text_update
from tests.bot.helpers import free_port, start_server, wait_until
from tests.bot.test_dossier_e2e import code_from_outbox
from tests.handlers.dossier_helpers import CODE_A, E164, PHONE, record, seed

CHAT = 880088
ZALO_USER = "a0b1c2d3e4f5a6b7c8d9"
ZALO_TOKEN = "55555:zaloREPLICAtoken_x7Qp"
WEB_USER = "wreplicas0001"
SECRET = "replica-secret-" + "R" * 30
TAPS = 6
STEP = re.compile(r"Bước (\d+)/\d+ — ")


@pytest.fixture
def zalo() -> Iterator[FakeZalo]:
    fake = FakeZalo(ZALO_TOKEN).start()
    yield fake
    fake.stop()


class Replicas:
    """Both replicas' base URLs; `post` delivers one update to the replicas named by index, at once."""

    def __init__(self, ports: list[int]) -> None:
        self.bases = [f"http://127.0.0.1:{port}" for port in ports]

    async def post(self, path: str, body: dict[str, Any], headers: dict[str, str], *to: int) -> list[int]:
        async with httpx.AsyncClient(timeout=30) as client:
            calls = [client.post(self.bases[n] + path, json=body, headers=headers) for n in to]
            return [response.status_code for response in await asyncio.gather(*calls)]


async def test_two_replicas_share_one_postgresql(
    postgres_server: tuple[str, int], tmp_path: Path, telegram_api: tuple[FakeBotApi, str], zalo: FakeZalo
) -> None:
    api, api_url = telegram_api
    url = postgres.create_database(*postgres_server, "replicas_e2e")
    store = Store(url)
    await store.upgrade()
    await seed(store, record(CODE_A))
    await store.close()
    outbox = tmp_path / "outbox.jsonl"
    ports = [free_port(), free_port()]

    def start(n: int) -> subprocess.Popen[bytes]:
        base = f"http://127.0.0.1:{ports[n]}"
        return start_server(
            url,
            ports[n],
            tmp_path / f"bot-{n}.log",
            CODE_HASH_KEY="k" * 32,
            SMS_OUTBOX_PATH=str(outbox),
            DATA_DIR=str(tmp_path),
            TELEGRAM_BOT_TOKEN=TOKEN,
            TELEGRAM_API_BASE_URL=api_url,
            TELEGRAM_WEBHOOK_URL=f"{base}/telegram/webhook",
            TELEGRAM_WEBHOOK_SECRET=SECRET,
            ZALO_BOT_TOKEN=ZALO_TOKEN,
            ZALO_API_BASE_URL=zalo.url,
            ZALO_WEBHOOK_URL=f"{base}/zalo/webhook",
            ZALO_WEBHOOK_SECRET=SECRET,
        )

    with ThreadPoolExecutor(2) as pool:
        servers = list(pool.map(start, range(2)))
    replicas = Replicas(ports)
    try:
        wait_until(lambda: len(api.called("setWebhook")) == 2 and bool(zalo.webhook_url), "both webhooks", timeout=20)
        await interleaved_telegram_taps(replicas, api)
        await duplicated_zalo_messages(replicas, zalo)
        await racing_code(replicas, outbox, url)
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(15)
    for n in range(2):
        assert "Traceback" not in (tmp_path / f"bot-{n}.log").read_text(errors="replace")


def step_texts(api: FakeBotApi) -> list[str]:
    texts = [html.unescape(c.params["text"]) for c in api.called("sendMessage") if c.params["chat_id"] == str(CHAT)]
    return [text for text in texts if STEP.search(text)]


def quiet(api: FakeBotApi, seconds: float = 0.5) -> None:
    """Wait until no message has been sent for `seconds` (a reply may come in several messages)."""
    count = -1
    while count != len(api.calls):
        count = len(api.calls)
        time.sleep(seconds)


async def interleaved_telegram_taps(replicas: Replicas, api: FakeBotApi) -> None:
    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
    lead = [message_update(1, CHAT, "dang ky khai sinh")]
    lead += [callback_update(2 + n, CHAT, p) for n, p in enumerate(("g:khai-sinh", "w:a:0", "w:a:0", "w:haveall"))]
    lead += [callback_update(6, CHAT, "w:steps")]
    for n, update in enumerate(lead):  # one replica after the other, each waiting for its reply
        before = len(api.called("sendMessage"))
        assert await replicas.post("/telegram/webhook", update, headers, n % 2) == [200]
        wait_until(lambda before=before: len(api.called("sendMessage")) > before, "a reply", timeout=20)
    quiet(api)
    before = len(step_texts(api))
    answered = len(api.called("answerCallbackQuery"))

    # The citizen taps «Tiếp» six times quickly; each tap reaches one replica and, redelivered, the other.
    taps = [callback_update(100 + n, CHAT, "w:next") for n in range(TAPS)]
    statuses = await asyncio.gather(
        *(replicas.post("/telegram/webhook", tap, headers, n % 2, (n + 1) % 2) for n, tap in enumerate(taps))
    )
    assert all(status == [200, 200] for status in statuses)
    wait_until(lambda: len(api.called("answerCallbackQuery")) >= answered + TAPS, "the taps", timeout=20)
    wait_until(lambda: len(step_texts(api)) >= before + TAPS, "the steps", timeout=20)
    quiet(api)  # a duplicate reply would arrive now
    shown = step_texts(api)[before:]
    numbers = sorted(int(STEP.search(text).group(1)) for text in shown)  # type: ignore[union-attr]
    assert numbers == list(range(2, 2 + TAPS)), shown  # one reply per tap, each step once: no lost update
    assert len(api.called("answerCallbackQuery")) == answered + TAPS


async def duplicated_zalo_messages(replicas: Replicas, zalo: FakeZalo) -> None:
    headers = {"X-Bot-Api-Secret-Token": SECRET}
    updates = [text_update("/trogiup", f"zrep-{n}", ZALO_USER) for n in range(4)]
    statuses = await asyncio.gather(*(replicas.post("/zalo/webhook", u, headers, 0, 1) for u in updates))
    assert all(status == [200, 200] for status in statuses)
    wait_until(lambda: len(zalo.texts(ZALO_USER)) >= 4, "the Zalo replies", timeout=20)
    await asyncio.sleep(0.5)  # a duplicate reply would arrive now
    assert [text.startswith("Cách dùng trợ lý") for text in zalo.texts(ZALO_USER)] == [True] * 4


async def racing_code(replicas: Replicas, outbox: Path, url: str) -> None:
    async def say(n: int, **body: str) -> str:
        async with httpx.AsyncClient(timeout=30) as client:
            response = await client.post(f"{replicas.bases[n]}/api/messages", json={"user_id": WEB_USER, **body})
        response.raise_for_status()
        return "\n".join(str(reply["text"]) for reply in response.json()["replies"])

    await say(0, text="quên mã hồ sơ")
    await say(1, payload="r:agree")
    assert "0912•••678" in await say(0, text=PHONE)
    code = code_from_outbox(outbox, E164)
    answers = await asyncio.gather(say(0, text=code), say(1, text=code))
    assert sum("Đã xác minh số 0912•••678" in answer for answer in answers) == 1, answers
    assert any(tx.LIST_HEADER.split("{")[0] in answer and CODE_A in answer for answer in answers)
    connection = await asyncpg.connect(url.replace("+asyncpg", ""))
    try:
        oks = await connection.fetchval("select count(*) from audit where action = 'verify' and result = 'ok'")
        used = await connection.fetchval("select count(*) from one_time_code where used_at is not null")
    finally:
        await connection.close()
    assert (oks, used) == (1, 1)
