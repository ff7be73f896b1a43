"""The registry of conversation flows: which module answers which flow, button prefix and answer id."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from handlers import dossier, handoff, privacy, recovery, volunteer, walkthrough
from handlers.context import Deps
from handlers.state import State
from handlers.types import Incoming, Reply

Step = tuple[list[Reply], State]
Handler = Callable[[Incoming, State, Deps], Awaitable[Step]]


@dataclass(frozen=True, slots=True)
class Flow:
    """A multi-message conversation: its state name, its payload prefix and its handlers.

    `start` runs when the matcher or a button chooses one of `answer_ids`; `on_text`,
    `on_payload` and `on_contact` run while `state.flow == name`.
    """

    name: str
    prefix: str
    on_text: Handler
    on_payload: Handler
    start: Handler | None = None
    on_contact: Handler | None = None
    answer_ids: tuple[str, ...] = ()
    # Free text this flow takes over from any state (a dossier code), checked before the active flow.
    claims: Callable[[str], bool] | None = None


FLOWS: tuple[Flow, ...] = (
    Flow(name=walkthrough.FLOW, prefix="w", on_text=walkthrough.on_text, on_payload=walkthrough.on_payload),
    Flow(
        name=dossier.FLOW,
        prefix=dossier.PREFIX,
        on_text=dossier.on_text,
        on_payload=dossier.on_payload,
        start=dossier.start,
        answer_ids=("tra-cuu-ho-so",),
        claims=dossier.claims,
    ),
    Flow(
        name=recovery.FLOW,
        prefix=recovery.PREFIX,
        on_text=recovery.on_text,
        on_payload=recovery.on_payload,
        start=recovery.start,
        on_contact=recovery.on_contact,
        answer_ids=("quen-ma-ho-so",),
    ),
    # Short codes from volunteers' posters ("TN 7K3Q"), typed on channels without deep links (Zalo).
    Flow(
        name=volunteer.FLOW,
        prefix=volunteer.PREFIX,
        on_text=volunteer.on_text,
        on_payload=volunteer.on_payload,
        claims=volunteer.claims,
    ),
    # «Gặp cán bộ»: a ticket for the staff group; while it is open, free text goes to staff (engine.route).
    Flow(
        name=handoff.FLOW,
        prefix=handoff.PREFIX,
        on_text=handoff.on_message,
        on_payload=handoff.on_payload,
        start=handoff.start,
        on_contact=handoff.on_message,
        answer_ids=("gap-can-bo",),
    ),
    # /xoa_du_lieu waits for its confirmation button (engine._command starts it).
    Flow(name=privacy.FLOW, prefix=privacy.PREFIX, on_text=privacy.on_text, on_payload=privacy.on_payload),
)

BY_NAME = {flow.name: flow for flow in FLOWS}
BY_PREFIX = {flow.prefix: flow for flow in FLOWS}
BY_ANSWER = {answer_id: flow for flow in FLOWS for answer_id in flow.answer_ids}
