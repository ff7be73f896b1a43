"""Zalo end to end: the real `python -m bot run` against a fake Zalo Bot API on loopback, both modes."""

from __future__ import annotations

import asyncio
import datetime as dt
import secrets
import signal
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from storage import Store
from tests.bot.fake_zalo import BOT_ID, FakeZalo, event_update, numbered_choices, text_update
from tests.bot.helpers import free_port, start_server

TOKEN = "3218745692:zaloTESTtoken_kQ2mZx9Vw7pL"
USER = "6ede9afa66b88fe6d6a9"
HELP_START = "Cách dùng trợ lý:"
MENU_START = "Bạn muốn làm gì?"
TEXT_ONLY_START = "Xin lỗi, tôi chỉ đọc được tin nhắn chữ."


@pytest.fixture
def zalo() -> Iterator[FakeZalo]:
    fake = FakeZalo(TOKEN).start()
    yield fake
    fake.stop()


class Citizen:
    """One Zalo user: each `say` is a new update; returns every message the bot sent back."""

    def __init__(self, zalo: FakeZalo, send: Callable[[dict[str, Any]], None], user: str = USER) -> None:
        self.zalo, self.send, self.user = zalo, send, user
        self.prefix = secrets.token_hex(4)
        self.count = 0
        self.last_update: dict[str, Any] = {}

    def next_id(self) -> str:
        self.count += 1
        return f"{self.prefix}{self.count:012d}"

    def deliver(self, update: dict[str, Any]) -> list[str]:
        before = len(self.zalo.texts(self.user))
        self.send(update)
        return self.zalo.new_texts(self.user, before)

    def say(self, text: str, *, wrapped: bool = False) -> list[str]:
        self.last_update = text_update(text, self.next_id(), self.user, wrapped=wrapped)
        return self.deliver(self.last_update)

    def only_help_follows(self) -> None:
        """Ask for help: nothing else may arrive first (one chat's messages are answered in order)."""
        replies = self.say("/trogiup")
        assert len(replies) == 1, replies
        assert replies[0].startswith(HELP_START)


def dialogue(citizen: Citizen) -> str:
    """The issue's Zalo scenario up to step 1 of the khai sinh walkthrough; returns the step text."""
    greeting = "\n".join(citizen.say("/start", wrapped=True))
    assert "Trả lời bằng số: 1, 2" in greeting
    assert "\n1. " in greeting

    card = "\n".join(citizen.say("dang ky khai sinh"))
    assert "📄 Đăng ký khai sinh" in card
    assert numbered_choices(card)["Bắt đầu hướng dẫn"] == "1"
    assert all(len(part) <= 2000 for part in citizen.zalo.texts(citizen.user))

    replies = citizen.say("1")
    for _ in range(12):  # answer the walkthrough's questions (if any) with numbers until step 1
        if any("Bước 1/" in text for text in replies):
            break
        choices = numbered_choices(replies[-1])
        assert choices, replies
        preferred = ("Bắt đầu các bước", "Tôi đã có đủ")
        number = next((choices[label] for label in preferred if label in choices), "1")
        replies = citizen.say(number)
    step = next(text for text in replies if "Bước 1/" in text)
    assert "Trả lời bằng số" in step
    return step


def stop(server: subprocess.Popen[bytes], log: Path) -> str:
    server.send_signal(signal.SIGTERM)
    server.wait(15)
    text = log.read_text(errors="replace")
    assert TOKEN not in text
    assert TOKEN.split(":", 1)[1] not in text
    assert "Traceback" not in text
    return text


