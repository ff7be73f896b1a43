"""Posters: the QR codes on the printed page decode (with zxing-cpp) to the volunteer's links."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image

from bot import poster
from bot.poster import PosterContent, PosterError
from tests.bot.test_cli import run_cli

WEB = "https://dvc.example.vn/?start=v_TN01_khai-sinh"
TELEGRAM = "https://t.me/tro_ly_dvc_bot?start=v_TN01_khai-sinh"


def content(telegram: str | None = TELEGRAM) -> PosterContent:
    return PosterContent(
        "đăng ký khai sinh", "Nguyễn Thị Hồng Nhung", "Đoàn phường Bến Nghé", "TN01", WEB, "TN 7K3Q", telegram
    )


def decoded(path: Path) -> set[str]:
    with Image.open(path) as image:
        return {result.text for result in zxingcpp.read_barcodes(image.convert("L"))}


def test_png_poster_is_a4_and_its_qr_codes_decode_to_the_links(tmp_path: Path) -> None:
    out = tmp_path / "poster.png"
    poster.save(content(), out)
    with Image.open(out) as image:
        assert image.size == (1240, 1754)
        assert round(image.info["dpi"][0]) == 150
    assert decoded(out) == {WEB, TELEGRAM}


def test_without_telegram_only_the_web_link_is_printed(tmp_path: Path) -> None:
    out = tmp_path / "poster.png"
    poster.save(content(telegram=None), out)
    assert decoded(out) == {WEB}


def test_pdf_poster_is_one_a4_page(tmp_path: Path) -> None:
    out = tmp_path / "poster.pdf"
    poster.save(content(), out)
    data = out.read_bytes()
    assert data.startswith(b"%PDF")
    assert b"/Count 1" in data
    box = re.search(rb"/MediaBox \[ ?0 0 ([\d.]+) ([\d.]+) ?\]", data)
    assert box is not None
    assert abs(float(box.group(1)) - 595.3) < 1 and abs(float(box.group(2)) - 841.9) < 1  # A4 in points


def test_a_missing_font_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(poster, "FONT_BOLD", tmp_path / "missing.ttf")
    with pytest.raises(PosterError, match="fonts-dejavu-core"):
        poster.save(content(), tmp_path / "poster.png")
    with pytest.raises(PosterError, match=r"\.png hoặc \.pdf"):
        poster.save(content(), tmp_path / "poster.jpg")


def test_poster_command_prints_the_links_and_reuses_the_short_code(tmp_path: Path) -> None:
    env = {
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}",
        "PUBLIC_WEB_URL": "https://dvc.example.vn",
        "TELEGRAM_BOT_USERNAME": "tro_ly_dvc_bot",
    }
    added = run_cli("volunteers", "add", "tn01", "--name", "Nguyễn Thị Hồng Nhung", "--unit", "Đoàn phường", **env)
    assert added.returncode == 0, added.stderr
    out = tmp_path / "p.png"
    first = run_cli("poster", "--volunteer", "TN01", "--procedure", "khai-sinh", "--out", str(out), **env)
    assert first.returncode == 0, first.stderr
    assert decoded(out) == {WEB, TELEGRAM}
    assert f"Web:      {WEB}" in first.stdout
    again = run_cli("poster", "--volunteer", "TN01", "--procedure", "khai-sinh", "--out", str(out), **env)
    zalo = [line for line in first.stdout.splitlines() if "Zalo" in line]
    assert zalo and zalo == [line for line in again.stdout.splitlines() if "Zalo" in line]
    unknown = run_cli("poster", "--volunteer", "TN01", "--procedure", "khong-co", "--out", str(out), **env)
    assert unknown.returncode == 2 and "không có thủ tục này" in unknown.stderr
    nobody = run_cli("poster", "--volunteer", "XX99", "--out", str(out), **env)
    assert nobody.returncode == 2 and "không có tình nguyện viên" in nobody.stderr
