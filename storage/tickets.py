"""Hand-off tickets: a citizen's question for staff, its context, and when it was opened and closed.

The one place a citizen's own words are stored, so staff can answer them; rows are deleted
30 days after closing (`purge`, run by the scheduled jobs).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import OutboxRow, TicketRow

# Outbox items for the staff group carry the ticket id as their user id (and the citizen's text).
STAFF_OUTBOX_CHANNEL = "staff"


@dataclass(frozen=True, slots=True)
class Ticket:
    id: int
    channel: str
    user_id: str
    chat_id: str
    question: str
    opened_at: dt.datetime
    context: dict[str, str] = field(default_factory=dict)
    closed_at: dt.datetime | None = None
    staff_message_id: int | None = None

    @property
    def open(self) -> bool:
        return self.closed_at is None


def _aware(value: dt.datetime) -> dt.datetime:
    """SQLite hands datetimes back without their zone; everything is stored in UTC."""
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def _plain(row: TicketRow) -> Ticket:
    return Ticket(
        id=row.id,
        channel=row.channel,
        user_id=row.user_id,
        chat_id=row.chat_id,
        question=row.question,
        opened_at=_aware(row.opened_at),
        context={str(k): str(v) for k, v in json.loads(row.context or "{}").items()},
        closed_at=_aware(row.closed_at) if row.closed_at else None,
        staff_message_id=row.staff_message_id,
    )


class Tickets:
    """Repository of hand-off tickets; text lengths are capped by the caller and again here."""

    MAX_TEXT = 4000

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def open(
        self, channel: str, user_id: str, chat_id: str, question: str, context: dict[str, str], now: dt.datetime
    ) -> Ticket:
        row = TicketRow(
            channel=channel,
            user_id=user_id,
            chat_id=chat_id,
            question=question[: self.MAX_TEXT],
            context=json.dumps(context, ensure_ascii=False, sort_keys=True),
            opened_at=now,
        )
        self.session.add(row)
        await self.session.flush()
        return _plain(row)

    async def get(self, ticket_id: int) -> Ticket | None:
        row = await self.session.get(TicketRow, ticket_id)
        return _plain(row) if row is not None else None

    async def open_for(self, channel: str, user_id: str) -> Ticket | None:
        """The citizen's open ticket, if any (the newest, should there be several)."""
        query = (
            select(TicketRow)
            .where(TicketRow.channel == channel, TicketRow.user_id == user_id, TicketRow.closed_at.is_(None))
            .order_by(TicketRow.id.desc())
            .limit(1)
        )
        row = (await self.session.scalars(query)).first()
        return _plain(row) if row is not None else None

    async def by_staff_message(self, message_id: int) -> Ticket | None:
        query = select(TicketRow).where(TicketRow.staff_message_id == message_id).limit(1)
        row = (await self.session.scalars(query)).first()
        return _plain(row) if row is not None else None

    async def append(self, ticket_id: int, text: str) -> None:
        """Add a later message of the citizen to the ticket's text, within the cap."""
        row = await self.session.get(TicketRow, ticket_id)
        if row is not None:
            row.question = f"{row.question}\n{text}"[: self.MAX_TEXT]

    async def set_staff_message(self, ticket_id: int, message_id: int) -> bool:
        """Remember the staff-chat message that carries the ticket (only the first one)."""
        result = await self.session.execute(
            update(TicketRow)
            .where(TicketRow.id == ticket_id, TicketRow.staff_message_id.is_(None))
            .values(staff_message_id=message_id)
        )
        return bool(getattr(result, "rowcount", 0))

    async def close(self, ticket_id: int, now: dt.datetime, by: str) -> Ticket | None:
        """Close an open ticket; None when it does not exist or was already closed."""
        result = await self.session.execute(
            update(TicketRow)
            .where(TicketRow.id == ticket_id, TicketRow.closed_at.is_(None))
            .values(closed_at=now, closed_by=by)
        )
        if not getattr(result, "rowcount", 0):
            return None
        row = await self.session.get(TicketRow, ticket_id, populate_existing=True)
        return _plain(row) if row is not None else None

    async def purge(self, closed_before: dt.datetime) -> int:
        """Delete tickets closed before the given time, and the staff-group messages that quoted them."""
        closed = select(TicketRow.id).where(TicketRow.closed_at < closed_before)
        ids = [str(ticket_id) for ticket_id in (await self.session.scalars(closed)).all()]
        if not ids:
            return 0
        await self.session.execute(
            delete(OutboxRow).where(OutboxRow.channel == STAFF_OUTBOX_CHANNEL, OutboxRow.user_id.in_(ids))
        )
        result = await self.session.execute(delete(TicketRow).where(TicketRow.id.in_([int(i) for i in ids])))
        return int(getattr(result, "rowcount", 0) or 0)
