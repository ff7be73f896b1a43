"""`python -m bot report unanswered|stuck|usage --since DATE --format csv|md`: staff reports on stdout."""

from __future__ import annotations

import argparse
import asyncio
import csv
import datetime as dt
import io
import sys
from collections.abc import Sequence

from bot import figures
from bot.config import Settings
from handlers.staff_reports import step_title
from knowledge.catalogue import Catalogue, CatalogueError, load_catalogue
from storage import Store, Unit

Row = Sequence[object]


def _md(title: str, header: Row, rows: list[Row]) -> str:
    def cell(value: object) -> str:
        return str(value).replace("|", "\\|").replace("\n", " ")

    lines = [f"## {title}", "", "| " + " | ".join(map(cell, header)) + " |", "|" + "---|" * len(header)]
    body = rows or [tuple("—" for _ in header)]
    lines += ["| " + " | ".join(map(cell, row)) + " |" for row in body]
    return "\n".join(lines) + "\n"


def _csv(header: Row, rows: list[Row]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


async def unanswered(unit: Unit, since: dt.datetime, limit: int, fmt: str) -> str:
    rows: list[Row] = [
        (text, count, (seen if seen.tzinfo else seen.replace(tzinfo=dt.UTC)).astimezone(figures.VIETNAM).date())
        for text, count, seen in await unit.unanswered.top(since=since, limit=limit)
    ]
    if fmt == "csv":
        return _csv(("text", "count", "last_seen"), rows)
    return _md("Câu hỏi chưa hiểu", ("câu hỏi", "số lần", "lần cuối"), rows)


async def stuck(unit: Unit, catalogue: Catalogue | None, since: dt.datetime, limit: int, fmt: str) -> str:
    rows: list[Row] = []
    for stop in await unit.reports.stops(since, limit=limit):
        names = step_title(catalogue, stop.procedure_id, stop.step) if catalogue else (stop.procedure_id, stop.step)
        rows.append((stop.procedure_id, names[0], stop.step, names[1], stop.stuck, stop.abandoned, stop.total))
    if fmt == "csv":
        return _csv(("procedure_id", "procedure", "step", "step_title", "stuck", "abandoned", "total"), rows)
    header = ("mã thủ tục", "thủ tục", "mã bước", "bước", "báo kẹt", "bỏ dở", "tổng")
    return _md("Bước người dân dừng lại nhiều nhất", header, rows)


async def usage(unit: Unit, catalogue: Catalogue | None, since: dt.datetime, limit: int, fmt: str) -> str:
    found = await figures.usage(unit, catalogue, since)
    days = [(day.isoformat(), channel, n) for day, channel, n in found.per_day][-limit:]
    shares = [(d, found.decisions[d], f"{found.share(d):.1%}") for d in figures.DECISIONS if d in found.decisions]
    if fmt == "csv":
        rows: list[Row] = [("messages", day, channel, "", "", n, "") for day, channel, n in days]
        rows += [("top_procedures", "", "", answer, name, n, "") for answer, name, n in found.top]
        rows += [("decisions", "", "", d, "", n, share) for d, n, share in shares]
        return _csv(("section", "day", "channel", "key", "title", "count", "share"), rows)
    return "\n".join(
        [
            _md("Tin nhắn theo ngày và kênh", ("ngày", "kênh", "tin nhắn đến"), list(days)),
            _md("Thủ tục được hỏi nhiều nhất", ("mã", "thủ tục", "số trả lời"), list(found.top)),
            _md("Cách bot trả lời câu hỏi", ("kết quả", "số câu", "tỷ lệ"), list(shares)),
        ]
    )


def _catalogue(settings: Settings, path: str | None) -> Catalogue | None:
    try:
        return load_catalogue(path or settings.catalogue_path)
    except (CatalogueError, FileNotFoundError):
        return None  # titles are a nicety: the report still shows ids


async def _main(args: argparse.Namespace, settings: Settings) -> int:
    since_day = args.since or (dt.datetime.now(figures.VIETNAM).date() - dt.timedelta(days=7))
    since = figures.since_local(since_day)
    store = Store(settings.database_url)
    try:
        await store.upgrade()
        async with store.unit() as unit:
            if args.kind == "unanswered":
                text = await unanswered(unit, since, args.limit, args.format)
            elif args.kind == "stuck":
                text = await stuck(unit, _catalogue(settings, args.catalogue), since, args.limit, args.format)
            else:
                text = await usage(unit, _catalogue(settings, args.catalogue), since, args.limit, args.format)
    finally:
        await store.close()
    sys.stdout.write(text)
    return 0


def cli(args: argparse.Namespace) -> int:
    """Print one report; exit 0."""
    return asyncio.run(_main(args, Settings()))
