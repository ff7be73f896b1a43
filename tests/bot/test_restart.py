"""Kill the real server mid-conversation and restart it: the conversation continues."""

from __future__ import annotations

import signal
from pathlib import Path

import httpx

from tests.bot.helpers import free_port, start_server

USER = "wrestart0001"


def say(port: int, **body: str) -> list[dict[str, object]]:
    response = httpx.post(f"http://127.0.0.1:{port}/api/messages", json={"user_id": USER, **body}, timeout=10)
    response.raise_for_status()
    replies: list[dict[str, object]] = response.json()["replies"]
    return replies


def test_walkthrough_continues_after_kill_and_restart(tmp_path: Path) -> None:
    db, log, port = tmp_path / "bot.db", tmp_path / "server.log", free_port()
    server = start_server(db, port, log)
    try:
        say(port, text="dang ky khai sinh")
        for payload in ["g:khai-sinh", "w:a:0", "w:a:0", "w:haveall", "w:steps"]:
            say(port, payload=payload)
        step_two = say(port, payload="w:next")
        assert "Bước 2/" in str(step_two[-1]["text"])
    finally:
        server.send_signal(signal.SIGKILL)
        server.wait(10)

    server = start_server(db, port, log)
    try:
        step_three = say(port, payload="w:next")
        assert "Bước 3/" in str(step_three[-1]["text"])
        # a number typed after the restart still presses the stored menu's button ("Quay lại" is 2)
        back = say(port, text="2")
        assert "Bước 2/" in str(back[-1]["text"])
    finally:
        server.terminate()
        server.wait(10)
    assert "Traceback" not in log.read_text(errors="replace")


def test_sigterm_stops_the_server_cleanly(tmp_path: Path) -> None:
    """systemd and docker stop with SIGTERM: the bot finishes, closes the database and exits 0."""
    db, log, port = tmp_path / "bot.db", tmp_path / "server.log", free_port()
    server = start_server(db, port, log)
    say(port, text="dang ky khai sinh")
    assert (tmp_path / "bot.db-wal").exists()  # the database is open in WAL mode

    server.send_signal(signal.SIGTERM)

    assert server.wait(20) == 0
    assert not (tmp_path / "bot.db-wal").exists(), "the database was not closed (SQLite keeps the WAL file)"
    assert '"stopped"' in log.read_text(errors="replace")
