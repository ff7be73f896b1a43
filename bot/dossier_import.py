"""`python -m bot dossiers import FILE.csv`: check each row, upsert in batches, report rejected rows."""

from __future__ import annotations

import argparse
import asyncio
import csv
import datetime as dt
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from tqdm import tqdm

from bot.config import Settings
from bot.keys import load_hash_key
from handlers.identifiers import clean, is_dossier_code, normalise_phone, phone_hash
from handlers.registry import VIETNAM
from handlers.texts_dossier import STATUSES
from storage import DossierRecord, Store

COLUMNS = ("code", "procedure_id", "phone", "applicant_name", "status", "submitted_at", "updated_at")
SOURCE = "import"
BATCH = 5000
SHOWN_REJECTS = 50
_DAY_FIRST = ("%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%Y")


class ImportFileError(Exception):
    """The file as a whole cannot be imported (missing columns, not a CSV)."""


@dataclass(frozen=True, slots=True)
class Rejected:
    row: int
    reason: str


@dataclass(slots=True)
class ImportReport:
    rows: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    outdated: int = 0
    rejected: list[Rejected] = field(default_factory=list)


def parse_time(text: str) -> dt.datetime | None:
    """ISO 8601 or dd/mm/yyyy [HH:MM[:SS]]; without an offset the time is Vietnam's."""
    value = text.strip()
    parsed: dt.datetime | None = None
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        for pattern in _DAY_FIRST:
            try:
                parsed = dt.datetime.strptime(value, pattern)
                break
            except ValueError:
                continue
    if parsed is None:
        return None
    return (parsed.replace(tzinfo=VIETNAM) if parsed.tzinfo is None else parsed).astimezone(dt.UTC)


class RowChecker:
    """Turns CSV rows into records, or says why not; phones repeat, so their parse is cached."""

    def __init__(self, key: bytes) -> None:
        self.key = key
        self.seen: dict[str, int] = {}
        self._phones: dict[str, tuple[str, str] | None] = {}

    def _phone(self, raw: str) -> tuple[str, str] | None:
        if raw not in self._phones:
            e164 = normalise_phone(raw)
            self._phones[raw] = (e164, phone_hash(self.key, e164)) if e164 else None
        return self._phones[raw]

    def check(self, number: int, row: dict[str | None, object]) -> DossierRecord | Rejected:
        if None in row or any(row.get(c) is None for c in COLUMNS):
            return Rejected(number, "số cột không đúng (wrong number of columns)")
        values = {c: str(row[c]).strip() for c in COLUMNS}
        code = clean(values["code"]).upper()
        if not code:
            return Rejected(number, "thiếu mã hồ sơ (missing code)")
        if not is_dossier_code(code):
            return Rejected(number, f"mã hồ sơ sai dạng: {code[:40]} (bad code format)")
        if code in self.seen:
            return Rejected(number, f"mã hồ sơ trùng với dòng {self.seen[code]} (duplicate code)")
        procedure_id, status = values["procedure_id"], values["status"].lower()
        if not procedure_id or len(procedure_id) > 64:
            return Rejected(number, "thiếu hoặc sai mã thủ tục (missing or bad procedure_id)")
        if status not in STATUSES:
            allowed = ", ".join(sorted(STATUSES))
            return Rejected(number, f"trạng thái không hợp lệ: {status[:30]} (status must be one of {allowed})")
        phone = self._phone(values["phone"])
        if phone is None:
            return Rejected(number, "số điện thoại không hợp lệ (invalid phone)")
        submitted, updated = parse_time(values["submitted_at"]), parse_time(values["updated_at"])
        if submitted is None or updated is None:
            return Rejected(number, "ngày giờ không hợp lệ (bad submitted_at or updated_at)")
        if updated < submitted:
            return Rejected(number, "updated_at trước submitted_at (updated before submitted)")
        if len(values["applicant_name"]) > 200:
            return Rejected(number, "tên người nộp quá 200 ký tự (applicant_name too long)")
        self.seen[code] = number
        return DossierRecord(code, procedure_id, *phone, values["applicant_name"], status, submitted, updated)


def _rows(file: TextIO) -> Iterator[tuple[int, dict[str | None, object]]]:
    reader = csv.DictReader(file)
    header = [(name or "").strip().lower() for name in reader.fieldnames or []]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise ImportFileError(f"thiếu cột (missing columns): {', '.join(missing)}")
    reader.fieldnames = header
    for row in reader:
        yield reader.line_num, dict(row)


async def import_csv(path: Path, store: Store, key: bytes, *, progress: bool | None = None) -> ImportReport:
    """Upsert every valid row of `path` (idempotent); `progress=None` shows the bar on a terminal."""
    report, checker = ImportReport(), RowChecker(key)
    batch: list[DossierRecord] = []
    with path.open("rb") as raw:
        total = max(sum(chunk.count(b"\n") for chunk in iter(lambda: raw.read(1 << 20), b"")) - 1, 0)

    async def flush() -> None:
        async with store.unit() as unit:
            counts = await unit.dossiers.upsert(batch, SOURCE, dt.datetime.now(dt.UTC))
        report.inserted += counts.inserted
        report.updated += counts.updated
        report.unchanged += counts.unchanged
        report.outdated += counts.outdated
        batch.clear()

    with (
        path.open(encoding="utf-8-sig", newline="") as file,
        tqdm(total=total, unit=" dòng", disable=None if progress is None else not progress) as bar,
    ):
        for number, row in _rows(file):
            report.rows += 1
            bar.update()
            checked = checker.check(number, row)
            if isinstance(checked, Rejected):
                report.rejected.append(checked)
                continue
            batch.append(checked)
            if len(batch) >= BATCH:
                await flush()
        if batch:
            await flush()
    return report


def write_report(report: ImportReport, path: Path, out: TextIO, rejects: Path | None = None) -> None:
    """A summary, the first rejected rows, and optionally every rejected row as CSV."""
    out.write(
        f"{path}: {report.rows} dòng (rows) — {report.inserted} mới (new), {report.updated} cập nhật (updated), "
        f"{report.unchanged} không đổi (unchanged), {report.outdated} cũ hơn bản đã có (older than stored), "
        f"{len(report.rejected)} bị loại (rejected)\n"
    )
    for item in report.rejected[:SHOWN_REJECTS]:
        out.write(f"{path}:{item.row}: {item.reason}\n")
    if len(report.rejected) > SHOWN_REJECTS:
        out.write(f"… và {len(report.rejected) - SHOWN_REJECTS} dòng khác (more rejected rows)\n")
    if rejects is not None:
        with rejects.open("w", encoding="utf-8", newline="") as file:
            writer = csv.writer(file)
            writer.writerow(["row", "reason"])
            writer.writerows((item.row, item.reason) for item in report.rejected)


async def _main(args: argparse.Namespace, settings: Settings) -> int:
    path = Path(args.path)
    store = Store(settings.database_url)
    try:
        await store.upgrade()
        report = await import_csv(path, store, load_hash_key(settings))
    except (ImportFileError, UnicodeDecodeError, csv.Error) as exc:
        sys.stderr.write(f"{path}: {exc}\n")
        return 2
    finally:
        await store.close()
    write_report(report, path, sys.stdout, Path(args.rejects) if args.rejects else None)
    return 1 if report.rejected else 0


def cli(args: argparse.Namespace) -> int:
    """Exit 0 when every row was imported, 1 when some were rejected, 2 when the file was unusable."""
    if not Path(args.path).is_file():
        sys.stderr.write(f"{args.path}: không tìm thấy tệp (file not found)\n")
        return 2
    return asyncio.run(_main(args, Settings()))
