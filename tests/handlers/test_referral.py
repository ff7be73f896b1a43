"""Referral payloads round-trip within Telegram's limits; short codes and link tokens parse strictly."""

from __future__ import annotations

import re
import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from handlers import referral
from handlers.referral import Referral
from knowledge.catalogue import load_catalogue
from tests.conftest import CATALOGUE

TELEGRAM_START = re.compile(r"[A-Za-z0-9_-]{1,64}")
codes = st.from_regex(r"\A[A-Z0-9]{2,16}\Z")
procedures = st.from_regex(r"\A[a-z0-9]{1,8}(-[a-z0-9]{1,8}){0,3}\Z")


@given(codes, st.none() | procedures)
def test_encode_then_decode_gives_the_referral_back(code: str, procedure: str | None) -> None:
    payload = referral.encode(Referral(code, procedure))
    assert TELEGRAM_START.fullmatch(payload)
    assert referral.decode(payload) == Referral(code, procedure)


@given(st.text(alphabet=string.ascii_letters + string.digits + "_-", max_size=70))
def test_any_payload_that_decodes_encodes_to_itself(payload: str) -> None:
    found = referral.decode(payload)
    if found is not None:
        assert referral.encode(found) == payload


@given(st.text(max_size=80))
def test_decoding_arbitrary_text_never_raises(text: str) -> None:
    referral.decode(text)
    referral.link_token(text)
    referral.parse_short_code(text)


def test_every_catalogue_procedure_fits_with_the_longest_volunteer_code() -> None:
    for proc_id in load_catalogue(CATALOGUE).procedures:
        payload = referral.encode(Referral("A" * 16, proc_id))
        assert TELEGRAM_START.fullmatch(payload) and referral.decode(payload) == Referral("A" * 16, proc_id)


@pytest.mark.parametrize(
    "bad",
    [Referral("a1"), Referral("X"), Referral("TN_01"), Referral("TN01", "Khai-Sinh"), Referral("TN01", "a" * 60)],
)
def test_encode_refuses_what_would_not_round_trip(bad: Referral) -> None:
    with pytest.raises(ValueError):
        referral.encode(bad)


def test_examples() -> None:
    assert referral.encode(Referral("TN01", "khai-sinh")) == "v_TN01_khai-sinh"
    assert referral.decode("v_TN01") == Referral("TN01")
    assert referral.decode("khai-sinh") is None
    assert referral.decode("v_tn01") is None
    assert referral.telegram_link("@tro_ly_bot", "v_TN01") == "https://t.me/tro_ly_bot?start=v_TN01"
    assert referral.web_link("https://dvc.example.vn/", "v_TN01") == "https://dvc.example.vn/?start=v_TN01"


@pytest.mark.parametrize("typed", ["TN 7K3Q", "tn7k3q", "Tn-7K3Q ", " TN 7k3q.", "ＴＮ ７Ｋ３Ｑ"])
def test_short_codes_are_read_as_people_type_them(typed: str) -> None:
    assert referral.parse_short_code(typed) == "7K3Q"


@pytest.mark.parametrize("typed", ["TN 7K3", "TN 7K3QX", "TN 0O1I", "tôi cần TN 7K3Q gấp", "7K3Q", "tin nhắn"])
def test_other_text_is_not_a_short_code(typed: str) -> None:
    assert referral.parse_short_code(typed) is None


def test_short_codes_use_the_unambiguous_alphabet() -> None:
    for _ in range(200):
        code = referral.new_short_code()
        assert len(code) == 4 and set(code) <= set(referral.SHORT_ALPHABET)
        assert referral.parse_short_code(referral.show_short_code(code)) == code


def test_link_tokens_are_random_fit_telegram_and_are_stored_hashed() -> None:
    payload, stored = referral.new_link_token()
    other, _ = referral.new_link_token()
    assert payload != other and TELEGRAM_START.fullmatch(payload)
    token = referral.link_token(payload)
    assert token is not None and token not in stored
    assert referral.token_hash(token) == stored
    assert referral.decode(payload) is None
    assert referral.link_token("vl_short") is None
