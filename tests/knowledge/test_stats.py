"""Catalogue figures: counts, the oldest review and procedures per group, and their terminal table."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from knowledge.catalogue import load_catalogue
from knowledge.stats import UNGROUPED, catalogue_stats, format_stats
from tests.conftest import CATALOGUE

PROCEDURE = """\
  - id: {id}
    title: Thủ tục {id}
    group: {group}
    aliases: [{aliases}]
    agency: UBND cấp xã
    level: toan-trinh
    portal: {{name: Cổng, url: "https://dichvucong.gov.vn"}}
    fee: {{text: Miễn phí}}
    processing_time: Trong ngày
    questions:
      - {{id: born, text: "Sinh ở đâu?", choices: [{{id: vn, label: VN}}, {{id: nn, label: NN}}]}}
    documents: [{{name: Giấy A}}, {{name: Giấy B}}]
    steps: [{{id: a, title: A}}, {{id: b, title: B}}, {{id: c, title: C}}]
    sources: [{{title: Cổng, url: "https://dichvucong.gov.vn", date: 2026-01-01}}]
    reviewed: {reviewed}
"""

FAQ_AND_CONVERSATIONS = """\
faq:
  - id: faq-a
    question: Hỏi gì?
    aliases: [hỏi gì, hoi gi]
    answer: Đáp.
    sources: [{title: Cổng, url: "https://dichvucong.gov.vn", date: 2026-01-01}]
    reviewed: 2026-03-01
conversations:
  - {id: gap-can-bo, title: Gặp cán bộ, aliases: [gặp cán bộ]}
  - {id: tra-cuu, title: Tra cứu}
"""


def small_catalogue(tmp_path: Path) -> Path:
    """Three procedures (two in 'Hộ tịch', one ungrouped), one FAQ and two conversations."""
    procedures = [
        PROCEDURE.format(id="khai-sinh", group="Hộ tịch", aliases="khai sinh, khai sinh online", reviewed="2026-06-01"),
        PROCEDURE.format(id="ket-hon", group="Hộ tịch", aliases="kết hôn", reviewed="2026-02-15"),
        PROCEDURE.format(id="can-cuoc", group='""', aliases="", reviewed="2026-02-15"),
    ]
    path = tmp_path / "procedures.yaml"
    path.write_text("version: 1\nprocedures:\n" + "".join(procedures) + FAQ_AND_CONVERSATIONS, encoding="utf-8")
    return path


def test_counts_of_a_small_catalogue(tmp_path: Path) -> None:
    stats = catalogue_stats(load_catalogue(small_catalogue(tmp_path)))
    assert stats == {
        "procedures": 3,
        "aliases": 6,
        "steps": 9,
        "documents": 6,
        "questions": 3,
        "faq": 1,
        "conversations": 2,
        "oldest_reviewed": dt.date(2026, 2, 15),
        "oldest_reviewed_id": "ket-hon",
        "groups": {"Hộ tịch": 2, UNGROUPED: 1},
    }


def test_format_is_an_aligned_vietnamese_table(tmp_path: Path) -> None:
    table = format_stats(catalogue_stats(load_catalogue(small_catalogue(tmp_path))))
    lines = table.splitlines()
    assert lines[0].split() == ["Thủ", "tục", "3"]
    assert "Cách hỏi khác (aliases)  6" in lines
    assert any(line.startswith("Rà soát cũ nhất") and line.endswith("2026-02-15 (ket-hon)") for line in lines)
    assert lines[-2:] == ["  Hộ tịch                2", "  (chưa phân nhóm)       1"]
    assert len({line.index(line.split()[-1]) for line in lines[:7]}) == 1, table


def test_format_without_review_dates_or_groups() -> None:
    table = format_stats({"procedures": 0})
    assert "Rà soát" not in table and "theo nhóm" not in table
    assert table.splitlines()[-1].split() == ["Hội", "thoại", "có", "sẵn", "0"]


def test_shipped_catalogue_stats_match_its_entries() -> None:
    catalogue = load_catalogue(CATALOGUE)
    stats = catalogue_stats(catalogue)
    procedures = list(catalogue.procedures.values())
    assert stats["procedures"] == len(procedures) >= 34
    assert stats["steps"] == sum(len(p.steps) for p in procedures) > 4 * len(procedures)
    groups = stats["groups"]
    assert isinstance(groups, dict) and sum(groups.values()) == len(procedures)
    oldest_id = stats["oldest_reviewed_id"]
    assert isinstance(oldest_id, str)
    entry = catalogue.procedures.get(oldest_id) or catalogue.faqs[oldest_id]
    everything = [*procedures, *catalogue.faqs.values()]
    assert entry.reviewed == stats["oldest_reviewed"] == min(e.reviewed for e in everything)
