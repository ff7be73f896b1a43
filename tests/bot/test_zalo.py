"""Zalo channel in process: rendering limits, update parsing, the API client and the webhook endpoint."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
import unicodedata
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import SecretStr
from starlette.routing import Route

from bot.app import App, build_app
from bot.channels.chat_queues import ChatQueues
from bot.channels.web import create_web_app
from bot.channels.zalo import TEXT_ONLY, ZaloChannel, start_zalo, webhook_path
from bot.channels.zalo_api import Backoff, RedactToken, ZaloApi, ZaloError
from bot.channels.zalo_render import MAX_CHARS, TYPE_PHONE, parse_update, render, reply_from_dict
from bot.config import Settings
from handlers.types import Ask, Button, Reply
from tests.bot.fake_zalo import event_update, numbered_choices, text_update
from tests.conftest import CATALOGUE

TOKEN = "1122334455:unit-test-token-AbC"
SECRET = "S3cr3t_" + "x" * 30
USER = "6ede9afa66b88fe6d6a9"


def utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


# Rendering.


def test_buttons_become_a_numbered_menu() -> None:
    reply = Reply(
        "Chọn một mục:", (Button("Tìm thủ tục", "m:search"), Button("Tra cứu", "a:x"), Button("Gặp cán bộ", "b"))
    )
    assert render(reply) == [
        "Chọn một mục:\n\n1. Tìm thủ tục\n2. Tra cứu\n3. Gặp cán bộ\nTrả lời bằng số: 1, 2 hoặc 3."
    ]
    assert render(Reply("Tiếp?", (Button("Có", "y"),))) == ["Tiếp?\n\n1. Có\nTrả lời bằng số: 1."]
    assert render(Reply("Chỉ chữ")) == ["Chỉ chữ"]


@pytest.mark.parametrize(("length", "parts"), [(1, 1), (1999, 1), (2000, 1), (2001, 2), (4000, 2), (4001, 3)])
def test_text_is_split_at_2000_characters(length: int, parts: int) -> None:
    rendered = render(Reply("a" * length))
    assert [len(part) for part in rendered][:-1] == [MAX_CHARS] * (parts - 1)
    assert len(rendered) == parts
    assert "".join(rendered) == "a" * length


def test_long_vietnamese_text_splits_at_line_breaks_and_keeps_every_word() -> None:
    lines = [f"Dòng {n}: hướng dẫn nộp hồ sơ đăng ký khai sinh trực tuyến." for n in range(400)]
    rendered = render(Reply("\n".join(lines)))
    assert len(rendered) > 1
    assert all(len(part) <= MAX_CHARS for part in rendered)
    assert "\n".join(rendered).split("\n") == lines


def test_emoji_stay_within_2000_utf16_units_and_nothing_is_lost() -> None:
    text = "😀" * 2500
    rendered = render(Reply(text))
    assert all(utf16(part) <= MAX_CHARS for part in rendered)
    assert "".join(rendered) == text


def test_decomposed_vietnamese_is_sent_precomposed() -> None:
    nfd = unicodedata.normalize("NFD", "Nguyễn Văn Bệnh")
    assert render(Reply(nfd)) == ["Nguyễn Văn Bệnh"]


def test_phone_request_becomes_typed_text() -> None:
    [text] = render(Reply("Để tìm hồ sơ, tôi cần số điện thoại của bạn.", ask=Ask.PHONE))
    assert text.endswith(TYPE_PHONE)


def test_outbox_replies_become_replies() -> None:
    raw = {"text": "Nhắc bạn", "buttons": [{"label": "Tiếp tục", "payload": "w:show"}], "ask": "phone"}
    assert reply_from_dict(raw) == Reply("Nhắc bạn", (Button("Tiếp tục", "w:show"),), Ask.PHONE)
    assert reply_from_dict({"text": "Chỉ chữ"}) == Reply("Chỉ chữ")


# Parsing updates.


@pytest.mark.parametrize("wrapped", [True, False])
def test_wrapped_and_unwrapped_updates_parse_alike(wrapped: bool) -> None:
    message = parse_update(text_update("dang ky khai sinh", "m1", USER, wrapped=wrapped))
    assert message is not None
    assert (message.event, message.message_id, message.user_id, message.chat_id) == (
        "message.text.received",
        "m1",
        USER,
        USER,
    )
    assert message.text == "dang ky khai sinh"
    assert not message.from_bot
    assert not message.group


def test_group_chat_and_numeric_ids() -> None:
    update = text_update("hi", "m2", USER)
    update["message"]["chat"] = {"id": 123456789012345678901, "chat_type": "GROUP"}
    message = parse_update(update)
    assert message is not None
    assert message.chat_id == "123456789012345678901"
    assert message.group


@pytest.mark.parametrize(
    "body",
    [
        None,
        [],
        "text",
        {},
        {"ok": False, "error_code": 408, "description": "Request timeout"},
        {"ok": True, "result": None},
        {"event_name": "message.text.received"},
        {"event_name": "message.text.received", "message": {"text": "no ids"}},
        {"event_name": "user.follow", "message": {"from": {"id": "u"}, "message_id": "m"}},
        {"event_name": 5, "message": {}},
        text_update("x", "m" * 65, USER),
        text_update("x", "m3", True),  # type: ignore[arg-type]  # a boolean sender id
    ],
)
def test_unusable_bodies_are_ignored(body: Any) -> None:
    assert parse_update(body) is None


def test_other_message_events_are_kept_for_a_polite_answer() -> None:
    for event in ("message.sticker.received", "message.image.received", "message.unsupported.received"):
        message = parse_update(event_update(event, "m4", USER))
        assert message is not None
        assert message.event == event


def test_webhook_path_follows_the_public_url() -> None:
    assert webhook_path("https://bot.example.vn/hooks/zalo") == "/hooks/zalo"
    assert webhook_path("https://bot.example.vn") == "/zalo/webhook"
    assert webhook_path(None) == "/zalo/webhook"


# The API client.


class Platform:
    """An `httpx.MockTransport` handler: scripted answers per method, every call recorded."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.script: dict[str, list[httpx.Response | Exception]] = {}

    def __call__(self, request: httpx.Request) -> httpx.Response:
        method = request.url.path.rsplit("/", 1)[-1]
        self.calls.append((method, json.loads(request.content or b"{}")))
        scripted = self.script.get(method)
        if scripted:
            answer = scripted.pop(0)
            if isinstance(answer, Exception):
                raise answer
            return answer
        if method == "getMe":
            return httpx.Response(200, json={"ok": True, "result": {"id": "bot-1", "account_name": "Bot"}})
        return httpx.Response(200, json={"ok": True, "result": {"message_id": "s1", "date": 0}})

    def sent(self) -> list[str]:
        return [params["text"] for method, params in self.calls if method == "sendMessage"]


