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
        await unit.outbox.mark_sent(item.id)
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


async def test_outbox_lease_keeps_other_processes_off_a_row_until_it_runs_out(any_db_url: str) -> None:
    """Two stores on one database stand for two replicas taking from the same outbox."""
    first, second = Store(any_db_url), Store(any_db_url)
    await first.upgrade()
    lease = dt.timedelta(minutes=1)
    try:
        async with first.unit() as unit:
            stored = await unit.outbox.enqueue("telegram", "u1", "c1", [{"text": "Trả lời"}], T0, T0 + lease)
            await unit.outbox.enqueue("telegram", "u2", "c2", [{"text": "Nhắc bạn"}], T0)
        async with first.unit() as unit:
            [taken] = await unit.outbox.take("telegram", T0, lease)  # the stored reply is leased already
            assert taken.replies == [{"text": "Nhắc bạn"}]
        async with second.unit() as unit:
            assert await unit.outbox.take("telegram", T0 + lease / 2, lease) == []
        async with second.unit() as unit:  # the first process died: after its lease, both are free again
            assert [item.id for item in await unit.outbox.take("telegram", T0 + lease, lease)] == [stored, taken.id]
        async with first.unit() as unit:
            await unit.outbox.release(stored, [{"text": "phần còn lại"}])
            await unit.outbox.mark_failed(taken.id)
        async with first.unit() as unit:  # released rows are free at once, with what is left to send
            items = await unit.outbox.take("telegram", T0 + lease, lease)
            assert [item.replies for item in items] == [[{"text": "phần còn lại"}], [{"text": "Nhắc bạn"}]]
            await unit.outbox.mark_sent(stored)
            assert await unit.outbox.drop_chat("telegram", "c2") == 1
        async with first.unit() as unit:
            assert await unit.outbox.pending("telegram") == []
    finally:
        await first.close()
        await second.close()


async def test_inbox_forgets_old_update_ids(store: Store) -> None:
    async with store.unit() as unit:
        await unit.inbox.claim("telegram", "old", T0)
        await unit.inbox.claim("telegram", "new", T0 + 8 * 24 * HOUR)
    async with store.unit() as unit:
        assert await unit.inbox.purge(before=T0 + 7 * 24 * HOUR) == 1
    async with store.unit() as unit:
        assert await unit.inbox.claim("telegram", "new", T0) is False
        assert await unit.inbox.claim("telegram", "old", T0) is True
