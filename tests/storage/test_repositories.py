"""Repositories on a real SQLite file: walkthrough sessions, events, outbox and inbox."""

from __future__ import annotations

import datetime as dt

from storage import Store

T0 = dt.datetime(2026, 11, 1, 8, 0, tzinfo=dt.UTC)
HOUR = dt.timedelta(hours=1)


async def test_reminder_is_due_once_after_24_idle_hours_and_only_if_opted_in(store: Store) -> None:
    async with store.unit() as unit:
        opted = await unit.walks.start("web", "u1", "u1", "khai-sinh", T0)
        await unit.walks.touch(opted, 2, T0, remind=True)
        silent = await unit.walks.start("web", "u2", "u2", "ket-hon", T0)
        await unit.walks.touch(silent, 1, T0)
    async with store.unit() as unit:
        assert await unit.walks.due_reminders(idle_since=T0 - HOUR) == []
        [due] = await unit.walks.due_reminders(idle_since=T0 + 25 * HOUR - 24 * HOUR + HOUR)
        assert (due.user_id, due.procedure_id, due.step) == ("u1", "khai-sinh", 2)
        assert await unit.walks.mark_reminded(due.id, T0 + 25 * HOUR) is True
        assert await unit.walks.mark_reminded(due.id, T0 + 26 * HOUR) is False
    async with store.unit() as unit:
        assert await unit.walks.due_reminders(idle_since=T0 + 48 * HOUR) == []


async def test_starting_a_new_walkthrough_closes_the_old_one(store: Store) -> None:
    async with store.unit() as unit:
        first = await unit.walks.start("web", "u1", "u1", "khai-sinh", T0)
        await unit.walks.touch(first, 0, T0, remind=True)
        await unit.walks.start("web", "u1", "u1", "ket-hon", T0 + HOUR)
    async with store.unit() as unit:
        idle = await unit.walks.abandon_idle(idle_since=T0 + 10 * HOUR, now=T0 + 10 * HOUR)
        assert [s.procedure_id for s in idle] == ["ket-hon"]


async def test_finished_walkthroughs_are_never_abandoned(store: Store) -> None:
    async with store.unit() as unit:
        session = await unit.walks.start("web", "u1", "u1", "khai-sinh", T0)
        await unit.walks.finish(session, T0 + HOUR)
    async with store.unit() as unit:
        assert await unit.walks.abandon_idle(idle_since=T0 + 200 * HOUR, now=T0 + 200 * HOUR) == []


async def test_events_are_counted_per_procedure_and_step(store: Store) -> None:
    async with store.unit() as unit:
        for step in ["dinh-kem", "dinh-kem", "dang-nhap"]:
            await unit.events.record("web", "stuck", T0, "khai-sinh", step)
        await unit.events.record("web", "stuck", T0 - 48 * HOUR, "khai-sinh", "dang-nhap")
    async with store.unit() as unit:
        assert await unit.events.counts("stuck", since=T0 - HOUR) == [
            ("khai-sinh", "dinh-kem", 2),
            ("khai-sinh", "dang-nhap", 1),
        ]


async def test_outbox_round_trip(store: Store) -> None:
    async with store.unit() as unit:
        await unit.outbox.enqueue("web", "u1", "u1", [{"text": "Nhắc bạn 🙂", "buttons": []}], T0)
        await unit.outbox.enqueue("web", "u2", "u2", [{"text": "Khác", "buttons": []}], T0)
    async with store.unit() as unit:
        [item] = await unit.outbox.pending("web", "u1")
        assert item.replies == [{"text": "Nhắc bạn 🙂", "buttons": []}]
        await unit.outbox.mark_sent(item.id, T0)
    async with store.unit() as unit:
        assert await unit.outbox.pending("web", "u1") == []
        assert len(await unit.outbox.pending("web")) == 1


async def test_inbox_accepts_an_update_once(store: Store) -> None:
    async with store.unit() as unit:
        assert await unit.inbox.claim("telegram", "1001", T0) is True
        assert await unit.inbox.claim("telegram", "1001", T0) is False
        assert await unit.inbox.claim("zalo", "1001", T0) is True
    async with store.unit() as unit:
        assert await unit.inbox.claim("telegram", "1001", T0) is False
