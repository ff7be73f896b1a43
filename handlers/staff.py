"""Commands for staff users (configured by channel and user id); others never see them."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from handlers import staff_reports, texts
from handlers.context import Deps
from handlers.state import State
from handlers.types import Reply

MAX_PROBLEMS_SHOWN = 10


async def reload_catalogue(argument: str, state: State, deps: Deps) -> tuple[list[Reply], State]:
    """/reload: load procedures.yaml again; an invalid file keeps the old catalogue serving."""
    del argument
    if deps.reload is None:
        return [Reply(texts.RELOAD_UNAVAILABLE)], state
    outcome = await deps.reload()
    if outcome.ok:
        return [Reply(texts.RELOAD_OK.format(procedures=outcome.procedures))], state
    shown = "\n".join(outcome.problems[:MAX_PROBLEMS_SHOWN])
    more = len(outcome.problems) - MAX_PROBLEMS_SHOWN
    tail = f"\n{texts.RELOAD_MORE.format(count=more)}" if more > 0 else ""
    return [Reply(texts.RELOAD_FAILED.format(procedures=outcome.procedures, problems=shown) + tail)], state


COMMANDS: dict[str, Callable[[str, State, Deps], Awaitable[tuple[list[Reply], State]]]] = {
    "/reload": reload_catalogue,
    "/chuahieu": staff_reports.unanswered,
    "/bikekt": staff_reports.stops,
}
