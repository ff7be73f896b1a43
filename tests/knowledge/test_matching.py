"""Matching behaviour a citizen notices: accents, typos, abbreviations, codes, English, and saying no."""

from __future__ import annotations

import pytest

from knowledge.library import Knowledge
from knowledge.matching import Decision


def top(knowledge: Knowledge, query: str) -> str:
    result = knowledge.match(query)
    return result.candidates[0].id if result.decision is not Decision.NONE else "none"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("dang ky khai sinh", "khai-sinh"),
        ("đăng kí khai sinh", "khai-sinh"),
        ("dang ky khai sinhf", "khai-sinh"),  # telex tone key left over
        ("dangky ket hon", "ket-hon"),  # words run together
        ("lam lai cccd bi mat", "can-cuoc"),
        ("xin lltp", "ly-lich-tu-phap"),
        ("quyết toán thuế tncn", "quyet-toan-thue-tncn"),
        ("doi gplx het han", "doi-gplx"),
        ("làm sổ đỏ lần đầu", "cap-so-do"),
        ("how do I apply for a passport", "ho-chieu"),
        ("register a new motorbike", "dang-ky-xe"),
        ("hồ sơ 000.00.12.H62-201105-0004 của tôi", "tra-cuu-ho-so"),
        ("tôi quên mất mã hồ sơ rồi", "quen-ma-ho-so"),
        ("cho tôi nói chuyện với người thật", "gap-can-bo"),
        ("nộp lệ phí qua mạng thế nào", "faq-thanh-toan"),
    ],
)
def test_questions_reach_the_right_answer(knowledge: Knowledge, query: str, expected: str) -> None:
    assert top(knowledge, query) == expected


@pytest.mark.parametrize(
    "query",
    ["giá vàng hôm nay", "thoi tiet ha noi ngay mai", "kết quả xổ số miền bắc", "hát cho tôi nghe", "😀", ""],
)
def test_out_of_scope_questions_get_none(knowledge: Knowledge, query: str) -> None:
    assert knowledge.match(query).decision is Decision.NONE


def test_accents_typed_tell_cần_from_căn(knowledge: Knowledge) -> None:
    result = knowledge.match("tôi cần làm hộ chiếu")
    assert result.candidates[0].id == "ho-chieu"
    assert "can-cuoc" not in [c.id for c in result.candidates[:2]]


def test_candidates_are_ranked_unique_and_scored_0_to_100(knowledge: Knowledge) -> None:
    result = knowledge.match("bằng lái")
    ids = [c.id for c in result.candidates]
    assert len(ids) == len(set(ids)) <= 5
    scores = [c.score for c in result.candidates]
    assert scores == sorted(scores, reverse=True) and all(0 <= s <= 100 for s in scores)
    assert result.decision is Decision.AMBIGUOUS
    assert {"doi-gplx", "cap-lai-gplx"} <= set(ids[:2])
