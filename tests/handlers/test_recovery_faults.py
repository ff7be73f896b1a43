"""Recovery when the database fails mid-message: no SMS for a code that was never stored, no verification."""

from __future__ import annotations

import pytest

from handlers import texts
from handlers import texts_dossier as tx
from knowledge.library import Knowledge
from storage import Store, Unit
from tests.handlers.dossier_helpers import CODE_A, PHONE, Clock, FakeSms, make_bot, record, seed


class Flaky:
    """Makes the next `times` saves of conversation state fail, as a database going away would."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, times: int = 1) -> None:
        self.times = times
        original = Unit.save_state

        async def save_state(unit: Unit, *args: object) -> None:
            if self.times > 0:
                self.times -= 1
                raise RuntimeError("connection lost")
            await original(unit, *args)  # type: ignore[arg-type]

        monkeypatch.setattr(Unit, "save_state", save_state)


async def test_a_message_that_fails_to_commit_sends_no_sms_and_verifies_nobody(
    store: Store, knowledge: Knowledge, monkeypatch: pytest.MonkeyPatch
) -> None:
    await seed(store, record(CODE_A))
    sms, clock = FakeSms(), Clock()
    bot = make_bot(store, knowledge, clock, sms)
    await bot.send("quên mã hồ sơ")
    await bot.press(tx.BTN_AGREE)

    Flaky(monkeypatch)
    await bot.send(PHONE)
    assert bot.text == texts.ERROR and sms.sent == []  # rolled back: no code stored, none texted
    await bot.send(PHONE)  # the citizen (or the platform) tries again
    assert len(sms.sent) == 1

    Flaky(monkeypatch)
    await bot.send(sms.last_code)
    assert bot.text == texts.ERROR  # the code's use was rolled back with the rest
    await bot.send(sms.last_code)
    assert "Đã xác minh số 0912•••678" in bot.text and CODE_A in bot.text