def error(code: int, description: str = "error") -> httpx.Response:
    return httpx.Response(200, json={"ok": False, "error_code": code, "description": description})


def api_for(platform: Platform) -> ZaloApi:
    return ZaloApi(
        "http://zalo.test",
        SecretStr(TOKEN),
        backoff=Backoff(base=0.001, rate_limited=0.001),
        transport=httpx.MockTransport(platform),
    )


async def test_ok_false_with_http_200_raises_and_is_not_retried_when_permanent() -> None:
    platform = Platform()
    platform.script["sendMessage"] = [error(400, "Bad Request")]
    api = api_for(platform)
    with pytest.raises(ZaloError) as raised:
        await api.send_message(USER, "xin chào")
    assert (raised.value.code, raised.value.transient) == (400, False)
    assert len(platform.calls) == 1
    await api.close()


async def test_transient_failures_are_retried_with_backoff() -> None:
    platform = Platform()
    platform.script["sendMessage"] = [error(403, "internal server error"), httpx.Response(502), error(429)]
    api = api_for(platform)
    await api.send_message(USER, "xin chào")
    assert platform.sent() == ["xin chào"] * 4
    await api.close()


async def test_unreachable_platform_gives_an_error_without_the_token() -> None:
    platform = Platform()
    platform.script["getMe"] = [httpx.ConnectError("refused")] * 4
    api = api_for(platform)
    with pytest.raises(ZaloError) as raised:
        await api.get_me()
    assert raised.value.code == 0
    assert raised.value.__cause__ is None
    assert raised.value.__suppress_context__
    assert TOKEN not in str(raised.value)
    await api.close()


