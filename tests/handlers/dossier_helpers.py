"""Shared pieces for dossier and recovery tests: a settable clock, a recording SMS gateway, seed data."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from handlers.context import Services
from handlers.engine import Engine
from handlers.identifiers import phone_hash
from handlers.ports import OneStop, RemoteDossier
from knowledge.library import Knowledge
from storage import DossierRecord, Store
from tests.conftest import TestBot

KEY = b"k" * 32
T0 = dt.datetime(2026, 11, 22, 2, 0, tzinfo=dt.UTC)
PHONE = "0912345678"
E164 = "+84912345678"
CODE_A = "000.00.12.H62-201105-0004"
CODE_B = "000.00.12.H62-261120-0017"


class Clock:
    """A clock tests move by hand."""

    def __init__(self, now: dt.datetime = T0) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)


@dataclass
class FakeSms:
    """Records what would be sent; `codes` are the digits, as a citizen reads them."""

    sent: list[tuple[str, str, str]] = field(default_factory=list)

    async def send(self, to: str, code: str, request_id: str) -> None:
        self.sent.append((to, code, request_id))

    @property
    def last_code(self) -> str:
        return self.sent[-1][1]


class FakeOneStop:
    """An in-process one-stop system with call counts."""

    def __init__(self, dossiers: list[RemoteDossier] | None = None) -> None:
        self.dossiers = {d.code: d for d in dossiers or []}
        self.calls: list[str] = []

    async def dossier(self, code: str) -> RemoteDossier | None:
        self.calls.append("code")
        return self.dossiers.get(code)

    async def dossiers_by_phone(self, phone_e164: str) -> list[RemoteDossier]:
        self.calls.append("phone")
        return [d for d in self.dossiers.values() if d.phone in (phone_e164, "0" + phone_e164[3:])]


def record(code: str, status: str = "processing", phone: str = E164, procedure_id: str = "khai-sinh") -> DossierRecord:
    submitted = dt.datetime(2020, 11, 5, 1, 30, tzinfo=dt.UTC)
    return DossierRecord(
        code, procedure_id, phone, phone_hash(KEY, phone), "Nguyễn Văn A", status, submitted, submitted
    )


async def seed(store: Store, *records: DossierRecord, now: dt.datetime = T0) -> None:
    async with store.unit() as unit:
        await unit.dossiers.upsert(list(records), "import", now)


def make_bot(
    store: Store,
    knowledge: Knowledge,
    clock: Clock,
    sms: FakeSms | None,
    onestop: OneStop | None = None,
    user_id: str = "citizen-1",
    lookups_per_hour: int = 10,
) -> TestBot:
    services = Services(hash_key=KEY, sms=sms, onestop=onestop, lookups_per_hour=lookups_per_hour)
    return TestBot(Engine(store, lambda: knowledge, clock=clock, services=services), user_id=user_id)
