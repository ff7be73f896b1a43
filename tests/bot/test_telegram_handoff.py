"""Hand-off relay both ways through the real Telegram channel, against a fake Bot API on loopback.

A citizen (on Telegram, or on the web chat) asks for a person; the staff group receives the ticket;
a staff member replies to it; the citizen receives the reply; staff close it; the citizen is told.
"""

from __future__ import annotations

import asyncio
import html
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest
from telegram import Update

from bot.app import App
from bot.channels.telegram import TelegramChannel, build_bot
from bot.channels.web import create_web_app
from bot.config import Settings
from bot.services import build_services
from knowledge.library import Knowledge, KnowledgeHolder
from storage import Store
from tests.bot.fake_telegram import BOT_USER, TOKEN, FakeBotApi, callback_update, message_update
from tests.conftest import CATALOGUE

CITIZEN = 4242
STAFF_GROUP = -1001234567890
STAFF_MEMBER = 777001
QUESTION = "Con tôi sinh ở nước ngoài thì đăng ký khai sinh ở đâu ạ?"
_update_ids = iter(range(1, 10_000))


@pytest.fixture(autouse=True)
def ptb_timedelta(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")


@pytest.fixture
async def channel(store: Store, knowledge: Knowledge, api_url: str) -> AsyncIterator[TelegramChannel]:
    """The composed bot with a staff group and office hours that are always open."""
    settings = Settings(
        database_url=store.url,
        catalogue_path=CATALOGUE,
        telegram_bot_token=TOKEN,
        telegram_api_base_url=api_url,
        staff_chat_id=STAFF_GROUP,
        office_hours="",
    )
    services, _ = build_services(settings)
    app = App(settings=settings, store=store, knowledge=KnowledgeHolder(knowledge, CATALOGUE), services=services)
    channel = TelegramChannel(app, build_bot(TOKEN, api_url))
    await channel.setup(None)
    yield channel
    await channel.stop()


def sent_to(api: FakeBotApi, chat: int) -> list[str]:
    return [
        html.unescape(call.params["text"])
        for call in api.called("sendMessage")
        if call.params.get("ok") and call.params["chat_id"] == str(chat)
    ]


async def until(check: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + 10
    while not check():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        await asyncio.sleep(0.02)


async def feed(channel: TelegramChannel, data: dict[str, Any]) -> None:
    await channel.accept(Update.de_json(data, channel.bot))


def in_group(text: str, reply_to: tuple[int, str] | None = None, chat: int = STAFF_GROUP) -> dict[str, Any]:
    """A staff member's message in the group, optionally a reply to the bot's message (id, text)."""
    fields: dict[str, Any] = {"chat": {"id": chat, "type": "supergroup", "title": "Cán bộ một cửa"}}
    if reply_to is not None:
        message_id, replied = reply_to
        fields["reply_to_message"] = {
            "message_id": message_id,
            "date": 1_790_000_000,
            "chat": fields["chat"],
            "from": BOT_USER,
            "text": replied,
        }
    update = message_update(next(_update_ids), STAFF_MEMBER, text, **fields)
    if text.startswith("/"):
        length = len(text.split(" ", 1)[0])
        update["message"]["entities"] = [{"offset": 0, "length": length, "type": "bot_command"}]
    return update


async def card_message(channel: TelegramChannel, ticket_id: int) -> tuple[int, str]:
    """Deliver queued staff messages; the ticket's message id (recorded on the ticket) and its text."""
    await channel.desk.deliver()  # type: ignore[union-attr]
    async with channel.app.store.unit() as unit:
        ticket = await unit.tickets.get(ticket_id)
    assert ticket is not None and ticket.staff_message_id is not None
    return ticket.staff_message_id, f"🆘 Yêu cầu #{ticket_id}"


async def test_relay_both_ways_for_a_telegram_citizen(channel: TelegramChannel, api: FakeBotApi) -> None:
    for update in (
        message_update(next(_update_ids), CITIZEN, "/start"),
        callback_update(next(_update_ids), CITIZEN, "a:gap-can-bo"),
        message_update(next(_update_ids), CITIZEN, QUESTION),
        callback_update(next(_update_ids), CITIZEN, "h:send"),
    ):
        await feed(channel, update)
    await until(lambda: any("yêu cầu số 1" in t for t in sent_to(api, CITIZEN)), "the ticket confirmation")

    ticket_message = await card_message(channel, 1)
    [card] = sent_to(api, STAFF_GROUP)
    assert card.startswith("🆘 Yêu cầu #1 · Telegram") and QUESTION in card

    await feed(channel, in_group("Mời bạn đến UBND phường nơi cư trú, mang hộ chiếu của cháu.", ticket_message))
    await until(lambda: any("👤 Cán bộ trả lời" in t for t in sent_to(api, CITIZEN)), "the staff reply")
    assert sent_to(api, CITIZEN)[-1] == (
        "👤 Cán bộ trả lời (yêu cầu số 1):\nMời bạn đến UBND phường nơi cư trú, mang hộ chiếu của cháu."
    )
    await until(lambda: "✓ Đã chuyển tới người dân (yêu cầu #1)." in sent_to(api, STAFF_GROUP), "the ack")
    ack = [c for c in api.called("sendMessage") if c.params["chat_id"] == str(STAFF_GROUP)][-1]
    assert '"message_id"' in str(ack.params.get("reply_parameters"))  # threaded under the staff reply

    # The citizen writes again: forwarded to the group, not answered by the bot.
    await feed(channel, message_update(next(_update_ids), CITIZEN, "dang ky khai sinh"))
    await until(lambda: sent_to(api, CITIZEN)[-1].startswith("✓ Đã chuyển cho cán bộ"), "the forward")
    await channel.desk.deliver()  # type: ignore[union-attr]
    assert sent_to(api, STAFF_GROUP)[-1] == "💬 Yêu cầu #1 · người dân viết thêm:\ndang ky khai sinh"

    await feed(channel, in_group("/dong", ticket_message))
    await until(lambda: any("Cán bộ đã đóng yêu cầu số 1" in t for t in sent_to(api, CITIZEN)), "the closing")
    closing = [c for c in api.called("sendMessage") if c.params["chat_id"] == str(CITIZEN)][-1]
    assert "a:gap-can-bo" in str(closing.params["reply_markup"])  # the menu again
    await until(lambda: "🔒 Đã đóng yêu cầu #1; người dân đã được báo." in sent_to(api, STAFF_GROUP), "close ack")

    await feed(channel, message_update(next(_update_ids), CITIZEN, "dang ky khai sinh"))
    await until(lambda: sent_to(api, CITIZEN)[-1].startswith("📄 Đăng ký khai sinh"), "a normal answer again")


async def test_relay_to_a_web_chat_citizen_through_api_updates(channel: TelegramChannel, api: FakeBotApi) -> None:
    transport = httpx.ASGITransport(app=create_web_app(channel.app))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as web:

        async def say(text: str = "", payload: str | None = None) -> str:
            body = {"user_id": "webcitizen01", "text": text, "payload": payload}
            replies = (await web.post("/api/messages", json=body)).json()["replies"]
            return "\n".join(reply["text"] for reply in replies)

        await say(payload="a:gap-can-bo")
        assert "Gửi câu hỏi này" in await say(QUESTION)
        assert "yêu cầu số 1" in await say(payload="h:send")
        ticket_message = await card_message(channel, 1)
        assert sent_to(api, STAFF_GROUP)[0].startswith("🆘 Yêu cầu #1 · Web")

        await feed(channel, in_group("Bạn nộp ở UBND phường nhé.", ticket_message))
        await until(lambda: any("✓ Đã chuyển tới người dân" in t for t in sent_to(api, STAFF_GROUP)), "the ack")
        updates = (await web.get("/api/updates", params={"user_id": "webcitizen01"})).json()["replies"]
        assert [u["text"] for u in updates] == ["👤 Cán bộ trả lời (yêu cầu số 1):\nBạn nộp ở UBND phường nhé."]

        await feed(channel, in_group("/dong 1"))
        await until(lambda: any("🔒 Đã đóng yêu cầu #1" in t for t in sent_to(api, STAFF_GROUP)), "the close ack")
        updates = (await web.get("/api/updates", params={"user_id": "webcitizen01"})).json()["replies"]
        assert "Cán bộ đã đóng yêu cầu số 1" in updates[0]["text"] and updates[0]["buttons"]
        assert (await say("dang ky khai sinh")).startswith("📄 Đăng ký khai sinh")


async def test_only_the_staff_group_can_answer_or_close(channel: TelegramChannel, api: FakeBotApi) -> None:
    await feed(channel, callback_update(next(_update_ids), CITIZEN, "a:gap-can-bo"))
    await feed(channel, message_update(next(_update_ids), CITIZEN, QUESTION))
    await feed(channel, callback_update(next(_update_ids), CITIZEN, "h:send"))
    await until(lambda: any("yêu cầu số 1" in t for t in sent_to(api, CITIZEN)), "the ticket confirmation")
    message_id, text = await card_message(channel, 1)

    other_group = -1009999
    await feed(channel, in_group("/dong 1", chat=other_group))
    await feed(channel, in_group("Trả lời giả mạo", (message_id, text), chat=other_group))
    await feed(channel, in_group("chiều nay ai trực?"))  # staff talking among themselves: no answer
    await feed(channel, in_group("Chào bạn, cán bộ đây.", (message_id, text)))
    await until(lambda: any("Chào bạn, cán bộ đây." in t for t in sent_to(api, CITIZEN)), "the real staff reply")
    async with channel.app.store.unit() as unit:
        ticket = await unit.tickets.get(1)
    assert ticket is not None and ticket.open
    assert not any("giả mạo" in t for t in sent_to(api, CITIZEN))
    assert sent_to(api, STAFF_GROUP)[1:] == ["✓ Đã chuyển tới người dân (yêu cầu #1)."]