async def test_idle_poll_is_empty_and_updates_come_one_or_many() -> None:
    platform = Platform()
    update = text_update("hi", "m5", USER)
    platform.script["getUpdates"] = [
        error(408, "Request timeout"),
        httpx.Response(200, json={"ok": True, "result": update}),
        httpx.Response(200, json={"ok": True, "result": [update, update]}),
        error(401, "Unauthorized"),
    ]
    api = api_for(platform)
    assert await api.get_updates(1) == []
    assert await api.get_updates(1) == [update]
    assert await api.get_updates(1) == [update, update]
    with pytest.raises(ZaloError):
        await api.get_updates(1)
    assert platform.calls[0][1] == {"timeout": "1"}
    await api.close()


def test_token_is_redacted_from_transport_logs() -> None:
    record = logging.LogRecord("httpx", logging.INFO, "", 0, "HTTP Request: POST %s", (f"http://z/bot{TOKEN}/x",), None)
    assert RedactToken(TOKEN).filter(record)
    assert TOKEN not in record.getMessage()
    assert "bot<token>/x" in record.getMessage()


async def test_one_chat_in_order_other_chats_alongside_failures_isolated() -> None:
    queues, seen = ChatQueues(), []
    gate = asyncio.Event()

    async def job(name: str, wait: bool = False, fail: bool = False) -> None:
        if wait:
            await gate.wait()
        if fail:
            raise RuntimeError(name)
        seen.append(name)

    queues.put("a", lambda: job("a1", wait=True))
    queues.put("a", lambda: job("a2", fail=True))
    queues.put("a", lambda: job("a3"))
    await queues.run("b", lambda: job("b1"))
    assert seen == ["b1"]  # chat b did not wait for chat a
    gate.set()
    await queues.run("a", lambda: job("a4"))
    assert seen == ["b1", "a1", "a3", "a4"]
    assert queues.busy == 0


# The webhook endpoint and the channel, in process.


@pytest.fixture
async def app(tmp_path: Path) -> AsyncIterator[App]:
    settings = Settings(
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'zalo.db'}",
        catalogue_path=CATALOGUE,
        zalo_bot_token=SecretStr(TOKEN),
        zalo_webhook_secret=SecretStr(SECRET),
    )
    app = await build_app(settings)
    yield app
    await app.close()


@pytest.fixture
def platform() -> Platform:
    return Platform()


@pytest.fixture
async def channel(app: App, platform: Platform) -> AsyncIterator[ZaloChannel]:
    channel = ZaloChannel(app, api_for(platform), secret=SECRET)
    app.web_routes.append(Route("/zalo/webhook", channel.webhook, methods=["POST"]))
    yield channel
    await channel.stop()


@pytest.fixture
async def client(app: App, channel: ZaloChannel) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=create_web_app(app))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client


async def post(client: httpx.AsyncClient, body: Any, secret: str | None = SECRET, raw: bytes | None = None) -> int:
    headers = {"content-type": "application/json"}
    if secret is not None:
        headers["X-Bot-Api-Secret-Token"] = secret
    content = raw if raw is not None else json.dumps(body).encode()
    return (await client.post("/zalo/webhook", content=content, headers=headers)).status_code


async def settled(channel: ZaloChannel) -> None:
    for _ in range(500):
        if channel.queues.busy == 0:
            return
        await asyncio.sleep(0.01)
    raise AssertionError("replies still pending")


@pytest.mark.parametrize("secret", [None, "", "wrong", SECRET.upper(), SECRET[:-1], "é" * 40, "x" * 257])
async def test_wrong_secret_gets_401_and_changes_nothing(
    client: httpx.AsyncClient, channel: ZaloChannel, platform: Platform, secret: str | None
) -> None:
    update = text_update("/start", "m-forged", USER)
    headers = {"X-Bot-Api-Secret-Token": secret.encode()} if secret is not None else {}
    response = await client.post("/zalo/webhook", json=update, headers=headers)
    assert response.status_code == 401
    await settled(channel)
    assert platform.sent() == []
    assert await post(client, update) == 200  # not claimed by the forged delivery
    await settled(channel)
    assert platform.sent()


