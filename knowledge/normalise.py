"""One normalisation of Vietnamese text, shared by the catalogue index and citizens' questions."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from knowledge.lexicon import Lexicon

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_MARKS = re.compile(r"[\u0300-\u036f]")
# "kí"/"ký", "lí"/"lý", "sĩ"/"sỹ": after a consonant, a final y is spelled either way.
_FINAL_Y = re.compile(r"^([bcdđghklmnpqrstvx]+)([yýỳỷỹỵ])$")
_Y_TO_I = str.maketrans("yýỳỷỹỵ", "iíìỉĩị")


def nfc(text: str) -> str:
    """Compose Unicode so NFD input from some keyboards compares equal to NFC input."""
    return unicodedata.normalize("NFC", text)


def strip_diacritics(text: str) -> str:
    """Remove tones and vowel marks; đ/Đ become d/D."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return unicodedata.normalize("NFC", _MARKS.sub("", decomposed))


# Single words repeat across questions and catalogue phrases: their plain form is cached.
_plain_word = lru_cache(maxsize=1 << 15)(strip_diacritics)


def _spell(word: str) -> str:
    found = _FINAL_Y.match(word)
    if found and found.group(1) not in {"q", "qu"}:
        return found.group(1) + found.group(2).translate(_Y_TO_I)
    return word


def tokens(text: str) -> list[str]:
    """Lower-case word tokens (NFC) with punctuation, symbols and emoji dropped, i/y unified.

    Long digit runs (phone, ID or dossier numbers) say nothing about the procedure: dropped.
    """
    return list(filter(None, map(_token, _WORD.findall(nfc(text).casefold()))))


@lru_cache(maxsize=1 << 16)
def _token(word: str) -> str:
    """A word as `tokens` keeps it, or "" for a long digit run."""
    return "" if word.isdigit() and len(word) >= 5 else _spell(word)


@dataclass(frozen=True, slots=True)
class Normalised:
    """A text in two forms: with diacritics (`accented`) and without (`plain`)."""

    accented: str
    plain: str

    @property
    def empty(self) -> bool:
        return not self.plain


def normalise(text: str) -> Normalised:
    """Normalise `text`: NFC, case-folded, words only, and its diacritic-free twin."""
    accented = " ".join(tokens(text))
    return Normalised(accented=accented, plain=strip_diacritics(accented))


@dataclass(frozen=True, slots=True)
class Term:
    """One word of a text after the lexicon: both forms, and whether it is mere filler.

    `filler` is True for words that say nothing about which procedure is meant; a word typed
    without diacritics that could be a filler or a real word ("ban": bạn or bản) is `ambiguous`.
    """

    accented: str
    plain: str
    marked: bool
    filler: bool = False
    ambiguous: bool = False
    share: float = 1.0


def _expand(words: list[str], plain: list[str], lexicon: Lexicon) -> list[tuple[str, float]]:
    """Replace synonyms, and abbreviations typed without diacritics, by their meaning; longest first.

    `plain` holds the words without diacritics. Each word comes with its share of what the citizen
    typed: "cccd" is one word typed, so each of "căn cước công dân" is a quarter of a word.
    """
    starts = lexicon.starts
    if starts.isdisjoint(plain) and starts.isdisjoint(words):
        return [(word, 1.0) for word in words]
    out: list[tuple[str, float]] = []
    i, count = 0, len(words)
    while i < count:
        word = words[i]
        if plain[i] not in starts and word not in starts:
            out.append((word, 1.0))  # no abbreviation or synonym begins with this word
            i += 1
            continue
        for size in range(min(lexicon.longest, count - i), 0, -1):
            key = tuple(plain[i : i + size])
            typed = tuple(words[i : i + size])
            typed_plain = all(p == w.replace("đ", "d") for p, w in zip(key, typed, strict=True))
            meaning = lexicon.synonyms.get(typed) or (lexicon.synonyms.get(key) if typed_plain else None)
            if meaning is None and typed_plain:
                meaning = lexicon.expansions.get(key)
            if meaning is not None:
                share = min(size / len(meaning), 1.0) if meaning else 1.0
                out.extend((word, share) for word in meaning)
                i += size
                break
        else:
            out.append((word, 1.0))
            i += 1
    return out


ACCENTED_SHARE = 0.3

# A Vietnamese syllable without its marks: initial consonant, vowels, final consonant.
_SYLLABLE = re.compile(r"^(ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdghklmnpqrstvx])?[aeiouy]{1,3}(ch|nh|ng|[cmnpt])?$")
_is_syllable = lru_cache(maxsize=1 << 15)(lambda word: _SYLLABLE.match(word) is not None)
_TELEX_MARKS = (("dd", "d"), ("aa", "a"), ("aw", "a"), ("ee", "e"), ("oo", "o"), ("ow", "o"), ("uw", "u"))
_TELEX_TONE_KEYS = "sfrxj"


