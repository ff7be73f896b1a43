"""SQLite runs statements on the event loop; another process holding the file must not freeze it."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy.exc import OperationalError

from storage import Store, sqlite_driver
from tests.storage.one_citizen import load, save

HOLD_THE_FILE = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN IMMEDIATE")  # the write lock, as an admin command writing the file would hold it
print("locked", flush=True)
sys.stdin.readline()
conn.execute("COMMIT")
"""


@pytest.fixture
async def sqlite_store(tmp_path: Path) -> AsyncIterator[Store]:
    store = Store(f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}")
    await store.upgrade()
    yield store
    await store.close()


class OtherProcess:
    """Another program holding the database file's write lock until told to let go."""

    def __init__(self, database: Path) -> None:
        command = [sys.executable, "-c", HOLD_THE_FILE, str(database)]
        self.process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert self.process.stdout is not None and self.process.stdout.readline().strip() == "locked"

    def let_go(self) -> int:
        self.process.communicate("\n", timeout=10)
        return self.process.returncode


@pytest.fixture
def hold_the_file(tmp_path: Path) -> Iterator[Callable[[], OtherProcess]]:
    started: list[OtherProcess] = []

    def start() -> OtherProcess:
        started.append(OtherProcess(tmp_path / "bot.db"))
        return started[-1]

    yield start
    for other in started:
        if other.process.poll() is None:
            other.process.kill()
            other.process.communicate(timeout=10)


async def longest_pause(seconds: float) -> float:
    """Tick every 10 ms for `seconds`; the longest gap shows whether something blocked the loop."""
    longest, last, until = 0.0, time.perf_counter(), time.perf_counter() + seconds
    while time.perf_counter() < until:
        await asyncio.sleep(0.01)
        now = time.perf_counter()
        longest, last = max(longest, now - last), now
    return longest


async def test_a_write_waits_for_another_process_while_the_loop_keeps_serving(
    sqlite_store: Store, hold_the_file: Callable[[], OtherProcess]
) -> None:
    await save(sqlite_store, "before")
    other = hold_the_file()
    writing = asyncio.create_task(save(sqlite_store, "while another program held the file"))

    pause = await longest_pause(0.5)

    assert not writing.done(), "the write went through although another process held the file"
    assert pause < 0.2, f"the event loop stopped for {pause * 1000:.0f} ms"
    assert other.let_go() == 0
    await asyncio.wait_for(writing, timeout=5)
    assert await load(sqlite_store) == {"said": "while another program held the file"}


async def test_a_file_held_too_long_fails_the_unit_and_keeps_what_was_stored(
    sqlite_store: Store, hold_the_file: Callable[[], OtherProcess], monkeypatch: pytest.MonkeyPatch
) -> None:
    await save(sqlite_store, "before")
    other = hold_the_file()
    monkeypatch.setattr(sqlite_driver, "BUSY_TIMEOUT_MS", 300)
    started = time.perf_counter()

    with pytest.raises(OperationalError, match="locked"):
        await save(sqlite_store, "never stored")

    assert time.perf_counter() - started < 3
    assert other.let_go() == 0
    assert await load(sqlite_store) == {"said": "before"}
