"""The reminder job: once, only when asked for, after 24 idle hours; abandonment after 7 days."""

from __future__ import annotations

import datetime as dt
import sqlite3

from handlers.engine import Engine
from handlers.jobs import run_due
from handlers.types import reply_from_dict
from knowledge.library import Knowledge
from storage import Store
from tests.conftest import TestBot
from tests.handlers.test_walkthrough import Clock, start

DAY = dt.timedelta(days=1)


async def paused_bot(store: Store, knowledge: Knowledge, clock: Clock, user: str, remind: bool) -> TestBot:
    bot = TestBot(Engine(store, lambda: knowledge, clock=clock), user_id=user)
    await start(bot, "đăng ký khai sinh")
    await bot.press("Đã đăng ký kết hôn")
    await bot.press("Sinh ở Việt Nam")
    await bot.press("Tôi đã có đủ")
    await bot.press("Bắt đầu các bước")
    await bot.press("Xong, tiếp tục")
    await bot.press("Tạm dừng")
    if remind:
        await bot.press("🔔 Nhắc tôi sau 24 giờ")
        assert "tôi sẽ nhắc một lần" in bot.text
    return bot


async def test_reminder_sent_once_to_those_who_asked(store: Store, knowledge: Knowledge) -> None:
    clock = Clock()
    asked = await paused_bot(store, knowledge, clock, "asked", remind=True)
    await paused_bot(store, knowledge, clock, "silent", remind=False)

    assert (await run_due(store, lambda: knowledge, clock.now + 23 * dt.timedelta(hours=1))).reminded == 0
    assert (await run_due(store, lambda: knowledge, clock.now + DAY + dt.timedelta(minutes=1))).reminded == 1
    assert (await run_due(store, lambda: knowledge, clock.now + 2 * DAY)).reminded == 0

    async with store.unit() as unit:
        [item] = await unit.outbox.pending("test")
    assert item.user_id == "asked"
    [reply] = [reply_from_dict(r) for r in item.replies]
    assert "hướng dẫn «Đăng ký khai sinh» đang dừng ở bước 2" in reply.text

    clock.now += 2 * DAY
    await asked.send("1")  # the reminder's button, typed as a number on a text-only channel
    assert "Bước 2/" in asked.text


async def test_idle_walkthroughs_are_abandoned_after_seven_days(
    store: Store, knowledge: Knowledge, db_url: str
) -> None:
    clock = Clock()
    await paused_bot(store, knowledge, clock, "gone", remind=False)
    assert (await run_due(store, lambda: knowledge, clock.now + 6 * DAY)).abandoned == 0
    assert (await run_due(store, lambda: knowledge, clock.now + 8 * DAY)).abandoned == 1
    assert (await run_due(store, lambda: knowledge, clock.now + 9 * DAY)).abandoned == 0
    rows = sqlite3.connect(db_url.split("///", 1)[1]).execute(
        "select procedure_id, step from event where kind = 'abandoned'"
    )
    assert rows.fetchall() == [("khai-sinh", "tim-thu-tuc")]


async def test_message_log_is_purged_after_the_retention_period(store: Store, knowledge: Knowledge) -> None:
    clock = Clock()
    bot = TestBot(Engine(store, lambda: knowledge, clock=clock))
    await bot.send("dang ky khai sinh")
    async with store.unit() as unit:
        assert await unit.message_count() == 2
    report = await run_due(store, lambda: knowledge, clock.now + 179 * DAY)
    assert report.purged_messages == 0
    report = await run_due(store, lambda: knowledge, clock.now + 181 * DAY)
    assert report.purged_messages == 2
