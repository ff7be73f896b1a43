"""The store: one async engine, schema upgrades, and one unit of work per incoming message."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, event, select
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from storage.events import Events
from storage.models import ConversationRow, MessageLogRow
from storage.outbox import Inbox, Outbox
from storage.walks import Walks

MIGRATIONS = Path(__file__).parent / "migrations"


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA synchronous=NORMAL")  # durable enough in WAL mode, much faster commits
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


class Unit:
    """Repositories over one session; committed together when the unit closes."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.walks = Walks(session)
        self.events = Events(session)
        self.outbox = Outbox(session)
        self.inbox = Inbox(session)

    async def load_state(self, channel: str, user_id: str) -> dict[str, Any]:
        """The stored conversation state, or an empty dict for a new citizen."""
        row = await self.session.get(ConversationRow, (channel, user_id))
        return dict(json.loads(row.data)) if row else {}

    async def save_state(self, channel: str, user_id: str, data: dict[str, Any]) -> None:
        row = await self.session.get(ConversationRow, (channel, user_id))
        encoded = json.dumps(data, ensure_ascii=False, sort_keys=True)
        if row is None:
            self.session.add(ConversationRow(channel=channel, user_id=user_id, data=encoded, updated_at=_now()))
        else:
            row.data, row.updated_at = encoded, _now()

    async def log_message(
        self,
        channel: str,
        direction: str,
        kind: str,
        answer_id: str | None = None,
        decision: str | None = None,
    ) -> None:
        """Record that a message passed, never its text."""
        self.session.add(
            MessageLogRow(
                at=_now(), channel=channel, direction=direction, kind=kind, answer_id=answer_id, decision=decision
            )
        )

    async def message_count(self, channel: str | None = None) -> int:
        query = select(MessageLogRow.id)
        if channel:
            query = query.where(MessageLogRow.channel == channel)
        return len((await self.session.scalars(query)).all())


class Store:
    """Owns the database engine; hands out units of work."""

    def __init__(self, url: str) -> None:
        parsed = make_url(url)
        self.url = url
        self.is_sqlite = parsed.get_backend_name() == "sqlite"
        if self.is_sqlite and parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        # hide_parameters: a failed statement's log line must not carry phone numbers.
        self.engine: AsyncEngine = create_async_engine(url, hide_parameters=True)
        if self.is_sqlite:
            event.listen(self.engine.sync_engine, "connect", _sqlite_pragmas)
        self._sessions = async_sessionmaker(self.engine, expire_on_commit=False)

    async def upgrade(self) -> None:
        """Bring the schema to the newest Alembic revision."""

        def run(connection: Connection) -> None:
            config = Config()
            config.set_main_option("script_location", str(MIGRATIONS))
            config.attributes["connection"] = connection
            command.upgrade(config, "head")

        async with self.engine.begin() as connection:
            await connection.run_sync(run)

    @asynccontextmanager
    async def unit(self) -> AsyncIterator[Unit]:
        """One session and transaction: committed on success, rolled back on error."""
        async with self._sessions() as session, session.begin():
            yield Unit(session)

    async def close(self) -> None:
        await self.engine.dispose()
