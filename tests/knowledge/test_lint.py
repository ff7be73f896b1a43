"""Staff lint: each warning kind is found and pointed at the line an editor has to change."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from knowledge.catalogue import load_catalogue
from knowledge.lint import lint, mentions_district, node_line
from knowledge.yamlsource import parse_yaml
from tests.conftest import CATALOGUE

TODAY = dt.date(2026, 11, 22)

# Line numbers in the tests below refer to this file (line 1 is "version: 1").
CLEAN = """\
version: 1
procedures:
  - id: khai-sinh
    title: Đăng ký khai sinh
    aliases: [làm giấy khai sinh, lam giay khai sinh]
    agency: UBND cấp xã
    level: toan-trinh
    portal: {name: Cổng Dịch vụ công quốc gia, url: "https://dichvucong.gov.vn"}
    fee: {text: Miễn phí, valid_until: 2027-02-28}
    processing_time: Trong ngày
    questions:
      - id: born
        text: Bé sinh ở đâu?
        choices: [{id: trong-nuoc, label: Việt Nam}, {id: nuoc-ngoai, label: Nước ngoài}]
    documents:
      - {name: Giấy chứng sinh, when: {born: trong-nuoc}}
    steps:
      - {id: dang-nhap, title: Đăng nhập, text: Đăng nhập bằng VNeID, link: "https://dichvucong.gov.vn"}
      - {id: tim-thu-tuc, title: Tìm thủ tục, text: Gõ tên thủ tục}
      - {id: dien-to-khai, title: Điền tờ khai, text: Nhập thông tin của bé}
      - {id: nop, title: Nộp, text: Bấm Nộp hồ sơ, when: {born: [trong-nuoc, nuoc-ngoai]}}
    sources: [{title: Cổng DVCQG, url: "https://dichvucong.gov.vn", date: 2026-11-22}]
    reviewed: 2026-11-22
    en: {title: Birth registration}
faq:
  - id: faq-thanh-toan
    question: Thanh toán lệ phí thế nào?
    aliases: [thanh toán lệ phí]
    answer: Thanh toán trên Cổng.
    sources: [{title: Cổng DVCQG, url: "https://dichvucong.gov.vn", date: 2026-11-22}]
    reviewed: 2026-11-22
conversations:
  - id: gap-can-bo
    title: Gặp cán bộ
    aliases: [gặp cán bộ]
