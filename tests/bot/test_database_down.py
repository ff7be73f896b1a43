"""The database goes down behind a proxy we cut: webhooks answer 503, one apology per chat, nothing is
verified, and the redelivered update is processed once the database is back."""

from __future__ import annotations

import asyncio
import html
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass

import httpx
import pytest
from pydantic import SecretStr
from starlette.routing import Route

from bot.app import App
from bot.channels.apology import Apologies
from bot.channels.chat_queues import ChatQueues
from bot.channels.telegram import TelegramChannel, build_bot
from bot.channels.telegram_webhook import SECRET_HEADER, webhook_route
from bot.channels.web import create_web_app
from bot.channels.zalo import ZaloChannel
from bot.config import Settings
from handlers.context import Services
from knowledge.library import Knowledge, KnowledgeHolder
from storage import Store
from tests import postgres
from tests.bot.fake_telegram import TOKEN, FakeBotApi, callback_update, message_update, serve_fake
from tests.bot.fake_zalo import text_update
from tests.bot.test_zalo import Platform, api_for
from tests.conftest import CATALOGUE
from tests.handlers.dossier_helpers import CODE_A, KEY, PHONE, FakeSms, record, seed
from tests.tcp_proxy import TcpProxy

CHAT = 5151
SECRET = "S" * 40
HOTLINE = "18001096"


@pytest.fixture(autouse=True)
def ptb_timedelta(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")


@dataclass
class Database:
    proxy: TcpProxy
    url: str  # through the proxy


@pytest.fixture
def database(postgres_server: tuple[str, int], request: pytest.FixtureRequest) -> Iterator[Database]:
    """A fresh database reached through a proxy the test can cut."""
    host, port = postgres_server
    url = postgres.create_database(host, port, f"down_{request.node.name[5:45].lower()}")
    proxy = TcpProxy(host, port)
    with proxy as (proxy_host, proxy_port):
        yield Database(proxy, url.replace(f"@{host}:{port}/", f"@{proxy_host}:{proxy_port}/"))


@pytest.fixture
def sms() -> FakeSms:
    return FakeSms()


@pytest.fixture
async def app(database: Database, knowledge: Knowledge, sms: FakeSms) -> AsyncIterator[App]:
    store = Store(database.url)
    await store.upgrade()
    await seed(store, record(CODE_A))
    settings = Settings(database_url=database.url, catalogue_path=CATALOGUE, telegram_bot_token=SecretStr(TOKEN))
    holder = KnowledgeHolder(knowledge, CATALOGUE)
    yield App(settings=settings, store=store, knowledge=holder, services=Services(hash_key=KEY, sms=sms))
    await store.close()


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    api = FakeBotApi()
    async with serve_fake(api) as url:
        api.url = url  # type: ignore[attr-defined]
        yield api


@pytest.fixture
async def telegram(app: App, api: FakeBotApi) -> AsyncIterator[TelegramChannel]:
    channel = TelegramChannel(app, build_bot(TOKEN, api.url))  # type: ignore[attr-defined]
    await channel.setup(None)
    app.web_routes.append(webhook_route("/telegram/webhook", SECRET, channel.accept_json))
    yield channel
    await channel.stop()


@pytest.fixture
def platform() -> Platform:
    return Platform()


@pytest.fixture
async def zalo(app: App, platform: Platform) -> AsyncIterator[ZaloChannel]:
    channel = ZaloChannel(app, api_for(platform), secret=SECRET)
    app.web_routes.append(Route("/zalo/webhook", channel.webhook, methods=["POST"]))
    yield channel
    await channel.stop()


@pytest.fixture
async def client(app: App, telegram: TelegramChannel, zalo: ZaloChannel) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=create_web_app(app))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client


async def to_telegram(client: httpx.AsyncClient, telegram: TelegramChannel, update: dict[str, object]) -> int:
    """Deliver one update as Telegram does and wait for its replies; returns the HTTP status."""
    response = await client.post("/telegram/webhook", json=update, headers={SECRET_HEADER: SECRET})
    await idle(telegram.chats)
    return response.status_code


