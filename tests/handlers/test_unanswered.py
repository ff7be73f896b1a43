"""Questions the bot could not answer are counted for staff, without personal data."""

from __future__ import annotations

import datetime as dt

from storage import Store
from tests.conftest import TestBot

WEEK_AGO = dt.datetime(2026, 11, 15, tzinfo=dt.UTC)


async def top(store: Store) -> list[tuple[str, int]]:
    async with store.unit() as unit:
        return [(text, count) for text, count, _ in await unit.unanswered.top(since=WEEK_AGO)]


async def test_out_of_scope_questions_are_counted_without_digits(bot: TestBot, store: Store) -> None:
    await bot.send("Giá vàng hôm nay, gọi tôi 0912 345 678!")
    await bot.send("giá vàng hôm nay gọi tôi")
    assert await top(store) == [("giá vàng hôm nay gọi tôi", 2)]


async def test_ambiguous_then_answered_by_a_button_is_not_unanswered(bot: TestBot, store: Store) -> None:
    await bot.send("bằng lái")
    assert "Bạn đang hỏi về thủ tục nào" in bot.text
    await bot.press(bot.buttons[0].payload)
    assert await top(store) == []


async def test_ambiguous_then_abandoned_is_unanswered(bot: TestBot, store: Store) -> None:
    await bot.send("bằng lái")
    await bot.send("/menu")
    await bot.send("bằng lái")
    await bot.press("Không phải các mục trên")
    assert await top(store) == [("bằng lái", 2)]


async def test_answered_questions_are_not_recorded(bot: TestBot, store: Store) -> None:
    await bot.send("dang ky khai sinh")
    assert await top(store) == []


async def test_a_thank_you_gets_a_kind_reply_and_is_not_an_unanswered_question(bot: TestBot, store: Store) -> None:
    for message in ("cảm ơn ad nhiều", "cam on nhieu nha", "Thank you!", "ok ạ"):
        await bot.send(message)
        assert "không có gì" in bot.text, message
        assert bot.buttons, message  # the menu, to go on
    assert await top(store) == []
    # Thanks with a question in it is a question.
    await bot.send("cảm ơn, cho hỏi làm khai sinh ở đâu")
    assert "không có gì" not in bot.text
    assert "khai sinh" in bot.text.lower()
