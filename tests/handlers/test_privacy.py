"""/xoa_du_lieu: a confirmation, then the citizen's data is gone at once and the reply says what is kept."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import text

from handlers import texts_dossier as tx
from handlers import texts_privacy as tp
from handlers.jobs import run_due
from handlers.types import Incoming
from knowledge.library import Knowledge
from storage import Store
from tests.conftest import TestBot
from tests.handlers.dossier_helpers import CODE_A, PHONE, Clock, FakeSms, make_bot, record, seed


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def sms() -> FakeSms:
    return FakeSms()


async def rows(store: Store, table: str, where: str = "1 = 1") -> int:
    async with store.engine.connect() as connection:
        return int((await connection.execute(text(f"select count(*) from {table} where {where}"))).scalar_one())


async def verified_walker(bot: TestBot, sms: FakeSms) -> None:
    """A citizen with a walkthrough under way, consent given and a verified phone."""
    await bot.send("đăng ký khai sinh")
    await bot.press("Bắt đầu hướng dẫn")
    await bot.send("quên mã hồ sơ")
    await bot.press(next(label for label in bot.labels if label.startswith("Chuyển sang")))
    await bot.press(tx.BTN_AGREE)
    await bot.send(PHONE)
    await bot.send(sms.last_code)
    assert "Đã xác minh" in bot.text


async def test_erase_after_confirmation_deletes_everything_and_says_what_is_kept(
    store: Store, knowledge: Knowledge, clock: Clock, sms: FakeSms
) -> None:
    await seed(store, record(CODE_A))
    bot = make_bot(store, knowledge, clock, sms)
    other = make_bot(store, knowledge, clock, sms, user_id="citizen-2")
    await verified_walker(bot, sms)
    await other.send("đăng ký khai sinh")

    await bot.send("/xoa_du_lieu")
    assert "Không thể hoàn tác" in bot.text and bot.labels == [tp.BTN_ERASE, tp.BTN_KEEP]
    assert await rows(store, "consent") == 1  # nothing happens before the button
    await bot.press(tp.BTN_ERASE)
    assert bot.text.startswith("Đã xóa dữ liệu của bạn")
    assert "không còn số điện thoại" in bot.text and "1 năm" in bot.text and "ẩn danh" in bot.text

    mine = "user_id = 'citizen-1'"
    for table in ("conversation_state", "walk_session", "consent"):
        assert await rows(store, table, mine) == 0, table
    assert await rows(store, "conversation_state", "user_id = 'citizen-2'") == 1
    assert await rows(store, "one_time_code", "chat_id = 'citizen-1' or code_hash != ''") == 0
    assert await rows(store, "audit", "phone_hash is not null") == 0
    assert await rows(store, "audit", "action = 'erase' and chat_id = 'citizen-1'") == 1

    # The verified phone went with the state: the list is not shown again.
    assert tx.VERIFIED_EXPIRED in (await bot.engine.handle(press(bot, "r:list")))[0].text


def press(bot: TestBot, payload: str) -> Incoming:
    """A button press whether or not the button is on screen (a replayed or forged press)."""
    return Incoming(bot.channel, bot.user_id, bot.user_id, payload=payload)


async def test_keep_or_a_stale_confirmation_deletes_nothing(
    store: Store, knowledge: Knowledge, clock: Clock, sms: FakeSms
) -> None:
    bot = make_bot(store, knowledge, clock, sms)
    await bot.send("đăng ký khai sinh")
    await bot.send("/xoa_du_lieu")
    await bot.send("thôi")
    assert tp.CONFIRM_AGAIN in bot.text
    await bot.press(tp.BTN_KEEP)
    stale = await bot.engine.handle(press(bot, "x:yes"))  # a replayed press after «Không xóa»
    assert "Nút này đã cũ" in stale[0].text
    assert await rows(store, "conversation_state") == 1 and await rows(store, "audit", "action = 'erase'") == 0


async def test_erasing_does_not_reset_the_per_phone_sms_limit(
    store: Store, knowledge: Knowledge, clock: Clock, sms: FakeSms
) -> None:
    for round_ in range(4):
        bot = make_bot(store, knowledge, clock, sms, user_id=f"flooder-{round_}")
        await bot.send("quên mã hồ sơ")
        await bot.press(tx.BTN_AGREE)
        await bot.send(PHONE)
        await bot.send("/xoa_du_lieu")
        await bot.press(tp.BTN_ERASE)
        clock.advance(minutes=2)
    assert len(sms.sent) == 3  # 3 per phone per hour, whoever asks and whatever they erased


async def test_retention_job_purges_codes_a_day_after_expiry(
    store: Store, knowledge: Knowledge, clock: Clock, sms: FakeSms
) -> None:
    bot = make_bot(store, knowledge, clock, sms)
    await bot.send("quên mã hồ sơ")
    await bot.press(tx.BTN_AGREE)
    await bot.send(PHONE)
    assert await rows(store, "one_time_code") == 1
    report = await run_due(store, lambda: knowledge, clock.now + dt.timedelta(hours=24))
    assert report.purged_codes == 0
    report = await run_due(store, lambda: knowledge, clock.now + dt.timedelta(hours=24, minutes=6))
    assert report.purged_codes == 1 and await rows(store, "one_time_code") == 0
