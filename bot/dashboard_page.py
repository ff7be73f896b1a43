"""The staff dashboard as one HTML page: figures gathered from storage, charts drawn as inline SVG."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from bot import charts, figures
from knowledge.catalogue import Catalogue
from storage import Unit

PERIODS = (7, 30, 90)
CHANNEL_NAMES = {"web": "Web", "telegram": "Telegram", "zalo": "Zalo", "console": "Console", "sms": "SMS"}
DECISION_NAMES = {"match": "Trả lời được", "ambiguous": "Phải hỏi lại", "none": "Chưa hiểu"}
STYLE = """
body{font-family:system-ui,sans-serif;margin:0;background:#f4f6f8;color:#1a1a1a}
header{background:#0b4f8a;color:#fff;padding:16px 24px}header h1{margin:0;font-size:22px}
header nav a{color:#fff;margin-right:12px}main{padding:16px 24px;max-width:1100px}
.cards{display:flex;flex-wrap:wrap;gap:12px}.card{background:#fff;border-radius:8px;padding:12px 16px;min-width:160px}
.card b{display:block;font-size:28px}section{background:#fff;border-radius:8px;padding:12px 16px;margin:16px 0}
h2{font-size:17px;margin:4px 0 12px}table{border-collapse:collapse;margin-top:8px;font-size:13px}
td,th{border-bottom:1px solid #ddd;padding:3px 10px;text-align:left}.empty{color:#666}
"""


@dataclass(frozen=True, slots=True)
class Dashboard:
    """Everything the page shows for one period."""

    days: int
    since: dt.datetime
    usage: figures.Usage
    funnels: list[figures.Funnel]
    volunteers: list[figures.VolunteerFigures]
    recovered: int
    open_tickets: int | None


async def collect(unit: Unit, catalogue: Catalogue | None, now: dt.datetime, days: int) -> Dashboard:
    """Gather the figures of the last `days` days (Vietnamese calendar days)."""
    since = figures.since_local(now.astimezone(figures.VIETNAM).date() - dt.timedelta(days=days - 1))
    return Dashboard(
        days=days,
        since=since,
        usage=await figures.usage(unit, catalogue, since),
        funnels=await figures.funnels(unit, catalogue, since),
        volunteers=await figures.volunteers(unit, since),
        recovered=(await unit.reports.event_totals(("recovered",), since)).get("recovered", 0),
        open_tickets=await unit.reports.open_tickets(),
    )


def _table(header: tuple[str, ...], rows: Sequence[Sequence[object]]) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{escape(str(c))}</td>" for c in row) + "</tr>" for row in rows)
    return f"<details><summary>Xem bảng số liệu</summary><table><tr>{head}</tr>{body}</table></details>"


def _section(section_id: str, title: str, content: str) -> str:
    return f'<section id="{section_id}"><h2>{escape(title)}</h2>{content}</section>'


def _empty(text: str = "Chưa có dữ liệu trong khoảng thời gian này.") -> str:
    return f'<p class="empty">{escape(text)}</p>'


def _messages(board: Dashboard) -> str:
    first = board.since.astimezone(figures.VIETNAM).date()
    days = [first + dt.timedelta(days=i) for i in range(board.days)]
    channels = sorted({channel for _, channel, _ in board.usage.per_day})
    counts = {(day, channel): n for day, channel, n in board.usage.per_day}
    if not channels:
        return _empty()
    series = [(CHANNEL_NAMES.get(c, c), [float(counts.get((d, c), 0)) for d in days]) for c in channels]
    chart = charts.stacked_columns("Tin nhắn đến theo ngày và kênh", [d.strftime("%d/%m") for d in days], series)
    rows = [(d.strftime("%d/%m/%Y"), c, n) for d, c, n in board.usage.per_day]
    return chart + _table(("ngày", "kênh", "tin nhắn"), rows)


def _decisions(board: Dashboard) -> str:
    parts = [(DECISION_NAMES[d], float(board.usage.decisions.get(d, 0))) for d in figures.DECISIONS]
    if not any(v for _, v in parts):
        return _empty()
    return charts.share_bar("Tỷ lệ câu hỏi trả lời được", parts)


def _funnels(board: Dashboard) -> str:
    if not board.funnels:
        return _empty()
    rows = [(f.title, float(f.started), float(f.finished)) for f in board.funnels[:12]]
    chart = charts.paired_bars("Hướng dẫn từng bước: bắt đầu và hoàn thành", rows, ("Bắt đầu", "Hoàn thành"))
    table = [
        (f.title, f.started, f.finished, f"{f.finished / f.started:.0%}" if f.started else "—") for f in board.funnels
    ]
    return chart + _table(("thủ tục", "bắt đầu", "hoàn thành", "tỷ lệ"), table)


def _volunteers(board: Dashboard) -> str:
    if not board.volunteers:
        return _empty("Chưa có tình nguyện viên nào (python -m bot volunteers add).")
    rows = [(f"{v.name} ({v.code})", float(v.counts.get("referral", 0))) for v in board.volunteers[:15]]
    chart = charts.hbars("Lượt mở link giới thiệu theo tình nguyện viên", rows, charts.PALETTE[1])
    kinds = figures.REFERRAL_KINDS
    table = [(v.code, v.name, *(v.counts.get(k, 0) for k in kinds)) for v in board.volunteers]
    return chart + _table(("mã", "tên", "mở link", "bắt đầu", "hoàn thành", "lấy lại mã"), table)


def render(board: Dashboard) -> str:
    """The whole page."""
    usage = board.usage
    total = sum(n for _, _, n in usage.per_day)
    tickets = "chưa có" if board.open_tickets is None else str(board.open_tickets)
    cards = [
        ("Tin nhắn đến", f"{total}"),
        ("Trả lời được", f"{usage.share('match'):.0%}"),
        ("Lấy lại mã hồ sơ", f"{board.recovered}"),
        ("Yêu cầu gặp cán bộ đang mở", tickets),
    ]
    periods = " ".join(f'<a href="?days={d}">{d} ngày</a>' for d in PERIODS)
    top = [(name, float(n)) for _, name, n in usage.top]
    top_chart = charts.hbars("Thủ tục được hỏi nhiều nhất", top) if top else _empty()
    return "".join(
        [
            '<!doctype html><html lang="vi"><head><meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>Bảng theo dõi — Trợ lý Dịch vụ công</title><style>{STYLE}</style></head><body>",
            f"<header><h1>Bảng theo dõi cho cán bộ — {board.days} ngày qua</h1><nav>{periods}</nav></header><main>",
            '<div class="cards">',
            *(f'<div class="card" data-card="{escape(n)}">{escape(n)}<b>{escape(v)}</b></div>' for n, v in cards),
            "</div>",
            _section("messages", "Tin nhắn theo ngày và kênh", _messages(board)),
            _section("top", "Thủ tục được hỏi nhiều nhất", top_chart),
            _section("answered", "Câu hỏi trả lời được / phải hỏi lại / chưa hiểu", _decisions(board)),
            _section("funnel", "Hướng dẫn từng bước theo thủ tục", _funnels(board)),
            _section("volunteers", "Giới thiệu của tình nguyện viên", _volunteers(board)),
            "</main></body></html>",
        ]
    )
