"""A database with a few days of made-up traffic, for the reports, the dashboard and its browser test."""

from __future__ import annotations

import asyncio
import datetime as dt
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from storage import Store

NOW = dt.datetime.now(dt.UTC).replace(microsecond=0)


async def seed(store: Store, now: dt.datetime = NOW) -> None:
    """Messages on three channels over five days, walkthroughs, stops, referrals and unanswered questions."""
    async with store.unit() as unit:
        await unit.volunteers.add("TN01", "Nguyễn Thị Hồng Nhung", "Đoàn phường Bến Nghé", now)
        await unit.volunteers.add("TN02", "Trần Văn Bình", "Đoàn xã An Phú", now)
        for day in range(5):
            at = now - dt.timedelta(days=day, hours=1)
            for channel, count in (("web", 6 + day), ("telegram", 3), ("zalo", 2 * day)):
                for _ in range(count):
                    await unit.log_message(channel, "in", "text", at=at)
            for answer, decision, count in (
                ("khai-sinh", "match", 5),
                ("can-cuoc", "match", 3),
                (None, "none", 2),
                (None, "ambiguous", 1),
            ):
                for _ in range(count):
                    await unit.log_message("web", "out", "reply", answer, decision, at)
        for kind, count in (("started", 6), ("finished", 4)):
            for _ in range(count):
                await unit.events.record("web", kind, now, "khai-sinh", ref="TN01" if kind == "started" else None)
        await unit.events.record("web", "started", now, "can-cuoc")
        for _ in range(3):
            await unit.events.record("web", "referral", now, "khai-sinh", ref="TN01")
        await unit.events.record("zalo", "referral", now, None, ref="TN02")
        await unit.events.record("web", "recovered", now, ref="TN01")
        await unit.events.record("web", "stuck", now, "khai-sinh", "dang-nhap")
        await unit.events.record("web", "abandoned", now, "khai-sinh", "dang-nhap")
        for text, count in (("giá vàng hôm nay", 4), ("xin visa đi mỹ", 2)):
            for _ in range(count):
                await unit.unanswered.record(text, now)


def seed_file(path: Path) -> str:
    """Create and seed an SQLite database at `path`; returns its URL."""
    url = f"sqlite+aiosqlite:///{path}"

    async def run() -> None:
        store = Store(url)
        try:
            await store.upgrade()
            await seed(store)
        finally:
            await store.close()

    # In a thread of its own: Playwright's sync API keeps an event loop running in this one.
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, run()).result()
    return url
