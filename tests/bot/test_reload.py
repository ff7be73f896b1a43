"""Hot reload on the running bot: a bad file never takes it down, a good one is live within 2 s."""

from __future__ import annotations

import os
import time
from pathlib import Path

import httpx

from tests.bot.helpers import free_port, start_server
from tests.conftest import CATALOGUE

USER = "wreload00001"


def ask(port: int, text: str) -> str:
    response = httpx.post(f"http://127.0.0.1:{port}/api/messages", json={"user_id": USER, "text": text}, timeout=10)
    assert response.status_code == 200
    return "\n".join(reply["text"] for reply in response.json()["replies"])


def replace_file(path: Path, text: str) -> None:
    """Write the way editors do: a new file moved over the old one (atomic)."""
    tmp = path.with_suffix(".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def test_invalid_file_keeps_old_catalogue_and_valid_edit_is_live_within_two_seconds(tmp_path: Path) -> None:
    catalogue = tmp_path / "procedures.yaml"
    original = CATALOGUE.read_text(encoding="utf-8")
    catalogue.write_text(original, encoding="utf-8")
    port, log = free_port(), tmp_path / "server.log"
    server = start_server(tmp_path / "bot.db", port, log, CATALOGUE_PATH=str(catalogue))
    try:
        assert "📄 Đăng ký khai sinh" in ask(port, "dang ky khai sinh")

        replace_file(catalogue, original.replace("  - id: khai-sinh\n", "  - id: khai-sinh\n\tbroken: [\n", 1))
        time.sleep(1.5)
        assert "📄 Đăng ký khai sinh" in ask(port, "dang ky khai sinh")
        assert "catalogue reload refused" in log.read_text(encoding="utf-8")

        edited = original.replace("    title: Đăng ký khai sinh\n", "    title: Đăng ký khai sinh cho trẻ em\n", 1)
        replace_file(catalogue, edited)
        started = time.monotonic()
        while "📄 Đăng ký khai sinh cho trẻ em" not in ask(port, "dang ky khai sinh"):
            assert time.monotonic() - started < 2.0, "the edited catalogue was not live within 2 s"
            time.sleep(0.1)
    finally:
        server.terminate()
        server.wait(10)
