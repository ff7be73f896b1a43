"""The command line as evaluation scripts and staff use it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.bot.helpers import ROOT, bot_env


def run_cli(*args: str, stdin: str = "", cwd: Path = ROOT, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=cwd,
        env=bot_env(**env),
        timeout=60,
        check=False,
    )


def test_match_jsonl_prints_one_object_per_line_best_first() -> None:
    result = run_cli("match", "--jsonl", stdin="dang ky khai sinh\ngiá vàng hôm nay\n\n")
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(lines) == 3
    first = lines[0]
    assert set(first) == {"query", "decision", "candidates"}
    assert first["query"] == "dang ky khai sinh"
    assert first["decision"] == "match"
    assert first["candidates"][0]["id"] == "khai-sinh"
    assert 1 <= len(first["candidates"]) <= 5
    scores = [c["score"] for c in first["candidates"]]
    assert scores == sorted(scores, reverse=True) and all(0 <= s <= 100 for s in scores)
    assert lines[1]["decision"] == "none"
    assert lines[2] == {"query": "", "decision": "none", "candidates": []}


def test_match_uses_another_catalogue(tmp_path: Path) -> None:
    source = (ROOT / "procedures.yaml").read_text(encoding="utf-8")
    other = tmp_path / "other.yaml"
    other.write_text(source.replace("title: Đăng ký khai sinh\n", "title: Làm giấy khai sinh mới\n", 1), "utf-8")
    result = run_cli("match", "--jsonl", "--catalogue", str(other), stdin="lam giay khai sinh moi\n")
    assert json.loads(result.stdout)["candidates"][0]["id"] == "khai-sinh"


def test_validate_shipped_catalogue_exits_zero() -> None:
    result = run_cli("validate")
    assert result.returncode == 0, result.stdout
    assert "hợp lệ" in result.stdout


def test_validate_reports_line_numbers_and_exits_one(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: 1\nprocedures:\n  - id: Khai Sinh\n", encoding="utf-8")
    result = run_cli("validate", str(bad))
    assert result.returncode == 1
    assert f"{bad}:3:" in result.stdout


def test_console_chat_numbers_buttons_and_accepts_digits(tmp_path: Path) -> None:
    db = f"sqlite+aiosqlite:///{tmp_path / 'chat.db'}"
    result = run_cli("chat", stdin="dang ky khai sinh\n1\n", DATABASE_URL=db)
    assert result.returncode == 0, result.stderr
    assert "1. Bắt đầu hướng dẫn" in result.stdout
    assert "Câu hỏi 1/2" in result.stdout
    assert "Tạm biệt!" in result.stdout
