"""The registry of conversation flows: which module answers which flow, button prefix and answer id."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from handlers import walkthrough
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


FLOWS: tuple[Flow, ...] = (
    Flow(name=walkthrough.FLOW, prefix="w", on_text=walkthrough.on_text, on_payload=walkthrough.on_payload),
)

BY_NAME = {flow.name: flow for flow in FLOWS}
BY_PREFIX = {flow.prefix: flow for flow in FLOWS}
BY_ANSWER = {answer_id: flow for flow in FLOWS for answer_id in flow.answer_ids}
