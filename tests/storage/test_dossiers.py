"""Dossier registry and verification records on a real SQLite file."""

from __future__ import annotations

import asyncio
import datetime as dt
from dataclasses import replace

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, inspect

from storage import Store
from storage.db import MIGRATIONS
from tests.handlers.dossier_helpers import CODE_A, CODE_B, T0, record

MINUTE = dt.timedelta(minutes=1)


async def test_upsert_is_idempotent_and_keeps_status_history(store: Store) -> None:
    first = [record(CODE_A, "received"), record(CODE_B, "processing")]
    async with store.unit() as unit:
        counts = await unit.dossiers.upsert(first, "import", T0)
    assert (counts.inserted, counts.updated, counts.unchanged) == (2, 0, 0)
    async with store.unit() as unit:
        counts = await unit.dossiers.upsert(first, "import", T0 + MINUTE)
    assert (counts.inserted, counts.updated, counts.unchanged) == (0, 0, 2)
    later = replace(first[0], status="needs_more_papers", updated_at=first[0].updated_at + dt.timedelta(days=2))
    async with store.unit() as unit:
        counts = await unit.dossiers.upsert([later], "import", T0 + 2 * MINUTE)
        assert (counts.updated, counts.unchanged) == (1, 0)
        stored = await unit.dossiers.get(CODE_A)
        assert stored is not None and stored.record == later
        assert [status for status, _ in await unit.dossiers.history(CODE_A)] == ["received", "needs_more_papers"]
        assert [d.record.code for d in await unit.dossiers.by_phone_hash(later.phone_hash)] == [CODE_A, CODE_B]


async def test_an_older_copy_never_overwrites_a_newer_one(store: Store) -> None:
    newer = record(CODE_A, "result_ready")
    older = replace(newer, status="processing", updated_at=newer.updated_at - dt.timedelta(days=1))
    async with store.unit() as unit:
        await unit.dossiers.upsert([newer], "onestop", T0)
        counts = await unit.dossiers.upsert([older], "import", T0)
        assert counts.outdated == 1
        stored = await unit.dossiers.get(CODE_A)
    assert stored is not None and stored.record.status == "result_ready" and stored.source == "onestop"


async def issue(store: Store, chat: str, request_id: str, now: dt.datetime = T0) -> None:
    async with store.unit() as unit:
        await unit.codes.issue(
            channel="web",
            chat_id=chat,
            user_id=chat,
            phone_hash="p" * 64,
            purpose="dossier-recovery",
            code_hash="c" * 64,
            request_id=request_id,
            now=now,
            ttl=5 * MINUTE,
        )


async def test_consuming_a_code_succeeds_exactly_once_under_a_race(store: Store) -> None:
    await issue(store, "chat-1", "r1")
    async with store.unit() as unit:
        live = await unit.codes.live("web", "chat-1", "chat-1", "dossier-recovery")
    assert live is not None

    async def consume() -> bool:
        async with store.unit() as unit:
            return await unit.codes.consume(live.id, T0 + MINUTE, max_attempts=5)

    results = await asyncio.gather(*(consume() for _ in range(8)))
    assert sorted(results) == [False] * 7 + [True]


async def test_a_new_code_kills_the_old_one_and_sends_are_counted(store: Store) -> None:
    await issue(store, "chat-1", "r1")
    await issue(store, "chat-1", "r2", T0 + 2 * MINUTE)
    await issue(store, "chat-2", "r3", T0 + 3 * MINUTE)
    async with store.unit() as unit:
        live = await unit.codes.live("web", "chat-1", "chat-1", "dossier-recovery")
        assert live is not None and live.request_id == "r2"
        assert await unit.codes.sent_since(T0, phone_hash="p" * 64) == 3
        assert await unit.codes.sent_since(T0 + MINUTE, channel="web", chat_id="chat-1") == 1
        assert await unit.codes.fail(live.id) == 1
        assert await unit.codes.consume(live.id, T0 + 8 * MINUTE, 5) is False  # expired
        assert await unit.codes.consume(live.id, T0 + 3 * MINUTE, 1) is False  # out of tries


async def test_migration_0003_downgrades_and_upgrades(store: Store) -> None:
    def run(connection: Connection, target: str, up: bool) -> list[str]:
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        config.attributes["connection"] = connection
        (command.upgrade if up else command.downgrade)(config, target)
        return sorted(inspect(connection).get_table_names())

    async with store.engine.begin() as connection:
        tables = await connection.run_sync(run, "0002", False)
        assert "dossier" not in tables and "audit" not in tables
        tables = await connection.run_sync(run, "head", True)
        assert {"dossier", "dossier_status_history", "one_time_code", "consent", "audit"} <= set(tables)
