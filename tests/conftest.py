"""Shared fixtures: a real SQLite store per test and a collecting test bot with no transport."""

from __future__ import annotations

import datetime as dt
import itertools
import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from handlers.engine import Engine
from handlers.types import Incoming, Reply
from knowledge.library import Knowledge, load_knowledge
from storage import Store
from tests import postgres

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "procedures.yaml"


@pytest.fixture(scope="session")
def knowledge() -> Knowledge:
    return load_knowledge(CATALOGUE)


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[tuple[str, int]]:
    """One PostgreSQL server for the whole run (fails in CI when PostgreSQL is missing)."""
    if not postgres.available():
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL is missing: .ci/run installs it with apt-get install postgresql")
        pytest.skip("PostgreSQL is not installed (apt-get install postgresql)")
    with postgres.postgres_server() as server:
        yield server


_databases = itertools.count()


@pytest.fixture(params=["sqlite", "postgresql"])
def any_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The same test on a SQLite file and on a fresh PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"
    host, port = request.getfixturevalue("postgres_server")
    return postgres.create_database(host, port, f"test_{os.getpid()}_{next(_databases)}")


@pytest.fixture
async def store(db_url: str) -> AsyncIterator[Store]:
    store = Store(db_url)
    await store.upgrade()
    yield store
    await store.close()


class TestBot:
    """Talk to the engine as one citizen: `send` text, `press` buttons, read `last` replies."""

    __test__ = False

    def __init__(self, engine: Engine, channel: str = "test", user_id: str = "citizen-1") -> None:
        self.engine = engine
        self.channel = channel
        self.user_id = user_id
        self.last: list[Reply] = []

    async def send(self, text: str) -> list[Reply]:
        return await self._deliver(Incoming(self.channel, self.user_id, self.user_id, text=text))

    async def press(self, label_or_payload: str) -> list[Reply]:
        """Press a button of the last replies, found by its label (as a citizen would) or payload."""
        for button in self.buttons:
            if label_or_payload in (button.label, button.payload):
                return await self._deliver(Incoming(self.channel, self.user_id, self.user_id, payload=button.payload))
        raise AssertionError(f"no button {label_or_payload!r} in {[b.label for b in self.buttons]}")

    async def _deliver(self, incoming: Incoming) -> list[Reply]:
        self.last = await self.engine.handle(incoming)
        return self.last

    @property
    def text(self) -> str:
        return "\n".join(reply.text for reply in self.last)

    @property
    def buttons(self) -> list:  # type: ignore[type-arg]
        return [button for reply in self.last for button in reply.buttons]

    @property
    def labels(self) -> list[str]:
        return [button.label for button in self.buttons]


TODAY = dt.datetime(2026, 11, 22, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def engine(store: Store, knowledge: Knowledge) -> Engine:
    return Engine(store, lambda: knowledge, clock=lambda: TODAY)


@pytest.fixture
def bot(engine: Engine) -> TestBot:
    return TestBot(engine)
