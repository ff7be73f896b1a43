"""What a flow step may use while handling one incoming message."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from knowledge.library import Knowledge, ReloadOutcome
from storage import Unit

Reloader = Callable[[], Awaitable[ReloadOutcome]]


@dataclass(slots=True)
class Outcome:
    """What the bot answered, for the message log (ids only, never text)."""

    answer_id: str | None = None
    decision: str | None = None


@dataclass(frozen=True, slots=True)
class Deps:
    """Per-message dependencies: the knowledge snapshot, the unit of work and today's date."""

    knowledge: Knowledge
    unit: Unit
    now: dt.datetime
    outcome: Outcome = field(default_factory=Outcome)
    staff: bool = False
    reload: Reloader | None = None

    @property
    def today(self) -> dt.date:
        return self.now.date()
