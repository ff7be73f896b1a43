"""Accuracy of the matcher on an evaluation file: top-1, top-3, out-of-scope, wrong confident matches."""

from __future__ import annotations

import argparse
import csv
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from knowledge.library import Knowledge, load_knowledge  # noqa: E402


@dataclass
class Report:
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

    def pct(self, part: int, whole: int) -> float:
        return round(100 * part / whole, 1) if whole else 0.0


def read_questions(path: Path) -> list[tuple[str, set[str], set[str]]]:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    return [(r["query"], set(r["expected"].split(",")), set(r["tags"].split(","))) for r in rows]


def evaluate(knowledge: Knowledge, questions: list[tuple[str, set[str], set[str]]]) -> Report:
    report = Report()
    for query, expected, tags in questions:
        result = knowledge.match(query)
        ids = [c.id for c in result.candidates]
        top = ids[0] if ids and result.decision.value != "none" else "none"
        report.total += 1
        right = top in expected
        for tag in tags:
            report.by_tag[tag] += 1
            report.right_by_tag[tag] += right
        if expected == {"none"}:
            report.oos += 1
            report.oos_none += result.decision.value == "none"
        else:
            report.in_scope += 1
            report.top1 += right
            report.top3 += bool(expected & set(ids[:3]))
        if result.decision.value == "match" and top not in expected:
            report.wrong_confident += 1
        if not right:
            shown = ", ".join(f"{c.id}:{c.score:.0f}" for c in result.candidates[:3])
            report.failures.append(f"{query}\t{'/'.join(sorted(expected))}\t{result.decision.value}\t{shown}")
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("files", nargs="*", type=Path, default=[ROOT / "tests/eval/questions.tsv"])
    parser.add_argument("--failures", action="store_true", help="list every wrong answer")
    args = parser.parse_args()
    knowledge = load_knowledge(ROOT / "procedures.yaml")
    for path in args.files:
        r = evaluate(knowledge, read_questions(path))
        print(f"{path.name}: {r.total} questions ({r.in_scope} in scope, {r.oos} out of scope)")
        print(f"  top-1 {r.pct(r.top1, r.in_scope)} %  top-3 {r.pct(r.top3, r.in_scope)} %  ", end="")
        print(f"out-of-scope→none {r.pct(r.oos_none, r.oos)} %  wrong confident {r.pct(r.wrong_confident, r.total)} %")
        print("  by tag: " + "  ".join(f"{t} {r.pct(r.right_by_tag[t], n)} %" for t, n in sorted(r.by_tag.items())))
        if args.failures:
            print("\n".join(r.failures))


if __name__ == "__main__":
    main()
