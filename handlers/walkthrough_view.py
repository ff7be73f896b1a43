"""What the walkthrough shows: questions, the document checklist and steps, as replies."""

from __future__ import annotations

from typing import Any

from handlers import texts_walk as t
from handlers.conditions import applies
from handlers.types import Button, Reply
from knowledge.catalogue import Procedure, Step


def answers_of(walk: dict[str, Any]) -> dict[str, str]:
    return dict(walk.get("answers", {}))


def documents(proc: Procedure, walk: dict[str, Any]) -> list[int]:
    """Indices of the documents that apply to the citizen's answers."""
    chosen = answers_of(walk)
    return [n for n, doc in enumerate(proc.documents) if applies(doc.when, chosen)]


def steps(proc: Procedure, walk: dict[str, Any]) -> list[Step]:
    chosen = answers_of(walk)
    return [step for step in proc.steps if applies(step.when, chosen)]


def question(proc: Procedure, walk: dict[str, Any]) -> Reply:
    index = int(walk.get("q", 0))
    asked = proc.questions[index]
    text = t.QUESTION.format(n=index + 1, total=len(proc.questions), text=asked.text)
    choices = tuple(Button(choice.label, f"w:a:{n}") for n, choice in enumerate(asked.choices))
    return Reply(text, (*choices, Button(t.BTN_BACK, "w:back"), Button(t.BTN_PAUSE, "w:pause")))


def _doc_line(proc: Procedure, index: int, mark: str = "•") -> list[str]:
    doc = proc.documents[index]
    optional = f" {t.DOC_OPTIONAL}" if not doc.required else ""
    lines = [f"{mark} {doc.name}{optional}"]
    if doc.note:
        lines.append(f"  ↳ {doc.note}")
    return lines


def checklist(proc: Procedure, walk: dict[str, Any]) -> Reply:
    """The whole list for these answers, and the choice to tick one by one."""
    lines = [t.DOCS_LIST]
    for index in documents(proc, walk):
        lines += _doc_line(proc, index)
    lines.append(t.DOCS_ASK)
    buttons = (
        Button(t.BTN_HAVE_ALL, "w:haveall"),
        Button(t.BTN_TICK, "w:tick"),
        Button(t.BTN_BACK, "w:back"),
        Button(t.BTN_PAUSE, "w:pause"),
    )
    return Reply("\n".join(lines), buttons)


def tick(proc: Procedure, walk: dict[str, Any]) -> Reply:
    """One document: does the citizen have it?"""
    indices = documents(proc, walk)
    position = int(walk.get("d", 0))
    doc = proc.documents[indices[position]]
    optional = t.DOC_OPTIONAL if not doc.required else ""
    text = t.DOC_TICK.format(n=position + 1, total=len(indices), name=doc.name, optional=optional).replace(" \n", "\n")
    buttons = (
        Button(t.BTN_HAVE, "w:have"),
        Button(t.BTN_MISSING, "w:missing"),
        Button(t.BTN_TO_STEPS, "w:steps"),
        Button(t.BTN_BACK, "w:back"),
        Button(t.BTN_PAUSE, "w:pause"),
    )
    return Reply(text, buttons)


def missing_summary(proc: Procedure, walk: dict[str, Any]) -> Reply:
    """What is still missing and how to get it, then on to the steps."""
    have = set(walk.get("have", []))
    missing = [n for n in documents(proc, walk) if n not in have]
    if not missing:
        lines = [t.DOCS_ALL_READY]
    else:
        lines = [t.DOCS_MISSING]
        for index in missing:
            lines += _doc_line(proc, index, t.DOC_MISSING_MARK)
        lines.append(t.DOCS_MISSING_HINT)
    return Reply("\n".join(lines), (Button(t.BTN_TO_STEPS, "w:steps"), Button(t.BTN_PAUSE, "w:pause")))


def review(proc: Procedure, walk: dict[str, Any]) -> Reply:
    """The checklist with ticks, from any step."""
    have = set(walk.get("have", []))
    lines = [t.DOCS_LIST]
    for index in documents(proc, walk):
        lines += _doc_line(proc, index, t.DOC_HAVE_MARK if index in have else t.DOC_MISSING_MARK)
    return Reply("\n".join(lines), (Button(t.BTN_RESUME, "w:show"),))


def step_buttons() -> tuple[Button, ...]:
    return (
        Button(t.BTN_NEXT, "w:next"),
        Button(t.BTN_BACK, "w:back"),
        Button(t.BTN_STUCK, "w:stuck"),
        Button(t.BTN_REVIEW_DOCS, "w:docs"),
        Button(t.BTN_PAUSE, "w:pause"),
    )


def step(proc: Procedure, walk: dict[str, Any]) -> Reply:
    """One step per message: "Bước 3/7 — …", what to do, and where."""
    visible = steps(proc, walk)
    index = min(int(walk.get("i", 0)), len(visible) - 1)
    current = visible[index]
    lines = [t.STEP_HEADER.format(n=index + 1, total=len(visible), title=current.title)]
    if current.text:
        lines.append(current.text.strip())
    if current.link:
        lines.append(t.STEP_LINK.format(link=current.link))
    return Reply("\n".join(lines), step_buttons())


def where(walk: dict[str, Any]) -> str:
    """Where the citizen stopped, in words."""
    phase = walk.get("phase", "step")
    if phase == "q":
        return t.WHERE_QUESTIONS
    if phase in {"docs", "tick", "missing"}:
        return t.WHERE_DOCS
    return t.WHERE_STEP.format(n=int(walk.get("i", 0)) + 1)


def current(proc: Procedure, walk: dict[str, Any]) -> Reply:
    """The view for the phase the citizen is in."""
    phase = walk.get("phase", "step")
    if phase == "q" and proc.questions:
        return question(proc, walk)
    if phase == "docs":
        return checklist(proc, walk)
    if phase == "tick" and documents(proc, walk):
        return tick(proc, walk)
    if phase == "missing":
        return missing_summary(proc, walk)
    return step(proc, walk)
