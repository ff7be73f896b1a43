"""Dossier codes and phone numbers as citizens type them."""

from __future__ import annotations

import pytest

from handlers.identifiers import find_dossier_code, keyed_hash, mask_phone, normalise_mobile, normalise_phone

CODE = "000.00.12.H62-201105-0004"


@pytest.mark.parametrize(
    "text",
    [
        CODE,
        f"hồ sơ {CODE.lower()} của tôi",
        "000.00.12.H62 201105 0004",
        "000.00.12.H62 – 201105 – 0004",
        "000.00.12.H62\u200b-201105-0004\ufeff",
        "０００.００.１２.Ｈ６２-２０１１０５-０００４",
    ],
)
def test_codes_are_found_in_the_forms_people_type(text: str) -> None:
    assert find_dossier_code(text) == CODE


@pytest.mark.parametrize(
    "text",
    ["0912 345 678", "123 456", "000.00.12.H62-2011😀05-0004", f"{CODE}x", "' OR 1=1--", "", "2020-11-05"],
)
def test_other_text_is_not_a_code(text: str) -> None:
    assert find_dossier_code(text) is None


@pytest.mark.parametrize(
    "raw",
    [
        "0912 345 678",
        "0912.345.678",
        "0912-345-678",
        "+84 912345678",
        "84912345678",
        "+840912345678",
        "(+84)912345678",
        "0084912345678",
        "０９１２３４５６７８",
        "09\u200b12345678",
    ],
)
def test_vietnamese_mobile_formats_normalise_to_e164(raw: str) -> None:
    assert normalise_mobile(raw) == "+84912345678"


def test_retired_eleven_digit_numbers_map_to_their_new_prefix() -> None:
    assert normalise_mobile("01683456789") == "+84383456789"


@pytest.mark.parametrize("raw", ["091234567", "09123456789", "abc", "", "1" * 100, "02438251234", "+1 650 253 0000"])
def test_not_a_vietnamese_mobile(raw: str) -> None:
    assert normalise_mobile(raw) is None


def test_landlines_and_foreign_numbers_are_valid_registry_phones() -> None:
    assert normalise_phone("024 3825 1234") == "+842438251234"
    assert normalise_phone("+1 650 253 0000") == "+16502530000"


def test_mask_and_keyed_hash() -> None:
    assert mask_phone("+84912345678") == "0912•••678"
    assert keyed_hash(b"a", "x", "y") != keyed_hash(b"b", "x", "y")
    assert keyed_hash(b"a", "x", "y") != keyed_hash(b"a", "xy")
