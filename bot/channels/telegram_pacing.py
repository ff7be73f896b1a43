"""Outbound pacing for Telegram: within its flood limits, with retries after 429 (honouring retry_after) and 5xx."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import random
import time
from collections.abc import Callable, Coroutine
from typing import Any

from aiolimiter import AsyncLimiter
from telegram.error import NetworkError, RetryAfter, TimedOut
from telegram.ext import BaseRateLimiter

log = logging.getLogger(__name__)


def retry_seconds(error: RetryAfter) -> float:
    """`retry_after` in seconds, whichever type this PTB version returns."""
    value = error.retry_after
    return value.total_seconds() if isinstance(value, dt.timedelta) else float(value)


class PacedRateLimiter(BaseRateLimiter[int]):
    """Keep within Telegram's limits and retry after 429s, honouring `retry_after`.

    About 30 messages/s overall, about 1/s per private chat (a burst of `chat_burst` allowed)
    and 20/min per group. A 429 pauses that chat (or, for calls without a chat, every call) for
    `retry_after` plus a little jitter, then retries up to `max_retries` times; the caller keeps
    anything still unsent (the Telegram channel puts it in the outbox). Unlike PTB's
    AIORateLimiter, a pause ends at its own deadline, never when another request finishes.

    A server error (5xx) or a refused connection is retried with exponential backoff, as many
    times. A timeout is not: Telegram may have delivered the message, and the Bot API has no
    idempotency key, so the caller's outbox sends it again later (at least once, never lost).
    """

    def __init__(
        self,
        overall_per_second: float = 30,
        chat_burst: float = 3,
        chat_per_second: float = 1,
        group_per_minute: float = 20,
        max_retries: int = 3,
        jitter: float = 0.25,
        max_chats: int = 4096,
        backoff: float = 0.5,
    ) -> None:
        self._overall = AsyncLimiter(overall_per_second, 1)
        self._chat_burst, self._chat_period = chat_burst, chat_burst / chat_per_second
        self._group_per_minute = group_per_minute
        self._chats: dict[str, AsyncLimiter] = {}
        self._paused_until: dict[str | None, float] = {}
        self.max_retries, self.jitter, self.max_chats = max_retries, jitter, max_chats
        self.backoff = backoff

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""

    def _chat_limiter(self, chat: str) -> AsyncLimiter:
        if chat not in self._chats and len(self._chats) >= self.max_chats:
            idle = [key for key, limiter in self._chats.items() if limiter.has_capacity(limiter.max_rate)]
            for key in idle:
                del self._chats[key]
        if chat not in self._chats:
            group = chat.startswith(("-", "@"))  # group, supergroup and channel ids are negative
            self._chats[chat] = (
                AsyncLimiter(self._group_per_minute, 60) if group else AsyncLimiter(self._chat_burst, self._chat_period)
            )
        return self._chats[chat]

    async def _wait_pause(self, chat: str | None) -> None:
        keys = (None, chat) if chat is not None else (None,)
        while True:  # a new 429 may push the deadline further while we sleep
            delay = max(self._paused_until.get(key, 0.0) for key in keys) - time.monotonic()
            if delay <= 0:
                return
            await asyncio.sleep(delay)

    def _pause(self, chat: str | None, seconds: float) -> None:
        until = time.monotonic() + seconds
        self._paused_until[chat] = max(self._paused_until.get(chat, 0.0), until)

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        chat = str(data["chat_id"]) if data.get("chat_id") is not None else None
        retries = self.max_retries if rate_limit_args is None else rate_limit_args
        attempt = 0
        while True:
            await self._wait_pause(chat)
            try:
                if chat is None:
                    return await callback(*args, **kwargs)
                async with self._chat_limiter(chat), self._overall:
                    return await callback(*args, **kwargs)
            except RetryAfter as error:
                if attempt >= retries:
                    raise
                attempt += 1
                seconds = retry_seconds(error)
                log.warning("telegram flood limit", extra={"method": endpoint, "retry_after": seconds, "try": attempt})
                self._pause(chat, seconds + random.uniform(0, self.jitter))
            except TimedOut:
                raise
            except NetworkError as error:
                if attempt >= retries:
                    raise
                attempt += 1
                seconds = self.backoff * 2 ** (attempt - 1) * (1 + random.random() / 2)
                log.warning("telegram server error", extra={"method": endpoint, "error": error.message, "try": attempt})
                await asyncio.sleep(seconds)
