"""Walkthrough sessions: progress, opt-in reminders, finish and abandonment."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import WalkSessionRow


@dataclass(frozen=True, slots=True)
class WalkSession:
    id: int
    channel: str
    user_id: str
    chat_id: str
    procedure_id: str
    step: int
    step_id: str | None
    last_at: dt.datetime


def _plain(row: WalkSessionRow) -> WalkSession:
    return WalkSession(
        row.id, row.channel, row.user_id, row.chat_id, row.procedure_id, row.step, row.step_id, row.last_at
    )


class Walks:
    """Repository of walkthrough sessions."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def start(self, channel: str, user_id: str, chat_id: str, procedure_id: str, now: dt.datetime) -> int:
        """Open a session; any other open session of this citizen is closed as abandoned."""
        await self.session.execute(
            update(WalkSessionRow)
            .where(WalkSessionRow.channel == channel, WalkSessionRow.user_id == user_id)
            .where(WalkSessionRow.finished_at.is_(None), WalkSessionRow.abandoned_at.is_(None))
            .values(abandoned_at=now)
        )
        row = WalkSessionRow(
            channel=channel,
            user_id=user_id,
            chat_id=chat_id,
            procedure_id=procedure_id,
            step=0,
            started_at=now,
            last_at=now,
            remind=False,
        )
        self.session.add(row)
        await self.session.flush()
        return row.id

    async def touch(
        self, session_id: int, step: int, now: dt.datetime, remind: bool | None = None, step_id: str | None = None
    ) -> None:
        """Record activity at `step`; `remind` opts in or out of the 24-hour reminder."""
        row = await self.session.get(WalkSessionRow, session_id)
        if row is None:
            return
        row.step, row.last_at = step, now
        if step_id is not None:
            row.step_id = step_id
        if remind is not None:
            row.remind = remind

    async def finish(self, session_id: int, now: dt.datetime) -> None:
        row = await self.session.get(WalkSessionRow, session_id)
        if row is not None and row.finished_at is None:
            row.finished_at, row.last_at = now, now

    async def cancel(self, session_id: int, now: dt.datetime) -> None:
        row = await self.session.get(WalkSessionRow, session_id)
        if row is not None and row.finished_at is None and row.abandoned_at is None:
            row.abandoned_at = now

    async def due_reminders(self, idle_since: dt.datetime, limit: int = 100) -> list[WalkSession]:
        """Open, opted-in sessions idle since before `idle_since` and never reminded."""
        query = (
            select(WalkSessionRow)
            .where(WalkSessionRow.remind.is_(True), WalkSessionRow.reminded_at.is_(None))
            .where(WalkSessionRow.finished_at.is_(None), WalkSessionRow.abandoned_at.is_(None))
            .where(WalkSessionRow.last_at < idle_since)
            .order_by(WalkSessionRow.last_at)
            .limit(limit)
        )
        return [_plain(row) for row in (await self.session.scalars(query)).all()]

    async def mark_reminded(self, session_id: int, now: dt.datetime) -> bool:
        """Claim the reminder; False if another worker already did (at most once per walkthrough)."""
        result = await self.session.execute(
            update(WalkSessionRow)
            .where(WalkSessionRow.id == session_id, WalkSessionRow.reminded_at.is_(None))
            .values(reminded_at=now)
        )
        return bool(getattr(result, "rowcount", 0))

    async def abandon_idle(self, idle_since: dt.datetime, now: dt.datetime, limit: int = 500) -> list[WalkSession]:
        """Close sessions idle since before `idle_since`; returns them for the event log."""
        query = (
            select(WalkSessionRow)
            .where(WalkSessionRow.finished_at.is_(None), WalkSessionRow.abandoned_at.is_(None))
            .where(WalkSessionRow.last_at < idle_since)
            .limit(limit)
        )
        rows = (await self.session.scalars(query)).all()
        for row in rows:
            row.abandoned_at = now
        return [_plain(row) for row in rows]
