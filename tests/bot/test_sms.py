"""SMS gateways (HTTP provider on loopback, development outbox, background queue) and the hash key file."""

from __future__ import annotations

import json
import stat
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.channels.sms import HttpSms
from bot.config import Settings
from bot.keys import load_hash_key
from bot.sms import OutboxSms, QueuedSms
from handlers.ports import SmsError
from tests.bot.loopback import Loopback

TEMPLATE = "Ma xac minh: {code}"


class FakeProvider:
    """Answers with scripted statuses, then 200; delivers each idempotency key once."""

    def __init__(self, *statuses: int) -> None:
        self.statuses = list(statuses)
        self.requests: list[tuple[dict[str, Any], dict[str, str]]] = []
        self.delivered: dict[str, dict[str, Any]] = {}

    def app(self) -> Starlette:
        async def send(request: Request) -> Response:
            body = await request.json()
            self.requests.append((body, dict(request.headers)))
            if request.headers.get("authorization") != "Bearer sms-key":
                return JSONResponse({"error": "key"}, status_code=401)
            status = self.statuses.pop(0) if self.statuses else 200
            if status == 200:
                self.delivered.setdefault(request.headers["idempotency-key"], body)
            return JSONResponse({"status": status}, status_code=status)

        return Starlette(routes=[Route("/send", send, methods=["POST"])])


async def test_http_gateway_retries_with_one_idempotency_key() -> None:
    provider = FakeProvider(503, 429)
    with Loopback(provider.app()) as base:
        sms = HttpSms(base + "/send", "sms-key", TEMPLATE, backoff=0.01)
        try:
            await sms.send("+84912345678", "123456", "req-1")
        finally:
            await sms.close()
    assert len(provider.requests) == 3
    assert {headers["idempotency-key"] for _, headers in provider.requests} == {"req-1"}
    assert provider.delivered == {"req-1": {"to": "+84912345678", "text": "Ma xac minh: 123456", "request_id": "req-1"}}


async def test_http_gateway_gives_up_without_leaking_the_number_or_the_code() -> None:
    provider = FakeProvider()
    with Loopback(provider.app()) as base:
        sms = HttpSms(base + "/send", "wrong-key", TEMPLATE, backoff=0.01)
        try:
            with pytest.raises(SmsError) as raised:
                await sms.send("+84912345678", "123456", "req-2")
        finally:
            await sms.close()
    assert len(provider.requests) == 1  # 401 is not worth retrying
    assert (
        "HTTP 401" in str(raised.value) and "912345678" not in str(raised.value) and "123456" not in str(raised.value)
    )


async def test_outbox_appends_json_lines(tmp_path: Path) -> None:
    outbox = tmp_path / "data" / "sms-outbox.jsonl"
    sms = OutboxSms(outbox, TEMPLATE)
    await sms.send("+84912345678", "000123", "r1")
    await sms.send("+84987654321", "999999", "r2")
    lines = [json.loads(line) for line in outbox.read_text(encoding="utf-8").splitlines()]
    assert [(line["to"], line["text"]) for line in lines] == [
        ("+84912345678", "Ma xac minh: 000123"),
        ("+84987654321", "Ma xac minh: 999999"),
    ]
    assert all(line["at"].endswith("+00:00") for line in lines)


async def test_queue_answers_at_once_and_sends_in_the_background(tmp_path: Path) -> None:
    outbox = tmp_path / "outbox.jsonl"
    queued = QueuedSms(OutboxSms(outbox, TEMPLATE))
    await queued.send("+84912345678", "111111", "r1")
    await queued.close()
    assert "111111" in outbox.read_text(encoding="utf-8")


def test_hash_key_is_generated_once_with_owner_only_permissions(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    key = load_hash_key(settings)
    path = tmp_path / "data" / "secret.key"
    assert len(key) == 32 and stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_hash_key(settings) == key
    assert list(path.parent.iterdir()) == [path]
    configured = Settings(data_dir=tmp_path / "data", code_hash_key=SecretStr("from-the-environment"))
    assert load_hash_key(configured) == b"from-the-environment"
