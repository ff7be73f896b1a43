"""Questions the bot could not answer, counted by their normalised text for the staff report."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import UnansweredRow

MAX_TEXT = 200


class Unanswered:
    """Repository of unanswered questions."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def record(self, text: str, now: dt.datetime) -> None:
        """Count one more occurrence of `text` (already normalised and stripped of personal data)."""
        key = text[:MAX_TEXT]
        if not key:
            return
        row = await self.session.get(UnansweredRow, key)
        if row is None:
            self.session.add(UnansweredRow(text=key, count=1, first_seen=now, last_seen=now))
        else:
            row.count, row.last_seen = row.count + 1, now

    async def top(self, since: dt.datetime, limit: int = 20) -> list[tuple[str, int, dt.datetime]]:
        """(text, count, last seen) of questions seen since a time, most frequent first."""
        query = (
            select(UnansweredRow.text, UnansweredRow.count, UnansweredRow.last_seen)
            .where(UnansweredRow.last_seen >= since)
            .order_by(UnansweredRow.count.desc(), UnansweredRow.last_seen.desc())
            .limit(limit)
        )
        return [(text, int(count), seen) for text, count, seen in (await self.session.execute(query)).all()]
