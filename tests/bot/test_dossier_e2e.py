"""End to end over real HTTP: import a CSV, recover with the code from the SMS outbox, look a dossier up."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.bot.helpers import ROOT, bot_env, free_port, start_server

USER = "we2edossier01"
CODES = ("000.00.12.H62-201105-0004", "000.00.12.H62-261120-0017")
CSV = (
    "code,procedure_id,phone,applicant_name,status,submitted_at,updated_at\n"
    f"{CODES[0]},1.001193,0912 345 678,Nguyễn Văn A,result_ready,2020-11-05 08:30,2020-11-09 10:00\n"
    f"{CODES[1]},ly-lich-tu-phap,+84912345678,Nguyễn Văn A,needs_more_papers,2026-11-20 14:00,2026-11-21 09:00\n"
    "000.00.12.H62-261120-0018,ket-hon,0987654321,Trần Thị B,processing,2026-11-20 15:00,2026-11-20 15:00\n"
)


def say(port: int, **body: str) -> str:
    response = httpx.post(f"http://127.0.0.1:{port}/api/messages", json={"user_id": USER, **body}, timeout=10)
    response.raise_for_status()
    return "\n".join(str(reply["text"]) for reply in response.json()["replies"])


def code_from_outbox(outbox: Path, to: str) -> str:
    """The last code texted to `to`; the queue sends in the background, so wait for it."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if outbox.exists():
            lines = [json.loads(line) for line in outbox.read_text(encoding="utf-8").splitlines()]
            texts = [line["text"] for line in lines if line["to"] == to]
            if texts:
                found = re.search(r"\b(\d{6})\b", texts[-1])
                assert found, texts[-1]
                return found.group(1)
        time.sleep(0.05)
    raise AssertionError("no SMS in the outbox")


def test_import_recover_list_and_look_up_on_the_web_chat(tmp_path: Path) -> None:
    db, data, log = tmp_path / "bot.db", tmp_path / "data", tmp_path / "server.log"
    outbox = tmp_path / "sms" / "outbox.jsonl"
    (tmp_path / "export.csv").write_text(CSV, encoding="utf-8")
    env = bot_env(DATABASE_URL=f"sqlite+aiosqlite:///{db}", DATA_DIR=str(data))
    command = [sys.executable, "-m", "bot", "dossiers", "import", str(tmp_path / "export.csv")]
    imported = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=False)
    assert imported.returncode == 0 and "3 mới (new)" in imported.stdout, imported.stdout + imported.stderr

    port = free_port()
    server = start_server(db, port, log, DATA_DIR=str(data), SMS_OUTBOX_PATH=str(outbox), LOG_LEVEL="DEBUG")
    try:
        assert "Bạn đồng ý tiếp tục" in say(port, text="quên mã hồ sơ")
        assert "số điện thoại" in say(port, payload="r:agree")
        assert "0912•••678" in say(port, text="0912 345 678")
        code = code_from_outbox(outbox, "+84912345678")
        listed = say(port, text=code)
        assert "Đã xác minh số 0912•••678" in listed
        assert CODES[0] in listed and CODES[1] in listed and "000.00.12.H62-261120-0018" not in listed
        assert "Đăng ký khai sinh" in listed and "Cần bổ sung giấy tờ" in listed
        card = say(port, payload=f"l:{CODES[1]}")
        assert f"📁 Hồ sơ {CODES[1]}" in card and "Việc cần làm" in card
        typed = say(port, text=f"tra giúp mình hồ sơ {CODES[0]}")
        assert "Đã có kết quả" in typed and "Nhận kết quả" in typed
        assert "không tìm thấy" in say(port, text="000.00.12.H62-261120-9999")
    finally:
        server.terminate()
        server.wait(10)
    logged = log.read_text(errors="replace")
    assert "Traceback" not in logged
    for secret in (code, "912345678", "Nguyễn"):
        assert secret not in logged
    assert (data / "secret.key").exists()
