"""Messages the bot sends on its own, and the inbox that drops redelivered platform updates."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import InboxRow, OutboxRow


@dataclass(frozen=True, slots=True)
class OutboxItem:
    id: int
    channel: str
    user_id: str
    chat_id: str
    replies: list[dict[str, Any]]


class Outbox:
    """Repository of outgoing messages; `replies` are JSON-able dicts made by the handlers."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def enqueue(
        self, channel: str, user_id: str, chat_id: str, replies: list[dict[str, Any]], now: dt.datetime
    ) -> None:
        encoded = json.dumps(replies, ensure_ascii=False)
        self.session.add(
            OutboxRow(channel=channel, user_id=user_id, chat_id=chat_id, replies=encoded, created_at=now, attempts=0)
        )

    async def pending(self, channel: str, user_id: str | None = None, limit: int = 50) -> list[OutboxItem]:
        query = select(OutboxRow).where(OutboxRow.channel == channel, OutboxRow.sent_at.is_(None))
        if user_id is not None:
            query = query.where(OutboxRow.user_id == user_id)
        rows = (await self.session.scalars(query.order_by(OutboxRow.id).limit(limit))).all()
        return [OutboxItem(r.id, r.channel, r.user_id, r.chat_id, json.loads(r.replies)) for r in rows]

    async def mark_sent(self, item_id: int, now: dt.datetime) -> None:
        row = await self.session.get(OutboxRow, item_id)
        if row is not None:
            row.sent_at = now

    async def mark_failed(self, item_id: int) -> int:
        row = await self.session.get(OutboxRow, item_id)
        if row is None:
            return 0
        row.attempts += 1
        return row.attempts


class Inbox:
    """Repository of accepted platform updates (unique per channel and update id)."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def claim(self, channel: str, update_id: str, now: dt.datetime) -> bool:
        """True the first time an update is seen; False for a redelivery or a replay."""
        # One INSERT … ON CONFLICT DO NOTHING (SQLite and PostgreSQL alike): no savepoint, no error to catch.
        insert = postgresql.insert if self.session.get_bind().dialect.name == "postgresql" else sqlite.insert
        statement = insert(InboxRow).values(channel=channel, update_id=update_id, received_at=now)
        result = await self.session.execute(statement.on_conflict_do_nothing(index_elements=["channel", "update_id"]))
        return getattr(result, "rowcount", 0) == 1
