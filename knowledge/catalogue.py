"""The procedure catalogue: pydantic models for `procedures.yaml` and loading them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from knowledge.yamlsource import CatalogueError, load_yaml_model

Id = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=40)]
Key = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+([-_][a-z0-9]+)*$", max_length=32)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Url = Annotated[str, StringConstraints(pattern=r"^https?://\S+$")]
Condition = dict[str, str | list[str]]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Level(StrEnum):
    """How much of a procedure can be done online."""

    FULL = "toan-trinh"
    PARTIAL = "mot-phan"
    IN_PERSON = "truc-tiep"


class Portal(_Model):
    name: Text
    url: Url


class Fee(_Model):
    text: Text
    valid_until: dt.date | None = None


class Source(_Model):
    title: Text
    url: Url
    date: dt.date


class Choice(_Model):
    id: Key
    label: Text


class Question(_Model):
    id: Key
    text: Text
    choices: list[Choice] = Field(min_length=2)


class Document(_Model):
    name: Text
    required: bool = True
    note: str | None = None
    when: Condition | None = None


class Step(_Model):
    id: Id
    title: Text
    text: str = ""
    link: Url | None = None
    tip: str | None = None
    when: Condition | None = None


class English(_Model):
    title: Text
    summary: str = ""


class Procedure(_Model):
    """One administrative procedure as a citizen meets it online."""

    id: Id
    title: Text
    code: str = ""
    group: str = ""
    summary: str = ""
    aliases: list[Text] = Field(default_factory=list)
    keywords: list[Text] = Field(default_factory=list)
    examples: list[Text] = Field(default_factory=list)
    agency: Text
    level: Level
    portal: Portal
    login: str = ""
    fee: Fee
    processing_time: Text
    result: str = ""
    questions: list[Question] = Field(default_factory=list)
    documents: list[Document] = Field(min_length=1)
    steps: list[Step] = Field(min_length=1)
    sources: list[Source] = Field(min_length=1)
    reviewed: dt.date
    en: English | None = None


class Faq(_Model):
    """A frequently asked question with a fixed answer."""

    id: Id
    question: Text
    aliases: list[Text] = Field(default_factory=list)
    examples: list[Text] = Field(default_factory=list)
    answer: Text
    sources: list[Source] = Field(min_length=1)
    reviewed: dt.date
    en: English | None = None


class Conversation(_Model):
    """A built-in conversation (status lookup, recovery, hand-off) the matcher can choose."""

    id: Id
    title: Text
    aliases: list[Text] = Field(default_factory=list)
    examples: list[Text] = Field(default_factory=list)
    en: English | None = None


class CatalogueFile(_Model):
    """The whole `procedures.yaml` document."""

    version: int = 1
    procedures: list[Procedure] = Field(min_length=1)
    faq: list[Faq] = Field(default_factory=list)
    conversations: list[Conversation] = Field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Catalogue:
    """The loaded catalogue with lookups by id."""

    procedures: dict[str, Procedure]
    faqs: dict[str, Faq]
    conversations: dict[str, Conversation]
    path: Path | None = None

    @classmethod
    def from_file(cls, data: CatalogueFile, path: Path | None = None) -> Catalogue:
        return cls(
            procedures={p.id: p for p in data.procedures},
            faqs={f.id: f for f in data.faq},
            conversations={c.id: c for c in data.conversations},
            path=path,
        )

    def ids(self) -> Iterator[str]:
        yield from self.procedures
        yield from self.faqs
        yield from self.conversations

    def title(self, answer_id: str) -> str:
        """The Vietnamese title of any answer id (procedure, FAQ or conversation)."""
        if answer_id in self.procedures:
            return self.procedures[answer_id].title
        if answer_id in self.faqs:
            return self.faqs[answer_id].question
        return self.conversations[answer_id].title


def _check_unique_ids(data: CatalogueFile, _root: object) -> list[tuple[tuple[str | int, ...], str]]:
    """Ids must be unique across procedures, FAQ and conversations; step ids within a procedure."""
    problems: list[tuple[tuple[str | int, ...], str]] = []
    seen: set[str] = set()
    sections: list[tuple[str, list[str]]] = [
        ("procedures", [p.id for p in data.procedures]),
        ("faq", [f.id for f in data.faq]),
        ("conversations", [c.id for c in data.conversations]),
    ]
    for section, ids in sections:
        for index, item_id in enumerate(ids):
            if item_id in seen:
                problems.append(((section, index, "id"), f"mã '{item_id}' bị trùng (duplicate id)"))
            seen.add(item_id)
    return problems


def load_catalogue(path: Path | str) -> Catalogue:
    """Load and validate a catalogue file; raise `CatalogueError` listing every problem."""
    path = Path(path)
    data = load_yaml_model(path, CatalogueFile, extra_checks=_check_unique_ids)
    return Catalogue.from_file(data, path)


__all__ = ["Catalogue", "CatalogueError", "Conversation", "Faq", "Procedure", "load_catalogue"]
