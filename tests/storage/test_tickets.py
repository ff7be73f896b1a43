"""Hand-off tickets on SQLite and PostgreSQL: open, find, append, close once, purge with their staff messages."""

from __future__ import annotations

import datetime as dt

from storage import Store
from storage.tickets import STAFF_OUTBOX_CHANNEL

T0 = dt.datetime(2026, 11, 24, 2, 0, tzinfo=dt.UTC)
DAY = dt.timedelta(days=1)
BIG_MESSAGE_ID = 2**40  # Telegram message ids can outgrow 32 bits


async def test_ticket_life_from_open_to_purge(store: Store) -> None:
    async with store.unit() as unit:
        ticket = await unit.tickets.open("zalo", "u1", "c1", "Câu hỏi " + "x" * 5000, {"procedure": "khai-sinh"}, T0)
        other = await unit.tickets.open("web", "u2", "u2", "Khác", {}, T0)
        await unit.outbox.enqueue(STAFF_OUTBOX_CHANNEL, str(ticket.id), "", [{"text": "🆘 Câu hỏi"}], T0)
        await unit.outbox.enqueue(STAFF_OUTBOX_CHANNEL, str(other.id), "", [{"text": "🆘 Khác"}], T0)
    assert len(ticket.question) == 4000 and ticket.context == {"procedure": "khai-sinh"} and ticket.open
    async with store.unit() as unit:
        assert (await unit.tickets.open_for("zalo", "u1")) == ticket
        assert await unit.tickets.open_for("zalo", "u2") is None
        assert await unit.tickets.set_staff_message(ticket.id, BIG_MESSAGE_ID)
        assert not await unit.tickets.set_staff_message(ticket.id, 1)
        await unit.tickets.append(other.id, "Thêm")
    async with store.unit() as unit:
        found = await unit.tickets.by_staff_message(BIG_MESSAGE_ID)
        assert found is not None and found.id == ticket.id
        assert (await unit.tickets.get(other.id)).question == "Khác\nThêm"  # type: ignore[union-attr]
        closed = await unit.tickets.close(ticket.id, T0 + DAY, "staff")
        assert closed is not None and closed.closed_at is not None and not closed.open
        assert await unit.tickets.close(ticket.id, T0 + 2 * DAY, "citizen") is None  # closed once
        assert await unit.tickets.open_for("zalo", "u1") is None
    async with store.unit() as unit:
        assert await unit.tickets.purge(closed_before=T0 + DAY) == 0
        assert await unit.tickets.purge(closed_before=T0 + 31 * DAY) == 1
        assert await unit.tickets.get(ticket.id) is None and await unit.tickets.get(other.id) is not None
        assert [item.user_id for item in await unit.outbox.pending(STAFF_OUTBOX_CHANNEL)] == [str(other.id)]
        assert await unit.reports.open_tickets() == 1
