"""End to end: the real `python -m bot run` against the Telegram emulator, a citizen on the other side."""

from __future__ import annotations

import itertools
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.bot.helpers import ROOT, bot_env, free_port, start_server
from tests.bot.telegram_emulator import Citizen, has_text, require_emulator, run_emulator

TOKEN = "700100200:E2E-polling-token-not-real-0123456789"
WEBHOOK_TOKEN = "700100300:E2E-webhook-token-not-real-0123456789"
WEBHOOK_SECRET = "e2e-webhook-secret-" + "Q" * 24
_user_ids = itertools.count(910_000_001)
PHONE = "84912345678"  # as Telegram sends it: digits, no "+"
CODES = ("000.00.12.H62-201105-0004", "000.00.12.H62-261120-0017")
DOSSIERS = (
    "code,procedure_id,phone,applicant_name,status,submitted_at,updated_at\n"
    f"{CODES[0]},1.001193,0912 345 678,Nguyễn Văn A,result_ready,2020-11-05 08:30,2020-11-09 10:00\n"
    f"{CODES[1]},ly-lich-tu-phap,+84912345678,Nguyễn Văn A,needs_more_papers,2026-11-20 14:00,2026-11-21 09:00\n"
    "000.00.12.H62-261120-0018,ket-hon,0987654321,Trần Thị B,processing,2026-11-20 15:00,2026-11-20 15:00\n"
)


def walk_to_first_step(citizen: Citizen) -> None:
    """Answer the walkthrough's opening questions and checklist with buttons until "Bước 1/" shows."""
    preferred = ("Bắt đầu các bước", "Tôi đã có đủ")
    for _ in range(8):
        latest = citizen.receive(lambda got: any(m.buttons for m in got))
        if any("Bước 1/" in m.text for m in latest):
            return
        labels = [label for m in latest for label, _ in m.buttons]
        citizen.press(next((label for label in preferred if label in labels), labels[0]))
    raise AssertionError(f"no step 1 after 8 presses; last: {[m.text[:60] for m in citizen.seen[-3:]]}")


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("telegram-e2e")


@pytest.fixture(scope="module")
def emulator(workdir: Path) -> Iterator[str]:
    require_emulator()
    with run_emulator(workdir / "emulator.log") as url:
        yield url


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(5)


@pytest.fixture(scope="module")
def bot_log(workdir: Path) -> Path:
    return workdir / "bot.log"


def import_dossiers(db: Path, data: Path) -> None:
    """Load the one-stop export the recovery scenario lists, with the real command."""
    (data.parent / "export.csv").write_text(DOSSIERS, encoding="utf-8")
    env = bot_env(DATABASE_URL=f"sqlite+aiosqlite:///{db}", DATA_DIR=str(data))
    command = [sys.executable, "-m", "bot", "dossiers", "import", str(data.parent / "export.csv")]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.fixture(scope="module")
def polling_bot(emulator: str, workdir: Path, bot_log: Path) -> Iterator[None]:
    db, data = workdir / "bot.db", workdir / "data"
    import_dossiers(db, data)
    process = start_server(
        db, free_port(), bot_log, DATA_DIR=str(data), TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_BASE_URL=emulator
    )
    yield
    stop(process)


@pytest.fixture
def citizen(emulator: str, polling_bot: None) -> Iterator[Citizen]:
    person = Citizen(emulator, TOKEN, next(_user_ids))
    yield person
    person.close()


def test_start_shows_the_menu_with_inline_buttons(citizen: Citizen) -> None:
    citizen.send("/start")
    messages = citizen.receive(lambda got: any(m.buttons for m in got), timeout=30)  # absorbs the bot's start-up
    assert "Xin chào" in messages[0].text
    labels = [label for m in messages for label, _ in m.buttons]
    assert {"Tìm thủ tục", "Tra cứu hồ sơ", "Quên mã hồ sơ", "Gặp cán bộ"} <= set(labels)


def test_question_without_diacritics_gets_the_card_then_step_one(citizen: Citizen) -> None:
    citizen.send("dang ky khai sinh")
    [card] = citizen.receive(has_text("Đăng ký khai sinh"), timeout=30)
    assert card.text.startswith("📄 Đăng ký khai sinh")
    assert ("Bắt đầu hướng dẫn", "g:khai-sinh") in card.buttons
    citizen.press("Bắt đầu hướng dẫn")
    walk_to_first_step(citizen)