async def to_zalo(client: httpx.AsyncClient, zalo: ZaloChannel, update: dict[str, object]) -> int:
    response = await client.post("/zalo/webhook", json=update, headers={"X-Bot-Api-Secret-Token": SECRET})
    await idle(zalo.queues)
    return response.status_code


async def idle(queues: ChatQueues, seconds: float = 15) -> None:
    for _ in range(int(seconds * 100)):
        if queues.busy == 0:
            return
        await asyncio.sleep(0.01)
    raise AssertionError("replies still pending")


def texts_to(api: FakeBotApi, chat: int) -> list[str]:
    return [html.unescape(c.params["text"]) for c in api.called("sendMessage") if c.params["chat_id"] == str(chat)]


async def test_telegram_webhook_fails_closed_apologises_once_and_loses_nothing(
    app: App, database: Database, client: httpx.AsyncClient, telegram: TelegramChannel, api: FakeBotApi, sms: FakeSms
) -> None:
    for update in (
        message_update(1, CHAT, "quên mã hồ sơ"),
        callback_update(2, CHAT, "r:agree"),
        message_update(3, CHAT, PHONE),
    ):
        assert await to_telegram(client, telegram, update) == 200
    code = message_update(4, CHAT, sms.last_code)
    again = callback_update(5, CHAT, "r:list")

    database.proxy.cut()
    assert (await client.get("/readyz")).status_code == 503
    assert await to_telegram(client, telegram, code) == 503
    for redelivery in (code, again, code):  # Telegram retries; the citizen keeps tapping
        assert await to_telegram(client, telegram, redelivery) == 503
    apologies = [text for text in texts_to(api, CHAT) if HOTLINE in text]
    assert len(apologies) == 1 and "thử lại sau ít phút" in apologies[0]
    assert not any("Đã xác minh" in text for text in texts_to(api, CHAT))

    database.proxy.restore()
    async with app.store.unit() as unit:
        assert ("verify", "ok") not in [(a, r) for a, r, _ in await unit.audit.entries()]
    assert await to_telegram(client, telegram, code) == 200  # the redelivery is processed
    assert await to_telegram(client, telegram, again) == 200
    shown = texts_to(api, CHAT)
    assert sum("Đã xác minh số 0912•••678" in text for text in shown) == 2  # the list, then the list again
    assert CODE_A in shown[-1]
    assert sum(HOTLINE in text for text in shown) == 1
    assert len(sms.sent) == 1


async def test_zalo_webhook_fails_closed_apologises_once_and_loses_nothing(
    database: Database, client: httpx.AsyncClient, zalo: ZaloChannel, platform: Platform
) -> None:
    update = text_update("dang ky khai sinh", "m-down-1", "zalo-citizen")
    database.proxy.cut()
    for _ in range(3):
        assert await to_zalo(client, zalo, update) == 503
    assert sum(HOTLINE in text for text in platform.sent()) == 1
    database.proxy.restore()
    assert await to_zalo(client, zalo, update) == 200
    assert await to_zalo(client, zalo, update) == 200  # and a replay after that is not answered twice
    assert platform.sent()[-1].startswith("📄 Đăng ký khai sinh")
    assert sum("📄 Đăng ký khai sinh" in text for text in platform.sent()) == 1


def test_one_apology_per_chat_every_ten_minutes() -> None:
    now = [0.0]
    apologies = Apologies(clock=lambda: now[0], max_chats=2)
    assert apologies.due("a") and not apologies.due("a") and apologies.due("b")
    now[0] = 599.0
    assert not apologies.due("a")
    now[0] = 600.0
    assert apologies.due("a") and apologies.due("b")
    # Bounded memory: past `max_chats` the oldest chat is forgotten first (and may get one more apology).
    assert apologies.due("c") and apologies.due("a") and not apologies.due("c")
