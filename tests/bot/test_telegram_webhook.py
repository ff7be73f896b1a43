"""The Telegram webhook route: secret before anything else, capped body, JSON only."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from bot.channels.telegram_webhook import (
    DEFAULT_PATH,
    SECRET_HEADER,
    webhook_address,
    webhook_route,
    webhook_secret,
)
from tests.bot.fake_telegram import message_update

SECRET = "s3cret-token_" + "x" * 30
MAX_BYTES = 4096


class Recorder:
    def __init__(self, fail: bool = False) -> None:
        self.updates: list[dict[str, Any]] = []
        self.fail = fail

    async def __call__(self, data: dict[str, Any]) -> None:
        if self.fail:
            raise RuntimeError("database is down")
        self.updates.append(data)


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
async def client(recorder: Recorder) -> AsyncIterator[httpx.AsyncClient]:
    app = Starlette(routes=[webhook_route("/tg", SECRET, recorder, max_bytes=MAX_BYTES)])
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
        yield client


def body(update_id: int = 1) -> bytes:
    return json.dumps(message_update(update_id, 42, "dang ky khai sinh")).encode()


async def test_right_secret_is_accepted(client: httpx.AsyncClient, recorder: Recorder) -> None:
    response = await client.post("/tg", content=body(), headers={SECRET_HEADER: SECRET})
    assert response.status_code == 200
    assert [u["update_id"] for u in recorder.updates] == [1]


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {SECRET_HEADER: ""},
        {SECRET_HEADER: SECRET[:-1]},
        {SECRET_HEADER: SECRET.upper()},
        {SECRET_HEADER: SECRET + "x"},
        {SECRET_HEADER: "x" * 257},
    ],
    ids=["missing", "empty", "short", "case", "longer", "257"],
)
async def test_wrong_or_missing_secret_is_401_and_nothing_is_processed(
    client: httpx.AsyncClient, recorder: Recorder, headers: dict[str, str]
) -> None:
    response = await client.post("/tg", content=body(), headers=headers)
    assert response.status_code == 401
    assert recorder.updates == []


async def test_wrong_secret_is_refused_before_the_body_is_read(client: httpx.AsyncClient, recorder: Recorder) -> None:
    response = await client.post("/tg", content=b"x" * (MAX_BYTES * 4), headers={SECRET_HEADER: "nope"})
    assert response.status_code == 401  # not 413: the body was never looked at


async def test_oversized_body_is_413(client: httpx.AsyncClient, recorder: Recorder) -> None:
    padded = json.dumps({**message_update(2, 42, "x"), "pad": "x" * MAX_BYTES}).encode()
    response = await client.post("/tg", content=padded, headers={SECRET_HEADER: SECRET})
    assert response.status_code == 413
    assert recorder.updates == []


async def test_oversized_body_without_content_length_is_413(client: httpx.AsyncClient, recorder: Recorder) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(8):
            yield b" " * 1024

    response = await client.post("/tg", content=chunks(), headers={SECRET_HEADER: SECRET})
    assert response.status_code == 413
    assert recorder.updates == []


@pytest.mark.parametrize("content", [b"{not json", b"", b"[1, 2]", b'"text"', b"\xff\xfe"])
async def test_malformed_json_is_400(client: httpx.AsyncClient, recorder: Recorder, content: bytes) -> None:
    response = await client.post("/tg", content=content, headers={SECRET_HEADER: SECRET})
    assert response.status_code == 400
    assert recorder.updates == []


async def test_only_post(client: httpx.AsyncClient) -> None:
    assert (await client.get("/tg", headers={SECRET_HEADER: SECRET})).status_code == 405


async def test_storage_failure_is_503_so_telegram_retries() -> None:
    app = Starlette(routes=[webhook_route("/tg", SECRET, Recorder(fail=True))])
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
        response = await client.post("/tg", content=body(), headers={SECRET_HEADER: SECRET})
    assert response.status_code == 503


def test_secret_must_be_long_and_url_safe() -> None:
    generated = webhook_secret(None)
    assert len(generated) >= 32 and webhook_secret(generated) == generated
    assert webhook_secret(None) != generated
    for bad in ["short", "x" * 31, "x" * 257, "space " + "x" * 40, "ệ" * 40]:
        with pytest.raises(ValueError, match="TELEGRAM_WEBHOOK_SECRET"):
            webhook_secret(bad)


def test_webhook_address() -> None:
    assert webhook_address("https://bot.example.vn/hook/tg") == ("https://bot.example.vn/hook/tg", "/hook/tg")
    assert webhook_address("https://bot.example.vn/") == (f"https://bot.example.vn{DEFAULT_PATH}", DEFAULT_PATH)
