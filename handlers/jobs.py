"""Scheduled work: the one opt-in reminder after 24 idle hours, closing walkthroughs idle for 7 days, retention."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from handlers import walkthrough
from handlers.state import State
from handlers.types import reply_to_dict
from knowledge.library import Knowledge
from storage import Store

REMIND_AFTER = dt.timedelta(hours=24)
ABANDON_AFTER = dt.timedelta(days=7)
# A hand-off ticket (with the citizen's question) is deleted this long after it was closed.
TICKET_RETENTION = dt.timedelta(days=30)
# One-time codes (hashes only) are deleted a day after they expire; audit rows after a year.
CODE_RETENTION = dt.timedelta(hours=24)
AUDIT_RETENTION = dt.timedelta(days=365)
# Update ids are kept to drop redeliveries; Telegram gives up on an update after 24 hours.
INBOX_RETENTION = dt.timedelta(days=7)


@dataclass(frozen=True, slots=True)
class JobReport:
    reminded: int
    abandoned: int
    purged_messages: int = 0
    purged_tickets: int = 0
    purged_codes: int = 0
    purged_audit: int = 0
    purged_updates: int = 0


async def run_due(
    store: Store,
    knowledge: Callable[[], Knowledge],
    now: dt.datetime,
    message_retention: dt.timedelta = dt.timedelta(days=180),
) -> JobReport:
    """Queue due reminders, record abandoned walkthroughs, apply retention; safe on many replicas."""
    catalogue = knowledge().catalogue
    reminded = 0
    async with store.unit() as unit:
        for session in await unit.walks.due_reminders(idle_since=now - REMIND_AFTER):
            proc = catalogue.procedures.get(session.procedure_id)
            if proc is None or not await unit.walks.mark_reminded(session.id, now):
                continue
            reply = walkthrough.reminder(proc, session.step)
            await unit.outbox.enqueue(session.channel, session.user_id, session.chat_id, [reply_to_dict(reply)], now)
            state = State.from_dict(await unit.load_state(session.channel, session.user_id))
            state.menu = [button.payload for button in reply.buttons]
            await unit.save_state(session.channel, session.user_id, state.to_dict())
            await unit.events.record(session.channel, "reminded", now, proc.id, session.step_id)
            reminded += 1
        abandoned = await unit.walks.abandon_idle(idle_since=now - ABANDON_AFTER, now=now)
        for session in abandoned:
            await unit.events.record(session.channel, "abandoned", now, session.procedure_id, session.step_id)
        purged = await unit.purge_messages(before=now - message_retention)
        tickets = await unit.tickets.purge(closed_before=now - TICKET_RETENTION)
        codes = await unit.codes.purge(expired_before=now - CODE_RETENTION)
        audit = await unit.audit.purge(before=now - AUDIT_RETENTION)
        updates = await unit.inbox.purge(before=now - INBOX_RETENTION)
    return JobReport(
        reminded=reminded,
        abandoned=len(abandoned),
        purged_messages=purged,
        purged_tickets=tickets,
        purged_codes=codes,
        purged_audit=audit,
        purged_updates=updates,
    )
