"""Small server-side SVG charts (no scripts, no network): bars people can read at a glance."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

PALETTE = ("#0b4f8a", "#e07b00", "#2e8b57", "#b03060", "#6a5acd", "#8b6d31")
LABEL_WIDTH = 230
BAR_HEIGHT = 22
GAP = 10
FONT = 'font-family="system-ui, sans-serif" font-size="13"'


def _number(value: float) -> str:
    return f"{value:,.0f}".replace(",", ".") if value == int(value) else f"{value:.1f}"


def _svg(width: int, height: int, label: str, body: list[str]) -> str:
    return (
        f'<svg class="chart" role="img" aria-label="{escape(label)}" viewBox="0 0 {width} {height}" '
        f'width="100%" preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{escape(label)}</title>{''.join(body)}</svg>"
    )


def _bar(x: float, y: float, width: float, height: float, color: str, tip: str, value: float) -> str:
    return (
        f'<rect class="bar" x="{x:.1f}" y="{y:.1f}" width="{width:.1f}" height="{height:.1f}" fill="{color}" '
        f'data-value="{value:g}"><title>{escape(tip)}</title></rect>'
    )


def _short(text: str, limit: int = 34) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def hbars(label: str, rows: Sequence[tuple[str, float]], color: str = PALETTE[0], width: int = 640) -> str:
    """Horizontal bars, one per (name, value), longest first as given."""
    top = max((v for _, v in rows), default=0) or 1
    span = width - LABEL_WIDTH - 60
    body: list[str] = []
    for i, (name, value) in enumerate(rows):
        y = i * (BAR_HEIGHT + GAP)
        body.append(f'<text x="{LABEL_WIDTH - 8}" y="{y + 16}" text-anchor="end" {FONT}>{escape(_short(name))}</text>')
        if value > 0:
            body.append(_bar(LABEL_WIDTH, y, value / top * span, BAR_HEIGHT, color, f"{name}: {value:g}", value))
        x = LABEL_WIDTH + value / top * span + 6
        body.append(f'<text x="{x:.1f}" y="{y + 16}" {FONT}>{_number(value)}</text>')
    return _svg(width, max(len(rows), 1) * (BAR_HEIGHT + GAP), label, body)


def paired_bars(label: str, rows: Sequence[tuple[str, float, float]], names: tuple[str, str], width: int = 640) -> str:
    """Two bars per row on one scale (e.g. started and finished), with a legend."""
    top = max((max(a, b) for _, a, b in rows), default=0) or 1
    span = width - LABEL_WIDTH - 60
    colors = (PALETTE[0], PALETTE[2])
    body = _legend(names, colors, width)
    row_height = 2 * BAR_HEIGHT + GAP + 4
    for i, (name, first, second) in enumerate(rows):
        y = 30 + i * row_height
        body.append(f'<text x="{LABEL_WIDTH - 8}" y="{y + 26}" text-anchor="end" {FONT}>{escape(_short(name))}</text>')
        for j, value in enumerate((first, second)):
            top_y = y + j * (BAR_HEIGHT + 2)
            tip = f"{name} — {names[j]}: {value:g}"
            if value > 0:
                body.append(_bar(LABEL_WIDTH, top_y, value / top * span, BAR_HEIGHT, colors[j], tip, value))
            x = LABEL_WIDTH + value / top * span + 6
            body.append(f'<text x="{x:.1f}" y="{top_y + 16}" {FONT}>{_number(value)}</text>')
    return _svg(width, 30 + max(len(rows), 1) * row_height, label, body)


def _legend(names: Sequence[str], colors: Sequence[str], width: int) -> list[str]:
    body: list[str] = []
    x = 0.0
    for name, color in zip(names, colors, strict=False):
        body.append(f'<rect x="{x:.1f}" y="4" width="14" height="14" fill="{color}"/>')
        body.append(f'<text x="{x + 20:.1f}" y="16" {FONT}>{escape(name)}</text>')
        x += 34 + 8 * len(name)
        if x > width:
            break
    return body


def stacked_columns(
    label: str, categories: Sequence[str], series: Sequence[tuple[str, Sequence[float]]], width: int = 640
) -> str:
    """One column per category (a day), stacked by series (a channel), with a legend."""
    height, top_pad, bottom = 220, 30, 40
    totals = [sum(values[i] for _, values in series) for i in range(len(categories))]
    top = max(totals, default=0) or 1
    slot = (width - 40) / max(len(categories), 1)
    body = _legend([name for name, _ in series], PALETTE, width)
    body.append(f'<text x="0" y="{top_pad + 12}" {FONT}>{_number(top)}</text>')
    base = top_pad + height
    body.append(f'<line x1="36" y1="{base}" x2="{width}" y2="{base}" stroke="#999"/>')
    step = max(1, len(categories) // 8)
    for i, category in enumerate(categories):
        x = 40 + i * slot
        y = float(base)
        for k, (name, values) in enumerate(series):
            value = values[i]
            if value <= 0:
                continue
            bar = value / top * height
            y -= bar
            tip = f"{category} — {name}: {value:g}"
            body.append(_bar(x + 1, y, max(slot - 2, 1), bar, PALETTE[k % len(PALETTE)], tip, value))
        if i % step == 0:
            body.append(f'<text x="{x:.1f}" y="{base + 18}" {FONT}>{escape(category)}</text>')
    return _svg(width, top_pad + height + bottom, label, body)


def share_bar(label: str, parts: Sequence[tuple[str, float]], width: int = 640) -> str:
    """A single 100 % bar split into parts (e.g. answered, ambiguous, not understood), with percentages."""
    total = sum(v for _, v in parts) or 1
    colors = (PALETTE[2], PALETTE[1], PALETTE[3])
    body = _legend([f"{name} {v / total:.0%}" for name, v in parts], colors, width)
    x = 0.0
    for i, (name, value) in enumerate(parts):
        if value <= 0:
            continue
        span = value / total * width
        body.append(_bar(x, 30, span, 36, colors[i % len(colors)], f"{name}: {value:g} ({value / total:.0%})", value))
        x += span
    return _svg(width, 76, label, body)
