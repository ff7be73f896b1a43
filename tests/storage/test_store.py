"""The store on a real SQLite file and a real PostgreSQL: migrations, state round trips, atomic units."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest

from storage import Store


async def test_upgrade_creates_the_tables_in_a_file(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "bot.db"
    store = Store(f"sqlite+aiosqlite:///{path}")
    await store.upgrade()
    await store.upgrade()  # idempotent
    await store.close()
    tables = {row[0] for row in sqlite3.connect(path).execute("select name from sqlite_master where type='table'")}
    assert {"conversation_state", "message_log", "alembic_version"} <= tables


async def test_state_survives_a_new_store_on_the_same_database(any_db_url: str) -> None:
    first = Store(any_db_url)
    await first.upgrade()
    async with first.unit() as unit:
        await unit.save_state("web", "u1", {"flow": "walk", "data": {"walk": {"i": 3}}})
    await first.close()

    second = Store(any_db_url)
    async with second.unit() as unit:
        assert await unit.load_state("web", "u1") == {"flow": "walk", "data": {"walk": {"i": 3}}}
        assert await unit.load_state("web", "someone-else") == {}
        assert await unit.load_state("telegram", "u1") == {}
    await second.close()


async def test_state_is_overwritten_not_duplicated(store: Store) -> None:
    for step in range(3):
        async with store.unit() as unit:
            await unit.save_state("web", "u1", {"step": step})
    async with store.unit() as unit:
        assert await unit.load_state("web", "u1") == {"step": 2}


async def test_a_failing_unit_leaves_nothing_behind(store: Store) -> None:
    with pytest.raises(RuntimeError):
        async with store.unit() as unit:
            await unit.save_state("web", "u1", {"step": 1})
            await unit.log_message("web", "in", "text")
            raise RuntimeError("boom")
    async with store.unit() as unit:
        assert await unit.load_state("web", "u1") == {}
        assert await unit.message_count() == 0


async def test_vietnamese_text_round_trips(store: Store) -> None:
    async with store.unit() as unit:
        await unit.save_state("web", "u1", {"q": "đăng ký khai sinh 😀"})
    async with store.unit() as unit:
        assert (await unit.load_state("web", "u1"))["q"] == "đăng ký khai sinh 😀"


async def test_replicas_starting_together_migrate_one_at_a_time(any_db_url: str) -> None:
    import asyncio

    stores = [Store(any_db_url) for _ in range(4)]
    try:
        await asyncio.gather(*(s.upgrade() for s in stores))
        async with stores[0].unit() as unit:
            await unit.save_state("web", "u1", {"ok": True})
    finally:
        for s in stores:
            await s.close()


async def test_sqlite_units_take_turns_and_one_inside_another_does_not_wait_for_itself(tmp_path: Path) -> None:
    store = Store(f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}")
    await store.upgrade()
    order: list[str] = []

    async def writer(name: str) -> None:
        async with store.unit() as unit:
            order.append(f"{name} in")
            await unit.save_state("web", name, {"n": name})
            await asyncio.sleep(0.01)  # a concurrent unit would slip in here without the turn
            order.append(f"{name} out")

    async def nested() -> None:
        async with store.unit() as outer:
            await outer.save_state("web", "outer", {"n": 1})
            async with store.unit() as inner:  # e.g. a helper that opens its own unit
                assert await inner.load_state("web", "a") in ({}, {"n": "a"})

    try:
        await asyncio.wait_for(asyncio.gather(writer("a"), writer("b"), nested(), writer("c")), timeout=10)
    finally:
        await store.close()
    assert order == ["a in", "a out", "b in", "b out", "c in", "c out"]
