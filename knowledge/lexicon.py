"""The lexicon of abbreviations, colloquial words and fillers (data in `lexicon.yaml`)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from knowledge.normalise import strip_diacritics, tokens
from knowledge.yamlsource import CatalogueError, Problem, load_yaml_model

DEFAULT_LEXICON = Path(__file__).with_name("lexicon.yaml")


class LexiconFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    abbreviations: dict[str, str] = Field(default_factory=dict)
    synonyms: dict[str, str] = Field(default_factory=dict)
    fillers: list[str] = Field(default_factory=list)
    stopwords_en: list[str] = Field(default_factory=list)
    out_of_scope: list[str] = Field(default_factory=list)
    out_of_scope_examples: list[str] = Field(default_factory=list)
    thanks: list[str] = Field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Lexicon:
    """Expansions keyed by tuples of plain tokens; fillers as accented and plain word sets."""

    expansions: dict[tuple[str, ...], tuple[str, ...]]
    synonyms: dict[tuple[str, ...], tuple[str, ...]]
    longest: int
    filler_accented: frozenset[str]
    filler_plain: frozenset[str]
    filler_phrases: frozenset[tuple[str, ...]]
    filler_phrases_plain: frozenset[tuple[str, ...]]
    # First words of the two-word filler phrases, accented or not: where `analyse` looks for one.
    filler_starts: frozenset[str] = frozenset()
    out_of_scope: tuple[str, ...] = ()
    out_of_scope_examples: tuple[str, ...] = ()
    starts: frozenset[str] = frozenset()
    thanks: frozenset[tuple[str, ...]] = frozenset()
    english: frozenset[str] = frozenset()

    def only_thanks(self, text: str) -> bool:
        """A message that only thanks the bot ("cảm ơn ad nhiều", "thank you"): nothing else to answer."""
        words = [strip_diacritics(w) for w in tokens(text)]
        thanked = False
        while words:
            phrase = max((p for p in self.thanks if tuple(words[: len(p)]) == p), key=len, default=None)
            if phrase:
                thanked, words = True, words[len(phrase) :]
            elif words[0] in self.filler_plain:
                words = words[1:]
            else:
                return False
        return thanked

    @classmethod
    def from_file(cls, data: LexiconFile) -> Lexicon:
        expansions: dict[tuple[str, ...], tuple[str, ...]] = {}
        for key, value in data.abbreviations.items():
            key_tokens = tuple(strip_diacritics(t) for t in tokens(key))
            if key_tokens:
                expansions[key_tokens] = tuple(tokens(value))
        synonyms: dict[tuple[str, ...], tuple[str, ...]] = {}
        for key, value in data.synonyms.items():
            words, meaning = tuple(tokens(key)), tuple(tokens(value))
            synonyms[words] = meaning
            synonyms.setdefault(tuple(strip_diacritics(w) for w in words), meaning)
        single: set[str] = set()
        phrases: set[tuple[str, ...]] = set()
        for filler in [*data.fillers, *data.stopwords_en]:
            words = tuple(tokens(filler))
            if len(words) == 1:
                single.add(words[0])
            elif words:
                phrases.add(words)
        return cls(
            expansions=expansions,
            synonyms=synonyms,
            longest=max((len(k) for k in [*expansions, *synonyms]), default=1),
            filler_accented=frozenset(single),
            filler_plain=frozenset(strip_diacritics(w) for w in single),
            filler_phrases=frozenset(phrases),
            filler_phrases_plain=frozenset(tuple(strip_diacritics(w) for w in p) for p in phrases),
            filler_starts=frozenset(w for p in phrases if len(p) == 2 for w in (p[0], strip_diacritics(p[0]))),
            out_of_scope=tuple(data.out_of_scope),
            out_of_scope_examples=tuple(data.out_of_scope_examples),
            starts=frozenset(key[0] for key in [*expansions, *synonyms] if key),
            thanks=frozenset(t for t in (tuple(strip_diacritics(w) for w in tokens(x)) for x in data.thanks) if t),
            english=frozenset(w for x in data.stopwords_en for w in tokens(x)),
        )


def load_lexicon(path: Path = DEFAULT_LEXICON) -> Lexicon:
    """Load the lexicon; raises `CatalogueError` with line numbers when it is invalid."""
    return Lexicon.from_file(load_yaml_model(path, LexiconFile))


__all__ = ["DEFAULT_LEXICON", "CatalogueError", "Lexicon", "Problem", "load_lexicon"]
