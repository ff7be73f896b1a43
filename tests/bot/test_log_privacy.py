"""A full scenario through the real `python -m bot run` at DEBUG: the log carries no phone number, code,
token, secret or raw update body."""

from __future__ import annotations

import re
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.bot.fake_telegram import TOKEN, FakeBotApi, callback_update, message_update
from tests.bot.fake_zalo import FakeZalo, text_update
from tests.bot.helpers import free_port, start_server, wait_until
from tests.bot.test_dossier_e2e import code_from_outbox

WEB_USER = "wlogprivacy01"
TG_CHAT = 777001
ZALO_USER = "7a1b2c3d4e5f60718293"
ZALO_TOKEN = "987654:zaloLOGtoken_Q9xv2Lm7Rt"
SECRETS = {
    "TELEGRAM_WEBHOOK_SECRET": "tg-webhook-secret-" + "A1b2C3d4" * 3,
    "ZALO_WEBHOOK_SECRET": "zalo-webhook-secret-" + "Z9y8X7w6" * 3,
    "CODE_HASH_KEY": "code-hash-key-" + "k3Y" * 10,
    "STAFF_DASHBOARD_TOKEN": "dashboard-token-" + "d4sh" * 5,
}
# Phones as citizens type them: the web one receives a code, the Telegram one is a shared contact.
WEB_PHONE, TG_PHONE, ZALO_PHONE = "0912 345 678", "84987654321", "+84 903.111.222"
NATIONAL = ("912345678", "987654321", "903111222")
SENTINELS = ("Sentinel-Họ-Tên", "sentinel_username", "câu hỏi riêng tư xyzzy")
# Any Vietnamese mobile-looking number: +84/84/0, then 9 digits, with or without separators.
PHONE_LIKE = re.compile(r"(?<![\d.])(?:\+?84|0)[ .\-]?[35789]\d(?:[ .\-]?\d){7}(?![\d.])")
# A platform update, whole or in part, as JSON or as a Python repr.
RAW_BODY = re.compile(r"""["'](?:update_id|message_id|first_name|chat_instance|event_name|phone_number)["']\s*:""")


@pytest.fixture
def zalo() -> Iterator[FakeZalo]:
    fake = FakeZalo(ZALO_TOKEN).start()
    yield fake
    fake.stop()


def sentinel_update(update_id: int, text: str, **fields: Any) -> dict[str, Any]:
    update = message_update(update_id, TG_CHAT, text, **fields)
    update["message"]["from"] |= {"first_name": SENTINELS[0], "username": SENTINELS[1]}
    return update


