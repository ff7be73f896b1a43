"""The dossier registry: idempotent bulk upsert, lookup by code or phone hash, status history."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import DossierRow, DossierStatusHistoryRow

_FIELDS = ("procedure_id", "phone_e164", "phone_hash", "applicant_name", "status", "submitted_at", "updated_at")


def utc(value: dt.datetime) -> dt.datetime:
    """SQLite hands back naive datetimes; everything we store is UTC."""
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


@dataclass(frozen=True, slots=True)
class DossierRecord:
    """One dossier to store; the phone is in E.164 with its keyed hash beside it."""

    code: str
    procedure_id: str
    phone_e164: str
    phone_hash: str
    applicant_name: str
    status: str
    submitted_at: dt.datetime
    updated_at: dt.datetime


@dataclass(frozen=True, slots=True)
class Dossier:
    """A stored dossier, where it came from ("import" or "onestop") and when it was last synced."""

    record: DossierRecord
    source: str
    synced_at: dt.datetime


@dataclass(frozen=True, slots=True)
class UpsertCounts:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    outdated: int = 0


def _record(row: DossierRow) -> DossierRecord:
    return DossierRecord(
        code=row.code,
        procedure_id=row.procedure_id,
        phone_e164=row.phone_e164,
        phone_hash=row.phone_hash,
        applicant_name=row.applicant_name,
        status=row.status,
        submitted_at=utc(row.submitted_at),
        updated_at=utc(row.updated_at),
    )


def _plain(row: DossierRow) -> Dossier:
    return Dossier(_record(row), row.source, utc(row.synced_at))


def _values(record: DossierRecord) -> tuple[Any, ...]:
    return tuple(utc(v) if isinstance(v, dt.datetime) else v for v in (getattr(record, f) for f in _FIELDS))


class Dossiers:
    """Repository of dossiers."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, code: str) -> Dossier | None:
        row = await self.session.scalar(select(DossierRow).where(DossierRow.code == code))
        return _plain(row) if row else None

    async def by_phone_hash(self, phone_hash: str, limit: int = 50) -> list[Dossier]:
        """A phone's dossiers, newest first."""
        query = (
            select(DossierRow)
            .where(DossierRow.phone_hash == phone_hash)
            .order_by(DossierRow.submitted_at.desc(), DossierRow.code)
            .limit(limit)
        )
        return [_plain(row) for row in (await self.session.scalars(query)).all()]

    async def history(self, code: str) -> list[tuple[str, dt.datetime]]:
        query = (
            select(DossierStatusHistoryRow.status, DossierStatusHistoryRow.at)
            .where(DossierStatusHistoryRow.dossier_code == code)
            .order_by(DossierStatusHistoryRow.at, DossierStatusHistoryRow.id)
        )
        return [(status, utc(at)) for status, at in (await self.session.execute(query)).all()]

    async def upsert(self, records: Sequence[DossierRecord], source: str, now: dt.datetime) -> UpsertCounts:
        """Insert new dossiers, update changed ones; an older copy never overwrites a newer one.

        One `INSERT … ON CONFLICT (code) DO UPDATE` for the batch, so importing a file twice
        changes nothing and a status change adds one history row.
        """
        latest = {r.code: r for r in records}
        columns = [DossierRow.code, *(getattr(DossierRow, f) for f in _FIELDS)]
        found = await self.session.execute(select(*columns).where(DossierRow.code.in_(list(latest))))
        existing = {row[0]: tuple(utc(v) if isinstance(v, dt.datetime) else v for v in row[1:]) for row in found}
        rows: list[dict[str, Any]] = []
        history: list[dict[str, Any]] = []
        counts = {"inserted": 0, "updated": 0, "unchanged": 0, "outdated": 0}
        status_at, updated_at = _FIELDS.index("status"), _FIELDS.index("updated_at")
        for code, record in latest.items():
            values, old = _values(record), existing.get(code)
            if old is not None and values[updated_at] < old[updated_at]:
                counts["outdated"] += 1
                continue
            kind = "inserted" if old is None else "unchanged" if old == values else "updated"
            counts[kind] += 1
            if old is None or old[status_at] != values[status_at]:
                history.append({"dossier_code": code, "status": record.status, "at": values[updated_at]})
            if kind != "unchanged" or source != "import":
                rows.append(
                    {"code": code, **dict(zip(_FIELDS, values, strict=True)), "source": source, "synced_at": now}
                )
        if rows:
            await self.session.execute(self._upsert_statement(), rows)
        if history:
            await self.session.execute(_table(DossierStatusHistoryRow).insert(), history)
        return UpsertCounts(**counts)

    def _upsert_statement(self) -> Any:
        table = _table(DossierRow)
        dialect = self.session.get_bind().dialect.name
        insert = postgresql.insert(table) if dialect == "postgresql" else sqlite.insert(table)
        changed = {name: insert.excluded[name] for name in (*_FIELDS, "source", "synced_at")}
        return insert.on_conflict_do_update(index_elements=["code"], set_=changed)


def _table(model: type[Any]) -> Table:
    table: Table = model.__table__
    return table
