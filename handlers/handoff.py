"""Hand-off to a person, the citizen's side: ask the question, confirm, open a ticket, then stay quiet.

While a ticket is open the bot does not answer free text: each message is added to the ticket and
forwarded to the staff group. /huy offers to close it, /menu shows the menu; buttons keep working.
Staff replies and closing are in `handlers/handoff_staff.py`.
"""

from __future__ import annotations

from typing import Any

from handlers import answers, texts
from handlers import handoff_view as view
from handlers import texts_handoff as t
from handlers.context import Deps
from handlers.state import State
from handlers.types import Button, Incoming, Reply, reply_to_dict
from storage.tickets import Ticket

FLOW, PREFIX = "handoff", "h"
DRAFT_KEY = "handoff"  # state.data while asking and confirming: {"q": question, "ctx": context}
TICKET_KEY = "ticket"  # state.data while a ticket is open: its id (checked against the ticket table)
OFFER_KEY = "handoff_q"  # state.data after an unanswered question, until the next message
QUESTION_WORDS = 8  # "gặp cán bộ" asks for the question; a longer message is the question itself
Step = tuple[list[Reply], State]


def _unstaffed(with_question: bool = False) -> Reply:
    """No staff chat configured: how to reach people, and that nothing was sent."""
    lines = [texts.STAFF_INFO, "", t.NO_STAFF_ONLINE] + ([t.NOT_SENT] if with_question else [])
    return Reply("\n".join(lines), answers.main_menu())


def offer(question: str, state: State, deps: Deps) -> Reply:
    """The reply to an unanswered question, with «Gặp cán bộ» sending that very question when staff are set up."""
    if deps.services.handoff is None:
        return Reply(texts.OUT_OF_SCOPE, answers.main_menu())
    state.data[OFFER_KEY] = question[: view.MAX_QUESTION_CHARS]
    buttons = tuple(
        Button(b.label, f"{PREFIX}:q") if b.payload == f"a:{answers.STAFF_ID}" else b for b in answers.main_menu()
    )
    return Reply(texts.OUT_OF_SCOPE, buttons)


async def open_ticket(state: State, deps: Deps) -> Ticket | None:
    """The conversation's open ticket; a marker left by a ticket closed since is dropped."""
    ticket_id = state.data.get(TICKET_KEY)
    if not isinstance(ticket_id, int):
        return None
    ticket = await deps.unit.tickets.get(ticket_id)
    if ticket is None or not ticket.open:
        state.data.pop(TICKET_KEY, None)
        return None
    return ticket


async def takes(state: State, deps: Deps) -> bool:
    """True when the hand-off answers free text: a question being written, or an open ticket."""
    return state.flow == FLOW or await open_ticket(state, deps) is not None


def _draft(state: State, deps: Deps) -> dict[str, Any]:
    draft = state.data.get(DRAFT_KEY)
    if not isinstance(draft, dict):
        draft = {"ctx": view.context(state, deps.knowledge.catalogue)}
        state.data[DRAFT_KEY] = draft
    return draft


def _ask(state: State, deps: Deps) -> Step:
    state = State(flow=FLOW, step="ask", data=state.data, menu=state.menu)
    _draft(state, deps).pop("q", None)
    note = view.hours_note(deps.services.handoff, deps.now) if deps.services.handoff else ""
    return [Reply(f"{t.ASK}\n{note}".strip(), (Button(t.BTN_CANCEL, f"{PREFIX}:cancel"),))], state


def _confirm(question: str, state: State, deps: Deps) -> Step:
    state = State(flow=FLOW, step="confirm", data=state.data, menu=state.menu)
    kept = question.strip()[: view.MAX_QUESTION_CHARS]
    _draft(state, deps)["q"] = kept
    text = t.CONFIRM.format(question=kept)
    if len(question.strip()) > view.MAX_QUESTION_CHARS:
        text += "\n" + t.TRUNCATED.format(limit=view.MAX_QUESTION_CHARS)
    buttons = (
        Button(t.BTN_SEND, f"{PREFIX}:send"),
        Button(t.BTN_EDIT, f"{PREFIX}:edit"),
        Button(t.BTN_CANCEL, f"{PREFIX}:cancel"),
    )
    return [Reply(text, buttons)], state


async def start(incoming: Incoming, state: State, deps: Deps) -> Step:
    """«Gặp cán bộ»: ask for the question (a long message already is one), or say how to reach people."""
    if deps.services.handoff is None:
        return [_unstaffed()], state.reset()
    held = await open_ticket(state, deps) or await deps.unit.tickets.open_for(incoming.channel, incoming.user_id)
    if held is not None:
        state.data[TICKET_KEY] = held.id
        return [Reply(t.ALREADY_OPEN.format(id=held.id))], state.reset()
    state.data.pop(DRAFT_KEY, None)
    _draft(state, deps)
    if len(incoming.text.split()) >= QUESTION_WORDS:
        return _confirm(incoming.text, state, deps)
    return _ask(state, deps)


