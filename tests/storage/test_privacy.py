"""Erasure and retention of personal data, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import text

from storage import Store

NOW = dt.datetime(2026, 11, 22, 9, 0, tzinfo=dt.UTC)
MINUTES_5 = dt.timedelta(minutes=5)


async def count(store: Store, sql: str, **params: object) -> int:
    async with store.engine.connect() as connection:
        return int((await connection.execute(text(sql), params)).scalar_one())


async def issue(store: Store, chat: str, request_id: str, at: dt.datetime, phone_hash: str = "p-hash") -> None:
    async with store.unit() as unit:
        await unit.codes.issue(
            channel="web",
            chat_id=chat,
            user_id=chat,
            phone_hash=phone_hash,
            purpose="dossier-recovery",
            code_hash="c-hash-" + request_id,
            request_id=request_id,
            now=at,
            ttl=MINUTES_5,
        )


async def citizen(store: Store, who: str) -> None:
    """Everything a citizen can leave behind: state, a walkthrough, a reminder, consent, codes, audit rows."""
    async with store.unit() as unit:
        await unit.save_state("web", who, {"data": {"verified": {"phone_hash": "p-hash"}}})
        await unit.walks.start("web", who, who, "khai-sinh", NOW)
        await unit.outbox.enqueue("web", who, who, [{"text": "nhắc"}], NOW)
        await unit.consents.record("web", who, NOW, "recover-v1", "dossier-recovery")
        await unit.audit.record(NOW, "web", "verify", "ok", chat_id=who, phone_hash="p-hash")
        await unit.tickets.open("web", who, who, "câu hỏi của tôi", {}, NOW)
    await issue(store, who, f"{who}-old", NOW - dt.timedelta(days=2))
    await issue(store, who, f"{who}-new", NOW - dt.timedelta(minutes=1))


async def test_erase_deletes_one_citizen_and_keeps_only_anonymous_rows(store: Store) -> None:
    await citizen(store, "erased")
    await citizen(store, "other")
    async with store.unit() as unit:
        erased = await unit.erase_citizen("web", "erased", "erased", NOW)
        await unit.save_state("web", "erased", {"menu": ["a"]})  # the engine's closing save is ignored
    assert (erased.conversations, erased.walkthroughs, erased.consents) == (1, 1, 1)
    assert erased.audit_rows_without_phone == 1 and erased.other == 2

    for table in ("conversation_state", "walk_session", "outbox", "consent", "ticket"):
        assert await count(store, f"select count(*) from {table} where user_id = 'erased'") == 0, table
        assert await count(store, f"select count(*) from {table} where user_id = 'other'") == 1, table
    # The old code is gone; the recent one is an unbound send counter: no chat, no user, no code hash.
    assert await count(store, "select count(*) from one_time_code where chat_id = 'erased' or user_id = 'erased'") == 0
    assert await count(store, "select count(*) from one_time_code where chat_id = '' and code_hash = ''") == 1
    assert await count(store, "select count(*) from one_time_code where phone_hash = 'p-hash'") == 3
    assert await count(store, "select count(*) from audit where chat_id = 'erased' and phone_hash is null") == 1
    assert await count(store, "select count(*) from audit where chat_id = 'other' and phone_hash = 'p-hash'") == 1
    async with store.unit() as unit:
        assert await unit.load_state("web", "erased") == {}
        # the per-phone send limit still sees the recent code, so erasing does not reopen SMS flooding
        assert await unit.codes.sent_since(NOW - dt.timedelta(hours=1), phone_hash="p-hash") == 2
        assert await unit.codes.live("web", "erased", "erased", "dossier-recovery") is None


async def test_codes_are_purged_a_day_after_expiry_and_audit_rows_after_a_year(store: Store) -> None:
    await issue(store, "c1", "expired-long-ago", NOW - dt.timedelta(hours=25))
    await issue(store, "c1", "expired-recently", NOW - dt.timedelta(hours=23))
    async with store.unit() as unit:
        await unit.audit.record(NOW - dt.timedelta(days=366), "web", "send", "sent", chat_id="c1")
        await unit.audit.record(NOW - dt.timedelta(days=364), "web", "send", "sent", chat_id="c1")
    async with store.unit() as unit:
        assert await unit.codes.purge(expired_before=NOW - dt.timedelta(hours=24)) == 1
        assert await unit.audit.purge(before=NOW - dt.timedelta(days=365)) == 1
    assert await count(store, "select count(*) from one_time_code") == 1
    assert await count(store, "select count(*) from audit") == 1
