"""End to end: the real `python -m bot run` with a staff group, against the Telegram emulator.

A citizen asks for a person, the staff group receives the ticket, a staff member replies to it,
the citizen receives the reply, staff close it with /dong, and the bot answers the citizen again.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.bot.helpers import free_port, start_server
from tests.bot.telegram_emulator import Citizen, Seen, has_text, require_emulator, run_emulator

TOKEN = "700100400:E2E-handoff-token-not-real-0123456789"
STAFF_GROUP = -1001700100400
CITIZEN_ID = 920_000_001
QUESTION = "Con tôi sinh ở nước ngoài thì đăng ký khai sinh ở đâu ạ?"


class StaffMember(Citizen):
    """A staff member writing in the staff group (the emulator keys bot messages by chat id)."""

    def __init__(self, api: str, token: str) -> None:
        super().__init__(api, token, STAFF_GROUP)
        self.user = {"id": 777_001, "is_bot": False, "first_name": "Hòa", "language_code": "vi"}
        self.chat = {"id": STAFF_GROUP, "type": "supergroup", "title": "Cán bộ một cửa"}

    def reply_to(self, message: Seen, text: str) -> None:
        """Reply (Telegram's «Trả lời») to one of the bot's messages in the group."""
        bot = {"id": int(self.token.split(":")[0]), "is_bot": True, "first_name": "Bot"}
        replied = {"message_id": message.message_id, "date": message.time_ms // 1000, "chat": self.chat}
        fields: dict[str, Any] = {"text": text, "reply_to_message": {**replied, "from": bot, "text": message.text}}
        if text.startswith("/"):
            fields["entities"] = [{"offset": 0, "length": len(text.split(" ")[0]), "type": "bot_command"}]
            self._post("/sendCommand", self._message(**fields))
        else:
            self._post("/sendMessage", self._message(**fields))


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("handoff-e2e")


@pytest.fixture(scope="module")
def emulator(workdir: Path) -> Iterator[str]:
    require_emulator()
    with run_emulator(workdir / "emulator.log") as url:
        yield url


@pytest.fixture(scope="module")
def staffed_bot(emulator: str, workdir: Path) -> Iterator[Path]:
    log = workdir / "bot.log"
    process = start_server(
        workdir / "bot.db",
        free_port(),
        log,
        DATA_DIR=str(workdir / "data"),
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_API_BASE_URL=emulator,
        STAFF_CHAT_ID=str(STAFF_GROUP),
        OFFICE_HOURS="",  # always open, whatever time the test runs
    )
    yield log
    process.terminate()
    try:
        process.wait(15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(5)


def test_a_question_goes_to_the_staff_group_and_the_answer_comes_back(emulator: str, staffed_bot: Path) -> None:
    citizen, staff = Citizen(emulator, TOKEN, CITIZEN_ID), StaffMember(emulator, TOKEN)
    try:
        citizen.send("/start")
        citizen.receive(lambda got: any(m.buttons for m in got), timeout=30)
        citizen.press("Gặp cán bộ")
        citizen.receive(has_text("gõ câu hỏi cho cán bộ"))
        citizen.send(QUESTION)
        citizen.receive(has_text("Gửi câu hỏi này cho cán bộ?"))
        citizen.press("Gửi cho cán bộ")
        citizen.receive(has_text("yêu cầu số 1"))

        [card] = [m for m in staff.receive(has_text("🆘 Yêu cầu #1"), timeout=20) if "🆘" in m.text]
        assert QUESTION in card.text and "Telegram" in card.text
        staff.reply_to(card, "Bạn nộp tại UBND phường nơi cư trú, mang hộ chiếu của cháu.")
        replied = citizen.receive(has_text("👤 Cán bộ trả lời"))
        assert any(m.text.endswith("mang hộ chiếu của cháu.") for m in replied)
        staff.receive(has_text("✓ Đã chuyển tới người dân"))

        citizen.send("dang ky khai sinh")  # quiet: forwarded, not answered with the card
        forwarded = citizen.receive(has_text("Đã chuyển cho cán bộ"))
        assert not any("📄" in m.text for m in forwarded)
        staff.receive(has_text("💬 Yêu cầu #1"), timeout=20)

        staff.reply_to(card, "/dong")
        closed = citizen.receive(has_text("Cán bộ đã đóng yêu cầu số 1"))
        assert any(m.buttons for m in closed)  # the menu again
        citizen.send("dang ky khai sinh")
        citizen.receive(has_text("📄 Đăng ký khai sinh"))
    finally:
        citizen.close()
        staff.close()
    log = staffed_bot.read_text(errors="replace")
    assert "Traceback" not in log and TOKEN.split(":")[1] not in log and QUESTION not in log
