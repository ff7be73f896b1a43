"""Phone verification records: one-time codes (hashes only), consent and the audit trail."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.dossiers import utc
from storage.models import AuditRow, ConsentRow, OneTimeCodeRow


@dataclass(frozen=True, slots=True)
class OneTimeCode:
    """A code's record; the code itself is never stored, only `code_hash`."""

    id: int
    request_id: str
    phone_hash: str
    code_hash: str
    created_at: dt.datetime
    expires_at: dt.datetime
    attempts: int


@dataclass(frozen=True, slots=True)
class Consent:
    channel: str
    user_id: str
    at: dt.datetime
    text_version: str
    purpose: str


class Codes:
    """Repository of one-time codes; counts over it are the send limits."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def issue(
        self,
        *,
        channel: str,
        chat_id: str,
        user_id: str,
        phone_hash: str,
        purpose: str,
        code_hash: str,
        request_id: str,
        now: dt.datetime,
        ttl: dt.timedelta,
    ) -> None:
        """Store a new code for this chat; any earlier live code of the chat dies with it."""
        await self.session.execute(
            update(OneTimeCodeRow)
            .where(OneTimeCodeRow.channel == channel, OneTimeCodeRow.chat_id == chat_id)
            .where(OneTimeCodeRow.used_at.is_(None), OneTimeCodeRow.revoked_at.is_(None))
            .values(revoked_at=now)
            .execution_options(synchronize_session=False)
        )
        row = OneTimeCodeRow(
            request_id=request_id,
            channel=channel,
            chat_id=chat_id,
            user_id=user_id,
            phone_hash=phone_hash,
            purpose=purpose,
            code_hash=code_hash,
            created_at=now,
            expires_at=now + ttl,
            attempts=0,
        )
        self.session.add(row)
        await self.session.flush()

    async def live(self, channel: str, chat_id: str, user_id: str, purpose: str) -> OneTimeCode | None:
        """The chat's newest unused, unrevoked code, expired or not (the caller tells them apart)."""
        query = (
            select(OneTimeCodeRow)
            .where(OneTimeCodeRow.channel == channel, OneTimeCodeRow.chat_id == chat_id)
            .where(OneTimeCodeRow.user_id == user_id, OneTimeCodeRow.purpose == purpose)
            .where(OneTimeCodeRow.used_at.is_(None), OneTimeCodeRow.revoked_at.is_(None))
            .order_by(OneTimeCodeRow.id.desc())
            .limit(1)
        )
        row = await self.session.scalar(query)
        if row is None:
            return None
        return OneTimeCode(
            row.id,
            row.request_id,
            row.phone_hash,
            row.code_hash,
            utc(row.created_at),
            utc(row.expires_at),
            row.attempts,
        )

    async def fail(self, code_id: int) -> int:
        """Count one wrong try (atomically, so racing guesses all count); returns the new total."""
        await self.session.execute(
            update(OneTimeCodeRow)
            .where(OneTimeCodeRow.id == code_id)
            .values(attempts=OneTimeCodeRow.attempts + 1)
            .execution_options(synchronize_session=False)
        )
        return int(await self.session.scalar(select(OneTimeCodeRow.attempts).where(OneTimeCodeRow.id == code_id)) or 0)

    async def consume(self, code_id: int, now: dt.datetime, max_attempts: int) -> bool:
        """Mark the code used; True for exactly one caller even when two race with the right code."""
        result = await self.session.execute(
            update(OneTimeCodeRow)
            .where(OneTimeCodeRow.id == code_id, OneTimeCodeRow.used_at.is_(None))
            .where(OneTimeCodeRow.revoked_at.is_(None), OneTimeCodeRow.expires_at > now)
            .where(OneTimeCodeRow.attempts < max_attempts)
            .values(used_at=now)
            .execution_options(synchronize_session=False)
        )
        return getattr(result, "rowcount", 0) == 1

    async def sent_since(
        self,
        since: dt.datetime,
        *,
        phone_hash: str | None = None,
        channel: str | None = None,
        chat_id: str | None = None,
    ) -> int:
        """How many codes were issued since a time, for one phone, one chat, or overall."""
        query = select(func.count()).select_from(OneTimeCodeRow).where(OneTimeCodeRow.created_at >= since)
        if phone_hash is not None:
            query = query.where(OneTimeCodeRow.phone_hash == phone_hash)
        if channel is not None:
            query = query.where(OneTimeCodeRow.channel == channel, OneTimeCodeRow.chat_id == chat_id)
        return int(await self.session.scalar(query) or 0)

    async def purge(self, expired_before: dt.datetime) -> int:
        """Delete codes that expired before a time (retention: a day after expiry); returns how many."""
        result = await self.session.execute(delete(OneTimeCodeRow).where(OneTimeCodeRow.expires_at < expired_before))
        return int(getattr(result, "rowcount", 0) or 0)


class Consents:
    """Repository of consents."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def record(self, channel: str, user_id: str, at: dt.datetime, text_version: str, purpose: str) -> None:
        self.session.add(
            ConsentRow(channel=channel, user_id=user_id, at=at, text_version=text_version, purpose=purpose)
        )

    async def latest(self, channel: str, user_id: str, purpose: str) -> Consent | None:
        query = (
            select(ConsentRow)
            .where(ConsentRow.channel == channel, ConsentRow.user_id == user_id, ConsentRow.purpose == purpose)
            .order_by(ConsentRow.id.desc())
            .limit(1)
        )
        row = await self.session.scalar(query)
        return Consent(row.channel, row.user_id, utc(row.at), row.text_version, row.purpose) if row else None


class Audit:
    """Repository of audited attempts; counts over it are the failure and lookup limits."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def record(
        self,
        at: dt.datetime,
        channel: str,
        action: str,
        result: str,
        *,
        chat_id: str | None = None,
        phone_hash: str | None = None,
    ) -> None:
        self.session.add(
            AuditRow(at=at, channel=channel, chat_id=chat_id, phone_hash=phone_hash, action=action, result=result)
        )

    async def count(
        self,
        action: str,
        since: dt.datetime,
        *,
        results: Collection[str] | None = None,
        phone_hash: str | None = None,
        channel: str | None = None,
        chat_id: str | None = None,
    ) -> int:
        """Attempts of one kind since a time, for one phone or one chat."""
        query = select(func.count()).select_from(AuditRow).where(AuditRow.action == action, AuditRow.at >= since)
        if results is not None:
            query = query.where(AuditRow.result.in_(list(results)))
        if phone_hash is not None:
            query = query.where(AuditRow.phone_hash == phone_hash)
        if channel is not None:
            query = query.where(AuditRow.channel == channel, AuditRow.chat_id == chat_id)
        return int(await self.session.scalar(query) or 0)

    async def purge(self, before: dt.datetime) -> int:
        """Delete audit rows older than a time (retention); returns how many."""
        result = await self.session.execute(delete(AuditRow).where(AuditRow.at < before))
        return int(getattr(result, "rowcount", 0) or 0)

    async def entries(self, action: str | None = None) -> list[tuple[str, str, str | None]]:
        """(action, result, phone hash) of every entry, oldest first: for reports and tests."""
        query = select(AuditRow.action, AuditRow.result, AuditRow.phone_hash).order_by(AuditRow.id)
        if action is not None:
            query = query.where(AuditRow.action == action)
        return [(a, r, p) for a, r, p in (await self.session.execute(query)).all()]
