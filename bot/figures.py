"""Figures shared by `python -m bot report` and the staff dashboard, with catalogue titles attached."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from knowledge.catalogue import Catalogue
from storage import Unit

VIETNAM = dt.timezone(dt.timedelta(hours=7), "ICT")
DECISIONS = ("match", "ambiguous", "none")
REFERRAL_KINDS = ("referral", "started", "finished", "recovered")
TOP = 10


@dataclass(frozen=True, slots=True)
class Usage:
    """Messages per day and channel, the most asked procedures, and how questions were answered."""

    per_day: list[tuple[dt.date, str, int]]
    top: list[tuple[str, str, int]]
    decisions: dict[str, int]

    def share(self, decision: str) -> float:
        total = sum(self.decisions.values())
        return self.decisions.get(decision, 0) / total if total else 0.0


@dataclass(frozen=True, slots=True)
class Funnel:
    """Walkthroughs of one procedure: how many started and how many reached the last step."""

    procedure_id: str
    title: str
    started: int
    finished: int


@dataclass(frozen=True, slots=True)
class VolunteerFigures:
    code: str
    name: str
    counts: dict[str, int] = field(default_factory=dict)


def since_local(day: dt.date) -> dt.datetime:
    """The start of a Vietnamese calendar day."""
    return dt.datetime.combine(day, dt.time(), VIETNAM)


def title(catalogue: Catalogue | None, answer_id: str) -> str:
    if catalogue is None:
        return answer_id
    try:
        return catalogue.title(answer_id)
    except KeyError:
        return answer_id


async def usage(unit: Unit, catalogue: Catalogue | None, since: dt.datetime) -> Usage:
    per_day = await unit.reports.messages_per_day(since, VIETNAM)
    answers = await unit.reports.top_answers(since, limit=5 * TOP)
    if catalogue is not None:
        answers = [(a, n) for a, n in answers if a in catalogue.procedures]
    top = [(a, title(catalogue, a), n) for a, n in answers[:TOP]]
    return Usage(per_day, top, await unit.reports.decisions(since))


async def funnels(unit: Unit, catalogue: Catalogue | None, since: dt.datetime) -> list[Funnel]:
    """Started → finished per procedure, most started first."""
    counts: dict[str, dict[str, int]] = {}
    for kind, proc, n in await unit.reports.events_by_procedure(("started", "finished"), since):
        counts.setdefault(proc, {})[kind] = n
    found = [Funnel(p, title(catalogue, p), c.get("started", 0), c.get("finished", 0)) for p, c in counts.items()]
    return sorted(found, key=lambda f: (-f.started, -f.finished, f.procedure_id))


async def volunteers(unit: Unit, since: dt.datetime) -> list[VolunteerFigures]:
    """Referral events per volunteer (every registered volunteer, even with none yet)."""
    names = {v.code: v.name for v in await unit.volunteers.all()}
    counts: dict[str, dict[str, int]] = {code: {} for code in names}
    for ref, kind, n in await unit.reports.by_ref(since):
        counts.setdefault(ref, {})[kind] = n
    found = [VolunteerFigures(code, names.get(code, code), c) for code, c in counts.items()]
    return sorted(found, key=lambda v: (-v.counts.get("referral", 0), v.code))
