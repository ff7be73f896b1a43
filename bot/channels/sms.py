"""An SMS provider over HTTP: JSON POST with a key, retries, and an idempotency key per code."""

from __future__ import annotations

import asyncio
import random

import httpx

from handlers.ports import SmsError

RETRYABLE = frozenset({408, 425, 429, 500, 502, 503, 504})
MAX_RETRY_AFTER = 10.0


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after", "")
    return min(float(value), MAX_RETRY_AFTER) if value.replace(".", "", 1).isdigit() else None


class HttpSms:
    """POST `{"to", "text", "request_id"}` to the provider; the same `Idempotency-Key` on every retry.

    A retry after a timeout may reach a provider that already accepted the first try; the key
    lets it drop the duplicate, so a citizen never gets two texts for one code.
    """

    def __init__(
        self,
        url: str,
        key: str | None,
        template: str,
        *,
        attempts: int = 3,
        backoff: float = 0.5,
        timeout: float = 10.0,
        client: httpx.AsyncClient | None = None,
    ) -> None:
        self.url = url
        self.key = key
        self.template = template
        self.attempts = attempts
        self.backoff = backoff
        self.client = client or httpx.AsyncClient(timeout=timeout)
        self._owned = client is None

    async def send(self, to: str, code: str, request_id: str) -> None:
        body = {"to": to, "text": self.template.format(code=code), "request_id": request_id}
        headers = {"Idempotency-Key": request_id}
        if self.key:
            headers["Authorization"] = f"Bearer {self.key}"
        failure = "no attempt"
        for attempt in range(1, self.attempts + 1):
            wait = self.backoff * 2 ** (attempt - 1) * (1 + random.random() / 2)
            try:
                response = await self.client.post(self.url, json=body, headers=headers)
            except httpx.TransportError as exc:
                failure = type(exc).__name__
            else:
                if response.is_success:
                    return
                failure = f"HTTP {response.status_code}"
                if response.status_code not in RETRYABLE:
                    break
                wait = _retry_after(response) or wait
            if attempt < self.attempts:
                await asyncio.sleep(wait)
        # Never the number or the text in the error: it may end up in a log line.
        raise SmsError(f"SMS provider refused request {request_id}: {failure}")

    async def close(self) -> None:
        if self._owned:
            await self.client.aclose()