@lru_cache(maxsize=1 << 15)
def untelex(word: str) -> str | None:
    """The unmarked syllable a word typed as Telex keys with the keyboard left in English mode
    stands for ("ddawngf" is "dang", "chieeus" "chieu"), or None when it is not such a word.

    Only words that cannot be a Vietnamese syllable as typed and become one are read this way:
    "hoi" stays as it is, "ks" (khai sinh) has no vowel, and "wa" (teencode for "qua") is left alone.
    """
    if not word.isascii() or not word.isalpha() or len(word) < 3:
        return None
    toneless = word[:-1] if word[-1] in _TELEX_TONE_KEYS else word
    plain = toneless
    for keys, letter in _TELEX_MARKS:
        plain = plain.replace(keys, letter)
    if plain[1:].count("w") == 1 and not plain.startswith("w"):
        plain = plain.replace("w", "u")  # "tw" is "tư"
    if plain == toneless and word[-1] == "s" and len(word) < 4:
        return None  # a short word ending in "s" is more often an acronym ("eps") than the sắc key
    if plain == word or _is_syllable(word) or not _is_syllable(plain):
        return None
    return plain


def typed_with_accents(words: list[str]) -> bool:
    """Whether the writer uses diacritics: then an unmarked word is meant unmarked ("vay", "thi")."""
    return _with_accents(words, list(map(_plain_word, words)))


def _with_accents(words: list[str], plain: list[str]) -> bool:
    # A number has no diacritics to leave out: it counts neither way.
    letters = len(words) - sum(map(str.isdigit, words))
    marked = sum(map(str.__ne__, words, plain))
    return letters > 0 and marked >= ACCENTED_SHARE * letters


# Telex keys are read only in a message that is then mostly Vietnamese syllables.
TELEX_SYLLABLE_SHARE = 0.7


def _read_telex(words: list[str], lexicon: Lexicon) -> list[str]:
    """`words` with leftover Telex keys read ("hooj chieeus": "ho chieu"), unless the message is
    English: "how", "is", "for" cannot be Vietnamese, and in "car insurance" or "tax refund" too
    few words are Vietnamese syllables (or the lexicon's abbreviations and fillers) for "car" to be "cả"."""
    read = list(map(untelex, words))
    if not any(read) or any(word in lexicon.english and not _is_syllable(word) for word in words):
        return words
    syllables = sum(
        bool(plain or word in lexicon.starts or word in lexicon.filler_plain or _is_syllable(_plain_word(word)))
        for word, plain in zip(words, read, strict=True)
    )
    if syllables < TELEX_SYLLABLE_SHARE * len(words):
        return words
    return [plain or word for word, plain in zip(words, read, strict=True)]


def analyse(text: str, lexicon: Lexicon) -> list[Term]:
    """Words of `text` with abbreviations expanded and fillers marked.

    Accents are evidence kept apart: in a text typed with diacritics only the exact filler
    counts ("cần" yes, "căn" no, "vay" is "to borrow", not "vậy"); in a text typed without any,
    a word that may be a filler or a real word ("ban": bạn or bản) is `ambiguous`.
    """
    typed = _read_telex(tokens(text), lexicon)
    plain = list(map(_plain_word, typed))
    accented = _with_accents(typed, plain)
    expanded = _expand(typed, plain, lexicon)
    words = [word for word, _ in expanded]
    fillers = lexicon.filler_accented if accented else lexicon.filler_plain
    pair_starts = lexicon.filler_starts
    phrases = lexicon.filler_phrases
    plain_phrases = frozenset() if accented else lexicon.filler_phrases_plain
    terms: list[Term] = []
    i, count = 0, len(words)
    while i < count:
        word = words[i]
        if word in pair_starts and i + 1 < count:
            pair = (word, words[i + 1])
            if pair in phrases or pair in plain_phrases:
                terms += [_term(word, True), _term(pair[1], True)]
                i += 2
                continue
        term = _term(word, False, False, expanded[i][1])
        if accented and term.accented in fillers:
            term = _term(term.accented, True)
        elif not accented and term.plain in fillers:
            term = _term(term.accented, False, True, term.share)
        terms.append(term)
        i += 1
    return terms


@lru_cache(maxsize=1 << 15)
def _term(word: str, filler: bool = False, ambiguous: bool = False, share: float = 1.0) -> Term:
    plain = _plain_word(word)
    return Term(accented=word, plain=plain, marked=plain != word, filler=filler, ambiguous=ambiguous, share=share)


def report_text(text: str, limit: int = 200) -> str:
    """A question as staff see it in reports: normalised, without any word that contains a digit.

    Digits carry the personal data people type (phone, ID and dossier numbers, dates of birth).
    """
    words = [word for word in tokens(text) if not any(ch.isdigit() for ch in word)]
    return " ".join(words)[:limit]
