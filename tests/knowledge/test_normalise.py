"""Normalisation: one function for catalogue and questions; idempotent and total on any Unicode."""

from __future__ import annotations

import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from knowledge.lexicon import load_lexicon
from knowledge.normalise import analyse, normalise, report_text, strip_diacritics, tokens

LEXICON = load_lexicon()
VIETNAMESE = st.text(
    alphabet=st.sampled_from("aăâbcdđeêghiklmnoôơpqrstuưvxyáàảãạấầẩẫậắằẳẵặđéèẻẽẹíìỉĩịóòỏõọúùủũụýỳỷỹỵ .,?!0123456789")
)


def test_nfd_and_nfc_are_the_same_words() -> None:
    text = "Đăng ký khai sinh cho bé"
    assert normalise(unicodedata.normalize("NFD", text)) == normalise(text)
    assert normalise(text).plain == "dang ki khai sinh cho be"


def test_punctuation_emoji_and_case_are_dropped() -> None:
    assert tokens("ĐĂNG KÝ!!! khai-sinh 😀🙏") == ["đăng", "kí", "khai", "sinh"]


def test_final_y_and_i_are_one_spelling_but_not_after_a_vowel() -> None:
    assert tokens("đăng ký lý lịch") == tokens("đăng kí lí lịch")
    assert tokens("giấy tuy quy") == ["giấy", "tuy", "quy"]


def test_long_digit_runs_are_dropped_short_numbers_kept() -> None:
    assert tokens("gọi 0912345678 cho trẻ dưới 6 tuổi") == ["gọi", "cho", "trẻ", "dưới", "6", "tuổi"]


def test_report_text_keeps_no_word_with_a_digit() -> None:
    assert report_text("Hồ sơ 000.00.12.H62-201105-0004 của tôi, sđt 0912 345 678") == "hồ sơ của tôi sđt"


def test_abbreviations_expand_only_when_typed_without_accents() -> None:
    words = [t.accented for t in analyse("làm lại cccd", LEXICON)]
    assert words[-4:] == ["căn", "cước", "công", "dân"]
    assert [t.accented for t in analyse("sổ hồng", LEXICON)] == ["sổ", "hồng"]


def test_fillers_depend_on_the_accents_typed() -> None:
    terms = {t.accented: t for t in analyse("tôi cần làm căn cước", LEXICON)}
    assert terms["cần"].filler and not terms["căn"].filler
    unaccented = {t.accented: t for t in analyse("toi can lam can cuoc", LEXICON)}
    assert unaccented["can"].ambiguous  # could be "cần" or "căn": kept, weighed less


@settings(max_examples=300)
@given(st.text())
def test_normalise_is_idempotent_on_any_unicode(text: str) -> None:
    once = normalise(text)
    assert normalise(once.accented) == once
    assert strip_diacritics(once.plain) == once.plain


@settings(max_examples=300)
@given(VIETNAMESE)
def test_normalise_is_idempotent_on_vietnamese(text: str) -> None:
    once = normalise(text)
    assert normalise(once.accented) == once


@settings(max_examples=300)
@given(st.text())
def test_analysis_never_raises_and_report_text_has_no_digits(text: str) -> None:
    analyse(text, LEXICON)
    assert not any(ch.isdigit() for ch in report_text(text))


def test_an_expanded_abbreviation_shares_the_weight_of_one_typed_word() -> None:
    terms = analyse("lam lai cccd", LEXICON)
    assert [t.share for t in terms[-4:]] == [0.25] * 4
    assert all(t.share == 1.0 for t in analyse("làm lại căn cước công dân", LEXICON))


def test_only_thanks_needs_a_thank_you_and_nothing_but_fillers() -> None:
    lexicon = LEXICON
    assert lexicon.only_thanks("cảm ơn ad nhiều ạ")
    assert lexicon.only_thanks("CAM ON NHA 🙏")
    assert lexicon.only_thanks("cam on nhen")  # the South's "nhé"
    assert lexicon.only_thanks("thanks")
    assert not lexicon.only_thanks("nhiều")
    assert not lexicon.only_thanks("")
    assert not lexicon.only_thanks("cảm ơn, làm căn cước ở đâu")


def plain_words(text: str) -> list[str]:
    return [t.plain for t in analyse(text, LEXICON)]


def test_telex_keys_left_in_a_vietnamese_message_are_read() -> None:
    # The keyboard was in English mode: the Telex keys for marks and tones stayed in the words.
    assert plain_words("hooj chieeus") == ["ho", "chieu"]
    assert plain_words("toi muoons lamf laij caawn cuwowcs") == ["toi", "muon", "lam", "lai", "can", "cuoc"]
    assert plain_words("cccd bij maats") == ["can", "cuoc", "cong", "dan", "bi", "mat"]
    # "ddi" is "đi", a filler like the one typed with accents.
    first = analyse("ddi lamf khai sinh", LEXICON)[0]
    assert first.plain == "di" and (first.filler or first.ambiguous)


def test_english_words_and_acronyms_are_not_read_as_telex() -> None:
    assert plain_words("how much is car insurance") == ["how", "much", "is", "car", "insurance"]
    assert plain_words("car insurance") == ["car", "insurance"]  # too few Vietnamese syllables
    assert plain_words("xuat khau lao dong Han Quoc EPS")[-1] == "eps"
    assert plain_words("thanh toan le phi") == ["thanh", "toan", "le", "phi"]  # already Vietnamese
