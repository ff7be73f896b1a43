"""Hand-off to a person, the staff side: a reply in the staff group goes to the citizen; /dong closes.

The Telegram channel calls `on_staff_message` only for messages from the configured staff chat,
and says which message of the bot (if any) the staff member replied to.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from handlers import answers
from handlers import handoff_view as view
from handlers import texts_handoff as t
from handlers.types import Reply, reply_to_dict
from storage import Store, Unit
from storage.tickets import Ticket

CLOSE_COMMAND = "/dong"


@dataclass(frozen=True, slots=True)
class StaffMessage:
    """A message in the staff group; `replied_*` describe the bot's message it replies to, if any."""

    text: str
    replied_id: int | None = None
    replied_text: str = ""


async def _ticket_for(unit: Unit, message: StaffMessage, argument: str = "") -> Ticket | None:
    """The ticket named by "/dong 12", else the replied-to ticket message, else the "#12" in its text."""
    if argument.strip().lstrip("#").isdigit():
        return await unit.tickets.get(int(argument.strip().lstrip("#")))
    if message.replied_id is None:
        return None
    ticket = await unit.tickets.by_staff_message(message.replied_id)
    tag = view.ticket_tag(message.replied_text)
    if ticket is None and tag is not None:
        ticket = await unit.tickets.get(tag)
    return ticket


async def _to_citizen(unit: Unit, ticket: Ticket, reply: Reply, now: dt.datetime) -> None:
    await unit.outbox.enqueue(ticket.channel, ticket.user_id, ticket.chat_id, [reply_to_dict(reply)], now)


async def _close(unit: Unit, message: StaffMessage, argument: str, now: dt.datetime) -> list[Reply]:
    ticket = await _ticket_for(unit, message, argument)
    if ticket is None:
        return [Reply(t.NOT_FOUND)]
    if await unit.tickets.close(ticket.id, now, "staff") is None:
        return [Reply(t.ALREADY_CLOSED.format(id=ticket.id))]
    await _to_citizen(unit, ticket, answers.menu_reply(t.CLOSED_BY_STAFF.format(id=ticket.id)), now)
    return [Reply(t.STAFF_CLOSED.format(id=ticket.id))]


async def on_staff_message(store: Store, message: StaffMessage, now: dt.datetime) -> list[Reply]:
    """Relay a staff reply to the ticket's citizen, or close a ticket; returns what to post in the group.

    Messages that are neither (staff talking among themselves) get no answer.
    """
    text = message.text.strip()
    name, _, argument = text.partition(" ")
    is_close = name.split("@", 1)[0].lower() == CLOSE_COMMAND
    async with store.unit() as unit:
        if is_close:
            return await _close(unit, message, argument, now)
        if message.replied_id is None:
            return []
        ticket = await _ticket_for(unit, message)
        if ticket is None:
            return [Reply(t.NOT_FOUND)] if view.ticket_tag(message.replied_text) is not None else []
        if not ticket.open:
            return [Reply(t.ALREADY_CLOSED.format(id=ticket.id))]
        if not text:
            return [Reply(t.STAFF_TEXT_ONLY)]
        await _to_citizen(unit, ticket, Reply(t.STAFF_REPLY.format(id=ticket.id, text=text)), now)
        return [Reply(t.RELAYED.format(id=ticket.id))]
