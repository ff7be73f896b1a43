"""Faults of the platforms we call: Bot API 5xx and timeouts, an SMS provider that fails after accepting.

Telegram messages are delivered at least once (the Bot API has no idempotency key, so a timed-out
send that Telegram did deliver may be sent again from the outbox); SMS exactly once per code, because
every retry carries the same Idempotency-Key.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from telegram import Update
from telegram.ext import ExtBot
from telegram.request import HTTPXRequest

from bot.app import App
from bot.channels.sms import HttpSms
from bot.channels.telegram import TelegramChannel
from bot.channels.telegram_pacing import PacedRateLimiter
from bot.config import Settings
from bot.sms import QueuedSms
from handlers import texts_dossier as tx
from handlers.context import Services
from knowledge.library import Knowledge, KnowledgeHolder
from storage import Store
from tests.bot.fake_telegram import TOKEN, FakeBotApi, callback_update, message_update, serve_fake
from tests.bot.loopback import Loopback
from tests.conftest import CATALOGUE
from tests.handlers.dossier_helpers import KEY, PHONE

CHAT = 6262
TEMPLATE = "Ma xac minh: {code}"


@pytest.fixture(autouse=True)
def ptb_timedelta(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")


class SlowBotApi(FakeBotApi):
    """Answers the next `slow` sendMessage calls only after `delay` seconds (they still count as sent)."""

    def __init__(self, slow: int = 0, delay: float = 1.0) -> None:
        super().__init__()
        self.slow, self.delay = slow, delay

    async def _result(self, method: str, params: dict[str, Any]) -> Any:
        if method == "sendMessage" and self.slow > 0:
            self.slow -= 1
            await asyncio.sleep(self.delay)
        return await super()._result(method, params)


class FlakyProvider:
    """An SMS provider that accepts each message, then answers with a scripted failure (or hangs);
    like a real one, it delivers each Idempotency-Key once."""

    def __init__(self, *failures: int | str, hang: float = 1.0) -> None:
        self.failures, self.hang = list(failures), hang
        self.keys: list[str] = []
        self.delivered: dict[str, str] = {}

    def app(self) -> Starlette:
        async def send(request: Request) -> Response:
            body = await request.json()
            key = request.headers["idempotency-key"]
            self.keys.append(key)
            self.delivered.setdefault(key, body["text"])  # accepted: the text goes out once per key
            failure = self.failures.pop(0) if self.failures else 200
            if failure == "hang":
                await asyncio.sleep(self.hang)
                return JSONResponse({"status": "accepted"})
            return JSONResponse({"status": failure}, status_code=int(failure))

        return Starlette(routes=[Route("/send", send, methods=["POST"])])


def telegram_bot(api_url: str, read_timeout: float = 10.0) -> ExtBot[int]:
    """`build_bot`, with a short read timeout and quick backoff for the test."""
    return ExtBot(
        TOKEN,
        base_url=f"{api_url}/bot",
        request=HTTPXRequest(connection_pool_size=8, read_timeout=read_timeout),
        rate_limiter=PacedRateLimiter(backoff=0.05, max_retries=3),
    )


@pytest.fixture
async def app(store: Store, knowledge: Knowledge) -> App:
    settings = Settings(database_url=store.url, catalogue_path=CATALOGUE, telegram_bot_token=TOKEN)
    return App(settings=settings, store=store, knowledge=KnowledgeHolder(knowledge, CATALOGUE))


async def open_channel(app: App, api: FakeBotApi, url: str, read_timeout: float = 10.0) -> TelegramChannel:
    channel = TelegramChannel(app, telegram_bot(url, read_timeout))
    await channel.setup(None)
    return channel


async def feed(channel: TelegramChannel, *updates: dict[str, object]) -> None:
    for data in updates:
        await channel.accept(Update.de_json(data, channel.bot))
    await channel.chats.close(grace=20)


@pytest.fixture
async def api() -> AsyncIterator[tuple[SlowBotApi, str]]:
    api = SlowBotApi()
    async with serve_fake(api) as url:
        yield api, url


async def test_bot_api_5xx_is_retried_with_backoff_and_sent_once(app: App, api: tuple[SlowBotApi, str]) -> None:
    fake, url = api
    fake.fail("sendMessage", 502, "Bad Gateway")
    fake.fail("sendMessage", 500, "Internal Server Error")
    channel = await open_channel(app, fake, url)
    try:
        await feed(channel, message_update(1, CHAT, "/trogiup"))
    finally:
        await channel.stop()
    first, second, third = fake.called("sendMessage")
    assert second.at - first.at >= 0.05 and third.at - second.at >= 0.1  # exponential backoff
    assert len(fake.sent_texts()) == 1
    async with app.store.unit() as unit:
        assert await unit.outbox.pending("telegram") == []


async def test_bot_api_down_longer_keeps_the_reply_in_the_outbox(app: App, api: tuple[SlowBotApi, str]) -> None:
    fake, url = api
    fake.fail("sendMessage", 503, "Service Unavailable", times=4)
    channel = await open_channel(app, fake, url)
    try:
        await feed(channel, message_update(1, CHAT, "/trogiup"))
        assert fake.sent_texts() == []
        assert await channel.deliver_outbox() == 1
        await channel.chats.close(grace=10)
    finally:
        await channel.stop()
    assert len(fake.sent_texts()) == 1 and "Cách dùng trợ lý" in fake.sent_texts()[0]


async def test_bot_api_timeout_is_not_retried_blindly_and_the_outbox_delivers(
    app: App, api: tuple[SlowBotApi, str]
) -> None:
    fake, url = api
    fake.slow = 1
    channel = await open_channel(app, fake, url, read_timeout=0.3)
    try:
        await feed(channel, message_update(1, CHAT, "/trogiup"))
        assert len(fake.called("sendMessage")) == 1  # a timed-out send may have arrived: no blind retry
        await asyncio.sleep(1)  # Telegram's side finished the slow call meanwhile
        assert await channel.deliver_outbox() == 1
        await channel.chats.close(grace=10)
    finally:
        await channel.stop()
    assert 1 <= len(fake.sent_texts()) <= 2  # at least once; a duplicate is the price of not losing it
    async with app.store.unit() as unit:
        assert await unit.outbox.pending("telegram") == []


@pytest.mark.parametrize("failures", [(500,), (503, 502), ("hang",), ("hang", 504)])
async def test_sms_provider_failing_after_accepting_delivers_one_text(failures: tuple[int | str, ...]) -> None:
    provider = FlakyProvider(*failures, hang=0.6)
    with Loopback(provider.app()) as base:
        sms = HttpSms(base + "/send", None, TEMPLATE, backoff=0.01, timeout=0.3)
        try:
            await sms.send("+84912345678", "123456", "req-flaky")
        finally:
            await sms.close()
    assert len(provider.keys) == len(failures) + 1 and set(provider.keys) == {"req-flaky"}
    assert provider.delivered == {"req-flaky": "Ma xac minh: 123456"}


async def test_recovery_over_telegram_sends_one_sms_despite_provider_faults_and_redelivery(
    store: Store, knowledge: Knowledge, api: tuple[SlowBotApi, str]
) -> None:
    fake, url = api
    provider = FlakyProvider(503, "hang", hang=0.6)
    with Loopback(provider.app()) as base:
        gateway = HttpSms(base + "/send", None, TEMPLATE, backoff=0.01, timeout=0.3)
        queued = QueuedSms(gateway)
        settings = Settings(database_url=store.url, catalogue_path=CATALOGUE, telegram_bot_token=TOKEN)
        services = Services(hash_key=KEY, sms=queued)
        app = App(settings=settings, store=store, knowledge=KnowledgeHolder(knowledge, CATALOGUE), services=services)
        channel = await open_channel(app, fake, url)
        phone = message_update(3, CHAT, PHONE)
        try:
            await feed(channel, message_update(1, CHAT, "quên mã hồ sơ"), callback_update(2, CHAT, "r:agree"))
            await feed(channel, phone, phone)  # Telegram delivers the phone number twice
            await queued.close()
        finally:
            await channel.stop()
            await gateway.close()
    assert len(set(provider.keys)) == 1 and len(provider.delivered) == 1
    assert sum(tx.CODE_SENT.split("{")[0] in text for text in fake.sent_texts()) == 1
