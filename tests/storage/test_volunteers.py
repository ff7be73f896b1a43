"""Volunteer registry and report queries: the same contract on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

from storage import Store

NOW = dt.datetime(2026, 11, 22, 9, 0, tzinfo=dt.UTC)
VIETNAM = dt.timezone(dt.timedelta(hours=7))


async def test_registry_add_disable_and_list(store: Store) -> None:
    async with store.unit() as unit:
        assert await unit.volunteers.add("TN02", "Trần Văn Bình", "Đoàn xã An Phú", NOW) is not None
        assert await unit.volunteers.add("TN01", "Nguyễn Thị Hồng Nhung", "Đoàn phường Bến Nghé", NOW) is not None
        assert await unit.volunteers.add("TN01", "Someone else", "x", NOW) is None
    async with store.unit() as unit:
        assert await unit.volunteers.set_active("TN02", False)
        assert not await unit.volunteers.set_active("NOPE", False)
    async with store.unit() as unit:
        found = [(v.code, v.active) for v in await unit.volunteers.all()]
        assert found == [("TN01", True), ("TN02", False)]


async def test_short_codes_are_stable_per_target_and_skip_taken_ones(store: Store) -> None:
    candidates = iter(["AAAA", "AAAA", "BBBB", "CCCC"])
    async with store.unit() as unit:
        await unit.volunteers.add("TN01", "A", "B", NOW)
        assert await unit.volunteers.short_code("TN01", "khai-sinh", NOW, lambda: next(candidates)) == "AAAA"
        assert await unit.volunteers.short_code("TN01", "khai-sinh", NOW, lambda: next(candidates)) == "AAAA"
        assert await unit.volunteers.short_code("TN01", "", NOW, lambda: next(candidates)) == "BBBB"
    async with store.unit() as unit:
        assert await unit.volunteers.resolve("AAAA") == ("TN01", "khai-sinh")
        assert await unit.volunteers.resolve("BBBB") == ("TN01", "")
        assert await unit.volunteers.resolve("ZZZZ") is None


async def test_link_tokens_work_once_and_expire(store: Store) -> None:
    async with store.unit() as unit:
        await unit.volunteers.add("TN01", "A", "B", NOW)
        await unit.volunteers.add_link_token("TN01", "a" * 64, NOW, NOW + dt.timedelta(days=7))
        await unit.volunteers.add_link_token("TN01", "b" * 64, NOW, NOW + dt.timedelta(days=7))
    async with store.unit() as unit:
        assert await unit.volunteers.use_link_token("a" * 64, NOW) == "TN01"
    async with store.unit() as unit:
        assert await unit.volunteers.use_link_token("a" * 64, NOW) is None
        assert await unit.volunteers.use_link_token("b" * 64, NOW + dt.timedelta(days=8)) is None
        assert await unit.volunteers.use_link_token("c" * 64, NOW) is None
        await unit.volunteers.link_account("telegram", "42", "TN01", NOW)
    async with store.unit() as unit:
        assert await unit.volunteers.account("telegram", "42") == "TN01"
        assert await unit.volunteers.account("telegram", "43") is None


async def test_report_queries(store: Store) -> None:
    async with store.unit() as unit:
        late = dt.datetime(2026, 11, 21, 18, 30, tzinfo=dt.UTC)  # already 22/11 in Vietnam
        for at, channel in ((late, "web"), (NOW, "web"), (NOW, "zalo"), (NOW - dt.timedelta(days=30), "web")):
            await unit.log_message(channel, "in", "text", at=at)
        await unit.log_message("web", "out", "reply", "khai-sinh", "match", NOW)
        await unit.log_message("web", "out", "reply", "khai-sinh", None, NOW)
        await unit.log_message("web", "out", "reply", None, "none", NOW)
        for kind, step in (("stuck", "b"), ("stuck", "b"), ("abandoned", "a"), ("abandoned", "b"), ("step", "a")):
            await unit.events.record("web", kind, NOW, "khai-sinh", step)
        await unit.events.record("web", "referral", NOW, "khai-sinh", ref="TN01")
        await unit.events.record("web", "started", NOW, "khai-sinh", ref="TN01")
        await unit.events.record("web", "started", NOW - dt.timedelta(days=10), "khai-sinh", ref="TN01")
    since = NOW - dt.timedelta(days=7)
    async with store.unit() as unit:
        per_day = await unit.reports.messages_per_day(since, VIETNAM)
        assert per_day == [(dt.date(2026, 11, 22), "web", 2), (dt.date(2026, 11, 22), "zalo", 1)]
        assert await unit.reports.top_answers(since) == [("khai-sinh", 2)]
        assert await unit.reports.decisions(since) == {"match": 1, "none": 1}
        stops = [(s.step, s.stuck, s.abandoned) for s in await unit.reports.stops(since)]
        assert stops == [("b", 2, 1), ("a", 0, 1)]
        assert await unit.reports.ref_counts("TN01", since) == {"referral": 1, "started": 1}
        assert await unit.reports.by_ref(NOW - dt.timedelta(days=30)) == [
            ("TN01", "referral", 1),
            ("TN01", "started", 2),
        ]
        assert await unit.reports.open_tickets() == 0  # the ticket table exists, nothing is open
