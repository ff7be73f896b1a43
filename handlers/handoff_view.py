"""What the hand-off shows: the context staff get, the ticket card in the staff group, the hours note."""

from __future__ import annotations

import datetime as dt
import re

from handlers import texts_handoff as t
from handlers import walkthrough_view
from handlers.office_hours import OfficeHours, when_vi
from handlers.state import State
from handlers.types import Reply
from knowledge.catalogue import Catalogue
from storage.tickets import STAFF_OUTBOX_CHANNEL, Ticket

STAFF_CHANNEL = STAFF_OUTBOX_CHANNEL  # outbox items for the staff group; the Telegram channel delivers them
MAX_QUESTION_CHARS = 1000  # one message of the citizen, as forwarded and stored
LAST_ANSWER_KEY = "answer"  # state.data: the last answer id the bot showed (kept by handlers/engine.py)
_TAG = re.compile(r"#(\d{1,9})\b")


def context(state: State, catalogue: Catalogue) -> dict[str, str]:
    """Where the citizen was: the walkthrough's procedure and step, the last answer id. Ids only."""
    found: dict[str, str] = {}
    walk = state.data.get("walk")
    proc = catalogue.procedures.get(str(walk.get("proc", ""))) if isinstance(walk, dict) else None
    if proc is not None and isinstance(walk, dict):
        found["procedure"] = proc.id
        phase = str(walk.get("phase", "step"))
        found["phase"] = phase
        if phase == "step":
            visible = walkthrough_view.steps(proc, walk)
            index = min(int(walk.get("i", 0)), len(visible) - 1)
            if index >= 0:
                found["step"] = visible[index].id
                found["step_no"] = f"{index + 1}/{len(visible)}"
    last = state.data.get(LAST_ANSWER_KEY)
    if isinstance(last, str) and last in set(catalogue.ids()):
        found["answer"] = last
    return found


def _context_lines(found: dict[str, str], catalogue: Catalogue) -> list[str]:
    lines: list[str] = []
    proc = catalogue.procedures.get(found.get("procedure", ""))
    if proc is not None:
        phase = found.get("phase", "")
        where = t.WALK_PHASES.get(phase, phase)
        if "step_no" in found:
            number, _, total = found["step_no"].partition("/")
            title = next((s.title for s in proc.steps if s.id == found.get("step")), found.get("step", ""))
            where = t.WALK_STEP.format(n=number, total=total, step=title)
        lines.append(t.CARD_CONTEXT_WALK.format(title=proc.title, where=where))
    answer = found.get("answer")
    if answer and answer in set(catalogue.ids()) and answer != found.get("procedure"):
        lines.append(t.CARD_CONTEXT_ANSWER.format(title=f"{catalogue.title(answer)} ({answer})"))
    return lines


def card(ticket: Ticket, catalogue: Catalogue, hours: OfficeHours, now: dt.datetime) -> Reply:
    """The message the staff group gets when a ticket opens."""
    opened = ticket.opened_at.astimezone(hours.tz).strftime("%H:%M %d/%m/%Y")
    channel = t.CHANNELS.get(ticket.channel, ticket.channel)
    lines = [t.CARD.format(id=ticket.id, channel=channel, opened=opened)]
    lines += _context_lines(ticket.context, catalogue)
    lines.append(t.CARD_QUESTION.format(question=ticket.question))
    opening = hours.next_opening(now)
    if opening is not None:
        lines.append(t.CARD_OUT_OF_HOURS.format(when=when_vi(opening, now)))
    lines += ["", t.CARD_HOW]
    return Reply("\n".join(lines))


def hours_note(hours: OfficeHours, now: dt.datetime) -> str:
    """For the citizen: staff are in now, or when they will answer."""
    opening = hours.next_opening(now)
    return t.IN_HOURS if opening is None else t.OUT_OF_HOURS.format(when=when_vi(opening, now))


def ticket_tag(text: str) -> int | None:
    """The ticket number a staff-group message of the bot names ("#12"), if any."""
    found = _TAG.search(text)
    return int(found.group(1)) if found else None
