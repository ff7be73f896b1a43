"""Outbound pacing and 429 retries, timed with a stub request (no network)."""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from typing import Any

import pytest
from telegram.error import RetryAfter

from bot.channels.telegram_pacing import PacedRateLimiter


@pytest.fixture(autouse=True)
def ptb_timedelta(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")


class Api:
    """A stub Bot API call: records when each chat's request went through; can fail with 429."""

    def __init__(self) -> None:
        self.sent: list[tuple[str | None, float]] = []
        self.flood: dict[str | None, int] = {}
        self.start = time.monotonic()

    async def call(self, chat: str | None) -> bool:
        if self.flood.get(chat):
            self.flood[chat] -= 1
            raise RetryAfter(dt.timedelta(seconds=0.3))
        self.sent.append((chat, time.monotonic() - self.start))
        return True

    def times(self, chat: str | None) -> list[float]:
        return [at for c, at in self.sent if c == chat]


async def request(limiter: PacedRateLimiter, api: Api, chat: str | None, method: str = "sendMessage") -> Any:
    data = {"chat_id": chat} if chat is not None else {}
    return await limiter.process_request(api.call, (chat,), {}, method, data, None)


async def test_one_chat_gets_a_short_burst_then_a_steady_pace() -> None:
    limiter, api = PacedRateLimiter(chat_burst=2, chat_per_second=10), Api()
    await asyncio.gather(*(request(limiter, api, "42") for _ in range(6)))
    times = api.times("42")
    assert times[1] < 0.2  # the burst
    assert times[-1] >= 0.35  # then 10 per second: 4 more take about 0.4 s


async def test_other_chats_are_not_held_up_by_a_busy_one() -> None:
    limiter, api = PacedRateLimiter(chat_burst=1, chat_per_second=2), Api()
    busy = [request(limiter, api, "42") for _ in range(3)]
    await asyncio.gather(*busy, request(limiter, api, "43"), request(limiter, api, "44"))
    assert api.times("43")[0] < 0.5 and api.times("44")[0] < 0.5
    assert api.times("42")[-1] >= 0.9


async def test_overall_rate_is_capped_across_chats() -> None:
    limiter, api = PacedRateLimiter(overall_per_second=10), Api()
    await asyncio.gather(*(request(limiter, api, str(chat)) for chat in range(1, 16)))
    assert max(at for _, at in api.sent) >= 0.4  # 15 requests at 10 per second (burst 10)


async def test_groups_get_twenty_a_minute() -> None:
    limiter, api = PacedRateLimiter(group_per_minute=20), Api()
    await asyncio.gather(*(request(limiter, api, "-100777") for _ in range(20)))
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(request(limiter, api, "-100777"), timeout=0.3)


async def test_429_pauses_that_chat_for_retry_after_then_retries() -> None:
    limiter, api = PacedRateLimiter(jitter=0), Api()
    api.flood["42"] = 2
    await asyncio.gather(request(limiter, api, "42"), request(limiter, api, "43"))
    assert api.times("43")[0] < 0.25  # another chat is not paused
    assert api.times("42")[0] >= 0.6  # two 429s of 0.3 s each


async def test_429_after_the_last_retry_is_raised_to_the_caller() -> None:
    limiter, api = PacedRateLimiter(max_retries=1, jitter=0), Api()
    api.flood["42"] = 2
    with pytest.raises(RetryAfter):
        await request(limiter, api, "42")
    assert api.sent == []


async def test_429_on_a_call_without_chat_pauses_every_call() -> None:
    limiter, api = PacedRateLimiter(jitter=0), Api()
    api.flood[None] = 1
    first = asyncio.create_task(request(limiter, api, None, "answerCallbackQuery"))
    await asyncio.sleep(0.05)
    await request(limiter, api, "42")
    await first
    assert api.times("42")[0] >= 0.25
