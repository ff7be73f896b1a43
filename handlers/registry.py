"""Where dossiers come from: the local registry first, then the one-stop connector, cached locally."""

from __future__ import annotations

import datetime as dt
import logging

from handlers.context import Deps
from handlers.identifiers import normalise_phone, phone_hash
from handlers.ports import OneStopError, RemoteDossier
from handlers.texts_dossier import STATUSES
from knowledge.catalogue import Catalogue, Procedure
from storage import DossierRecord

log = logging.getLogger(__name__)
# A local copy younger than this is shown without asking the one-stop system again.
CACHE_TTL = dt.timedelta(minutes=15)
SOURCE = "onestop"
VIETNAM = dt.timezone(dt.timedelta(hours=7), "ICT")


def local_date(value: dt.datetime) -> str:
    """dd/mm/yyyy in Vietnam's time zone (no daylight saving, so a fixed offset is exact)."""
    return value.astimezone(VIETNAM).strftime("%d/%m/%Y")


def to_record(remote: RemoteDossier, key: bytes) -> DossierRecord | None:
    """A connector result as a registry record; None when its status is outside our vocabulary."""
    if remote.status not in STATUSES:
        return None
    phone = normalise_phone(remote.phone) or ""
    return DossierRecord(
        code=remote.code,
        procedure_id=remote.procedure_id,
        phone_e164=phone,
        # No phone, no hash: such a dossier is found by its code only.
        phone_hash=phone_hash(key, phone) if phone else "",
        applicant_name=remote.applicant_name,
        status=remote.status,
        submitted_at=remote.submitted_at,
        updated_at=remote.updated_at,
    )


async def find(code: str, deps: Deps) -> DossierRecord | None:
    """A dossier by code: a fresh local copy, else the connector (cached), else any local copy."""
    local = await deps.unit.dossiers.get(code)
    onestop = deps.services.onestop
    if onestop is None or (local is not None and deps.now - local.synced_at < CACHE_TTL):
        return local.record if local else None
    try:
        remote = await onestop.dossier(code)
    except OneStopError as exc:
        log.warning("one-stop lookup failed", extra={"error": type(exc).__name__})
        return local.record if local else None
    record = to_record(remote, deps.services.hash_key) if remote else None
    if record is None:
        return local.record if local else None
    await deps.unit.dossiers.upsert([record], SOURCE, deps.now)
    return record


async def sync_phone(e164: str, deps: Deps) -> None:
    """Copy a phone's dossiers from the connector into the registry (same work whatever it finds)."""
    onestop = deps.services.onestop
    if onestop is None:
        return
    try:
        remote = await onestop.dossiers_by_phone(e164)
    except OneStopError as exc:
        log.warning("one-stop phone sync failed", extra={"error": type(exc).__name__})
        return
    records = [r for r in (to_record(item, deps.services.hash_key) for item in remote) if r is not None]
    if records:
        await deps.unit.dossiers.upsert(records, SOURCE, deps.now)


def procedure(catalogue: Catalogue, procedure_id: str) -> Procedure | None:
    """The catalogue procedure by id or national code (a province suffix like .H36 is ignored)."""
    if procedure_id in catalogue.procedures:
        return catalogue.procedures[procedure_id]
    for proc in catalogue.procedures.values():
        if proc.code and (procedure_id == proc.code or procedure_id.startswith(proc.code + ".")):
            return proc
    return None
