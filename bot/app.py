"""Composition: the store, the knowledge holder and the engine, wired once."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

from bot.config import Settings
from bot.metrics import Metrics
from bot.services import Closer, build_services
from handlers.context import Services
from handlers.engine import Engine
from knowledge.library import KnowledgeHolder, load_knowledge
from storage import Store

log = logging.getLogger(__name__)


@dataclass(slots=True)
class App:
    """The composed bot. Channels add their web routes (Starlette `Route`s) to `web_routes`."""

    settings: Settings
    store: Store
    knowledge: KnowledgeHolder
    engine: Engine = field(init=False)
    web_routes: list[object] = field(default_factory=list)
    services: Services = field(default_factory=Services)
    closers: list[Closer] = field(default_factory=list)
    metrics: Metrics = field(default_factory=Metrics)

    def __post_init__(self) -> None:
        staff = frozenset(self.settings.staff())
        self.engine = Engine(
            self.store,
            self.knowledge,
            staff=staff,
            reload=self.knowledge.reload,
            services=self.services,
            observer=self.metrics.observe,
            reply_lease=dt.timedelta(seconds=self.settings.reply_lease_seconds),
        )

    async def close(self) -> None:
        for close in self.closers:
            await close()
        await self.store.close()


async def build_app(settings: Settings) -> App:
    """Load the catalogue, open and upgrade the database, and build the engine."""
    knowledge = KnowledgeHolder(load_knowledge(settings.catalogue_path), settings.catalogue_path)
    store = Store(settings.database_url)
    await store.upgrade()
    services, closers = build_services(settings)
    log.info("ready", extra={"procedures": len(knowledge.current.catalogue.procedures)})
    return App(settings=settings, store=store, knowledge=knowledge, services=services, closers=closers)
