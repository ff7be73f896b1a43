"""Accuracy of the matcher on evaluation files: top-1, top-3, out-of-scope, wrong confident matches.

.venv/bin/python benchmarks/evaluate.py [FILE ...] [--failures]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from knowledge.evaluation import evaluate, read_questions  # noqa: E402
from knowledge.library import load_knowledge  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    default = [ROOT / "tests/eval/questions.tsv", ROOT / "tests/eval/holdout.tsv"]
    parser.add_argument("files", nargs="*", type=Path, default=default)
    parser.add_argument("--failures", action="store_true", help="list every wrong answer")
    args = parser.parse_args()
    knowledge = load_knowledge(ROOT / "procedures.yaml")
    for path in args.files:
        r = evaluate(knowledge, read_questions(path))
        print(f"{path.name}: {r.total} questions ({r.in_scope} in scope, {r.oos} out of scope)")
        print(
            f"  top-1 {r.top1_pct} %  top-3 {r.top3_pct} %  out-of-scope→none {r.oos_pct} %  "
            f"wrong confident {r.wrong_confident_pct} %"
        )
        print("  by tag: " + "  ".join(f"{t} {r.tag_pct(t)} %" for t in sorted(r.by_tag)))
        if args.failures:
            print("\n".join(r.failures))


if __name__ == "__main__":
    main()
