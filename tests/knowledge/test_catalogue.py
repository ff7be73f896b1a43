"""Loading `procedures.yaml`: the shipped file is valid, and mistakes are reported with their line."""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge.catalogue import CatalogueError, load_catalogue
from tests.conftest import CATALOGUE

CONTRACT_PROCEDURES = [
    "khai-sinh",
    "lien-thong-khai-sinh",
    "khai-tu",
    "lien-thong-khai-tu",
    "ket-hon",
    "xac-nhan-tinh-trang-hon-nhan",
    "trich-luc-ho-tich",
    "cai-chinh-ho-tich",
    "dang-ky-thuong-tru",
    "dang-ky-tam-tru",
    "thong-bao-luu-tru",
    "can-cuoc",
    "ho-chieu",
    "dinh-danh-dien-tu",
    "ly-lich-tu-phap",
    "chung-thuc-ban-sao",
    "doi-gplx",
    "cap-lai-gplx",
    "dang-ky-xe",
    "sang-ten-xe",
    "nop-phat-giao-thong",
    "ho-kinh-doanh",
    "thanh-lap-doanh-nghiep",
    "chung-nhan-xuat-xu",
    "an-toan-thuc-pham",
    "giay-phep-xay-dung",
    "cap-so-do",
    "chuyen-nhuong-dat",
    "tro-cap-that-nghiep",
    "cap-lai-bhyt",
    "bhxh-mot-lan",
    "tro-cap-xa-hoi",
    "quyet-toan-thue-tncn",
    "ban-sao-van-bang",
]
CONTRACT_CONVERSATIONS = ["tra-cuu-ho-so", "quen-ma-ho-so", "gap-can-bo"]
CONTRACT_FAQ = ["faq-muc-do-dich-vu", "faq-thanh-toan", "faq-an-toan"]

VALID = """\
version: 1
procedures:
  - id: khai-sinh
    title: Đăng ký khai sinh
    agency: UBND cấp xã
    level: toan-trinh
    portal: {name: Cổng Dịch vụ công quốc gia, url: "https://dichvucong.gov.vn"}
    fee: {text: Miễn phí}
    processing_time: Trong ngày
    documents:
      - {name: Giấy chứng sinh, required: true}
    steps:
      - {id: dang-nhap, title: Đăng nhập, text: Đăng nhập bằng VNeID}
    sources: [{title: Cổng DVCQG, url: "https://dichvucong.gov.vn", date: 2026-11-22}]
    reviewed: 2026-11-22
"""


def test_shipped_catalogue_has_every_contract_id() -> None:
    catalogue = load_catalogue(CATALOGUE)
    assert set(CONTRACT_PROCEDURES) <= set(catalogue.procedures)
    assert set(CONTRACT_CONVERSATIONS) <= set(catalogue.conversations)
    assert set(CONTRACT_FAQ) <= set(catalogue.faqs)


def test_minimal_valid_file_loads(tmp_path: Path) -> None:
    path = tmp_path / "ok.yaml"
    path.write_text(VALID, encoding="utf-8")
    proc = load_catalogue(path).procedures["khai-sinh"]
    assert proc.title == "Đăng ký khai sinh"
    assert proc.reviewed.isoformat() == "2026-11-22"


def problems_for(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CatalogueError) as caught:
        load_catalogue(path)
    return [str(p).removeprefix(f"{path}:") for p in caught.value.problems]


def test_tab_indent_is_reported_at_its_line(tmp_path: Path) -> None:
    text = VALID.replace("    agency: UBND cấp xã", "\tagency: UBND cấp xã")
    [problem] = problems_for(tmp_path, text)
    assert problem.startswith("5:")
    assert "Tab" in problem and "tab indent" in problem


def test_missing_id_is_reported_at_the_entry(tmp_path: Path) -> None:
    text = VALID.replace("  - id: khai-sinh\n    title:", "  - title:")
    [problem] = problems_for(tmp_path, text)
    assert problem.startswith("3:5:")
    assert "thiếu trường bắt buộc 'id'" in problem and "missing required field" in problem


def test_duplicate_id_is_reported_at_the_second_entry(tmp_path: Path) -> None:
    entries = VALID.split("procedures:\n", 1)[1]
    text = VALID + entries.replace("title: Đăng ký khai sinh", "title: Khai sinh lần hai")
    [problem] = problems_for(tmp_path, text)
    assert problem.startswith("16:9:")
    assert "'khai-sinh' bị trùng" in problem and "duplicate id" in problem


def test_unknown_field_is_reported_at_its_key(tmp_path: Path) -> None:
    text = VALID.replace("    level: toan-trinh\n", "    level: toan-trinh\n    lephi: 10000\n")
    [problem] = problems_for(tmp_path, text)
    assert problem.startswith("7:5:")
    assert "'lephi'" in problem and "unknown field" in problem


def test_bad_date_is_reported_at_its_value(tmp_path: Path) -> None:
    text = VALID.replace("    reviewed: 2026-11-22", "    reviewed: 2026-13-45")
    [problem] = problems_for(tmp_path, text)
    assert problem.startswith("15:15:")
    assert "ngày không hợp lệ" in problem and "YYYY-MM-DD" in problem


def test_unquoted_code_and_bad_level_are_both_reported(tmp_path: Path) -> None:
    text = VALID.replace("    level: toan-trinh\n", "    level: muc-4\n    code: 1.001193\n")
    problems = problems_for(tmp_path, text)
    assert [p.split(":")[0] for p in problems] == ["6", "7"]
    assert "toan-trinh" in problems[0]
    assert "dấu ngoặc kép" in problems[1]


def test_duplicate_yaml_key_is_reported(tmp_path: Path) -> None:
    text = VALID.replace("    processing_time: Trong ngày\n", "    processing_time: Trong ngày\n    title: Trùng\n")
    [problem] = problems_for(tmp_path, text)
    assert problem.startswith("10:5:") and "duplicate key" in problem


def test_empty_and_non_utf8_files(tmp_path: Path) -> None:
    assert "empty file" in problems_for(tmp_path, "")[0]
    path = tmp_path / "latin.yaml"
    path.write_bytes("title: Đăng ký".encode("utf-16"))
    with pytest.raises(CatalogueError, match="UTF-8"):
        load_catalogue(path)