def test_deep_link_start_payload_opens_the_procedure(citizen: Citizen) -> None:
    citizen.send("/start khai-sinh")
    messages = citizen.receive(has_text("📄 Đăng ký khai sinh"), timeout=30)
    assert "Xin chào" in messages[0].text


def test_replayed_update_gets_no_second_reply(citizen: Citizen) -> None:
    citizen.send("dang ky khai sinh")
    citizen.receive(has_text("📄 Đăng ký khai sinh"), timeout=30)
    assert citizen.redeliver() == 1  # the emulator hands the same update (same update_id) to the bot again
    citizen.send("/trogiup")
    # Updates of one chat are handled in order, so a second card would arrive before the help.
    after = citizen.receive(has_text("Cách dùng trợ lý"))
    assert [m.text for m in after if "Đăng ký khai sinh" in m.text] == []


def ask_for_the_phone(citizen: Citizen) -> None:
    """/start, «Quên mã hồ sơ», «Đồng ý»: the bot offers the share-contact button."""
    citizen.send("/start")
    citizen.receive(lambda got: any(m.buttons for m in got), timeout=30)
    citizen.press("Quên mã hồ sơ")
    citizen.receive(has_text("Bạn đồng ý tiếp tục"))
    citizen.press("Đồng ý")
    # «Gặp cán bộ» and «Hủy» stay available as inline buttons beside the contact button
    asked = citizen.receive(lambda got: any(m.contact_button for m in got) and any(m.buttons for m in got))
    assert any("Chia sẻ số điện thoại" in m.text for m in asked)


def test_sharing_ones_own_contact_lists_the_imported_dossiers(citizen: Citizen) -> None:
    ask_for_the_phone(citizen)
    citizen.share_contact(PHONE, user_id=citizen.user_id)
    listed = citizen.receive(has_text("Đã xác minh số"))
    text = "\n".join(m.text for m in listed)
    assert "0912•••678" in text and CODES[0] in text and CODES[1] in text
    assert "000.00.12.H62-261120-0018" not in text  # someone else's dossier
    assert any(m.removes_keyboard for m in listed)  # the contact keyboard goes away


def test_someone_elses_contact_is_refused(citizen: Citizen) -> None:
    ask_for_the_phone(citizen)
    citizen.share_contact(PHONE, user_id=citizen.user_id + 1)
    refused = citizen.receive(has_text("chính bạn"))
    assert any(m.contact_button for m in refused)  # asked again, with the button
    citizen.share_contact(PHONE, user_id=None)  # a contact card typed by hand has no user id
    again = citizen.receive(has_text("chính bạn"))
    assert not any("Đã xác minh" in m.text for m in refused + again)


def test_bot_log_has_no_token_and_no_traceback(citizen: Citizen, bot_log: Path) -> None:
    citizen.send("/menu")
    citizen.receive(lambda got: any(m.buttons for m in got), timeout=30)
    log = bot_log.read_text(errors="replace")
    assert '"telegram ready"' in log
    assert TOKEN not in log and TOKEN.split(":")[1] not in log
    assert PHONE not in log and "912345678" not in log
    assert "Traceback" not in log


def test_webhook_mode_on_our_web_server(emulator: str, workdir: Path) -> None:
    port = free_port()
    log = workdir / "webhook-bot.log"
    url = f"http://127.0.0.1:{port}/telegram/webhook"
    process = start_server(
        workdir / "webhook.db",
        port,
        log,
        TELEGRAM_BOT_TOKEN=WEBHOOK_TOKEN,
        TELEGRAM_API_BASE_URL=emulator,
        TELEGRAM_WEBHOOK_URL=url,
        TELEGRAM_WEBHOOK_SECRET=WEBHOOK_SECRET,
    )
    person = Citizen(emulator, WEBHOOK_TOKEN, next(_user_ids))
    try:
        deadline = time.monotonic() + 30
        while person._post("/shim/webhook", {"token": WEBHOOK_TOKEN}) != url:
            assert time.monotonic() < deadline, "the bot never called setWebhook"
            time.sleep(0.05)
        wrong = httpx.post(url, json={"update_id": 1}, headers={"X-Telegram-Bot-Api-Secret-Token": "wrong"})
        assert wrong.status_code == 401
        person.send("dang ky khai sinh")
        person.receive(has_text("📄 Đăng ký khai sinh"))
        person.press("Bắt đầu hướng dẫn")
        walk_to_first_step(person)
    finally:
        person.close()
        stop(process)
    text = log.read_text(errors="replace")
    assert WEBHOOK_TOKEN not in text and WEBHOOK_SECRET not in text and "Traceback" not in text
