"""Match a citizen's question to catalogue answers: pure functions over an index."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from rapidfuzz import fuzz, process

from knowledge.catalogue import Catalogue
from knowledge.normalise import normalise


class Decision(StrEnum):
    MATCH = "match"
    AMBIGUOUS = "ambiguous"
    NONE = "none"


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Named cut-offs for the three decisions (scores are 0–100)."""

    match: float = 80.0
    margin: float = 8.0
    ambiguous: float = 62.0


DEFAULT_THRESHOLDS = Thresholds()


@dataclass(frozen=True, slots=True)
class Candidate:
    id: str
    score: float


@dataclass(frozen=True, slots=True)
class Result:
    query: str
    decision: Decision
    candidates: tuple[Candidate, ...]

    @property
    def best(self) -> Candidate | None:
        return self.candidates[0] if self.candidates else None


@dataclass(frozen=True, slots=True)
class Index:
    """Normalised phrases (titles, aliases, questions) and the answer id each one points to."""

    phrases: tuple[str, ...]
    owners: tuple[str, ...]


def build_index(catalogue: Catalogue) -> Index:
    """Collect every phrase that names an answer, once per catalogue load."""
    pairs: list[tuple[str, str]] = []
    for proc in catalogue.procedures.values():
        texts = [proc.title, *proc.aliases, *proc.keywords, *([proc.en.title] if proc.en else [])]
        pairs += [(t, proc.id) for t in texts]
    for faq in catalogue.faqs.values():
        pairs += [(t, faq.id) for t in (faq.question, *faq.aliases)]
    for conv in catalogue.conversations.values():
        pairs += [(t, conv.id) for t in (conv.title, *conv.aliases)]
    seen: dict[tuple[str, str], None] = {}
    for text, owner in pairs:
        plain = normalise(text).plain
        if plain:
            seen[(plain, owner)] = None
    keys = list(seen)
    return Index(phrases=tuple(k[0] for k in keys), owners=tuple(k[1] for k in keys))


def rank(index: Index, query: str, limit: int = 5) -> list[Candidate]:
    """Best-scoring answer ids for `query`, one entry per id, best first."""
    plain = normalise(query).plain
    if not plain:
        return []
    hits = process.extract(plain, index.phrases, scorer=fuzz.token_set_ratio, limit=limit * 8)
    best: dict[str, float] = {}
    for _phrase, score, position in hits:
        owner = index.owners[position]
        best[owner] = max(best.get(owner, 0.0), float(score))
    ordered = sorted(best.items(), key=lambda kv: -kv[1])[:limit]
    return [Candidate(id=i, score=round(s, 1)) for i, s in ordered]


def decide(candidates: list[Candidate], thresholds: Thresholds = DEFAULT_THRESHOLDS) -> Decision:
    """Turn ranked candidates into match, ambiguous or none."""
    if not candidates or candidates[0].score < thresholds.ambiguous:
        return Decision.NONE
    top = candidates[0].score
    runner_up = candidates[1].score if len(candidates) > 1 else 0.0
    if top >= thresholds.match and top - runner_up >= thresholds.margin:
        return Decision.MATCH
    return Decision.AMBIGUOUS


def match(index: Index, query: str, thresholds: Thresholds = DEFAULT_THRESHOLDS) -> Result:
    """Rank and decide in one call."""
    candidates = rank(index, query)
    decision = decide(candidates, thresholds)
    return Result(query=query, decision=decision, candidates=tuple(candidates))
