"""Read-only figures for staff reports, the dashboard and `/thongke`: counts only, no personal data."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Connection, column, func, inspect, select, table
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import EventRow, MessageLogRow

# The hand-off work may name its table any of these; the first that exists is counted.
TICKET_TABLES = ("ticket", "tickets", "handoff_ticket")


@dataclass(frozen=True, slots=True)
class StepStops:
    """How often walkthroughs stopped at one step: the citizen said "stuck", or went idle for good."""

    procedure_id: str
    step: str
    stuck: int
    abandoned: int

    @property
    def total(self) -> int:
        return self.stuck + self.abandoned


def _aware(value: dt.datetime) -> dt.datetime:
    """SQLite hands datetimes back without their zone; everything is stored in UTC."""
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def _open_tickets(connection: Connection) -> int | None:
    inspector = inspect(connection)
    names = set(inspector.get_table_names())
    name = next((n for n in TICKET_TABLES if n in names), None)
    if name is None:
        return None
    columns = {str(c["name"]) for c in inspector.get_columns(name)}
    tickets = table(name, *(column(c) for c in columns))
    query = select(func.count()).select_from(tickets)
    if "closed_at" in columns:
        query = query.where(tickets.c.closed_at.is_(None))
    elif "status" in columns:
        query = query.where(tickets.c.status != "closed")
    return int(connection.execute(query).scalar_one())


class Reports:
    """Aggregates over the message log and the event table."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def messages_per_day(self, since: dt.datetime, zone: dt.tzinfo) -> list[tuple[dt.date, str, int]]:
        """(local day, channel, incoming messages), oldest day first."""
        query = select(MessageLogRow.at, MessageLogRow.channel).where(
            MessageLogRow.direction == "in", MessageLogRow.at >= since
        )
        counts: Counter[tuple[dt.date, str]] = Counter()
        for at, channel in (await self.session.execute(query)).all():
            counts[(_aware(at).astimezone(zone).date(), channel)] += 1
        return [(day, channel, n) for (day, channel), n in sorted(counts.items())]

    async def top_answers(self, since: dt.datetime, limit: int = 10) -> list[tuple[str, int]]:
        """(answer id, replies about it), most frequent first."""
        count = func.count()
        query = (
            select(MessageLogRow.answer_id, count)
            .where(MessageLogRow.direction == "out", MessageLogRow.answer_id.is_not(None), MessageLogRow.at >= since)
            .group_by(MessageLogRow.answer_id)
            .order_by(count.desc(), MessageLogRow.answer_id)
            .limit(limit)
        )
        return [(str(answer), int(n)) for answer, n in (await self.session.execute(query)).all()]

    async def decisions(self, since: dt.datetime) -> dict[str, int]:
        """How free-text questions were answered: match, ambiguous, none."""
        query = (
            select(MessageLogRow.decision, func.count())
            .where(MessageLogRow.decision.is_not(None), MessageLogRow.at >= since)
            .group_by(MessageLogRow.decision)
        )
        return {str(decision): int(n) for decision, n in (await self.session.execute(query)).all()}

    async def events_by_procedure(self, kinds: Iterable[str], since: dt.datetime) -> list[tuple[str, str, int]]:
        """(kind, procedure id, count) for events of the given kinds."""
        query = (
            select(EventRow.kind, EventRow.procedure_id, func.count())
            .where(EventRow.kind.in_(list(kinds)), EventRow.at >= since, EventRow.procedure_id.is_not(None))
            .group_by(EventRow.kind, EventRow.procedure_id)
        )
        return [(kind, str(proc), int(n)) for kind, proc, n in (await self.session.execute(query)).all()]

    async def event_totals(self, kinds: Iterable[str], since: dt.datetime) -> dict[str, int]:
        query = (
            select(EventRow.kind, func.count())
            .where(EventRow.kind.in_(list(kinds)), EventRow.at >= since)
            .group_by(EventRow.kind)
        )
        return {kind: int(n) for kind, n in (await self.session.execute(query)).all()}

    async def stops(self, since: dt.datetime, limit: int = 20) -> list[StepStops]:
        """Steps where walkthroughs stop most ("stuck" and "abandoned" events), worst first."""
        query = (
            select(EventRow.procedure_id, EventRow.step, EventRow.kind, func.count())
            .where(EventRow.kind.in_(["stuck", "abandoned"]), EventRow.at >= since)
            .where(EventRow.procedure_id.is_not(None), EventRow.step.is_not(None))
            .group_by(EventRow.procedure_id, EventRow.step, EventRow.kind)
        )
        found: dict[tuple[str, str], Counter[str]] = {}
        for proc, step, kind, n in (await self.session.execute(query)).all():
            found.setdefault((str(proc), str(step)), Counter())[kind] += int(n)
        stops = [StepStops(proc, step, c["stuck"], c["abandoned"]) for (proc, step), c in found.items()]
        stops.sort(key=lambda s: (-s.total, -s.stuck, s.procedure_id, s.step))
        return stops[:limit]

    async def by_ref(self, since: dt.datetime) -> list[tuple[str, str, int]]:
        """(volunteer code, event kind, count) for events that carry a volunteer code."""
        query = (
            select(EventRow.ref, EventRow.kind, func.count())
            .where(EventRow.ref.is_not(None), EventRow.at >= since)
            .group_by(EventRow.ref, EventRow.kind)
            .order_by(EventRow.ref, EventRow.kind)
        )
        return [(str(ref), kind, int(n)) for ref, kind, n in (await self.session.execute(query)).all()]

    async def ref_counts(self, ref: str, since: dt.datetime) -> dict[str, int]:
        """Events per kind carrying one volunteer code since a time."""
        query = (
            select(EventRow.kind, func.count()).where(EventRow.ref == ref, EventRow.at >= since).group_by(EventRow.kind)
        )
        return {kind: int(n) for kind, n in (await self.session.execute(query)).all()}

    async def open_tickets(self) -> int | None:
        """Open hand-off tickets, or None while no ticket table exists."""
        connection = await self.session.connection()
        return await connection.run_sync(_open_tickets)
