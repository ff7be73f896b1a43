"""/xoa_du_lieu: after a confirmation button, erase the citizen's data at once and say what is kept."""

from __future__ import annotations

from handlers import answers, texts
from handlers import texts_privacy as tp
from handlers.context import Deps
from handlers.state import State
from handlers.types import Button, Incoming, Reply

FLOW = "erase"
PREFIX = "x"
COMMAND = tp.COMMAND

Step = tuple[list[Reply], State]


def _confirm_buttons() -> tuple[Button, ...]:
    return (Button(tp.BTN_ERASE, f"{PREFIX}:yes"), Button(tp.BTN_KEEP, "menu"))


async def ask(incoming: Incoming, state: State, deps: Deps) -> Step:
    """The command: list what will be deleted and wait for the button; nothing is deleted yet."""
    del incoming, deps
    return [Reply(tp.CONFIRM, _confirm_buttons())], State(flow=FLOW, step="confirm", data=state.data, menu=state.menu)


async def on_text(incoming: Incoming, state: State, deps: Deps) -> Step:
    """Typed text while confirming: only the button erases."""
    del incoming, deps
    return [Reply(tp.CONFIRM_AGAIN, _confirm_buttons())], state


async def on_payload(incoming: Incoming, state: State, deps: Deps) -> Step:
    """`x:yes` right after the question erases; a stale or replayed press erases nothing."""
    if incoming.payload != f"{PREFIX}:yes" or state.flow != FLOW or state.step != "confirm":
        return [answers.menu_reply(texts.STALE_BUTTON)], state.reset()
    await deps.unit.erase_citizen(incoming.channel, incoming.user_id, incoming.chat_id, deps.now)
    await deps.unit.audit.record(deps.now, incoming.channel, "erase", "done", chat_id=incoming.chat_id)
    return [answers.menu_reply(tp.DONE)], State()
