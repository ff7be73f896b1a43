"""SIGKILL the real server in the middle of a walkthrough step and of a code check (both transactions
half done, held on a row lock): after a restart each citizen continues, and nobody passes unverified.
SIGKILL it after a Telegram update was acknowledged but before its reply was sent: the reply comes
after the restart, once."""

from __future__ import annotations

import asyncio
import json
import signal
import subprocess
from pathlib import Path

import asyncpg
import httpx

from storage import Store
from tests import postgres
from tests.bot.fake_telegram import TOKEN, FakeBotApi, message_update
from tests.bot.helpers import free_port, start_server, wait_until
from tests.bot.test_dossier_e2e import code_from_outbox
from tests.handlers.dossier_helpers import CODE_A, E164, PHONE, record, seed

HASH_KEY = "k" * 32  # tests.handlers.dossier_helpers.KEY, as CODE_HASH_KEY
WALKER, VERIFIER = "wkillwalker01", "wkillverify01"


async def say(port: int, user: str, **body: str) -> str:
    async with httpx.AsyncClient(timeout=30) as client:
        response = await client.post(f"http://127.0.0.1:{port}/api/messages", json={"user_id": user, **body})
    response.raise_for_status()
    return "\n".join(str(reply["text"]) for reply in response.json()["replies"])


async def waiting_on_locks(connection: asyncpg.Connection, database: str) -> int:
    query = "select count(*) from pg_stat_activity where datname = $1 and wait_event_type = 'Lock'"
    return int(await connection.fetchval(query, database))


async def test_killed_mid_step_and_mid_verification_continues_and_never_verifies_by_itself(
    postgres_server: tuple[str, int], tmp_path: Path
) -> None:
    url = postgres.create_database(*postgres_server, "killed")
    store = Store(url)
    await store.upgrade()
    await seed(store, record(CODE_A))
    await store.close()
    port, log, outbox = free_port(), tmp_path / "bot.log", tmp_path / "outbox.jsonl"
    env = {"CODE_HASH_KEY": HASH_KEY, "SMS_OUTBOX_PATH": str(outbox), "DATA_DIR": str(tmp_path)}

    def start() -> subprocess.Popen[bytes]:
        return start_server(url, port, log, **env)

    server = await asyncio.to_thread(start)
    watcher = await asyncpg.connect(url.replace("+asyncpg", ""))
    try:
        await say(port, WALKER, text="dang ky khai sinh")
        for payload in ("g:khai-sinh", "w:a:0", "w:a:0", "w:haveall", "w:steps"):
            await say(port, WALKER, payload=payload)
        assert "Bước 2/" in await say(port, WALKER, payload="w:next")
        await say(port, VERIFIER, text="quên mã hồ sơ")
        await say(port, VERIFIER, payload="r:agree")
        await say(port, VERIFIER, text=PHONE)
        code = code_from_outbox(outbox, E164)

        # Hold both citizens' state rows: their next messages get as far as writing them, then wait.
        holder = await asyncpg.connect(url.replace("+asyncpg", ""))
        transaction = holder.transaction()
        await transaction.start()
        await holder.execute("select 1 from conversation_state where user_id = any($1) for update", [WALKER, VERIFIER])
        step = asyncio.create_task(say(port, WALKER, payload="w:next"))
        check = asyncio.create_task(say(port, VERIFIER, text=code))
        for _ in range(500):
            if await waiting_on_locks(watcher, "killed") == 2:
                break
            await asyncio.sleep(0.01)
        assert await waiting_on_locks(watcher, "killed") == 2
        # Both transactions are half done: the code consumed, the step moved, neither committed.
        server.send_signal(signal.SIGKILL)
        server.wait(10)
        for task in (step, check):
            assert isinstance((await asyncio.gather(task, return_exceptions=True))[0], httpx.HTTPError)
        await transaction.rollback()
        await holder.close()
        for _ in range(500):  # the orphaned backends notice their client is gone and roll back
            if await waiting_on_locks(watcher, "killed") == 0:
                break
            await asyncio.sleep(0.01)

        assert await watcher.fetchval("select count(*) from audit where action = 'verify' and result = 'ok'") == 0
        assert await watcher.fetchval("select count(*) from one_time_code where used_at is not null") == 0
        state = json.loads(await watcher.fetchval("select data from conversation_state where user_id = $1", VERIFIER))
        assert "verified" not in state["data"] and state["step"] == "code"

        server = await asyncio.to_thread(start)
        assert "Bước 3/" in await say(port, WALKER, payload="w:next")  # the lost tap is simply tapped again
        listed = await say(port, VERIFIER, text=code)  # the code was never used: it still works, once
        assert "Đã xác minh số 0912•••678" in listed and CODE_A in listed
        assert "Đã xác minh" not in await say(port, VERIFIER, text=code)
        assert await watcher.fetchval("select count(*) from audit where action = 'verify' and result = 'ok'") == 1
    finally:
        await watcher.close()
        server.terminate()
        server.wait(10)
    assert "Traceback" not in log.read_text(errors="replace")


async def test_killed_after_acknowledging_an_update_sends_its_reply_after_restart(
    tmp_path: Path, telegram_api: tuple[FakeBotApi, str]
) -> None:
    api, api_url = telegram_api
    port, log, chat = free_port(), tmp_path / "bot.log", 770077
    base, secret = f"http://127.0.0.1:{port}", "kill-secret-" + "K" * 30
    env = {
        "DATA_DIR": str(tmp_path),
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_BASE_URL": api_url,
        "TELEGRAM_WEBHOOK_URL": f"{base}/telegram/webhook",
        "TELEGRAM_WEBHOOK_SECRET": secret,
        "REPLY_LEASE_SECONDS": "2",
    }

    def start() -> subprocess.Popen[bytes]:
        return start_server(tmp_path / "bot.db", port, log, **env)

    def replies() -> list[str]:
        return [text for text in api.sent_texts() if "Đăng ký khai sinh" in text]

    async def post(update: dict[str, object]) -> int:
        headers = {"X-Telegram-Bot-Api-Secret-Token": secret}
        async with httpx.AsyncClient(timeout=30) as client:
            return (await client.post(f"{base}/telegram/webhook", json=update, headers=headers)).status_code

    server = await asyncio.to_thread(start)
    try:
        await asyncio.to_thread(wait_until, lambda: bool(api.called("setWebhook")), "the webhook")
        api.stall("sendMessage")  # Telegram hangs: the reply is stored, acknowledged and not yet sent
        update = message_update(1, chat, "dang ky khai sinh")
        assert await post(update) == 200
        await asyncio.to_thread(wait_until, lambda: bool(api.called("sendMessage")), "a send attempt")
        server.send_signal(signal.SIGKILL)
        server.wait(10)
        api.stall("sendMessage", stalled=False)
        assert replies() == []

        server = await asyncio.to_thread(start)
        assert await post(update) == 200  # Telegram's redelivery of the acknowledged update: not handled again
        await asyncio.to_thread(wait_until, lambda: len(replies()) == 1, "the stored reply", 20)
        await asyncio.sleep(1)  # a second copy would come now
        assert len(replies()) == 1
    finally:
        server.terminate()
        server.wait(10)
