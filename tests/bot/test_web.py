"""The web chat endpoint, in process: JSON in, replies out, 4xx for malformed requests."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from bot.app import App, build_app
from bot.channels.web import create_web_app
from bot.config import Settings
from tests.conftest import CATALOGUE

USER = "w0123456789abcdef"


@pytest.fixture
async def app(tmp_path: Path) -> AsyncIterator[App]:
    settings = Settings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'web.db'}", catalogue_path=CATALOGUE)
    app = await build_app(settings)
    yield app
    await app.close()


@pytest.fixture
async def client(app: App) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=create_web_app(app))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client


async def test_page_is_served_in_vietnamese(client: httpx.AsyncClient) -> None:
    response = await client.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert '<html lang="vi">' in response.text
    assert (await client.get("/healthz")).json() == {"status": "ok"}


async def test_question_gets_card_with_buttons(client: httpx.AsyncClient) -> None:
    response = await client.post("/api/messages", json={"user_id": USER, "text": "dang ky khai sinh"})
    assert response.status_code == 200
    [card] = response.json()["replies"]
    assert card["text"].startswith("📄 Đăng ký khai sinh")
    assert {"label": "Bắt đầu hướng dẫn", "payload": "g:khai-sinh"} in card["buttons"]
    assert card["ask"] is None


async def test_button_payload_continues_the_conversation(client: httpx.AsyncClient) -> None:
    await client.post("/api/messages", json={"user_id": USER, "text": "dang ky khai sinh"})
    response = await client.post("/api/messages", json={"user_id": USER, "payload": "g:khai-sinh"})
    assert "Câu hỏi 1/2" in response.json()["replies"][-1]["text"]


@pytest.mark.parametrize(
    "body",
    [
        b"{not json",
        b"",
        b"[]",
        b'"text"',
        b'{"text": "hello"}',
        b'{"user_id": "short", "text": "hi"}',
        b'{"user_id": "../../etc/passwd", "text": "hi"}',
        b'{"user_id": "w0123456789abcdef", "text": 42}',
        b'{"user_id": "w0123456789abcdef", "payload": "' + b"x" * 100 + b'"}',
        b"\xff\xfe\x00garbage",
    ],
)
async def test_malformed_requests_get_400_with_a_kind_message(client: httpx.AsyncClient, body: bytes) -> None:
    response = await client.post("/api/messages", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 400
    assert response.json() == {"error": "Yêu cầu không hợp lệ. Vui lòng tải lại trang và thử lại."}


async def test_oversized_body_gets_413(client: httpx.AsyncClient) -> None:
    body = b'{"user_id": "w0123456789abcdef", "text": "' + b"a" * 70_000 + b'"}'
    response = await client.post("/api/messages", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 413
    assert "quá dài" in response.json()["error"]


async def test_ten_thousand_character_message_is_answered(client: httpx.AsyncClient) -> None:
    response = await client.post("/api/messages", json={"user_id": USER, "text": "á" * 10_000})
    assert response.status_code == 200
    assert response.json()["replies"][0]["text"].startswith("Tin nhắn khá dài")


async def test_wrong_method_and_path(client: httpx.AsyncClient) -> None:
    assert (await client.get("/api/messages")).status_code == 405
    assert (await client.get("/nope")).status_code == 404


async def test_updates_deliver_queued_messages_once(app: App, client: httpx.AsyncClient) -> None:
    import datetime as dt

    async with app.store.unit() as unit:
        await unit.outbox.enqueue(
            "web", USER, USER, [{"text": "🔔 Nhắc bạn", "buttons": [], "ask": None}], dt.datetime.now(dt.UTC)
        )
    first = await client.get("/api/updates", params={"user_id": USER})
    assert first.json() == {"replies": [{"text": "🔔 Nhắc bạn", "buttons": [], "ask": None}]}
    assert (await client.get("/api/updates", params={"user_id": USER})).json() == {"replies": []}
    assert (await client.get("/api/updates", params={"user_id": "x"})).status_code == 400
