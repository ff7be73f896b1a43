"""Staff reports in chat: /chuahieu (questions the bot missed) and /bikekt (where walkthroughs stop)."""

from __future__ import annotations

import datetime as dt

from handlers import texts_volunteer as tv
from handlers.context import Deps
from handlers.state import State
from handlers.types import Reply
from knowledge.catalogue import Catalogue

UNANSWERED_DAYS = 7
STOPS_DAYS = 30
SHOWN = 10


def step_title(catalogue: Catalogue, procedure_id: str, step_id: str) -> tuple[str, str]:
    """(procedure title, step title), falling back to the ids for entries no longer in the catalogue."""
    proc = catalogue.procedures.get(procedure_id)
    if proc is None:
        return procedure_id, step_id
    step = next((s for s in proc.steps if s.id == step_id), None)
    return proc.title, step.title if step else step_id


async def unanswered(argument: str, state: State, deps: Deps) -> tuple[list[Reply], State]:
    """/chuahieu: the most frequent questions the bot could not answer this week, with counts."""
    del argument
    top = await deps.unit.unanswered.top(since=deps.now - dt.timedelta(days=UNANSWERED_DAYS), limit=SHOWN)
    if not top:
        return [Reply(tv.UNANSWERED_NONE)], state
    lines = [tv.UNANSWERED_HEADER]
    lines += [tv.UNANSWERED_LINE.format(rank=i, text=text, count=count) for i, (text, count, _) in enumerate(top, 1)]
    lines.append(tv.UNANSWERED_FOOTER)
    return [Reply("\n".join(lines))], state


async def stops(argument: str, state: State, deps: Deps) -> tuple[list[Reply], State]:
    """/bikekt: the steps where citizens said they were stuck or gave up, most first."""
    del argument
    found = await deps.unit.reports.stops(since=deps.now - dt.timedelta(days=STOPS_DAYS), limit=SHOWN)
    if not found:
        return [Reply(tv.STOPS_NONE)], state
    lines = [tv.STOPS_HEADER]
    for rank, stop in enumerate(found, 1):
        procedure, step = step_title(deps.knowledge.catalogue, stop.procedure_id, stop.step)
        lines.append(
            tv.STOPS_LINE.format(rank=rank, procedure=procedure, step=step, stuck=stop.stuck, abandoned=stop.abandoned)
        )
    lines.append(tv.STOPS_FOOTER)
    return [Reply("\n".join(lines))], state
