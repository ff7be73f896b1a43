"""The store: one async engine, schema upgrades, and one unit of work per incoming message."""

from __future__ import annotations

import asyncio
import datetime as dt
import fcntl
import json
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from contextvars import ContextVar
from functools import partial
from pathlib import Path
from typing import Any, cast

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Table, delete, event, insert, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, DisconnectionError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from storage import sqlite_driver
from storage.dossiers import Dossiers
from storage.events import Events
from storage.models import ConversationRow, MessageLogRow
from storage.outbox import Inbox, Outbox
from storage.privacy import Erased, Privacy
from storage.reports import Reports
from storage.tickets import Tickets
from storage.unanswered import Unanswered
from storage.verification import Audit, Codes, Consents
from storage.volunteers import Volunteers
from storage.walks import Walks

MIGRATIONS = Path(__file__).parent / "migrations"
MIGRATION_LOCK = 7_120_251  # any constant shared by every replica
IDLE_PING_SECONDS = 10.0  # a PostgreSQL connection idle this long is checked before use


class StoreUnavailable(Exception):
    """The database cannot be reached; nothing was read or written."""


def _is_connection_error(exc: DBAPIError) -> bool:
    """SQLite reports a missing or locked file as OperationalError too; only connection loss counts."""
    message = str(exc.orig).lower() if exc.orig is not None else ""
    return any(word in message for word in ("connect", "connection", "unable to open", "server closed", "terminat"))


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")  # durable enough in WAL mode, much faster commits
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _ping_when_idle(engine: AsyncEngine, idle_seconds: float) -> None:
    """Check a pooled connection before use when it sat idle for `idle_seconds`.

    SQLAlchemy's pool_pre_ping checks every time, a round trip in each of a message's units. A
    connection in steady use needs no check; one that sat through a database restart is dead,
    and without a check the first message after a quiet outage would fail. Raising
    DisconnectionError makes the pool discard it and connect again.
    """
    dialect = engine.dialect

    def checked_in(_dbapi_connection: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    def checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        since = record.info.get("idle_since")
        if since is None or time.monotonic() - since < idle_seconds:
            return
        try:
            dialect.do_ping(dbapi_connection)
        except Exception as exc:
            raise DisconnectionError("a pooled connection did not answer") from exc

    event.listen(engine.sync_engine, "checkin", checked_in)
    event.listen(engine.sync_engine, "checkout", checkout)


def _conversation_key(channel: str, user_id: str) -> str:
    return f"{channel}:{user_id}"


class Unit:
    """Repositories over one session; committed together when the unit closes."""

    def __init__(self, session: AsyncSession, dialect: str = "sqlite") -> None:
        self.session = session
        self.dialect = dialect
        self.walks = Walks(session)
        self.events = Events(session)
        self.outbox = Outbox(session)
        self.inbox = Inbox(session)
        self.unanswered = Unanswered(session)
        self.dossiers = Dossiers(session)
        self.codes = Codes(session)
        self.consents = Consents(session)
        self.audit = Audit(session)
        self.volunteers = Volunteers(session)
        self.reports = Reports(session)
        self.tickets = Tickets(session)
        # Conversations erased in this unit (/xoa_du_lieu): a later save_state must not recreate them.
        self._erased: set[tuple[str, str]] = set()
        # State rows read in this unit, kept so save_state does not read them again (the session's
        # identity map holds unchanged rows only weakly).
        self._states: dict[tuple[str, str], ConversationRow | None] = {}
        self._log_rows: list[dict[str, Any]] = []
        self._after_commit: list[Callable[[], Awaitable[object]]] = []

    def after_commit(self, job: Callable[[], Awaitable[object]]) -> None:
        """Run `job` once this unit has committed, never if it rolls back (an SMS for a code never stored)."""
        self._after_commit.append(job)

    async def lock_conversation(self, channel: str, user_id: str) -> None:
        """Serialise one conversation across processes until this unit ends (PostgreSQL advisory lock).

        SQLite runs in one process, where the engine's own per-conversation lock suffices.
        """
        if self.dialect == "postgresql":
            key = _conversation_key(channel, user_id)
            await self.session.execute(text("select pg_advisory_xact_lock(hashtextextended(:key, 0))"), {"key": key})

    async def claim_update(self, channel: str, user_id: str, update_id: str, now: dt.datetime) -> bool:
        """`lock_conversation` and `inbox.claim` together (one statement on PostgreSQL)."""
        lock = _conversation_key(channel, user_id) if self.dialect == "postgresql" else None
        return await self.inbox.claim(channel, update_id, now, lock=lock)

    async def load_state(self, channel: str, user_id: str) -> dict[str, Any]:
        """The stored conversation state, or an empty dict for a new citizen."""
        row = await self.session.get(ConversationRow, (channel, user_id))
        self._states[(channel, user_id)] = row
        return dict(json.loads(row.data)) if row else {}

    async def save_state(self, channel: str, user_id: str, data: dict[str, Any]) -> None:
        if (channel, user_id) in self._erased:
            return
        key = (channel, user_id)
        row = self._states[key] if key in self._states else await self.session.get(ConversationRow, key)
        encoded = json.dumps(data, ensure_ascii=False, sort_keys=True)
        if row is None:
            self._states[key] = row = ConversationRow(channel=channel, user_id=user_id, data=encoded, updated_at=_now())
            self.session.add(row)
        else:
            row.data, row.updated_at = encoded, _now()

    async def erase_citizen(self, channel: str, user_id: str, chat_id: str, now: dt.datetime) -> Erased:
        """Delete one citizen's data (storage/privacy.py); the conversation stays deleted in this unit."""
        self._erased.add((channel, user_id))
        return await Privacy(self.session).erase(channel, user_id, chat_id, now)

    async def log_message(
        self,
        channel: str,
        direction: str,
        kind: str,
        answer_id: str | None = None,
        decision: str | None = None,
        at: dt.datetime | None = None,
    ) -> None:
        """Record that a message passed, never its text; written in one statement with the unit's other
        log rows when the unit ends (or before this unit counts or purges them)."""
        row = {"at": at or _now(), "channel": channel, "direction": direction, "kind": kind}
        self._log_rows.append({**row, "answer_id": answer_id, "decision": decision})

    async def write_log(self) -> None:
        """Write the message-log rows recorded so far (one statement for all of them)."""
        if self._log_rows:
            rows, self._log_rows = self._log_rows, []
            # the table, not the ORM class: ORM bulk inserts split rows by which values are None
            await self.session.execute(insert(cast(Table, MessageLogRow.__table__)), rows)

    async def purge_messages(self, before: dt.datetime) -> int:
        """Delete message-log rows older than `before` (retention); returns how many."""
        await self.write_log()
        result = await self.session.execute(delete(MessageLogRow).where(MessageLogRow.at < before))
        return int(getattr(result, "rowcount", 0) or 0)

    async def message_count(self, channel: str | None = None) -> int:
        await self.write_log()
        query = select(MessageLogRow.id)
        if channel:
            query = query.where(MessageLogRow.channel == channel)
        return len((await self.session.scalars(query)).all())


class Store:
    """Owns the database engine; hands out units of work."""

    def __init__(self, url: str, idle_ping_seconds: float = IDLE_PING_SECONDS) -> None:
        parsed = make_url(url)
        self.url = url
        self.dialect = parsed.get_backend_name()
        self.is_sqlite = self.dialect == "sqlite"
        if self.is_sqlite and parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        # hide_parameters: a failed statement's log line must not carry phone numbers.
        options: dict[str, Any] = {"hide_parameters": True}
        if self.is_sqlite and parsed.database and parsed.database != ":memory:":
            # Statements on the loop while the file is free; see storage/sqlite_driver.py.
            options["async_creator"] = partial(sqlite_driver.Connection.open, parsed.database)
        self.engine: AsyncEngine = create_async_engine(url, **options)
        if self.is_sqlite:
            event.listen(self.engine.sync_engine, "connect", _sqlite_pragmas)
        else:
            _ping_when_idle(self.engine, idle_ping_seconds)
        self._sessions = async_sessionmaker(self.engine, expire_on_commit=False)
        # SQLite has one writer at a time. Units of this process take turns here, at once and in
        # order, so a statement run on the loop never finds the file held by another of our units
        # (storage/sqlite_driver.py). (SQLite is the one-process setup; PostgreSQL needs no gate.)
        self._sqlite_turn = asyncio.Lock() if self.is_sqlite else None
        self._holding_turn: ContextVar[bool] = ContextVar(f"holding_turn_{id(self)}", default=False)

    async def upgrade(self) -> None:
        """Bring the schema to the newest Alembic revision.

        Replicas starting together on one PostgreSQL take turns (a transaction-scoped advisory
        lock): without it two of them create the same tables and one crashes.
        """

        def run(connection: Connection) -> None:
            config = Config()
            config.set_main_option("script_location", str(MIGRATIONS))
            config.attributes["connection"] = connection
            command.upgrade(config, "head")

        async with self._sqlite_file_lock(), self.engine.begin() as connection:
            if self.dialect == "postgresql":
                await connection.execute(text("select pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
            await connection.run_sync(run)

    @asynccontextmanager
    async def _sqlite_file_lock(self) -> AsyncIterator[None]:
        """An exclusive lock file beside a SQLite database (processes sharing the file take turns)."""
        database = make_url(self.url).database if self.is_sqlite else None
        if not database or database == ":memory:":
            yield
            return
        with open(f"{database}.migrate-lock", "a") as handle:  # noqa: ASYNC230 - opening is instant
            await asyncio.to_thread(fcntl.flock, handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    @asynccontextmanager
    async def unit(self) -> AsyncIterator[Unit]:
        """One session and transaction: committed on success, rolled back on error.

        A database that cannot be reached raises `StoreUnavailable`, so callers can fail closed
        (a webhook answers 503 and the platform delivers the update again later).
        """
        try:
            async with self._turn(), self._sessions() as session, session.begin():
                unit = Unit(session, self.dialect)
                yield unit
                await unit.write_log()
        except (DBAPIError, OSError) as exc:  # OperationalError, InterfaceError, a dropped asyncpg link
            if isinstance(exc, DBAPIError) and not exc.connection_invalidated and not _is_connection_error(exc):
                raise
            raise StoreUnavailable(type(exc).__name__) from exc
        for job in unit._after_commit:
            await job()

    @asynccontextmanager
    async def _turn(self) -> AsyncIterator[None]:
        """On SQLite, wait for this process's other units to finish (a unit opened inside another
        one in the same task does not wait for itself)."""
        if self._sqlite_turn is None or self._holding_turn.get():
            yield
            return
        async with self._sqlite_turn:
            token = self._holding_turn.set(True)
            try:
                yield
            finally:
                self._holding_turn.reset(token)

    async def ping(self) -> bool:
        """True when the database answers a trivial query."""
        try:
            async with self.engine.connect() as connection:
                await connection.execute(text("select 1"))
        except Exception:
            return False
        return True

    async def close(self) -> None:
        await self.engine.dispose()