async def test_text_is_answered_once_even_when_replayed(
    client: httpx.AsyncClient, channel: ZaloChannel, platform: Platform
) -> None:
    update = text_update("dang ky khai sinh", "m-1", USER)
    assert await post(client, update) == 200
    assert await post(client, {"ok": True, "result": update}) == 200
    await settled(channel)
    [card] = platform.sent()
    assert card.startswith("📄 Đăng ký khai sinh")
    assert "1. Bắt đầu hướng dẫn" in card
    assert await post(client, text_update("1", "m-2", USER)) == 200
    await settled(channel)
    assert platform.calls[-1][1]["chat_id"] == USER
    assert len(platform.sent()) > 1  # "1" pressed "Bắt đầu hướng dẫn"


async def test_recovery_asks_to_type_the_phone_on_zalo(
    client: httpx.AsyncClient, channel: ZaloChannel, platform: Platform
) -> None:
    """Zalo cannot share a contact: after consent the citizen is asked to type the number (SMS path)."""
    assert await post(client, text_update("quên mã hồ sơ", "m-r1", USER)) == 200
    await settled(channel)
    agree = numbered_choices(platform.sent()[-1])["Đồng ý"]
    assert await post(client, text_update(agree, "m-r2", USER)) == 200
    await settled(channel)
    asked = platform.sent()[-1]
    assert "gõ số điện thoại" in asked
    assert "Chia sẻ số điện thoại" not in asked


async def test_sticker_echo_unknown_and_malformed_bodies(
    client: httpx.AsyncClient, channel: ZaloChannel, platform: Platform
) -> None:
    assert await post(client, event_update("message.sticker.received", "m-s", USER, sticker="x")) == 200
    echo = text_update("/start", "m-e", "bot-self")
    echo["message"]["from"]["is_bot"] = True
    assert await post(client, echo) == 200
    assert await post(client, {"event_name": "user.follow"}) == 200
    assert await post(client, None, raw=b"{not json") == 400
    assert await post(client, None, raw=b"\xff\xfe") == 400
    assert await post(client, None, raw=b"[" * 70_000) == 413
    await settled(channel)
    assert platform.sent() == [TEXT_ONLY]


async def test_outbox_is_delivered_numbered_and_its_menu_remembered(app: App, channel: ZaloChannel) -> None:
    reply = {"text": "🔔 Nhắc bạn", "buttons": [{"label": "Về danh sách chính", "payload": "menu"}]}
    async with app.store.unit() as unit:
        await unit.outbox.enqueue("zalo", USER, USER, [reply], dt.datetime.now(dt.UTC))
        await unit.outbox.enqueue(
            "zalo", "other", "other", [{"text": "x", "buttons": [{"bad": 1}]}], dt.datetime.now(dt.UTC)
        )
    await channel.flush_outbox()
    async with app.store.unit() as unit:
        assert await unit.outbox.pending("zalo") == []
        assert (await unit.load_state("zalo", USER))["menu"] == ["menu"]


async def test_undeliverable_outbox_item_is_dropped_after_five_attempts(
    app: App, channel: ZaloChannel, platform: Platform
) -> None:
    platform.script["sendMessage"] = [error(400, "Bad Request")] * 5
    async with app.store.unit() as unit:
        await unit.outbox.enqueue("zalo", USER, USER, [{"text": "Nhắc bạn"}], dt.datetime.now(dt.UTC))
    for attempt in range(5):
        async with app.store.unit() as unit:
            assert len(await unit.outbox.pending("zalo")) == 1, attempt
        await channel.flush_outbox()
    async with app.store.unit() as unit:
        assert await unit.outbox.pending("zalo") == []


@pytest.mark.parametrize(
    ("update", "message"),
    [
        ({"zalo_webhook_url": "https://bot.example.vn/zalo", "zalo_webhook_secret": None}, "needs ZALO_WEBHOOK_SECRET"),
        ({"zalo_webhook_secret": SecretStr("short")}, "32-256"),
        ({"zalo_webhook_secret": SecretStr("x" * 31 + "!")}, "32-256"),
        ({"zalo_webhook_secret": SecretStr("x" * 40 + "\n")}, "32-256"),
    ],
)
async def test_webhook_settings_are_checked_before_starting(app: App, update: dict[str, Any], message: str) -> None:
    app.settings = app.settings.model_copy(update=update)
    with pytest.raises(ValueError, match=message):
        await start_zalo(app)
    assert app.web_routes == []
