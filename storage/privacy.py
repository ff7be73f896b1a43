"""Erasing one citizen's data on request (/xoa_du_lieu): what is deleted, what is kept and in what form."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import delete, or_, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import (
    AuditRow,
    ConsentRow,
    ConversationRow,
    OneTimeCodeRow,
    OutboxRow,
    TicketRow,
    VolunteerAccountRow,
    WalkSessionRow,
)

# Send limits look this far back (storage/verification.py callers: 5 codes per phone per day).
SEND_COUNT_WINDOW = dt.timedelta(days=1)


@dataclass(frozen=True, slots=True)
class Erased:
    """How many rows went, per kind (for the audit trail and tests)."""

    conversations: int
    walkthroughs: int
    codes: int
    consents: int
    audit_rows_without_phone: int
    other: int


def _count(result: object) -> int:
    return int(getattr(result, "rowcount", 0) or 0)


class Privacy:
    """Deletes or anonymises everything stored about one chat account, in the caller's transaction."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def erase(self, channel: str, user_id: str, chat_id: str, now: dt.datetime) -> Erased:
        """Conversation state (with any verified-phone proof), walkthroughs, pending messages, hand-off
        tickets, volunteer account link, consents and one-time codes are deleted; audit rows lose the phone.

        Codes sent in the last 24 hours are not deleted but cut loose from the chat (code hash, chat and
        user emptied): the per-phone send limits must still count them, or deleting one's data and asking
        again would let anyone flood a stranger's phone with SMS. The retention job deletes them later.
        """
        session = self.session
        conversations = _count(
            await session.execute(
                delete(ConversationRow).where(ConversationRow.channel == channel, ConversationRow.user_id == user_id)
            )
        )
        walks = _count(
            await session.execute(
                delete(WalkSessionRow).where(WalkSessionRow.channel == channel, WalkSessionRow.user_id == user_id)
            )
        )
        consents = _count(
            await session.execute(
                delete(ConsentRow).where(ConsentRow.channel == channel, ConsentRow.user_id == user_id)
            )
        )
        other = 0
        for table in (OutboxRow, TicketRow, VolunteerAccountRow):
            other += _count(
                await session.execute(delete(table).where(table.channel == channel, table.user_id == user_id))
            )
        mine = (
            OneTimeCodeRow.channel == channel,
            or_(OneTimeCodeRow.chat_id == chat_id, OneTimeCodeRow.user_id == user_id),
        )
        codes = _count(
            await session.execute(
                delete(OneTimeCodeRow).where(*mine, OneTimeCodeRow.created_at < now - SEND_COUNT_WINDOW)
            )
        )
        codes += _count(
            await session.execute(
                update(OneTimeCodeRow)
                .where(*mine)
                .values(chat_id="", user_id="", code_hash="", revoked_at=now)
                .execution_options(synchronize_session=False)
            )
        )
        audit = _count(
            await session.execute(
                update(AuditRow)
                .where(AuditRow.channel == channel, AuditRow.chat_id == chat_id, AuditRow.phone_hash.is_not(None))
                .values(phone_hash=None)
                .execution_options(synchronize_session=False)
            )
        )
        return Erased(conversations, walks, codes, consents, audit, other)
