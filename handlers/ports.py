"""Interfaces to outside services the flows use; `bot/` provides the implementations."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Protocol


class SmsError(Exception):
    """The gateway did not accept the message (after its own retries)."""


class OneStopError(Exception):
    """The one-stop system could not be asked (down, timeout, unexpected answer)."""


class SmsSender(Protocol):
    """Sends a one-time code by SMS; `request_id` is the idempotency key, so a retry never sends twice."""

    async def send(self, to: str, code: str, request_id: str) -> None: ...


@dataclass(frozen=True, slots=True)
class RemoteDossier:
    """A dossier as the one-stop system reports it; the phone is as it is stored there."""

    code: str
    procedure_id: str
    phone: str
    applicant_name: str
    status: str
    submitted_at: dt.datetime
    updated_at: dt.datetime


class OneStop(Protocol):
    """A provincial one-stop system's API: one dossier by code, or every dossier of a phone."""

    async def dossier(self, code: str) -> RemoteDossier | None: ...

    async def dossiers_by_phone(self, phone_e164: str) -> list[RemoteDossier]: ...
