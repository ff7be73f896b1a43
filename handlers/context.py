"""What a flow step may use while handling one incoming message."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from handlers.office_hours import OfficeHours
from handlers.ports import OneStop, SmsSender
from knowledge.library import Knowledge, ReloadOutcome
from storage import Unit

Reloader = Callable[[], Awaitable[ReloadOutcome]]


@dataclass(slots=True)
class Outcome:
    """What the bot answered, for the message log (ids only, never text)."""

    answer_id: str | None = None
    decision: str | None = None


@dataclass(frozen=True, slots=True)
class Services:
    """Outside services and secrets for the dossier flows, wired once by `bot/app.py`."""

    # A random key per process by default, so tests and the console never hash with an empty key.
    hash_key: bytes = field(default_factory=lambda: secrets.token_bytes(32), repr=False)
    sms: SmsSender | None = None
    onestop: OneStop | None = None
    lookups_per_hour: int = 10
    sms_daily_budget: int = 1000
    # Staff office hours when the hand-off to a staff chat is set up (STAFF_CHAT_ID); None: no staff online.
    handoff: OfficeHours | None = None


@dataclass(frozen=True, slots=True)
class Deps:
    """Per-message dependencies: the knowledge snapshot, the unit of work and today's date."""

    knowledge: Knowledge
    unit: Unit
    now: dt.datetime
    outcome: Outcome = field(default_factory=Outcome)
    staff: bool = False
    reload: Reloader | None = None
    services: Services = field(default_factory=Services)
    # The volunteer code this citizen came through (handlers/volunteer.py); events carry it as `ref`.
    referrer: str | None = None

    @property
    def today(self) -> dt.date:
        return self.now.date()
