"""Status lookup by dossier code: in any message or after «Tra cứu hồ sơ», limits, connector cache."""

from __future__ import annotations

import datetime as dt

import pytest

from handlers import texts_dossier as tx
from handlers.ports import OneStopError, RemoteDossier
from knowledge.library import Knowledge
from storage import Store
from tests.handlers.dossier_helpers import CODE_A, CODE_B, E164, T0, Clock, FakeOneStop, FakeSms, make_bot, record, seed


@pytest.mark.parametrize("status", sorted(tx.STATUSES))
async def test_a_code_in_any_message_shows_status_next_action_and_where(
    store: Store, knowledge: Knowledge, status: str
) -> None:
    await seed(store, record(CODE_A, status))
    bot = make_bot(store, knowledge, Clock(), FakeSms())
    await bot.send(f"cho mình hỏi hồ sơ {CODE_A.lower()} đến đâu rồi")
    assert f"📁 Hồ sơ {CODE_A}" in bot.text
    assert "Thủ tục: Đăng ký khai sinh" in bot.text
    assert f"Trạng thái: {tx.STATUS_LABELS[status]}" in bot.text
    assert tx.STATUS_NEXT[status] in bot.text and "📍 Ở đâu:" in bot.text
    assert "Nguyễn" not in bot.text and E164 not in bot.text


async def test_menu_then_code(store: Store, knowledge: Knowledge) -> None:
    await seed(store, record(CODE_A, "needs_more_papers"))
    bot = make_bot(store, knowledge, Clock(), FakeSms())
    await bot.send("/start")
    await bot.press("Tra cứu hồ sơ")
    assert bot.text == tx.LOOKUP_ASK
    await bot.send("000.00.12.H62 201105 0004")
    assert "Cần bổ sung giấy tờ" in bot.text and "Quản lý hồ sơ" in bot.text


async def test_unknown_code_says_so_and_offers_recovery(store: Store, knowledge: Knowledge) -> None:
    bot = make_bot(store, knowledge, Clock(), FakeSms())
    await bot.send(CODE_B)
    assert bot.text == tx.LOOKUP_UNKNOWN.format(code=CODE_B)
    await bot.press("Quên mã hồ sơ")
    assert "Bạn đồng ý tiếp tục" in bot.text


async def test_not_a_code_after_the_menu_explains_the_format(store: Store, knowledge: Knowledge) -> None:
    bot = make_bot(store, knowledge, Clock(), FakeSms())
    await bot.send("tra cứu hồ sơ")
    await bot.send("mã của tôi là 12345")
    assert bot.text == tx.LOOKUP_BAD_FORMAT and "Quên mã hồ sơ" in bot.labels


async def test_lookups_are_limited_per_chat_per_hour(store: Store, knowledge: Knowledge) -> None:
    clock = Clock()
    bot = make_bot(store, knowledge, clock, FakeSms(), lookups_per_hour=3)
    other = make_bot(store, knowledge, clock, FakeSms(), user_id="citizen-2", lookups_per_hour=3)
    for n in range(3):
        await bot.send(f"000.00.12.H62-201105-000{n}")
        assert "không tìm thấy" in bot.text
    await bot.send(CODE_A)
    assert bot.text == tx.LOOKUP_LIMITED
    await other.send(CODE_A)
    assert "không tìm thấy" in other.text
    clock.advance(hours=1, seconds=1)
    await bot.send(CODE_A)
    assert "không tìm thấy" in bot.text


def remote(code: str, status: str) -> RemoteDossier:
    at = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC)
    return RemoteDossier(code, "1.001193", "0912345678", "Trần Thị B", status, at, at)


async def test_connector_answers_unknown_codes_and_is_cached(store: Store, knowledge: Knowledge) -> None:
    clock = Clock()
    onestop = FakeOneStop([remote(CODE_B, "result_ready")])
    bot = make_bot(store, knowledge, clock, FakeSms(), onestop=onestop)
    await bot.send(CODE_B)
    assert "Đã có kết quả" in bot.text and "Đăng ký khai sinh" in bot.text  # national code 1.001193
    await bot.send(CODE_B)
    assert onestop.calls == ["code"]  # the second answer came from the cache
    onestop.dossiers[CODE_B] = remote(CODE_B, "returned")
    clock.advance(minutes=16)
    await bot.send(CODE_B)
    assert "Bị trả lại" in bot.text and onestop.calls == ["code", "code"]
    async with store.unit() as unit:
        assert [s for s, _ in await unit.dossiers.history(CODE_B)] == ["result_ready", "returned"]


class DownOneStop(FakeOneStop):
    async def dossier(self, code: str) -> RemoteDossier | None:
        raise OneStopError("down")


async def test_connector_down_falls_back_to_the_imported_copy(store: Store, knowledge: Knowledge) -> None:
    await seed(store, record(CODE_A, "processing"), now=T0 - dt.timedelta(days=1))
    bot = make_bot(store, knowledge, Clock(), FakeSms(), onestop=DownOneStop())
    await bot.send(CODE_A)
    assert "Đang giải quyết" in bot.text
    await bot.send(CODE_B)
    assert "không tìm thấy" in bot.text


async def test_recovery_lists_dossiers_the_connector_knows(store: Store, knowledge: Knowledge) -> None:
    sms = FakeSms()
    onestop = FakeOneStop([remote(CODE_B, "processing")])
    bot = make_bot(store, knowledge, Clock(), sms, onestop=onestop)
    await bot.send("quên mã hồ sơ")
    await bot.press(tx.BTN_AGREE)
    await bot.send("0912345678")
    await bot.send(sms.last_code)
    assert CODE_B in bot.text and onestop.calls == ["phone"]
