"""The Telegram channel against a fake Bot API on loopback: dedupe, order, 429s, blocked users, outbox."""

from __future__ import annotations

import asyncio
import datetime as dt
import html
import time
from collections.abc import AsyncIterator

import httpx
import pytest
from pydantic import SecretStr
from telegram import Update

from bot.app import App
from bot.channels.telegram import TelegramChannel, build_bot, start_telegram
from bot.channels.telegram_pacing import PacedRateLimiter
from bot.channels.telegram_webhook import SECRET_HEADER, webhook_route
from bot.channels.web import create_web_app
from bot.config import Settings
from handlers.types import Ask, Button, Reply, reply_to_dict
from knowledge.library import Knowledge, KnowledgeHolder
from storage import Store
from tests.bot.fake_telegram import TOKEN, FakeBotApi, callback_update, message_update
from tests.conftest import CATALOGUE

CHAT = 4242
SECRET = "W" * 40


@pytest.fixture(autouse=True)
def ptb_timedelta(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")


@pytest.fixture
async def app(store: Store, knowledge: Knowledge, api_url: str) -> App:
    """The composed bot on a fresh database; the catalogue is loaded once per session."""
    settings = Settings(
        database_url=store.url, catalogue_path=CATALOGUE, telegram_bot_token=TOKEN, telegram_api_base_url=api_url
    )
    return App(settings=settings, store=store, knowledge=KnowledgeHolder(knowledge, CATALOGUE))


async def open_channel(app: App, api_url: str, **limits: float) -> TelegramChannel:
    limiter = PacedRateLimiter(**limits) if limits else None  # type: ignore[arg-type]
    channel = TelegramChannel(app, build_bot(TOKEN, api_url, limiter))
    await channel.setup(None)
    return channel


@pytest.fixture
async def channel(app: App, api_url: str) -> AsyncIterator[TelegramChannel]:
    channel = await open_channel(app, api_url)
    yield channel
    await channel.stop()


async def feed(channel: TelegramChannel, *updates: dict[str, object]) -> None:
    """Accept updates as polling would, then wait until their replies are sent."""
    for data in updates:
        await channel.accept(Update.de_json(data, channel.bot))
    await channel.chats.close(grace=20)


def keyboards(api: FakeBotApi) -> list[list[str]]:
    return [
        [row[0]["callback_data"] for row in call.params["reply_markup"]["inline_keyboard"]]
        for call in api.called("sendMessage")
        if "inline_keyboard" in call.params.get("reply_markup", {})
    ]


async def test_setup_publishes_vietnamese_commands_and_removes_the_webhook(
    channel: TelegramChannel, api: FakeBotApi
) -> None:
    [commands] = api.called("setMyCommands")
    assert [c["command"] for c in commands.params["commands"]] == ["start", "menu", "huy", "trogiup", "xoa_du_lieu"]
    assert api.called("deleteWebhook")[0].params["drop_pending_updates"] == "false"


async def test_start_shows_the_menu_with_inline_buttons_in_html(channel: TelegramChannel, api: FakeBotApi) -> None:
    await feed(channel, message_update(1, CHAT, "/start"))
    [call] = api.called("sendMessage")
    assert call.params["chat_id"] == str(CHAT)
    assert call.params["parse_mode"] == "HTML"
    assert "Xin chào" in call.params["text"]
    assert keyboards(api) == [["m:search", "a:tra-cuu-ho-so", "a:quen-ma-ho-so", "a:gap-can-bo"]]


async def test_deep_link_start_payload_reaches_the_engine(channel: TelegramChannel, api: FakeBotApi) -> None:
    await feed(channel, message_update(1, CHAT, "/start khai-sinh"))
    assert any(html.unescape(text).startswith("📄 Đăng ký khai sinh") for text in api.sent_texts())


async def test_button_press_is_answered_and_continues(channel: TelegramChannel, api: FakeBotApi) -> None:
    await feed(channel, message_update(1, CHAT, "dang ky khai sinh"), callback_update(2, CHAT, "d:khai-sinh"))
    assert len(api.called("answerCallbackQuery")) == 1
    assert "Giấy tờ cần chuẩn bị" in html.unescape(api.sent_texts()[-1])


async def test_replayed_update_gets_no_second_reply_even_after_a_restart(
    app: App, api_url: str, channel: TelegramChannel, api: FakeBotApi
) -> None:
    update = message_update(7, CHAT, "dang ky khai sinh")
    await feed(channel, update, update)
    assert len(api.called("sendMessage")) == 1
    restarted = await open_channel(app, api_url)
    try:
        await feed(restarted, update)
    finally:
        await restarted.stop()
    assert len(api.called("sendMessage")) == 1


async def test_one_chats_updates_are_answered_in_order(channel: TelegramChannel, api: FakeBotApi) -> None:
    other = CHAT + 1
    await feed(
        channel,
        message_update(1, CHAT, "/start"),
        message_update(2, other, "/trogiup"),
        message_update(3, CHAT, "dang ky khai sinh"),
        callback_update(4, CHAT, "d:khai-sinh"),
    )
    mine = [html.unescape(c.params["text"]) for c in api.called("sendMessage") if c.params["chat_id"] == str(CHAT)]
    assert "Xin chào" in mine[0]
    assert mine[1].startswith("📄 Đăng ký khai sinh")
    assert "Giấy tờ cần chuẩn bị" in mine[2]


async def test_429_waits_retry_after_then_sends_once(channel: TelegramChannel, api: FakeBotApi) -> None:
    api.fail("sendMessage", 429, "Too Many Requests: retry after 1", retry_after=1)
    await feed(channel, message_update(1, CHAT, "/trogiup"))
    first, second = api.called("sendMessage")
    assert second.at - first.at >= 1.0
    assert len(api.sent_texts()) == 1
    async with channel.app.store.unit() as unit:
        assert await unit.outbox.pending("telegram") == []


async def test_persistent_429_keeps_the_reply_in_the_outbox_until_it_can_be_sent(
    app: App, api_url: str, api: FakeBotApi
) -> None:
    channel = await open_channel(app, api_url, max_retries=1)
    try:
        api.fail("sendMessage", 429, "Too Many Requests: retry after 1", retry_after=1, times=2)
        await feed(channel, message_update(1, CHAT, "/trogiup"))
        assert api.sent_texts() == []
        async with app.store.unit() as unit:
            [item] = await unit.outbox.pending("telegram")
        assert item.chat_id == str(CHAT) and "Cách dùng trợ lý" in item.replies[0]["text"]

        assert await channel.deliver_outbox() == 1
        await channel.chats.close(grace=10)
        assert len(api.sent_texts()) == 1 and "Cách dùng trợ lý" in api.sent_texts()[0]
        async with app.store.unit() as unit:
            assert await unit.outbox.pending("telegram") == []
    finally:
        await channel.stop()


async def test_blocked_user_is_recorded_and_not_retried(app: App, channel: TelegramChannel, api: FakeBotApi) -> None:
    api.fail("sendMessage", 403, "Forbidden: bot was blocked by the user", times=2)
    await feed(channel, message_update(1, CHAT, "/trogiup"))
    async with app.store.unit() as unit:
        await unit.outbox.enqueue("telegram", str(CHAT), str(CHAT), [{"text": "Nhắc bạn", "buttons": []}], _now())
    await channel.deliver_outbox()
    await channel.chats.close(grace=10)
    assert await channel.deliver_outbox() == 0  # the reminder is closed, not retried
    assert len(api.called("sendMessage")) == 2
    async with app.store.unit() as unit:
        assert await unit.events.counts("blocked", _now() - dt.timedelta(hours=1)) == [(None, None, 2)]


def membership_update(update_id: int, status: str) -> dict[str, object]:
    person = {"id": CHAT, "is_bot": False, "first_name": "Lan"}
    bot = {"id": 123456, "is_bot": True, "first_name": "Trợ lý", "username": "TroLyDvcBot"}
    change = {
        "chat": {"id": CHAT, "type": "private", "first_name": "Lan"},
        "from": person,
        "date": 1_790_000_000,
        "old_chat_member": {"status": "member", "user": bot},
        "new_chat_member": {"status": status, "user": bot, **({"until_date": 0} if status == "kicked" else {})},
    }
    return {"update_id": update_id, "my_chat_member": change}


async def test_blocking_the_bot_drops_waiting_messages_and_is_counted_once(
    app: App, channel: TelegramChannel, api: FakeBotApi
) -> None:
    async with app.store.unit() as unit:
        await unit.outbox.enqueue("telegram", str(CHAT), str(CHAT), [{"text": "Nhắc bạn", "buttons": []}], _now())
    blocked = membership_update(7, "kicked")
    await feed(channel, blocked, blocked)  # Telegram's redelivery is not counted again
    assert await channel.deliver_outbox() == 0
    await feed(channel, membership_update(8, "member"))  # unblocked: nothing to say until they write
    assert api.called("sendMessage") == []
    async with app.store.unit() as unit:
        assert await unit.events.counts("blocked", _now() - dt.timedelta(hours=1)) == [(None, None, 1)]


async def test_outbox_reminder_is_delivered_with_its_buttons(
    app: App, channel: TelegramChannel, api: FakeBotApi
) -> None:
    reminder = Reply("Bạn đang làm dở «Đăng ký khai sinh».", (Button("Tiếp tục", "w:resume"),))
    async with app.store.unit() as unit:
        await unit.outbox.enqueue("telegram", str(CHAT), str(CHAT), [reply_to_dict(reminder)], _now())
        await unit.outbox.enqueue("web", "w1", "w1", [reply_to_dict(reminder)], _now())
    assert await channel.deliver_outbox() == 1
    await channel.chats.close(grace=10)
    assert keyboards(api) == [["w:resume"]]
    async with app.store.unit() as unit:
        assert await unit.outbox.pending("telegram") == []
        assert len(await unit.outbox.pending("web")) == 1


async def test_contact_keyboard_is_shown_then_removed(channel: TelegramChannel, api: FakeBotApi) -> None:
    await channel.deliver(str(CHAT), [Reply("Bấm nút để gửi số điện thoại của bạn.", ask=Ask.PHONE)])
    await channel.deliver(str(CHAT), [Reply("Đã nhận.")])
    asked, answered = api.called("sendMessage")
    assert asked.params["reply_markup"]["keyboard"][0][0]["request_contact"] is True
    assert answered.params["reply_markup"] == {"remove_keyboard": True}


async def test_long_reply_is_split_with_buttons_on_the_last_part(channel: TelegramChannel, api: FakeBotApi) -> None:
    text = "\n".join(f"Dòng {n}: <giấy tờ> & lệ phí " + "." * 60 for n in range(100))
    await channel.deliver(str(CHAT), [Reply(text, (Button("Về danh sách chính", "menu"),))])
    calls = api.called("sendMessage")
    assert len(calls) == 3
    assert all(len(html.unescape(c.params["text"])) <= 4096 for c in calls)
    assert "\n".join(html.unescape(c.params["text"]) for c in calls) == text
    assert ["reply_markup" in c.params for c in calls] == [False, False, True]


async def test_polling_moves_the_offset_only_past_claimed_updates(channel: TelegramChannel, api: FakeBotApi) -> None:
    api.updates = [message_update(10, CHAT, "/start"), message_update(11, CHAT, "/trogiup")]
    poller = asyncio.create_task(channel.poll())
    try:
        deadline = time.monotonic() + 10
        while len(api.sent_texts()) < 2 or not any(c.params.get("offset") == "12" for c in api.called("getUpdates")):
            assert time.monotonic() < deadline, api.calls
            await asyncio.sleep(0.05)
    finally:
        poller.cancel()
    assert api.called("getUpdates")[0].params.get("offset") is None
    assert api.called("getUpdates")[0].params["allowed_updates"] == '["message", "callback_query", "my_chat_member"]'


async def test_webhook_through_our_web_server(app: App, channel: TelegramChannel, api: FakeBotApi) -> None:
    app.web_routes.append(webhook_route("/telegram/webhook", SECRET, channel.accept_json))
    transport = httpx.ASGITransport(app=create_web_app(app))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        wrong = await client.post(
            "/telegram/webhook", json=message_update(1, CHAT, "/start"), headers={SECRET_HEADER: "x"}
        )
        right = await client.post(
            "/telegram/webhook", json=message_update(2, CHAT, "/start"), headers={SECRET_HEADER: SECRET}
        )
        replay = await client.post(
            "/telegram/webhook", json=message_update(2, CHAT, "/start"), headers={SECRET_HEADER: SECRET}
        )
        odd = await client.post(
            "/telegram/webhook", json={"update_id": "x", "message": 5}, headers={SECRET_HEADER: SECRET}
        )
    await channel.chats.close(grace=10)
    assert [wrong.status_code, right.status_code, replay.status_code, odd.status_code] == [401, 200, 200, 200]
    assert len(api.called("sendMessage")) == 1
    async with app.store.unit() as unit:
        assert await unit.inbox.claim("telegram", "1", _now())  # the refused update was never claimed


async def test_start_telegram_registers_the_webhook_route_and_secret(app: App, api: FakeBotApi) -> None:
    app.settings.telegram_webhook_url = "https://bot.example.vn/hook/tg"
    app.settings.telegram_webhook_secret = SecretStr(SECRET)
    stop = await start_telegram(app)
    try:
        assert [getattr(route, "path", None) for route in app.web_routes] == ["/hook/tg"]
        deadline = time.monotonic() + 10
        while not api.called("setWebhook"):
            assert time.monotonic() < deadline
            await asyncio.sleep(0.05)
    finally:
        await stop()
    [call] = api.called("setWebhook")
    assert call.params["url"] == "https://bot.example.vn/hook/tg"
    assert call.params["secret_token"] == SECRET
    assert not api.called("getUpdates")


async def test_start_telegram_refuses_a_weak_webhook_secret(app: App) -> None:
    app.settings.telegram_webhook_url = "https://bot.example.vn/hook/tg"
    app.settings.telegram_webhook_secret = SecretStr("short")
    with pytest.raises(ValueError, match="32"):
        await start_telegram(app)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)
