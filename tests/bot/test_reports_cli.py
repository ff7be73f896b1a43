"""`python -m bot report …` and `python -m bot volunteers …` as staff run them."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pytest

from tests.bot.seed import NOW, seed_file
from tests.bot.test_cli import run_cli

SINCE = (NOW - dt.timedelta(days=10)).date().isoformat()


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    return {"DATABASE_URL": seed_file(tmp_path_factory.mktemp("reports") / "bot.db")}


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_unanswered_report(seeded: dict[str, str]) -> None:
    result = run_cli("report", "unanswered", "--since", SINCE, "--format", "csv", **seeded)
    assert result.returncode == 0, result.stderr
    found = rows(result.stdout)
    assert [(r["text"], r["count"]) for r in found] == [("giá vàng hôm nay", "4"), ("xin visa đi mỹ", "2")]
    markdown = run_cli("report", "unanswered", "--since", SINCE, **seeded).stdout
    assert "| giá vàng hôm nay | 4 |" in markdown


def test_stuck_report_names_the_procedure_and_step(seeded: dict[str, str]) -> None:
    result = run_cli("report", "stuck", "--since", SINCE, "--format", "csv", **seeded)
    [row] = rows(result.stdout)
    assert row["procedure"] == "Đăng ký khai sinh" and row["step"] == "dang-nhap"
    assert (row["stuck"], row["abandoned"], row["total"]) == ("1", "1", "2")
    assert row["step_title"] != "dang-nhap"


def test_usage_report_has_days_channels_procedures_and_decisions(seeded: dict[str, str]) -> None:
    result = run_cli("report", "usage", "--since", SINCE, "--format", "csv", **seeded)
    assert result.returncode == 0, result.stderr
    found = rows(result.stdout)
    messages = [r for r in found if r["section"] == "messages"]
    assert sum(int(r["count"]) for r in messages) == (6 + 7 + 8 + 9 + 10) + 5 * 3 + (2 + 4 + 6 + 8)
    assert {r["channel"] for r in messages} == {"web", "telegram", "zalo"}
    top = [(r["key"], r["count"]) for r in found if r["section"] == "top_procedures"]
    assert top == [("khai-sinh", "25"), ("can-cuoc", "15")]
    shares = {r["key"]: r["share"] for r in found if r["section"] == "decisions"}
    assert shares == {"match": "72.7%", "ambiguous": "9.1%", "none": "18.2%"}
    markdown = run_cli("report", "usage", "--since", SINCE, **seeded).stdout
    assert "## Tin nhắn theo ngày và kênh" in markdown and "| khai-sinh | Đăng ký khai sinh | 25 |" in markdown


def test_since_excludes_older_figures(seeded: dict[str, str]) -> None:
    tomorrow = (NOW + dt.timedelta(days=2)).date().isoformat()
    result = run_cli("report", "usage", "--since", tomorrow, "--format", "csv", **seeded)
    assert rows(result.stdout) == []


def test_volunteer_registry_commands(tmp_path: Path) -> None:
    env = {"DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}", "PUBLIC_WEB_URL": "https://dvc.example.vn"}
    added = run_cli("volunteers", "add", "tn07", "--name", "Lê Văn Cường", "--unit", "Đoàn phường Tân Định", **env)
    assert added.returncode == 0, added.stderr
    assert "https://dvc.example.vn/?start=v_TN07" in added.stdout and "Zalo:     nhắn «TN " in added.stdout
    assert run_cli("volunteers", "add", "TN07", "--name", "x", "--unit", "y", **env).returncode == 2
    assert run_cli("volunteers", "add", "TN_7", "--name", "x", "--unit", "y", **env).returncode == 2
    assert run_cli("volunteers", "disable", "TN07", **env).returncode == 0
    assert run_cli("volunteers", "list", **env).stdout == "TN07\tđã ngừng\tLê Văn Cường\tĐoàn phường Tân Định\n"
    assert run_cli("volunteers", "enable", "TN07", **env).returncode == 0
    link = run_cli("volunteers", "link", "TN07", **env)
    assert "https://dvc.example.vn/?start=vl_" in link.stdout and "gõ /start vl_" in link.stdout
    assert run_cli("volunteers", "disable", "NOPE", **env).returncode == 2
