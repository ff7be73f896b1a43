"""A small client for the Zalo Bot Platform API: `ok` checked on every call, transient failures retried."""

from __future__ import annotations

import asyncio
import logging
import random
from dataclasses import dataclass
from typing import Any

import httpx
from pydantic import SecretStr

log = logging.getLogger(__name__)

IDLE = 408  # getUpdates with nothing to return: normal, poll again at once
RATE_LIMITED = 429
# 403 is "internal server error" in Zalo's own error table, so it is worth another try.
TRANSIENT = frozenset({403, 408, RATE_LIMITED, 500, 502, 503, 504})
UNAUTHORIZED = 401


class ZaloError(Exception):
    """The platform said no (`ok: false`) or could not be reached; never carries the token or URL."""

    def __init__(self, method: str, code: int, description: str) -> None:
        super().__init__(f"{method}: {code} {description}")
        self.method = method
        self.code = code
        self.description = description

    @property
    def transient(self) -> bool:
        return self.code in TRANSIENT or self.code == 0


@dataclass(frozen=True, slots=True)
class Backoff:
    """Retry schedule: `attempts` tries in all, waiting base·2ⁿ (with jitter, at most `cap`) between."""

    attempts: int = 4
    base: float = 0.5
    cap: float = 30.0
    rate_limited: float = 10.0

    def delay(self, attempt: int, code: int) -> float:
        wait = self.base * 2**attempt
        if code == RATE_LIMITED:
            wait = max(wait, self.rate_limited)
        return float(min(wait, self.cap) * random.uniform(0.8, 1.2))


class RedactToken(logging.Filter):
    """Replace the bot token wherever a log record on this logger would show it (httpx logs URLs)."""

    def __init__(self, token: str) -> None:
        super().__init__()
        self.token = token

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if self.token in message:
            record.msg, record.args = message.replace(self.token, "<token>"), None
        return True


def silence_transport_logs(token: str) -> None:
    """httpx logs every request URL at INFO, and our URLs contain the token: keep those logs out."""
    for name in ("httpx", "httpcore"):
        logger = logging.getLogger(name)
        logger.setLevel(logging.WARNING)
        if not any(isinstance(f, RedactToken) and f.token == token for f in logger.filters):
            logger.addFilter(RedactToken(token))


class ZaloApi:
    """Calls `<root>/bot<token>/<method>` with a JSON body; wraps an httpx client, never inherits it."""

    def __init__(
        self,
        base_url: str,
        token: SecretStr,
        *,
        backoff: Backoff | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._root = base_url.rstrip("/")
        self._token = token
        self.backoff = backoff or Backoff()
        self._client = httpx.AsyncClient(transport=transport, timeout=httpx.Timeout(15.0), follow_redirects=False)

    async def close(self) -> None:
        await self._client.aclose()

    async def call_once(
        self, method: str, params: dict[str, Any] | None = None, http_timeout: float | None = None
    ) -> Any:
        """One request; the `result` on `ok: true`, otherwise `ZaloError` (code 0 when unreachable)."""
        url = f"{self._root}/bot{self._token.get_secret_value()}/{method}"
        try:
            limit = httpx.Timeout(http_timeout) if http_timeout else httpx.USE_CLIENT_DEFAULT
            response = await self._client.post(url, json=params or {}, timeout=limit)
        except httpx.HTTPError as exc:
            # `from None`: httpx exceptions carry the request, and with it the token in the URL.
            raise ZaloError(method, 0, type(exc).__name__) from None
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            code = response.status_code if response.status_code != 200 else 502
            raise ZaloError(method, code, "response is not a JSON object")
        if body.get("ok") is not True:
            error_code = body.get("error_code")
            description = str(body.get("description") or "")[:200]
            code = error_code if isinstance(error_code, int) else response.status_code
            raise ZaloError(method, code, description)
        return body.get("result")

    async def call(self, method: str, params: dict[str, Any] | None = None) -> Any:
        """`call_once`, retried with backoff while the failure is transient."""
        for attempt in range(self.backoff.attempts):
            try:
                return await self.call_once(method, params)
            except ZaloError as error:
                if not error.transient or attempt + 1 == self.backoff.attempts:
                    raise
                wait = self.backoff.delay(attempt, error.code)
                log.warning("zalo call retried", extra={"method": method, "code": error.code, "wait_s": round(wait, 2)})
                await asyncio.sleep(wait)
        raise AssertionError("unreachable")  # pragma: no cover

    async def get_me(self) -> dict[str, Any]:
        result = await self.call("getMe")
        return result if isinstance(result, dict) else {}

    async def get_updates(self, poll_s: int) -> list[dict[str, Any]]:
        """Wait up to `poll_s` seconds for updates; an idle poll (408) gives an empty list."""
        try:
            result = await self.call_once("getUpdates", {"timeout": str(poll_s)}, http_timeout=poll_s + 10)
        except ZaloError as error:
            if error.code == IDLE:
                return []
            raise
        # The docs say one update per call; accept a list too.
        items = result if isinstance(result, list) else [result]
        return [item for item in items if isinstance(item, dict)]

    async def send_message(self, chat_id: str, text: str) -> None:
        await self.call("sendMessage", {"chat_id": chat_id, "text": text})
