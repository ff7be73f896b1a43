"""Catalogue figures for staff: how much is written, and which entry was reviewed longest ago."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping

from knowledge.catalogue import Catalogue

UNGROUPED = "(chưa phân nhóm)"

_LABELS = {
    "procedures": "Thủ tục",
    "aliases": "Cách hỏi khác (aliases)",
    "steps": "Bước hướng dẫn",
    "documents": "Giấy tờ",
    "questions": "Câu hỏi rẽ nhánh",
    "faq": "Câu hỏi thường gặp",
    "conversations": "Hội thoại có sẵn",
}


def catalogue_stats(catalogue: Catalogue) -> dict[str, object]:
    """Counts of entries, aliases, steps, documents and questions, the oldest review and groups."""
    procs = list(catalogue.procedures.values())
    faqs, conversations = list(catalogue.faqs.values()), list(catalogue.conversations.values())
    alias_lists = [p.aliases for p in procs] + [f.aliases for f in faqs] + [c.aliases for c in conversations]
    reviewed = [(p.reviewed, p.id) for p in procs] + [(f.reviewed, f.id) for f in faqs]
    oldest = min(reviewed, key=lambda item: item[0], default=None)
    groups = Counter(p.group or UNGROUPED for p in procs)
    return {
        "procedures": len(procs),
        "aliases": sum(len(aliases) for aliases in alias_lists),
        "steps": sum(len(p.steps) for p in procs),
        "documents": sum(len(p.documents) for p in procs),
        "questions": sum(len(p.questions) for p in procs),
        "faq": len(catalogue.faqs),
        "conversations": len(catalogue.conversations),
        "oldest_reviewed": oldest[0] if oldest else None,
        "oldest_reviewed_id": oldest[1] if oldest else None,
        "groups": dict(sorted(groups.items(), key=lambda item: (-item[1], item[0]))),
    }


def format_stats(stats: Mapping[str, object]) -> str:
    """A short Vietnamese plain-text table of `catalogue_stats` for the terminal."""
    rows = [(label, str(stats.get(key, 0))) for key, label in _LABELS.items()]
    oldest, oldest_id = stats.get("oldest_reviewed"), stats.get("oldest_reviewed_id")
    if isinstance(oldest, dt.date):
        rows.append(("Rà soát cũ nhất", f"{oldest.isoformat()} ({oldest_id})"))
    groups = stats.get("groups")
    if isinstance(groups, Mapping) and groups:
        rows.append(("Thủ tục theo nhóm", ""))
        rows += [(f"  {name}", str(count)) for name, count in groups.items()]
    width = max(len(label) for label, _ in rows)
    return "\n".join(f"{label.ljust(width)}  {value}".rstrip() for label, value in rows)


__all__ = ["UNGROUPED", "catalogue_stats", "format_stats"]
