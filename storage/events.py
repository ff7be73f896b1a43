"""Countable events for reports; they carry ids and steps, never personal data."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import EventRow


class Events:
    """Repository of events."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def record(
        self,
        channel: str,
        kind: str,
        at: dt.datetime,
        procedure_id: str | None = None,
        step: str | None = None,
        ref: str | None = None,
    ) -> None:
        self.session.add(EventRow(at=at, channel=channel, kind=kind, procedure_id=procedure_id, step=step, ref=ref))

    async def counts(self, kind: str, since: dt.datetime) -> list[tuple[str | None, str | None, int]]:
        """(procedure id, step, count) for one kind of event since a time, most frequent first."""
        query = (
            select(EventRow.procedure_id, EventRow.step, func.count())
            .where(EventRow.kind == kind, EventRow.at >= since)
            .group_by(EventRow.procedure_id, EventRow.step)
            .order_by(func.count().desc())
        )
        return [(proc, step, int(count)) for proc, step, count in (await self.session.execute(query)).all()]

    async def kinds(self) -> list[str]:
        query = select(EventRow.kind).distinct().order_by(EventRow.kind)
        return list((await self.session.scalars(query)).all())
