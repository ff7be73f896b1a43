"""Run the real entry point as a subprocess on a free loopback port."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def bot_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "TELEGRAM_", "ZALO_"))}
    env.update(extra)
    return env


def start_server(db: Path | str, port: int, log_path: Path, **extra: str) -> subprocess.Popen[bytes]:
    """Start `python -m bot run` on an SQLite file (or a database URL) and wait until it answers /healthz."""
    url = db if isinstance(db, str) else f"sqlite+aiosqlite:///{db}"
    env = bot_env(DATABASE_URL=url, PORT=str(port), HOST="127.0.0.1", **extra)
    with log_path.open("ab") as log:
        process = subprocess.Popen([sys.executable, "-m", "bot", "run"], cwd=ROOT, env=env, stdout=log, stderr=log)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited early: {log_path.read_text(errors='replace')}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=0.5).status_code == 200:
                return process
        except httpx.TransportError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("server did not start in 30 s")


def wait_until(predicate: Callable[[], bool], what: str, timeout: float = 15) -> None:
    """Poll `predicate` until it holds; fail with `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)