def test_a_full_scenario_at_debug_logs_no_personal_data_or_secrets(
    tmp_path: Path, telegram_api: tuple[FakeBotApi, str], zalo: FakeZalo
) -> None:
    api, api_url = telegram_api
    port, log, outbox = free_port(), tmp_path / "bot.log", tmp_path / "outbox.jsonl"
    base = f"http://127.0.0.1:{port}"
    server = start_server(
        tmp_path / "bot.db",
        port,
        log,
        LOG_LEVEL="DEBUG",
        DATA_DIR=str(tmp_path / "data"),
        SMS_OUTBOX_PATH=str(outbox),
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_API_BASE_URL=api_url,
        TELEGRAM_WEBHOOK_URL=f"{base}/telegram/webhook",
        ZALO_BOT_TOKEN=ZALO_TOKEN,
        ZALO_API_BASE_URL=zalo.url,
        ZALO_WEBHOOK_URL=f"{base}/zalo/webhook",
        **SECRETS,
    )
    codes: list[str] = []
    try:
        # Web chat: a question, a walkthrough to step 2, recovery with the SMS code, a dossier, erasure.
        def say(**body: str) -> str:
            response = httpx.post(f"{base}/api/messages", json={"user_id": WEB_USER, **body}, timeout=10)
            response.raise_for_status()
            return "\n".join(str(reply["text"]) for reply in response.json()["replies"])

        assert "Đăng ký khai sinh" in say(text="dang ky khai sinh")
        for payload in ("g:khai-sinh", "w:a:0", "w:a:0", "w:haveall", "w:steps"):
            say(payload=payload)
        assert "Bước 2/" in say(payload="w:next")
        say(text="/menu")
        assert "Bạn đồng ý tiếp tục" in say(text="quên mã hồ sơ")
        say(payload="r:agree")
        assert "0912•••678" in say(text=WEB_PHONE)
        codes.append(code_from_outbox(outbox, "+84912345678"))
        assert "Đã xác minh" in say(text=codes[-1])
        say(text=SENTINELS[2])
        say(text="/xoa_du_lieu")
        assert "Đã xóa" in say(payload="x:yes")

        # Telegram webhook: a question, recovery with the citizen's own contact, a code request, junk.
        wait_until(lambda: bool(api.called("setWebhook")), "the Telegram webhook")
        secret = {"X-Telegram-Bot-Api-Secret-Token": SECRETS["TELEGRAM_WEBHOOK_SECRET"]}
        contact = {"phone_number": TG_PHONE, "first_name": SENTINELS[0], "user_id": TG_CHAT}
        updates = [
            sentinel_update(1, SENTINELS[2]),
            sentinel_update(2, "quên mã hồ sơ"),
            callback_update(3, TG_CHAT, "r:agree"),
            sentinel_update(4, "", contact=contact),
            sentinel_update(5, "quên mã hồ sơ"),
            callback_update(6, TG_CHAT, "r:agree"),
            sentinel_update(7, "0903111222"),
        ]
        for update in updates:
            before = len(api.called("sendMessage"))
            assert httpx.post(f"{base}/telegram/webhook", json=update, headers=secret, timeout=10).status_code == 200
            wait_until(lambda before=before: len(api.called("sendMessage")) > before, "a Telegram reply")
        codes.append(code_from_outbox(outbox, "+84903111222"))
        junk = {"update_id": 99, "message": {"chat": SENTINELS[0]}}
        httpx.post(f"{base}/telegram/webhook", json=junk, headers=secret, timeout=10)
        httpx.post(f"{base}/telegram/webhook", json=updates[0], headers={"X-Telegram-Bot-Api-Secret-Token": "wrong"})

        # Zalo webhook: a question and a typed phone number (Zalo has no contact sharing).
        wait_until(lambda: bool(zalo.webhook_url), "the Zalo webhook")
        zalo.deliver(text_update(SENTINELS[2], "zlog-1", ZALO_USER))
        zalo.deliver(text_update("quên mã hồ sơ", "zlog-2", ZALO_USER))
        zalo.deliver(text_update("1", "zlog-3", ZALO_USER))  # «Đồng ý» is the first numbered choice
        zalo.deliver(text_update(ZALO_PHONE, "zlog-4", ZALO_USER))
        wait_until(lambda: len(zalo.texts(ZALO_USER)) >= 4, "Zalo replies")
        assert httpx.get(f"{base}/staff/?token={SECRETS['STAFF_DASHBOARD_TOKEN']}", timeout=10).status_code < 500
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(15)

    logged = log.read_text(errors="replace")
    assert '"level": "debug"' in logged  # the scenario really ran at DEBUG
    forbidden = [*codes, TOKEN, TOKEN.split(":")[1], ZALO_TOKEN, ZALO_TOKEN.split(":")[1], *SECRETS.values()]
    forbidden += [WEB_PHONE, TG_PHONE, ZALO_PHONE, *NATIONAL, *SENTINELS]
    leaks = [value for value in forbidden if value in logged]
    assert leaks == [], leaks
    assert PHONE_LIKE.findall(logged) == []
    assert RAW_BODY.findall(logged) == []
    assert "Traceback" not in logged
