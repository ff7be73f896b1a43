"""Forgotten-code recovery: consent, SMS codes with their limits, shared contacts, the verified list."""

from __future__ import annotations

import asyncio
import json
import logging

import pytest

from bot.logs import JsonFormatter
from handlers import texts_dossier as tx
from handlers.types import Ask, Capability, Contact, Incoming
from knowledge.library import Knowledge
from storage import Store
from storage.verification import Codes, OneTimeCode
from tests.conftest import TestBot
from tests.handlers.dossier_helpers import (
    CODE_A,
    CODE_B,
    E164,
    PHONE,
    Clock,
    FakeSms,
    make_bot,
    record,
    seed,
)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def sms() -> FakeSms:
    return FakeSms()


@pytest.fixture
async def bot(store: Store, knowledge: Knowledge, clock: Clock, sms: FakeSms) -> TestBot:
    await seed(store, record(CODE_A, "needs_more_papers"), record(CODE_B, "result_ready"))
    return make_bot(store, knowledge, clock, sms)


async def ask_code(bot: TestBot, phone: str = PHONE) -> None:
    await bot.send("/menu")
    await bot.send("quên mã hồ sơ")
    await bot.press(tx.BTN_AGREE)
    await bot.send(phone)


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


async def test_consent_first_then_code_then_masked_list(bot: TestBot, sms: FakeSms, store: Store) -> None:
    await bot.send("quên mã hồ sơ")
    assert "Bạn đồng ý tiếp tục" in bot.text and tx.BTN_AGREE in bot.labels
    await bot.send(PHONE)  # a phone typed before «Đồng ý» is not taken
    assert bot.text == tx.CONSENT_FIRST and sms.sent == []
    async with store.unit() as unit:
        assert await unit.consents.latest("test", "citizen-1", tx.CONSENT_PURPOSE) is None
    await bot.press(tx.BTN_AGREE)
    async with store.unit() as unit:
        consent = await unit.consents.latest("test", "citizen-1", tx.CONSENT_PURPOSE)
    assert consent is not None and consent.text_version == tx.CONSENT_VERSION
    assert bot.last[0].ask is None  # the test channel cannot share contacts
    await bot.send("0912 345 678")
    assert bot.text == tx.CODE_SENT.format(masked="0912•••678")
    [(to, code, _)] = sms.sent
    assert to == E164 and len(code) == 6 and code.isdigit()
    await bot.send(f" {code[:3]} {code[3:]} ")
    assert "✅ Đã xác minh số 0912•••678" in bot.text
    assert CODE_A in bot.text and CODE_B in bot.text and "Cần bổ sung giấy tờ" in bot.text
    assert "Đăng ký khai sinh" in bot.text and "05/11/2020" in bot.text
    assert E164 not in bot.text and PHONE not in bot.text and "Nguyễn" not in bot.text
    await bot.press(f"l:{CODE_A}")
    assert f"📁 Hồ sơ {CODE_A}" in bot.text and "Việc cần làm" in bot.text


async def test_a_code_works_once(bot: TestBot, sms: FakeSms) -> None:
    await ask_code(bot)
    code = sms.last_code
    await bot.send(code)
    assert "Đã xác minh" in bot.text
    await bot.send("quên mã hồ sơ")
    await bot.press(tx.BTN_AGREE)
    bot.engine.clock.advance(seconds=61)  # type: ignore[attr-defined]
    await bot.send(PHONE)
    await bot.send(code)  # the old, used code
    assert bot.text == tx.CODE_WRONG


async def test_five_wrong_codes_lock_it(bot: TestBot, sms: FakeSms) -> None:
    await ask_code(bot)
    code = sms.last_code
    for _ in range(4):
        await bot.send(wrong(code))
        assert bot.text == tx.CODE_WRONG
    await bot.send(wrong(code))
    assert bot.text == tx.CODE_LOCKED
    await bot.send(code)
    assert bot.text == tx.CODE_LOCKED


async def test_expired_code_fails_with_the_wrong_code_text(bot: TestBot, sms: FakeSms, clock: Clock) -> None:
    await ask_code(bot)
    code = sms.last_code
    await bot.send(wrong(code))
    wrong_text = bot.text
    clock.advance(minutes=5, seconds=1)
    await bot.send(code)
    assert bot.text == wrong_text == tx.CODE_WRONG


async def test_a_code_from_one_chat_fails_in_another(
    bot: TestBot, sms: FakeSms, clock: Clock, store: Store, knowledge: Knowledge
) -> None:
    await ask_code(bot)
    code_a = sms.last_code
    other = make_bot(store, knowledge, clock, sms, user_id="citizen-2")
    clock.advance(seconds=61)  # past the one-per-minute limit of the phone
    await ask_code(other)
    assert len(sms.sent) == 2
    await other.send(code_a)
    assert other.text == tx.CODE_WRONG
    await bot.send(code_a)
    assert "Đã xác minh" in bot.text


