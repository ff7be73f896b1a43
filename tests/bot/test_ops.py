"""Operations endpoints and failing closed when the database is down."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from bot.app import App, build_app
from bot.channels.web import create_web_app
from bot.config import Settings
from knowledge.library import KnowledgeHolder, load_knowledge
from storage import Store
from tests.bot.helpers import free_port
from tests.conftest import CATALOGUE

USER = "wops00000001"


def client_for(app: App) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=create_web_app(app)), base_url="http://test")


@pytest.fixture
async def app(tmp_path: Path) -> AsyncIterator[App]:
    app = await build_app(Settings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'ops.db'}", catalogue_path=CATALOGUE))
    yield app
    await app.close()


@pytest.fixture
async def down_app() -> AsyncIterator[App]:
    """The bot with a PostgreSQL URL where no server listens."""
    store = Store(f"postgresql+asyncpg://postgres@127.0.0.1:{free_port()}/nowhere")
    settings = Settings(catalogue_path=CATALOGUE)
    app = App(settings=settings, store=store, knowledge=KnowledgeHolder(load_knowledge(CATALOGUE), CATALOGUE))
    yield app
    await app.close()


async def test_ready_and_metrics_count_messages_and_decisions(app: App) -> None:
    async with client_for(app) as client:
        assert (await client.get("/readyz")).json() == {"database": True, "catalogue": True}
        await client.post("/api/messages", json={"user_id": USER, "text": "dang ky khai sinh"})
        await client.post("/api/messages", json={"user_id": USER, "text": "giá vàng hôm nay"})
        metrics = (await client.get("/metrics")).text
    assert 'bot_messages_total{channel="web",kind="text"} 2.0' in metrics
    assert 'bot_match_decisions_total{decision="match"} 1.0' in metrics
    assert 'bot_match_decisions_total{decision="none"} 1.0' in metrics
    assert "bot_handle_seconds_bucket" in metrics
    assert USER not in metrics and "khai sinh" not in metrics


async def test_database_down_fails_closed_with_503_and_a_kind_message(down_app: App) -> None:
    async with client_for(down_app) as client:
        ready = await client.get("/readyz")
        assert ready.status_code == 503 and ready.json()["database"] is False
        response = await client.post("/api/messages", json={"user_id": USER, "text": "dang ky khai sinh"})
        assert response.status_code == 503
        assert "18001096" in response.json()["error"]
        metrics = (await client.get("/metrics")).text
    assert 'bot_errors_total{channel="web"} 1.0' in metrics
