"""Messages of one conversation never interleave: no update is lost, in one process or across replicas."""

from __future__ import annotations

import asyncio

from handlers.engine import Engine
from handlers.types import Incoming
from knowledge.library import Knowledge
from storage import Store
from tests import postgres
from tests.conftest import TestBot

TAPS = 6  # fewer than the steps of this walkthrough, so every tap must move one step


async def walk_to_steps(bot: TestBot) -> None:
    await bot.send("đăng ký khai sinh")
    await bot.press("Bắt đầu hướng dẫn")
    await bot.press("Đã đăng ký kết hôn")
    await bot.press("Sinh ở Việt Nam")
    await bot.press("Tôi đã có đủ")
    await bot.press("Bắt đầu các bước")


async def step_after_concurrent_taps(engines: list[Engine], user: str) -> int:
    bot = TestBot(engines[0], user_id=user)
    await walk_to_steps(bot)
    taps = [Incoming("test", user, user, payload="w:next") for _ in range(TAPS)]
    await asyncio.gather(*(engines[n % len(engines)].handle(tap) for n, tap in enumerate(taps)))
    async with engines[0].store.unit() as unit:
        state = await unit.load_state("test", user)
    return int(state["data"]["walk"]["i"])


async def test_concurrent_taps_in_one_process_are_serialised(store: Store, knowledge: Knowledge) -> None:
    engine = Engine(store, lambda: knowledge)
    assert await step_after_concurrent_taps([engine], "tapper") == TAPS


async def test_two_replicas_on_one_postgresql_do_not_lose_updates(
    postgres_server: tuple[str, int], knowledge: Knowledge
) -> None:
    url = postgres.create_database(*postgres_server, "replicas")
    stores = [Store(url), Store(url)]
    await stores[0].upgrade()
    try:
        engines = [Engine(s, lambda: knowledge) for s in stores]
        assert await step_after_concurrent_taps(engines, "replicas") == TAPS
    finally:
        for s in stores:
            await s.close()