async def test_two_racing_submissions_of_the_right_code_verify_once(
    store: Store, knowledge: Knowledge, clock: Clock, sms: FakeSms, monkeypatch: pytest.MonkeyPatch
) -> None:
    await seed(store, record(CODE_A))
    bot = make_bot(store, knowledge, clock, sms)
    await ask_code(bot)
    # Two workers (each engine serialises a chat only within itself, each process has its own
    # store) both read the live code before either marks it used: the race the conditional
    # UPDATE must settle.
    other_process = Store(store.url)
    second = make_bot(other_process, knowledge, clock, sms).engine
    barrier, live = asyncio.Barrier(2), Codes.live

    async def live_then_wait(self: Codes, *args: str) -> OneTimeCode | None:
        found = await live(self, *args)
        await asyncio.wait_for(barrier.wait(), 5)
        return found

    monkeypatch.setattr(Codes, "live", live_then_wait)
    typed = Incoming("test", "citizen-1", "citizen-1", text=sms.last_code)
    try:
        first, other = await asyncio.gather(bot.engine.handle(typed), second.handle(typed))
    finally:
        await other_process.close()
    texts = [replies[0].text for replies in (first, other)]
    assert sum("Đã xác minh" in text for text in texts) == 1
    assert tx.CODE_WRONG in texts
    async with store.unit() as unit:
        results = [result for _, result, _ in await unit.audit.entries("verify")]
    assert sorted(results) == ["ok", "used"]


async def test_send_limits_per_phone_and_per_chat(bot: TestBot, sms: FakeSms, clock: Clock) -> None:
    await ask_code(bot)
    await bot.press(tx.BTN_NEW_CODE)
    await bot.send("0987 654 321")  # another phone, same chat, same minute
    assert bot.text == tx.SEND_LIMITED and len(sms.sent) == 1
    clock.advance(seconds=61)
    await bot.send(PHONE)
    assert bot.text.startswith("Nếu 0912•••678") and len(sms.sent) == 2
    clock.advance(seconds=61)
    await bot.press(tx.BTN_NEW_CODE)
    await bot.send(PHONE)
    assert len(sms.sent) == 3
    clock.advance(seconds=61)
    await bot.press(tx.BTN_NEW_CODE)
    await bot.send(PHONE)
    assert bot.text == tx.SEND_LIMITED and len(sms.sent) == 3  # three per phone per hour
    clock.advance(hours=1)
    await bot.send(PHONE)
    assert len(sms.sent) == 4


async def test_ten_failures_lock_the_phone_even_with_a_new_code(bot: TestBot, sms: FakeSms, clock: Clock) -> None:
    for _ in range(2):
        await ask_code(bot)
        for _ in range(5):
            await bot.send(wrong(sms.last_code))
        clock.advance(seconds=61)
    assert bot.text == tx.CODE_LOCKED
    await ask_code(bot)
    assert bot.text == tx.PHONE_LOCKED and len(sms.sent) == 2
    clock.advance(hours=1)
    await ask_code(bot)
    await bot.send(sms.last_code)
    assert "Đã xác minh" in bot.text


async def test_replies_are_identical_with_and_without_dossiers(
    store: Store, knowledge: Knowledge, tmp_path: object, sms: FakeSms
) -> None:
    empty = Store(f"sqlite+aiosqlite:///{tmp_path}/empty.db")  # type: ignore[str-bytes-safe]
    await empty.upgrade()
    try:
        await seed(store, record(CODE_A), record(CODE_B))
        transcripts = []
        for each in (store, empty):
            bot = make_bot(each, knowledge, Clock(), sms)
            replies = []
            for step in ("quên mã hồ sơ", tx.BTN_AGREE, PHONE, "12345", wrong("999999")):
                await (bot.press(step) if step == tx.BTN_AGREE else bot.send(step))
                replies.append([(r.text, r.buttons, r.ask) for r in bot.last])
            transcripts.append(replies)
        assert transcripts[0] == transcripts[1]
        assert len(sms.sent) == 2
    finally:
        await empty.close()


