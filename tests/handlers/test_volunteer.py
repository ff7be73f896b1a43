"""Referral links and typed short codes open the bot on a procedure, count without personal data, feed /thongke."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from sqlalchemy import select

from handlers import referral
from handlers.engine import Engine
from handlers.referral import Referral
from knowledge.library import Knowledge
from storage import Store
from storage.models import EventRow
from tests.conftest import TODAY, TestBot


class Clock:
    def __init__(self) -> None:
        self.now = TODAY

    def __call__(self) -> dt.datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


MakeBot = Callable[..., TestBot]


@pytest.fixture
def make_bot(store: Store, knowledge: Knowledge, clock: Clock) -> MakeBot:
    engine = Engine(store, lambda: knowledge, clock=clock)
    return lambda user_id, channel="test": TestBot(engine, channel=channel, user_id=user_id)


async def add_volunteer(store: Store, code: str = "TN01", active: bool = True) -> None:
    async with store.unit() as unit:
        await unit.volunteers.add(code, "Nguyễn Thị Hồng Nhung", "Đoàn phường Bến Nghé", TODAY)
        if not active:
            await unit.volunteers.set_active(code, False)


async def events(store: Store) -> list[tuple[str, str, str | None, str | None, str | None]]:
    async with store.unit() as unit:
        rows = (await unit.session.scalars(select(EventRow).order_by(EventRow.id))).all()
        return [(r.channel, r.kind, r.procedure_id, r.step, r.ref) for r in rows]


async def test_opening_a_referral_link_shows_the_procedure_and_records_only_ids(
    make_bot: MakeBot, store: Store
) -> None:
    await add_volunteer(store)
    citizen = make_bot("citizen-42")
    await citizen.send("/start " + referral.encode(Referral("TN01", "khai-sinh")))
    assert citizen.last[0].text.startswith("Xin chào")
    assert citizen.last[-1].text.startswith("📄 Đăng ký khai sinh")
    assert "Bắt đầu hướng dẫn" in citizen.labels
    assert await events(store) == [("test", "referral", "khai-sinh", None, "TN01")]
    async with store.unit() as unit:
        [row] = (await unit.session.scalars(select(EventRow))).all()
        stored = " ".join(str(getattr(row, c.name)) for c in EventRow.__table__.columns)
    assert "citizen-42" not in stored


async def test_later_walkthrough_events_carry_the_volunteer_code(make_bot: MakeBot, store: Store) -> None:
    await add_volunteer(store)
    citizen = make_bot("citizen-1")
    await citizen.send("/start v_TN01_khai-sinh")
    await citizen.press("Bắt đầu hướng dẫn")
    await citizen.send("/menu")
    await citizen.send("/start v_TN01_khai-sinh")  # the same link again the same day: not a second referral
    kinds = [(kind, ref) for _, kind, _, _, ref in await events(store)]
    assert kinds == [("referral", "TN01"), ("started", "TN01")]
    other = make_bot("citizen-2")
    await other.send("dang ky khai sinh")
    await other.press("Bắt đầu hướng dẫn")
    assert (await events(store))[-1][1:] == ("started", "khai-sinh", None, None)


async def test_attribution_ends_after_thirty_days(make_bot: MakeBot, store: Store, clock: Clock) -> None:
    await add_volunteer(store)
    citizen = make_bot("citizen-1")
    await citizen.send("/start v_TN01")
    assert "Xin chào" in citizen.text
    clock.now = TODAY + dt.timedelta(days=31)
    await citizen.send("dang ky khai sinh")
    await citizen.press("Bắt đầu hướng dẫn")
    assert await events(store) == [
        ("test", "referral", None, None, "TN01"),
        ("test", "started", "khai-sinh", None, None),
    ]


async def test_unknown_or_disabled_volunteers_still_get_the_card_but_nothing_is_counted(
    make_bot: MakeBot, store: Store
) -> None:
    await add_volunteer(store, "TN02", active=False)
    citizen = make_bot("citizen-1")
    await citizen.send("/start v_TN02_khai-sinh")
    assert citizen.last[-1].text.startswith("📄 Đăng ký khai sinh")
    await citizen.send("/start v_ZZ99_khai-sinh")
    assert citizen.last[-1].text.startswith("📄 Đăng ký khai sinh")
    await citizen.send("/start v_TN02_khong-co-thu-tuc-nay")
    assert "Xin chào" in citizen.text and "📄" not in citizen.text
    assert await events(store) == []


async def test_a_typed_short_code_is_the_same_referral(make_bot: MakeBot, store: Store) -> None:
    await add_volunteer(store)
    async with store.unit() as unit:
        code = await unit.volunteers.short_code("TN01", "khai-sinh", TODAY, lambda: "7K3Q")
    assert code == "7K3Q"
    citizen = make_bot("zalo-user", channel="zalo")
    await citizen.send("tn 7k3q")
    assert citizen.last[-1].text.startswith("📄 Đăng ký khai sinh")
    assert await events(store) == [("zalo", "referral", "khai-sinh", None, "TN01")]
    await citizen.send("TN 9999")
    assert "Mã «TN 9999» không đúng" in citizen.text


async def test_a_one_time_link_connects_a_volunteer_and_thongke_counts(
    make_bot: MakeBot, store: Store, clock: Clock
) -> None:
    await add_volunteer(store)
    payload, stored = referral.new_link_token()
    async with store.unit() as unit:
        await unit.volunteers.add_link_token("TN01", stored, TODAY, TODAY + dt.timedelta(days=7))
        old = dt.datetime(2026, 10, 30, tzinfo=dt.UTC)  # 23 days ago: in the 30-day figure only
        for kind in ("referral", "started", "finished", "recovered"):
            await unit.events.record("telegram", kind, old, "khai-sinh", ref="TN01")
        await unit.events.record("telegram", "referral", old - dt.timedelta(days=40), ref="TN01")
        await unit.events.record("telegram", "started", TODAY, "khai-sinh", ref="TN99")
    volunteer = make_bot("volunteer-phone")
    await volunteer.send("/thongke")
    assert "dành cho tình nguyện viên" in volunteer.text
    await volunteer.send(f"/start {payload}")
    assert "Đã liên kết" in volunteer.text and "TN01" in volunteer.text

    for number in range(2):
        citizen = make_bot(f"citizen-{number}")
        await citizen.send("/start v_TN01_khai-sinh")
        await citizen.press("Bắt đầu hướng dẫn")
    await volunteer.send("/thongke")
    text = volunteer.text
    assert "Nguyễn Thị Hồng Nhung" in text
    assert "Mở đường link hoặc quét mã của bạn: 2 trong 7 ngày, 3 trong 30 ngày" in text
    assert "Bắt đầu hướng dẫn từng bước: 2 trong 7 ngày, 3 trong 30 ngày" in text
    assert "Làm hết các bước hướng dẫn: 0 trong 7 ngày, 1 trong 30 ngày" in text
    assert "Lấy lại được mã hồ sơ: 0 trong 7 ngày, 1 trong 30 ngày" in text

    someone_else = make_bot("someone-else")
    await someone_else.send(f"/start {payload}")
    assert "không hợp lệ, đã được dùng hoặc đã hết hạn" in someone_else.text
    await someone_else.send("/thongke")
    assert "dành cho tình nguyện viên" in someone_else.text


async def test_an_expired_link_connects_nobody(make_bot: MakeBot, store: Store, clock: Clock) -> None:
    await add_volunteer(store)
    payload, stored = referral.new_link_token()
    async with store.unit() as unit:
        await unit.volunteers.add_link_token("TN01", stored, TODAY, TODAY + dt.timedelta(days=7))
    clock.now = TODAY + dt.timedelta(days=8)
    volunteer = make_bot("volunteer-phone")
    await volunteer.send(f"/start {payload}")
    assert "hết hạn" in volunteer.text
    await volunteer.send("/thongke")
    assert "dành cho tình nguyện viên" in volunteer.text