async def _send(incoming: Incoming, state: State, deps: Deps) -> Step:
    """Open the ticket, queue it for the staff group, and tell the citizen when to expect an answer."""
    hours = deps.services.handoff
    draft = _draft(state, deps)
    question = str(draft.get("q") or "")
    if hours is None:
        return [_unstaffed(with_question=bool(question))], state.reset()
    if not question:
        return _ask(state, deps)
    held = await deps.unit.tickets.open_for(incoming.channel, incoming.user_id)
    if held is not None:
        state.data[TICKET_KEY] = held.id
        return [Reply(t.ALREADY_OPEN.format(id=held.id))], state.reset()
    context = {str(k): str(v) for k, v in dict(draft.get("ctx") or {}).items()}
    ticket = await deps.unit.tickets.open(
        incoming.channel, incoming.user_id, incoming.chat_id, question, context, deps.now
    )
    card = view.card(ticket, deps.knowledge.catalogue, hours, deps.now)
    await deps.unit.outbox.enqueue(view.STAFF_CHANNEL, str(ticket.id), "", [reply_to_dict(card)], deps.now)
    await deps.unit.events.record(incoming.channel, "handoff", deps.now, context.get("procedure"), context.get("step"))
    state.data.pop(DRAFT_KEY, None)
    state = state.reset()
    state.data[TICKET_KEY] = ticket.id
    # No buttons: a number typed to staff must not press one.
    text = "\n".join([t.SENT.format(id=ticket.id), view.hours_note(hours, deps.now), t.WHILE_OPEN])
    return [Reply(text)], state


async def _close(incoming: Incoming, state: State, deps: Deps) -> Step:
    ticket = await open_ticket(state, deps)
    state.data.pop(TICKET_KEY, None)
    if ticket is None or await deps.unit.tickets.close(ticket.id, deps.now, "citizen") is None:
        return [answers.menu_reply()], state.reset()
    notice = Reply(t.CITIZEN_CLOSED.format(id=ticket.id))
    await deps.unit.outbox.enqueue(view.STAFF_CHANNEL, str(ticket.id), "", [reply_to_dict(notice)], deps.now)
    return [answers.menu_reply(t.CLOSED_BY_CITIZEN.format(id=ticket.id))], state.reset()


async def on_payload(incoming: Incoming, state: State, deps: Deps) -> Step:
    """Buttons of the hand-off (payloads "h:…")."""
    action = (incoming.payload or "").removeprefix(f"{PREFIX}:")
    if action == "q":  # «Gặp cán bộ» offered with an unanswered question
        question = str(state.data.pop(OFFER_KEY, "") or "")
        if deps.services.handoff is None:
            return [_unstaffed(with_question=bool(question))], state.reset()
        replies, state = await start(incoming, state.reset(), deps)
        if question and state.flow == FLOW:
            return _confirm(question, state, deps)
        return replies, state
    if action == "send" and state.flow == FLOW:
        return await _send(incoming, state, deps)
    if action == "edit" and state.flow == FLOW:
        return _ask(state, deps)
    if action == "cancel":
        state.data.pop(DRAFT_KEY, None)
        return [answers.menu_reply(t.DRAFT_CANCELLED)], state.reset()
    if action == "close":
        return await _close(incoming, state, deps)
    ticket = await open_ticket(state, deps)
    if action == "keep" and ticket is not None:
        return [Reply(t.KEPT.format(id=ticket.id))], state
    state.data.pop(DRAFT_KEY, None)
    return [answers.menu_reply(texts.STALE_BUTTON)], state.reset()


async def on_message(incoming: Incoming, state: State, deps: Deps) -> Step:
    """Free text while the hand-off holds the conversation: the question being written, or a follow-up."""
    if state.flow == FLOW:
        if incoming.contact is not None:
            return [Reply(t.NO_CONTACT), Reply(t.ASK_AGAIN)], state
        if not incoming.text.strip():
            return [Reply(t.ASK_AGAIN)], state
        return _confirm(incoming.text, state, deps)
    ticket = await open_ticket(state, deps)
    if ticket is None:  # closed meanwhile
        return [answers.menu_reply()], state.reset()
    if incoming.contact is not None:
        return [Reply(t.NO_CONTACT)], state
    if not incoming.text.strip():
        return [Reply(t.TEXT_ONLY)], state
    text = incoming.text.strip()[: view.MAX_QUESTION_CHARS]
    await deps.unit.tickets.append(ticket.id, text)
    follow_up = Reply(t.FOLLOW_UP.format(id=ticket.id, text=text))
    await deps.unit.outbox.enqueue(view.STAFF_CHANNEL, str(ticket.id), "", [reply_to_dict(follow_up)], deps.now)
    return [Reply(t.FORWARDED.format(id=ticket.id))], state


async def on_command(name: str, state: State, deps: Deps) -> Step | None:
    """/huy and /menu while a ticket is open; None when no ticket is open or for other commands."""
    if name not in {"/huy", "/menu"}:
        return None
    ticket = await open_ticket(state, deps)
    if ticket is None:
        return None
    if name == "/menu":
        return [answers.menu_reply(t.MENU_WHILE_OPEN.format(id=ticket.id))], state.reset()
    buttons = (Button(t.BTN_CLOSE, f"{PREFIX}:close"), Button(t.BTN_KEEP, f"{PREFIX}:keep"))
    return [Reply(t.CLOSE_OFFER.format(id=ticket.id), buttons)], state.reset()
