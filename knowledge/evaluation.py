"""Accuracy of the matcher on a question file: top-1, top-3, out-of-scope and confident mistakes."""

from __future__ import annotations

import csv
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from knowledge.library import Knowledge
from knowledge.matching import Decision

Question = tuple[str, frozenset[str], frozenset[str]]


def read_questions(path: Path) -> list[Question]:
    """Rows of a TSV with columns query, expected (ids, comma-separated, or none), tags."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    return [(r["query"], frozenset(r["expected"].split(",")), frozenset(r["tags"].split(","))) for r in rows]


def pct(part: int, whole: int) -> float:
    return round(100 * part / whole, 1) if whole else 0.0


@dataclass
class Report:
    """Counts from one evaluation run; percentages through the properties."""

    total: int = 0
    in_scope: int = 0
    top1: int = 0
    top3: int = 0
    oos: int = 0
    oos_none: int = 0
    wrong_confident: int = 0
    by_tag: Counter[str] = field(default_factory=Counter)
    right_by_tag: Counter[str] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)

    @property
    def top1_pct(self) -> float:
        return pct(self.top1, self.in_scope)

    @property
    def top3_pct(self) -> float:
        return pct(self.top3, self.in_scope)

    @property
    def oos_pct(self) -> float:
        return pct(self.oos_none, self.oos)

    @property
    def wrong_confident_pct(self) -> float:
        return pct(self.wrong_confident, self.total)

    def tag_pct(self, tag: str) -> float:
        return pct(self.right_by_tag[tag], self.by_tag[tag])


def evaluate(knowledge: Knowledge, questions: list[Question]) -> Report:
    """Ask every question; the answer counts when it is the top candidate of a non-none decision."""
    report = Report()
    for query, expected, tags in questions:
        result = knowledge.match(query)
        ids = [c.id for c in result.candidates]
        top = ids[0] if ids and result.decision is not Decision.NONE else "none"
        right = top in expected
        report.total += 1
        for tag in tags:
            report.by_tag[tag] += 1
            report.right_by_tag[tag] += right
        if expected == {"none"}:
            report.oos += 1
            report.oos_none += result.decision is Decision.NONE
        else:
            report.in_scope += 1
            report.top1 += right
            report.top3 += bool(expected & set(ids[:3]))
        if result.decision is Decision.MATCH and top not in expected:
            report.wrong_confident += 1
        if not right:
            shown = ", ".join(f"{c.id}:{c.score:.0f}" for c in result.candidates[:3])
            report.failures.append(f"{query}\t{'/'.join(sorted(expected))}\t{result.decision.value}\t{shown}")
    return report