"""


def warnings_for(tmp_path: Path, text: str, today: dt.date = TODAY) -> list[str]:
    """Lint `text` as a catalogue file; each warning as 'line:column: message'."""
    path = tmp_path / "procedures.yaml"
    path.write_text(text, encoding="utf-8")
    _, root = parse_yaml(text, path)
    return [str(p).removeprefix(f"{path}:") for p in lint(load_catalogue(path), root, path, today)]


def edited(*replacements: tuple[str, str]) -> str:
    """CLEAN with each (old, new) replaced exactly once."""
    text = CLEAN
    for old, new in replacements:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text


def test_clean_file_has_no_warnings(tmp_path: Path) -> None:
    assert warnings_for(tmp_path, CLEAN) == []


def test_procedure_without_aliases(tmp_path: Path) -> None:
    text = edited(("    aliases: [làm giấy khai sinh, lam giay khai sinh]\n", ""))
    assert warnings_for(tmp_path, text) == ["3:5: thủ tục 'khai-sinh' chưa có cách hỏi khác 'aliases' (no aliases)"]


def test_empty_alias_list_points_at_the_list(tmp_path: Path) -> None:
    text = edited(("aliases: [làm giấy khai sinh, lam giay khai sinh]", "aliases: []"))
    [warning] = warnings_for(tmp_path, text)
    assert warning.startswith("5:14:") and warning.endswith("(no aliases)")


def test_procedure_without_english(tmp_path: Path) -> None:
    text = edited(("    en: {title: Birth registration}\n", ""))
    assert warnings_for(tmp_path, text) == ["3:5: thủ tục 'khai-sinh' chưa có phần tiếng Anh 'en' (missing English)"]


def test_faq_without_aliases(tmp_path: Path) -> None:
    text = edited(("    aliases: [thanh toán lệ phí]\n", ""))
    assert warnings_for(tmp_path, text) == [
        "26:5: câu hỏi thường gặp 'faq-thanh-toan' chưa có cách hỏi khác 'aliases' (no aliases)"
    ]


def test_review_older_than_180_days(tmp_path: Path) -> None:
    text = edited(("    reviewed: 2026-11-22\n    en:", "    reviewed: 2026-05-25\n    en:"))
    assert warnings_for(tmp_path, text) == [
        "23:15: rà soát lần cuối 2026-05-25, đã quá 180 ngày; hãy kiểm tra lại (reviewed over 180 days ago)"
    ]


def test_review_exactly_180_days_ago_is_not_stale(tmp_path: Path) -> None:
    text = edited(("    reviewed: 2026-11-22\n    en:", "    reviewed: 2026-05-26\n    en:"))
    assert warnings_for(tmp_path, text) == []


def test_stale_faq_review(tmp_path: Path) -> None:
    text = edited(("    reviewed: 2026-11-22\nconversations:", "    reviewed: 2025-01-01\nconversations:"))
    [warning] = warnings_for(tmp_path, text)
    assert warning.startswith("31:15: rà soát lần cuối 2025-01-01")


def test_fee_past_valid_until(tmp_path: Path) -> None:
    text = edited(("valid_until: 2027-02-28", "valid_until: 2026-11-21"))
    assert warnings_for(tmp_path, text) == [
        "9:40: lệ phí chỉ đúng đến 2026-11-21; hãy cập nhật (fee valid_until has passed)"
    ]
    assert warnings_for(tmp_path, text, today=dt.date(2026, 11, 21)) == []


def test_alias_shared_by_two_entries_is_reported_at_the_second(tmp_path: Path) -> None:
    text = edited(("aliases: [thanh toán lệ phí]", "aliases: [thanh toán lệ phí, Làm giấy khai sinh!]"))
    assert warnings_for(tmp_path, text) == [
        "28:34: cách hỏi 'Làm giấy khai sinh!' trùng với 'khai-sinh' (duplicate alias)"
    ]


def test_alias_shared_with_a_conversation(tmp_path: Path) -> None:
    text = edited(("aliases: [gặp cán bộ]", "aliases: [gặp cán bộ, thanh toan le phi]"))
    [warning] = warnings_for(tmp_path, text)
    assert warning.startswith("35:27:") and "'faq-thanh-toan' (duplicate alias)" in warning


def test_example_question_shared_by_two_entries(tmp_path: Path) -> None:
    example = "    examples: [Làm giấy khai sinh cho con thế nào?]\n"
    text = edited(("    answer: Thanh toán trên Cổng.\n", "    answer: Thanh toán trên Cổng.\n" + example))
    assert warnings_for(tmp_path, text) == []
    text = edited(("    aliases: [gặp cán bộ]\n", "    aliases: [gặp cán bộ]\n" + example.replace("L", "l")))
    text = text.replace("    answer: Thanh toán trên Cổng.\n", "    answer: Thanh toán trên Cổng.\n" + example)
    [warning] = warnings_for(tmp_path, text)
    assert "câu hỏi mẫu 'làm giấy khai sinh cho con thế nào?' trùng với 'faq-thanh-toan' (duplicate example)" in warning


def test_links_that_are_not_https(tmp_path: Path) -> None:
    text = CLEAN.replace('"https://dichvucong.gov.vn"', '"http://dichvucong.gov.vn"')
    warnings = warnings_for(tmp_path, text)
    assert [w.split(": ", 1)[0] for w in warnings] == ["8:53", "18:77", "22:40", "30:40"]
    message = "'http://dichvucong.gov.vn' nên dùng https:// (link is not https)"
    assert all(w.endswith(message) for w in warnings)


@pytest.mark.parametrize(
    "agency",
    [
        "UBND huyện nơi cư trú",
        "Phòng Tư pháp cấp huyện",
        "UBND Quận 1",
        "UBND thị xã",
        "ubnd huyen",
        "UBND quan Ba Dinh",
    ],
)
def test_district_level_agency(tmp_path: Path, agency: str) -> None:
    text = edited(("agency: UBND cấp xã", f"agency: {agency}"))
    assert warnings_for(tmp_path, text) == [
        "6:13: cấp huyện không còn từ 1/7/2025; hãy ghi cơ quan cấp xã hoặc tỉnh (district-level agency)"
    ]


@pytest.mark.parametrize(
    "agency",
    [
        "UBND cấp xã (trước đây là UBND cấp huyện)",
        "UBND xã; cấp huyện không còn từ 1/7/2025",
        "UBND huyện trước 1/7/2025, nay là UBND xã",
        "Cơ quan công an cấp xã",
        "Cơ quan thuế quản lý",
        "Sở Tư pháp",
    ],
)
def test_agency_that_is_not_district_level(agency: str) -> None:
    assert not mentions_district(agency)


def test_step_with_empty_text(tmp_path: Path) -> None:
    text = edited((", text: Gõ tên thủ tục}", "}"))
    assert warnings_for(tmp_path, text) == ["19:9: bước 'tim-thu-tuc' chưa có nội dung 'text' (empty step text)"]


def test_duplicate_step_id(tmp_path: Path) -> None:
    text = edited(("{id: dien-to-khai,", "{id: tim-thu-tuc,"))
    assert warnings_for(tmp_path, text) == ["20:14: mã bước 'tim-thu-tuc' bị trùng trong thủ tục (duplicate step id)"]


def test_when_with_unknown_question(tmp_path: Path) -> None:
    text = edited(("when: {born: trong-nuoc}", "when: {sinh: trong-nuoc}"))
    assert warnings_for(tmp_path, text) == [
        "16:46: 'when' dùng câu hỏi 'sinh' mà thủ tục không có (unknown question id)"
    ]


def test_when_with_unknown_choice(tmp_path: Path) -> None:
    text = edited(("[trong-nuoc, nuoc-ngoai]", "[trong-nuoc, tau-bay]"))
    assert warnings_for(tmp_path, text) == ["21:65: câu hỏi 'born' không có lựa chọn 'tau-bay' (unknown choice id)"]


def test_fewer_than_four_steps_points_at_the_steps_key(tmp_path: Path) -> None:
    text = edited(("      - {id: nop, title: Nộp, text: Bấm Nộp hồ sơ, when: {born: [trong-nuoc, nuoc-ngoai]}}\n", ""))
    assert warnings_for(tmp_path, text) == [
        "17:5: thủ tục 'khai-sinh' chỉ có 3 bước; nên có ít nhất 4 (fewer than 4 steps)"
    ]


def test_warnings_are_sorted_by_line(tmp_path: Path) -> None:
    text = edited(
        ("    aliases: [thanh toán lệ phí]\n", ""),
        ("    en: {title: Birth registration}\n", ""),
        ("agency: UBND cấp xã", "agency: UBND huyện"),
    )
    assert [w.split(":")[0] for w in warnings_for(tmp_path, text)] == ["3", "6", "25"]


def test_without_a_node_tree_every_warning_is_at_line_one(tmp_path: Path) -> None:
    path = tmp_path / "procedures.yaml"
    path.write_text(edited(("agency: UBND cấp xã", "agency: UBND huyện")), encoding="utf-8")
    [problem] = lint(load_catalogue(path), None, path, TODAY)
    assert (problem.line, problem.column) == (1, 1)
    assert node_line(None, ("procedures", 0, "agency")) == (1, 1)


def test_node_line_falls_back_to_the_deepest_existing_node(tmp_path: Path) -> None:
    _, root = parse_yaml(CLEAN, tmp_path / "x.yaml")
    assert node_line(root, ("procedures", 0, "agency")) == (6, 13)
    assert node_line(root, ("procedures", 0, "nothing", 3)) == (3, 5)
    assert node_line(root, ("procedures", 7)) == (2, 1)


def test_shipped_catalogue_has_aliases_english_and_steps() -> None:
    _, root = parse_yaml(CATALOGUE.read_text(encoding="utf-8"), CATALOGUE)
    warnings = [str(p) for p in lint(load_catalogue(CATALOGUE), root, CATALOGUE, TODAY)]
    kinds = ("(no aliases)", "(missing English)", "(fewer than 4 steps)", "(empty step text)")
    missing = [w for w in warnings if w.endswith(kinds)]
    assert missing == [], "\n".join(warnings)