async def test_own_contact_in_a_private_chat_verifies_without_sms(bot: TestBot, sms: FakeSms) -> None:
    share = frozenset({Capability.BUTTONS, Capability.SHARE_CONTACT})
    start = Incoming("test", "citizen-1", "citizen-1", text="quên mã hồ sơ", capabilities=share)
    await bot.engine.handle(start)
    replies = await bot.engine.handle(Incoming("test", "citizen-1", "citizen-1", payload="r:agree", capabilities=share))
    assert replies[0].ask is Ask.PHONE and "gõ số điện thoại" in replies[0].text
    contact = Contact("84912345678", user_id="citizen-1")
    replies = await bot.engine.handle(Incoming("test", "citizen-1", "citizen-1", contact=contact, capabilities=share))
    assert "Đã xác minh số 0912•••678" in replies[0].text and CODE_A in replies[0].text
    assert sms.sent == []


@pytest.mark.parametrize(
    ("contact", "private"),
    [
        (Contact("+84912345678", user_id="someone-else"), True),
        (Contact("+84912345678", user_id=None), True),
        (Contact("+84912345678", user_id="citizen-1", forwarded=True), True),
        (Contact("+84912345678", user_id="citizen-1"), False),
    ],
    ids=["someone-else", "no-user-id", "forwarded", "group-chat"],
)
async def test_other_contacts_are_refused(bot: TestBot, store: Store, contact: Contact, private: bool) -> None:
    await bot.send("quên mã hồ sơ")
    await bot.press(tx.BTN_AGREE)
    incoming = Incoming("test", "citizen-1", "citizen-1", contact=contact, private_chat=private)
    [reply] = await bot.engine.handle(incoming)
    assert reply.text == tx.CONTACT_REFUSED and CODE_A not in reply.text
    async with store.unit() as unit:
        assert await unit.audit.entries("contact") == [("contact", "refused", None)]
        assert await unit.audit.entries("list") == []


async def test_verified_state_expires_after_ten_minutes(bot: TestBot, sms: FakeSms, clock: Clock) -> None:
    await ask_code(bot)
    await bot.send(sms.last_code)
    await bot.press(f"l:{CODE_A}")
    await bot.press(tx.BTN_SHOW_LIST)
    assert CODE_B in bot.text
    await bot.press(f"l:{CODE_B}")
    clock.advance(minutes=10, seconds=1)
    await bot.press(tx.BTN_SHOW_LIST)
    assert bot.text == tx.VERIFIED_EXPIRED


async def test_list_is_never_shown_from_a_replayed_button_without_verification(bot: TestBot) -> None:
    [reply] = await bot.engine.handle(Incoming("test", "citizen-1", "citizen-1", payload="r:list"))
    assert reply.text == tx.VERIFIED_EXPIRED


async def test_a_full_recovery_logs_neither_the_code_nor_the_phone(
    bot: TestBot, sms: FakeSms, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    await ask_code(bot)
    await bot.send(wrong(sms.last_code))
    await bot.send(sms.last_code)
    assert "Đã xác minh" in bot.text
    formatter = JsonFormatter()
    logged = caplog.text + "\n".join(formatter.format(r) for r in caplog.records)
    for secret in (sms.last_code, E164, PHONE, "912345678"):
        assert secret not in logged


async def test_every_attempt_is_audited_with_the_phone_hashed(bot: TestBot, sms: FakeSms, store: Store) -> None:
    await ask_code(bot)
    await bot.send("12345")
    await bot.send(wrong(sms.last_code))
    await bot.send(sms.last_code)
    async with store.unit() as unit:
        entries = await unit.audit.entries()
    assert [(a, r) for a, r, _ in entries] == [
        ("consent", "given"),
        ("send", "sent"),
        ("verify", "malformed"),
        ("verify", "wrong"),
        ("verify", "ok"),
        ("list", "shown"),
    ]
    hashes = {h for _, _, h in entries if h}
    assert len(hashes) == 1 and E164 not in json.dumps(entries)


async def test_a_new_code_kills_the_old_one(bot: TestBot, sms: FakeSms, clock: Clock) -> None:
    await ask_code(bot)
    old = sms.last_code
    clock.advance(seconds=61)
    await bot.press(tx.BTN_NEW_CODE)
    await bot.send(PHONE)
    new = sms.last_code
    if new != old:  # one chance in a million that both are the same digits
        await bot.send(old)
        assert bot.text == tx.CODE_WRONG
    await bot.send(new)
    assert "Đã xác minh" in bot.text


async def test_a_question_while_waiting_for_the_code_offers_a_way_out(bot: TestBot) -> None:
    await ask_code(bot)
    await bot.send("đổi bằng lái xe")
    assert bot.text == tx.OFF_TOPIC.format(waiting=tx.WAITING_CODE)
    assert bot.buttons[0].payload.startswith("a:") and tx.BTN_NEW_CODE in bot.labels
    await bot.send("/huy")
    await bot.send("123456")
    assert tx.CODE_WRONG not in bot.text
