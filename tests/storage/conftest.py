"""Storage tests are a contract: every test here runs on SQLite and on PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from storage import Store


@pytest.fixture
async def store(any_db_url: str) -> AsyncIterator[Store]:
    store = Store(any_db_url)
    await store.upgrade()
    yield store
    await store.close()
