"""`python -m bot dossiers import`: idempotent upsert and a report of rejected rows."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from bot.dossier_import import import_csv
from handlers.identifiers import phone_hash
from storage import Store
from tests.bot.helpers import ROOT, bot_env

KEY = b"k" * 32
HEADER = "code,procedure_id,phone,applicant_name,status,submitted_at,updated_at\n"
GOOD = [
    "000.00.12.H62-201105-0004,1.001193,0912 345 678,Nguyễn Văn A,processing,"
    "2020-11-05T08:30:00+07:00,2020-11-06 09:00",
    '000.00.12.H62-201106-0001,khai-sinh,+84987654321,"Trần, Thị B",result_ready,06/11/2020,07/11/2020 10:00',
]
BAD = [
    ",1.001193,0912345678,X,processing,2020-11-05,2020-11-05",  # row 4: no code
    "HS-1,1.001193,0912345678,X,processing,2020-11-05,2020-11-05",  # row 5: bad code
    "000.00.12.H62-201105-0005,1.001193,0912,X,processing,2020-11-05,2020-11-05",  # row 6: phone
    "000.00.12.H62-201105-0006,1.001193,0912345678,X,done,2020-11-05,2020-11-05",  # row 7: status
    "000.00.12.H62-201105-0007,1.001193,0912345678,X,processing,hôm qua,2020-11-05",  # row 8: date
    "000.00.12.H62-201105-0004,1.001193,0912345678,X,processing,2020-11-05,2020-11-05",  # row 9: duplicate
    "000.00.12.H62-201105-0008,1.001193,0912345678,X,processing",  # row 10: columns
]


def write(path: Path, rows: list[str]) -> Path:
    path.write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    return path


async def test_import_reports_rejected_rows_and_is_idempotent(store: Store, tmp_path: Path) -> None:
    path = write(tmp_path / "export.csv", GOOD + BAD)
    report = await import_csv(path, store, KEY, progress=False)
    assert (report.rows, report.inserted, report.updated, report.unchanged) == (9, 2, 0, 0)
    reasons = {item.row: item.reason for item in report.rejected}
    assert sorted(reasons) == [4, 5, 6, 7, 8, 9, 10]
    assert "missing code" in reasons[4] and "bad code format" in reasons[5] and "invalid phone" in reasons[6]
    assert "status must be one of" in reasons[7] and "bad submitted_at" in reasons[8]
    assert "dòng 2" in reasons[9] and "columns" in reasons[10]

    again = await import_csv(path, store, KEY, progress=False)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 2)
    async with store.unit() as unit:
        [first] = await unit.dossiers.by_phone_hash(phone_hash(KEY, "+84912345678"))
        assert first.record.code == "000.00.12.H62-201105-0004" and first.record.applicant_name == "Nguyễn Văn A"
        assert first.record.updated_at.hour == 2  # 09:00 in Vietnam is 02:00 UTC
        assert await unit.dossiers.history(first.record.code) == [("processing", first.record.updated_at)]

    changed = GOOD[0].replace("processing", "result_ready").replace("2020-11-06 09:00", "2020-11-10 09:00")
    report = await import_csv(write(tmp_path / "next.csv", [changed]), store, KEY, progress=False)
    assert report.updated == 1
    async with store.unit() as unit:
        assert [s for s, _ in await unit.dossiers.history(first.record.code)] == ["processing", "result_ready"]


def run_cli(*args: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = bot_env(DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}", DATA_DIR=str(tmp_path / "data"))
    command = [sys.executable, "-m", "bot", "dossiers", "import", *args]
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=False)


def test_cli_prints_the_report_and_writes_rejects(tmp_path: Path) -> None:
    path = write(tmp_path / "export.csv", GOOD + BAD)
    done = run_cli(str(path), "--rejects", str(tmp_path / "rejects.csv"), tmp_path=tmp_path)
    assert done.returncode == 1, done.stderr
    assert "2 mới (new)" in done.stdout and "7 bị loại (rejected)" in done.stdout
    assert f"{path}:6: số điện thoại không hợp lệ (invalid phone)" in done.stdout
    assert (tmp_path / "rejects.csv").read_text(encoding="utf-8").splitlines()[0] == "row,reason"
    assert (tmp_path / "data" / "secret.key").exists()
    clean = run_cli(str(write(tmp_path / "good.csv", GOOD)), tmp_path=tmp_path)
    assert clean.returncode == 0 and "2 không đổi (unchanged)" in clean.stdout


def test_cli_refuses_a_file_without_the_columns(tmp_path: Path) -> None:
    path = tmp_path / "wrong.csv"
    path.write_text("ma_ho_so,sdt\n1,2\n", encoding="utf-8")
    done = run_cli(str(path), tmp_path=tmp_path)
    assert done.returncode == 2 and "(missing columns): code, procedure_id" in done.stderr
    assert run_cli(str(tmp_path / "none.csv"), tmp_path=tmp_path).returncode == 2
