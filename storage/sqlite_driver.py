"""SQLite for SQLAlchemy's asyncio engine, run on the event loop while the file is free.

SQLAlchemy's `sqlite+aiosqlite` dialect normally talks to aiosqlite, which runs every SQLite
call on a thread of its own and hands the result back through the event loop: four round trips
per statement (open a cursor, execute, fetch, close), about twenty per incoming message. Under
load each round trip also waits for the loop and for the GIL, and the round trips, not SQLite,
made most of a message's time: a statement takes about 0.1 ms, a round trip several times that.

This connection runs each statement on the loop's own thread instead. That is safe because the
file is local, the statements are small and this process's units take turns (see
`Store._turn`), so a statement never waits for another one of ours. It can wait for another
process, such as an admin command writing the same file: then SQLite answers "busy" at once
(busy_timeout 0), and the statement is tried again on a worker thread that waits up to
`BUSY_TIMEOUT_MS` for the file, while the loop goes on serving other requests.

The connection is plugged in through `create_async_engine(async_creator=...)` and offers the part
of aiosqlite's interface that SQLAlchemy's dialect uses; the dialect, its type handling and the
sqlite3 exceptions stay as they are.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

T = TypeVar("T")
Row = tuple[Any, ...]
Parameters = Sequence[Any] | dict[str, Any]

BUSY_TIMEOUT_MS = 5000  # how long a statement waits for another process to release the file


def _is_busy(exc: sqlite3.OperationalError) -> bool:
    return getattr(exc, "sqlite_errorcode", 0) & 0xFF == sqlite3.SQLITE_BUSY


def _patiently(function: Callable[[sqlite3.Connection], T], conn: sqlite3.Connection) -> T:
    """Run on a worker thread, letting SQLite wait for the file."""
    conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    try:
        return function(conn)
    finally:
        conn.execute("PRAGMA busy_timeout=0")


class Connection:
    """One open SQLite file; used by one SQLAlchemy connection at a time."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._conn: sqlite3.Connection | None = connection
        self._tx = _Submitter(self)  # what SQLAlchemy's isolation-level setter puts work on

    @classmethod
    async def open(cls, database: str) -> Connection:
        # check_same_thread=False: a busy statement moves to a worker thread; calls never overlap.
        connection = sqlite3.connect(database, check_same_thread=False)
        connection.execute("PRAGMA busy_timeout=0")
        return cls(connection)

    async def run(self, function: Callable[[sqlite3.Connection], T]) -> T:
        conn = self._conn
        if conn is None:
            raise ValueError("no active connection")
        try:
            return function(conn)
        except sqlite3.OperationalError as exc:
            if not _is_busy(exc):
                raise
        return await asyncio.to_thread(_patiently, function, conn)

    @property
    def _connection(self) -> sqlite3.Connection | None:  # SQLAlchemy checks it before commit/rollback
        return self._conn

    @property
    def isolation_level(self) -> str | None:
        return self._conn.isolation_level if self._conn is not None else None

    def cursor(self) -> Cursor:
        return Cursor(self)

    async def commit(self) -> None:
        await self.run(lambda conn: conn.commit())

    async def rollback(self) -> None:
        await self.run(lambda conn: conn.rollback())

    async def create_function(self, *args: Any, **kwargs: Any) -> None:
        await self.run(lambda conn: conn.create_function(*args, **kwargs))

    async def close(self) -> None:
        self.stop()

    def stop(self) -> None:
        """Close now (SQLAlchemy's terminate as well as close)."""
        conn, self._conn = self._conn, None
        if conn is not None:
            conn.close()


class _Submitter:
    """aiosqlite's request queue, as far as SQLAlchemy uses it: `put_nowait((future, function))`."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def put_nowait(self, item: tuple[asyncio.Future[Any], Callable[[], Any]]) -> None:
        future, function = item
        try:
            future.set_result(function())
        except Exception as exc:
            future.set_exception(exc)


class Cursor:
    """A statement's rows, fetched together when it runs and then served from memory."""

    arraysize = 1

    def __init__(self, connection: Connection) -> None:
        self._connection = connection
        self._rows: deque[Row] = deque()
        self.description: Sequence[tuple[Any, ...]] | None = None
        self.rowcount = -1
        self.lastrowid: int | None = None

    async def __aenter__(self) -> Cursor:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def execute(self, sql: str, parameters: Parameters = ()) -> Cursor:
        def run(conn: sqlite3.Connection) -> tuple[Any, int, int | None, list[Row]]:
            cursor = conn.execute(sql, parameters)
            try:
                rows = cursor.fetchall() if cursor.description else []
                return cursor.description, cursor.rowcount, cursor.lastrowid, rows
            finally:
                cursor.close()

        self.description, self.rowcount, self.lastrowid, rows = await self._connection.run(run)
        self._rows = deque(rows)
        return self

    async def executemany(self, sql: str, parameters: Iterable[Parameters]) -> Cursor:
        rows = list(parameters)  # a retry on the worker thread must see them all again

        def run(conn: sqlite3.Connection) -> tuple[int, int | None]:
            cursor = conn.executemany(sql, rows)
            try:
                return cursor.rowcount, cursor.lastrowid
            finally:
                cursor.close()

        self.description, self._rows = None, deque()
        self.rowcount, self.lastrowid = await self._connection.run(run)
        return self

    async def fetchone(self) -> Row | None:
        return self._rows.popleft() if self._rows else None

    async def fetchmany(self, size: int | None = None) -> list[Row]:
        count = self.arraysize if size is None else size
        return [self._rows.popleft() for _ in range(min(count, len(self._rows)))]

    async def fetchall(self) -> list[Row]:
        rows = list(self._rows)
        self._rows.clear()
        return rows

    async def close(self) -> None:
        self._rows.clear()
