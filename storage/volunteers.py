"""Volunteers: the registry, short referral codes, linked chat accounts and one-time link tokens."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import ReferralCodeRow, VolunteerAccountRow, VolunteerLinkTokenRow, VolunteerRow

MAX_CODE_TRIES = 20


@dataclass(frozen=True, slots=True)
class Volunteer:
    code: str
    name: str
    unit: str
    active: bool
    created_at: dt.datetime


def _plain(row: VolunteerRow) -> Volunteer:
    return Volunteer(row.code, row.name, row.unit, row.active, row.created_at)


class Volunteers:
    """Repository of volunteers and what hangs off them."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, code: str, name: str, unit: str, now: dt.datetime) -> Volunteer | None:
        """Register a volunteer; None when the code is already taken."""
        if await self.session.get(VolunteerRow, code) is not None:
            return None
        row = VolunteerRow(code=code, name=name, unit=unit, active=True, created_at=now)
        self.session.add(row)
        await self.session.flush()
        return _plain(row)

    async def get(self, code: str) -> Volunteer | None:
        row = await self.session.get(VolunteerRow, code)
        return _plain(row) if row else None

    async def all(self) -> list[Volunteer]:
        rows = await self.session.scalars(select(VolunteerRow).order_by(VolunteerRow.code))
        return [_plain(row) for row in rows.all()]

    async def set_active(self, code: str, active: bool) -> bool:
        """Enable or disable a volunteer; False when there is no such code."""
        row = await self.session.get(VolunteerRow, code)
        if row is None:
            return False
        row.active = active
        return True

    async def short_code(self, volunteer: str, procedure_id: str, now: dt.datetime, new: Callable[[], str]) -> str:
        """The short code for (volunteer, procedure or ""), created from `new()` on first use."""
        query = select(ReferralCodeRow.code).where(
            ReferralCodeRow.volunteer_code == volunteer, ReferralCodeRow.procedure_id == procedure_id
        )
        existing = await self.session.scalar(query)
        if existing is not None:
            return existing
        for _ in range(MAX_CODE_TRIES):
            code = new()
            if await self.session.get(ReferralCodeRow, code) is None:
                self.session.add(
                    ReferralCodeRow(code=code, volunteer_code=volunteer, procedure_id=procedure_id, created_at=now)
                )
                await self.session.flush()
                return code
        raise RuntimeError("no free short code found")

    async def resolve(self, short_code: str) -> tuple[str, str] | None:
        """(volunteer code, procedure id or "") for a short code, or None."""
        row = await self.session.get(ReferralCodeRow, short_code)
        return (row.volunteer_code, row.procedure_id) if row else None

    async def add_link_token(self, volunteer: str, token_hash: str, now: dt.datetime, expires_at: dt.datetime) -> None:
        self.session.add(
            VolunteerLinkTokenRow(
                token_hash=token_hash, volunteer_code=volunteer, created_at=now, expires_at=expires_at
            )
        )

    async def use_link_token(self, token_hash: str, now: dt.datetime) -> str | None:
        """Claim an unused, unexpired token once; returns its volunteer code."""
        row = await self.session.get(VolunteerLinkTokenRow, token_hash)
        if row is None:
            return None
        claimed = await self.session.execute(
            update(VolunteerLinkTokenRow)
            .where(VolunteerLinkTokenRow.token_hash == token_hash, VolunteerLinkTokenRow.used_at.is_(None))
            .where(VolunteerLinkTokenRow.expires_at > now)
            .values(used_at=now)
            .execution_options(synchronize_session=False)
        )
        return row.volunteer_code if getattr(claimed, "rowcount", 0) else None

    async def link_account(self, channel: str, user_id: str, volunteer: str, now: dt.datetime) -> None:
        row = await self.session.get(VolunteerAccountRow, (channel, user_id))
        if row is None:
            self.session.add(
                VolunteerAccountRow(channel=channel, user_id=user_id, volunteer_code=volunteer, linked_at=now)
            )
        else:
            row.volunteer_code, row.linked_at = volunteer, now

    async def account(self, channel: str, user_id: str) -> str | None:
        """The volunteer code linked to a chat account, if any."""
        row = await self.session.get(VolunteerAccountRow, (channel, user_id))
        return row.volunteer_code if row else None
