"""One normalisation of Vietnamese text, shared by the catalogue index and citizens' questions."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_COMBINING_TONES = re.compile(r"[\u0300-\u036f]")


def nfc(text: str) -> str:
    """Compose Unicode so NFD input from some keyboards compares equal to NFC input."""
    return unicodedata.normalize("NFC", text)


def strip_diacritics(text: str) -> str:
    """Remove tones and vowel marks; đ/Đ become d/D."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return unicodedata.normalize("NFC", _COMBINING_TONES.sub("", decomposed))


def tokens(text: str) -> list[str]:
    """Lower-case word tokens with punctuation, symbols and emoji dropped."""
    return _WORD.findall(nfc(text).lower())


@dataclass(frozen=True, slots=True)
class Normalised:
    """A text in two forms: with diacritics (`accented`) and without (`plain`)."""

    accented: str
    plain: str

    @property
    def empty(self) -> bool:
        return not self.plain


def normalise(text: str) -> Normalised:
    """Normalise `text` for matching: NFC, lower case, words only, and a diacritic-free twin."""
    words = tokens(text)
    accented = " ".join(words)
    return Normalised(accented=accented, plain=strip_diacritics(accented))
