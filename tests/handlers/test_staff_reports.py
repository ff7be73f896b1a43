"""/chuahieu and /bikekt: staff see what the bot missed and where walkthroughs stop; citizens see nothing."""

from __future__ import annotations

import datetime as dt

from handlers.engine import Engine
from knowledge.library import Knowledge
from storage import Store
from tests.conftest import TODAY, TestBot

STAFF = ("test", "staff-1")


def bots(store: Store, knowledge: Knowledge) -> tuple[TestBot, TestBot]:
    engine = Engine(store, lambda: knowledge, clock=lambda: TODAY, staff=frozenset({STAFF}))
    return TestBot(engine, user_id="staff-1"), TestBot(engine, user_id="citizen-1")


async def test_chuahieu_lists_this_weeks_unanswered_questions_with_counts(store: Store, knowledge: Knowledge) -> None:
    staff, citizen = bots(store, knowledge)
    await staff.send("/chuahieu")
    assert "chưa có câu hỏi nào" in staff.text
    for _ in range(3):
        await citizen.send("giá vàng hôm nay")
    await citizen.send("thời tiết ngày mai")
    async with store.unit() as unit:
        await unit.unanswered.record("câu hỏi cũ từ tháng trước", TODAY - dt.timedelta(days=20))
    await staff.send("/chuahieu")
    lines = staff.text.splitlines()
    assert lines[1] == "1. «giá vàng hôm nay» — 3 lần"
    assert lines[2] == "2. «thời tiết ngày mai» — 1 lần"
    assert "câu hỏi cũ" not in staff.text


async def test_bikekt_ranks_steps_by_stuck_and_abandoned(store: Store, knowledge: Knowledge) -> None:
    staff, _ = bots(store, knowledge)
    proc = knowledge.catalogue.procedures["khai-sinh"]
    first, second = proc.steps[0], proc.steps[1]
    async with store.unit() as unit:
        for _ in range(2):
            await unit.events.record("web", "stuck", TODAY, "khai-sinh", second.id)
        await unit.events.record("web", "abandoned", TODAY, "khai-sinh", second.id)
        await unit.events.record("web", "stuck", TODAY, "khai-sinh", first.id)
        await unit.events.record("web", "stuck", TODAY - dt.timedelta(days=40), "khai-sinh", first.id)
    await staff.send("/bikekt")
    lines = staff.text.splitlines()
    assert lines[1] == f"1. Đăng ký khai sinh — bước «{second.title}»: 2 lần báo kẹt, 1 lần bỏ dở"
    assert lines[2] == f"2. Đăng ký khai sinh — bước «{first.title}»: 1 lần báo kẹt, 0 lần bỏ dở"
    assert len([line for line in lines if line[:2] in {"1.", "2.", "3."}]) == 2


async def test_a_citizen_stuck_in_a_walkthrough_shows_up_in_bikekt(store: Store, knowledge: Knowledge) -> None:
    staff, citizen = bots(store, knowledge)
    await staff.send("/bikekt")
    assert "chưa ai báo kẹt" in staff.text
    await citizen.send("đăng ký tạm trú")
    await citizen.press("Bắt đầu hướng dẫn")
    while "Bắt đầu các bước" not in citizen.labels:
        await citizen.press(citizen.buttons[0].payload)
    await citizen.press("Bắt đầu các bước")
    await citizen.press("Tôi bị kẹt ở bước này")
    await staff.send("/bikekt")
    assert "1 lần báo kẹt" in staff.text


async def test_citizens_cannot_use_staff_reports(store: Store, knowledge: Knowledge) -> None:
    _, citizen = bots(store, knowledge)
    await citizen.send("giá vàng hôm nay")
    for command in ("/chuahieu", "/bikekt"):
        await citizen.send(command)
        assert "Tôi không biết lệnh này" in citizen.text
        assert "giá vàng" not in citizen.text
