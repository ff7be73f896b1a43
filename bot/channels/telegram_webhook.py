"""Telegram's webhook on our own web server: secret first, then a capped body, then JSON."""

from __future__ import annotations

import hmac
import json
import logging
import re
import secrets
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot.channels.web import read_capped

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 (a header name, not a secret)
MAX_UPDATE_BYTES = 1024 * 1024  # updates are a few kilobytes; anything near this is not Telegram
DEFAULT_PATH = "/telegram/webhook"
_SECRET = re.compile(r"[A-Za-z0-9_-]{32,256}")

Accept = Callable[[dict[str, Any]], Awaitable[None]]


def webhook_secret(configured: str | None) -> str:
    """The configured secret once checked, or a fresh random one (setWebhook registers it at start).

    Several replicas behind one webhook must share a configured TELEGRAM_WEBHOOK_SECRET.
    """
    if configured is None:
        return secrets.token_urlsafe(32)
    if not _SECRET.fullmatch(configured):
        raise ValueError("TELEGRAM_WEBHOOK_SECRET must be 32–256 characters of A–Z, a–z, 0–9, _ or -")
    return configured


def webhook_address(url: str) -> tuple[str, str]:
    """The URL to register with Telegram and the path we serve it on (default /telegram/webhook)."""
    path = urlsplit(url).path
    if path in ("", "/"):
        return url.rstrip("/") + DEFAULT_PATH, DEFAULT_PATH
    return url, path


def webhook_route(path: str, secret: str, accept: Accept, max_bytes: int = MAX_UPDATE_BYTES) -> Route:
    """POST `path`: 401 unless the secret header matches (checked before reading the body),
    413 over `max_bytes`, 400 for malformed JSON, 503 when the update could not be stored
    (Telegram then retries), 200 once `accept` has it."""
    expected = secret.encode()

    async def receive(request: Request) -> Response:
        given = request.headers.get(SECRET_HEADER, "").encode("utf-8", "replace")
        if not hmac.compare_digest(given, expected):
            log.warning("telegram webhook: wrong or missing secret")
            return Response(status_code=401)
        body = await read_capped(request, max_bytes)
        if body is None:
            return Response(status_code=413)
        try:
            data = json.loads(body)
        except ValueError:
            return Response(status_code=400)
        if not isinstance(data, dict):
            return Response(status_code=400)
        try:
            await accept(data)
        except Exception:
            log.exception("telegram webhook: update not stored")
            return Response(status_code=503)
        return Response(status_code=200)

    return Route(path, receive, methods=["POST"])
