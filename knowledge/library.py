"""A loaded catalogue with its match index, and a holder that swaps it atomically on reload."""

from __future__ import annotations

import asyncio
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path

from knowledge.catalogue import Catalogue, CatalogueError, load_catalogue
from knowledge.lexicon import DEFAULT_LEXICON, load_lexicon
from knowledge.matching import DEFAULT_THRESHOLDS, Index, Result, Thresholds, build_index, match, rank

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Knowledge:
    """Everything the bot knows, immutable: reload builds a new one and swaps the reference."""

    catalogue: Catalogue
    index: Index
    thresholds: Thresholds = DEFAULT_THRESHOLDS

    def match(self, query: str) -> Result:
        return match(self.index, query, self.thresholds)

    def only_thanks(self, text: str) -> bool:
        """The message only thanks or acknowledges ("cảm ơn ad nhiều", "ok"): nothing to look up."""
        return self.index.lexicon.only_thanks(text)

    def best_faq(self, text: str, minimum: float = 25.0) -> str | None:
        """The FAQ id that best fits `text` (e.g. a walkthrough step), if any fits well enough."""
        found = rank(self.index, text, limit=1, among=frozenset(self.catalogue.faqs))
        return found[0].id if found and found[0].score >= minimum else None


def load_knowledge(
    path: Path | str,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
    lexicon: Path = DEFAULT_LEXICON,
    previous: Knowledge | None = None,
) -> Knowledge:
    """Load and index a catalogue file; raises `CatalogueError` when it or the lexicon is invalid.

    `previous`, the knowledge a reload replaces, lends its index the phrases that did not change.
    """
    catalogue = load_catalogue(path)
    index = build_index(catalogue, load_lexicon(lexicon), previous.index if previous else None)
    return Knowledge(catalogue=catalogue, index=index, thresholds=thresholds)


@dataclass(frozen=True, slots=True)
class ReloadOutcome:
    """What a reload did: the new counts, or the problems that kept the old catalogue serving."""

    ok: bool
    procedures: int
    problems: tuple[str, ...] = ()


def _fingerprint(path: Path) -> tuple[int, int]:
    stat = os.stat(path)
    return stat.st_mtime_ns, stat.st_size


@dataclass(slots=True)
class KnowledgeHolder:
    """Holds the current knowledge; a reload swaps the reference in one assignment."""

    current: Knowledge
    path: Path
    thresholds: Thresholds = DEFAULT_THRESHOLDS
    seen: tuple[int, int] = field(default=(0, 0))
    last_problems: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        self.seen = _fingerprint(self.path)

    def __call__(self) -> Knowledge:
        return self.current

    async def reload(self) -> ReloadOutcome:
        """Load the file again off the event loop; on any problem keep serving the old catalogue."""
        self.seen = _fingerprint(self.path)
        try:
            fresh = await asyncio.to_thread(load_knowledge, self.path, self.thresholds, previous=self.current)
        except CatalogueError as exc:
            self.last_problems = tuple(str(p) for p in exc.problems)
            log.warning("catalogue reload refused", extra={"problems": list(self.last_problems)})
            return ReloadOutcome(False, len(self.current.catalogue.procedures), self.last_problems)
        except OSError as exc:
            self.last_problems = (f"{self.path}: {exc.strerror}",)
            log.warning("catalogue reload refused", extra={"problems": list(self.last_problems)})
            return ReloadOutcome(False, len(self.current.catalogue.procedures), self.last_problems)
        self.current, self.last_problems = fresh, ()
        log.info("catalogue reloaded", extra={"procedures": len(fresh.catalogue.procedures)})
        return ReloadOutcome(True, len(fresh.catalogue.procedures))

    async def reload_if_changed(self) -> ReloadOutcome | None:
        """Reload when the file's modification time or size changed since the last look."""
        try:
            changed = _fingerprint(self.path) != self.seen
        except OSError:
            return None
        return await self.reload() if changed else None

    async def watch(self, interval: float = 0.5) -> None:
        """Poll the file forever (cancel the task to stop); cheap: one stat() per interval."""
        while True:
            await asyncio.sleep(interval)
            await self.reload_if_changed()