def test_webhook_mode(zalo: FakeZalo, tmp_path: Path) -> None:
    port, secret = free_port(), secrets.token_urlsafe(32)
    hook = f"http://127.0.0.1:{port}/zalo/webhook"
    env = {"ZALO_BOT_TOKEN": TOKEN, "ZALO_API_BASE_URL": zalo.url, "ZALO_WEBHOOK_URL": hook}
    log = tmp_path / "server.log"
    server = start_server(tmp_path / "bot.db", port, log, ZALO_WEBHOOK_SECRET=secret, LOG_LEVEL="DEBUG", **env)
    try:
        zalo.wait_for(lambda: zalo.webhook_url == hook)
        assert zalo.webhook_secret == secret
        assert "getUpdates" not in zalo.methods()

        def send(update: dict[str, Any]) -> None:
            assert zalo.deliver(update).status_code == 200

        citizen = Citizen(zalo, send)
        dialogue(citizen)

        # A replayed event is acknowledged and produces no second reply.
        assert zalo.deliver(citizen.last_update).status_code == 200
        citizen.only_help_follows()

        # A wrong, missing or differently cased secret gets 401 and changes nothing.
        forged = text_update("/menu", citizen.next_id(), USER)
        for wrong in ("wrong-secret", "", secret.swapcase(), secret + "x", secret[:-1]):
            assert zalo.deliver(forged, secret=wrong).status_code == 401
        assert httpx.post(hook, json=forged, timeout=10).status_code == 401
        citizen.only_help_follows()
        # …and was not claimed: the same event, properly signed, is answered.
        assert citizen.deliver(forged)[0].startswith(MENU_START)

        # Malformed JSON is refused; an unknown event, a sticker, an echo are handled politely.
        headers = {"X-Bot-Api-Secret-Token": secret, "content-type": "application/json"}
        assert httpx.post(hook, content=b"{not json", headers=headers, timeout=10).status_code == 400
        assert httpx.post(hook, content=b"x" * 70_000, headers=headers, timeout=10).status_code == 413
        assert zalo.deliver({"event_name": "user.follow", "message": {}}).status_code == 200
        sticker = event_update("message.sticker.received", citizen.next_id(), USER, sticker="abc", url="https://x/s")
        [kind] = citizen.deliver(sticker)
        assert kind.startswith(TEXT_ONLY_START)
        echo = text_update("/menu", citizen.next_id(), BOT_ID)
        echo["message"]["chat"]["id"] = USER
        assert zalo.deliver(echo).status_code == 200
        citizen.only_help_follows()

        # ok=false with HTTP 200: a transient error is retried, a permanent one logged; nothing crashes.
        zalo.fail_next("sendMessage", 403, "internal server error")
        assert citizen.say("/menu")[0].startswith(MENU_START)
        zalo.fail_next("sendMessage", 400, "Bad Request")
        calls = zalo.methods().count("sendMessage")
        send(text_update("/menu", citizen.next_id(), USER))
        zalo.wait_for(lambda: zalo.methods().count("sendMessage") > calls)
        citizen.only_help_follows()
    finally:
        text = stop(server, log)
    assert '"zalo call retried"' in text
    assert '"zalo send failed"' in text


def _enqueue_reminder(db: Path) -> None:
    async def enqueue() -> None:
        store = Store(f"sqlite+aiosqlite:///{db}")
        await store.upgrade()
        async with store.unit() as unit:
            reply = {"text": "🔔 Nhắc bạn: hướng dẫn đang dừng.", "buttons": [{"label": "Về menu", "payload": "menu"}]}
            await unit.outbox.enqueue("zalo", USER, USER, [reply], dt.datetime.now(dt.UTC))
        await store.close()

    asyncio.run(enqueue())


def test_polling_mode_with_outbox_and_restart(zalo: FakeZalo, tmp_path: Path) -> None:
    db, log, port = tmp_path / "bot.db", tmp_path / "server.log", free_port()
    _enqueue_reminder(db)
    zalo.webhook_url = "https://old.example/hook"  # polling gets nothing until the webhook is deleted
    zalo.fail_next("getMe", 403, "internal server error")
    zalo.fail_next("getUpdates", 500, "internal server error")
    env = {"ZALO_BOT_TOKEN": TOKEN, "ZALO_API_BASE_URL": zalo.url, "JOBS_INTERVAL_SECONDS": "0.3"}
    server = start_server(db, port, log, LOG_LEVEL="DEBUG", **env)
    citizen = Citizen(zalo, zalo.queue_update)
    try:
        # The outbox reminder is delivered, numbered; typing its number presses its button.
        zalo.wait_for(lambda: any(t.startswith("🔔 Nhắc bạn") for t in zalo.texts(USER)))
        assert "1. Về menu" in zalo.texts(USER)[-1]
        assert citizen.say("1")[0].startswith(MENU_START)

        methods = zalo.methods()
        assert methods.index("deleteWebhook") < methods.index("getUpdates")
        assert zalo.webhook_url == ""

        dialogue(citizen)
        zalo.queue_update(citizen.last_update)  # replayed: no second reply
        citizen.only_help_follows()
        replayed = citizen.last_update
    finally:
        stop(server, log)

    # Dedupe survives a restart; the delivered reminder is not sent again.
    zalo.queue_update(replayed)
    server = start_server(db, port, log, LOG_LEVEL="DEBUG", **env)
    try:
        citizen.only_help_follows()
        assert sum(t.startswith("🔔 Nhắc bạn") for t in zalo.texts(USER)) == 1
    finally:
        text = stop(server, log)
    assert '"zalo call failed; retrying"' in text
