"""Messages the bot sends on its own, and the inbox that drops redelivered platform updates."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, func, literal, literal_column, or_, select
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
    """Repository of outgoing messages; `replies` are JSON-able dicts made by the handlers.

    A row is pending until a channel has delivered it; delivered rows are deleted with their text.
    A lease (`lease_until`) marks a row one process is sending, so other replicas leave it alone
    until the lease runs out — as it does when that process dies before sending.
    """

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def enqueue(
        self,
        channel: str,
        user_id: str,
        chat_id: str,
        replies: list[dict[str, Any]],
        now: dt.datetime,
        lease_until: dt.datetime | None = None,
    ) -> int:
        """Store replies to send; returns the row id."""
        encoded = json.dumps(replies, ensure_ascii=False)
        row = OutboxRow(
            channel=channel,
            user_id=user_id,
            chat_id=chat_id,
            replies=encoded,
            created_at=now,
            attempts=0,
            lease_until=lease_until,
        )
        self.session.add(row)
        await self.session.flush()
        return row.id

    async def pending(self, channel: str, user_id: str | None = None, limit: int = 50) -> list[OutboxItem]:
        """Every undelivered row of a channel (or of one user), leased or not, oldest first."""
        query = select(OutboxRow).where(OutboxRow.channel == channel)
        if user_id is not None:
            query = query.where(OutboxRow.user_id == user_id)
        rows = (await self.session.scalars(query.order_by(OutboxRow.id).limit(limit))).all()
        return [_item(row) for row in rows]

    async def take(self, channel: str, now: dt.datetime, lease: dt.timedelta, limit: int = 50) -> list[OutboxItem]:
        """Undelivered rows nobody holds, now leased to the caller until `now + lease`, oldest first.

        On PostgreSQL rows another replica is taking at this moment are skipped, not waited for.
        """
        free = or_(OutboxRow.lease_until.is_(None), OutboxRow.lease_until <= now)
        query = select(OutboxRow).where(OutboxRow.channel == channel, free)
        query = query.order_by(OutboxRow.id).limit(limit).with_for_update(skip_locked=True)
        rows = (await self.session.scalars(query)).all()
        for row in rows:
            row.lease_until = now + lease
        return [_item(row) for row in rows]

    async def mark_sent(self, item_id: int) -> None:
        """Delivered: the row goes, and with it the text it held."""
        await self.session.execute(delete(OutboxRow).where(OutboxRow.id == item_id))

    async def release(self, item_id: int, replies: list[dict[str, Any]] | None = None) -> None:
        """Give a row back to the delivery loop (sending failed), keeping only `replies` if given."""
        row = await self.session.get(OutboxRow, item_id)
        if row is not None:
            row.lease_until = None
            if replies is not None:
                row.replies = json.dumps(replies, ensure_ascii=False)

    async def mark_failed(self, item_id: int) -> int:
        """Count a failed attempt and release the row for the next round; returns the attempts so far."""
        row = await self.session.get(OutboxRow, item_id)
        if row is None:
            return 0
        row.attempts += 1
        row.lease_until = None
        return row.attempts

    async def drop_chat(self, channel: str, chat_id: str) -> int:
        """Forget undelivered messages to a chat that can no longer be reached (the bot was blocked)."""
        statement = delete(OutboxRow).where(OutboxRow.channel == channel, OutboxRow.chat_id == chat_id)
        result = await self.session.execute(statement)
        return int(getattr(result, "rowcount", 0) or 0)


def _item(row: OutboxRow) -> OutboxItem:
    return OutboxItem(row.id, row.channel, row.user_id, row.chat_id, json.loads(row.replies))


class Inbox:
    """Repository of accepted platform updates (unique per channel and update id)."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def claim(self, channel: str, update_id: str, now: dt.datetime, lock: str | None = None) -> bool:
        """True the first time an update is seen; False for a redelivery or a replay.

        `lock` (PostgreSQL): also take that transaction-scoped advisory lock, first, in the same
        statement, saving a round trip per message.
        """
        # One INSERT … ON CONFLICT DO NOTHING (SQLite and PostgreSQL alike): no savepoint, no error to catch.
        statement: sqlite.Insert | postgresql.Insert
        if self.session.get_bind().dialect.name != "postgresql":
            statement = sqlite.insert(InboxRow).values(channel=channel, update_id=update_id, received_at=now)
        elif lock is None:
            statement = postgresql.insert(InboxRow).values(channel=channel, update_id=update_id, received_at=now)
        else:
            locked = select(func.pg_advisory_xact_lock(func.hashtextextended(lock, literal_column("0")))).subquery()
            values = (literal(channel), literal(update_id), literal(now, InboxRow.received_at.type))
            row = select(*values).select_from(locked)
            statement = postgresql.insert(InboxRow).from_select(["channel", "update_id", "received_at"], row)
        result = await self.session.execute(statement.on_conflict_do_nothing(index_elements=["channel", "update_id"]))
        return getattr(result, "rowcount", 0) == 1

    async def purge(self, before: dt.datetime) -> int:
        """Forget updates received before `before`; platforms stop redelivering long before that."""
        result = await self.session.execute(delete(InboxRow).where(InboxRow.received_at < before))
        return int(getattr(result, "rowcount", 0) or 0)
