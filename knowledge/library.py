"""A loaded catalogue together with its match index, swapped as one value on reload."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from knowledge.catalogue import Catalogue, load_catalogue
from knowledge.matching import DEFAULT_THRESHOLDS, Index, Result, Thresholds, build_index, match


@dataclass(frozen=True, slots=True)
class Knowledge:
    """Everything the bot knows, immutable: reload builds a new one and swaps the reference."""

    catalogue: Catalogue
    index: Index
    thresholds: Thresholds = DEFAULT_THRESHOLDS

    def match(self, query: str) -> Result:
        return match(self.index, query, self.thresholds)


def load_knowledge(path: Path | str, thresholds: Thresholds = DEFAULT_THRESHOLDS) -> Knowledge:
    """Load and index a catalogue file; raises `CatalogueError` when it is invalid."""
    catalogue = load_catalogue(path)
    return Knowledge(catalogue=catalogue, index=build_index(catalogue), thresholds=thresholds)
