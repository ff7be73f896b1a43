"""Render catalogue answers: procedure cards, document lists, FAQ and built-in conversations."""

from __future__ import annotations

import datetime as dt

from handlers import texts
from handlers.conditions import applies
from handlers.types import Button, Reply
from knowledge.catalogue import Catalogue, Procedure

LOOKUP_ID, RECOVER_ID, STAFF_ID = "tra-cuu-ho-so", "quen-ma-ho-so", "gap-can-bo"
# How many answers a clarifying question offers.
CLARIFY_CHOICES = 3


def main_menu() -> tuple[Button, ...]:
    return (
        Button(texts.BTN_SEARCH, "m:search"),
        Button(texts.BTN_LOOKUP, f"a:{LOOKUP_ID}"),
        Button(texts.BTN_RECOVER, f"a:{RECOVER_ID}"),
        Button(texts.BTN_STAFF, f"a:{STAFF_ID}"),
    )


def choice_buttons(ids: list[str], catalogue: Catalogue) -> tuple[Button, ...]:
    """One button per answer id, labelled with its title: what a clarifying question offers."""
    return tuple(Button(catalogue.title(i)[:60], f"a:{i}") for i in ids)


def menu_reply(text: str = texts.MENU) -> Reply:
    return Reply(text, main_menu())


def fee_line(proc: Procedure, today: dt.date) -> str:
    fee = proc.fee
    if fee.valid_until is None:
        return fee.text
    note = texts.FEE_EXPIRED if fee.valid_until < today else texts.FEE_UNTIL
    return f"{fee.text} {note.format(date=texts.format_date(fee.valid_until))}"


def card(proc: Procedure, today: dt.date, english: bool = False) -> Reply:
    """The short card for a procedure: what it is, where, fee, time, and next actions."""
    lines = [f"📄 {proc.title}"]
    if english and proc.en:
        lines += [texts.EN_NOTE, f"{proc.en.title}: {proc.en.summary}", ""]
    if proc.summary:
        lines.append(proc.summary)
    lines += [
        f"• {texts.CARD_WHERE}: {proc.portal.name} — {proc.portal.url}",
        f"• {texts.CARD_LEVEL}: {texts.LEVEL_LABELS[proc.level.value]}",
        f"• {texts.CARD_AGENCY}: {proc.agency}",
        f"• {texts.CARD_FEE}: {fee_line(proc, today)}",
        f"• {texts.CARD_TIME}: {proc.processing_time}",
    ]
    if proc.login:
        lines.append(f"• {texts.CARD_LOGIN}: {proc.login}")
    lines.append(texts.CARD_REVIEWED.format(date=texts.format_date(proc.reviewed)))
    buttons = (
        Button(texts.BTN_START_GUIDE, f"g:{proc.id}"),
        Button(texts.BTN_DOCUMENTS, f"d:{proc.id}"),
        Button(texts.BTN_OTHER, "m:search"),
        Button(texts.BTN_STAFF, f"a:{STAFF_ID}"),
    )
    return Reply("\n".join(lines), buttons)


def documents(proc: Procedure, answers: dict[str, str] | None = None) -> Reply:
    """The list of papers to prepare, filtered by the citizen's answers when known."""
    lines = [texts.DOCUMENTS_HEADER.format(title=proc.title)]
    for doc in proc.documents:
        if not applies(doc.when, answers or {}):
            continue
        optional = "" if doc.required else f" {texts.DOCUMENT_OPTIONAL}"
        lines.append(f"• {doc.name}{optional}")
        if doc.note:
            lines.append(f"  ↳ {doc.note}")
    lines.append(texts.DOCUMENTS_FOOTER)
    buttons = (Button(texts.BTN_START_GUIDE, f"g:{proc.id}"), Button(texts.BTN_MENU, "menu"))
    return Reply("\n".join(lines), buttons)


def answer(catalogue: Catalogue, answer_id: str, today: dt.date, english: bool = False) -> Reply:
    """The reply for any answer id the matcher can return."""
    if answer_id in catalogue.procedures:
        return card(catalogue.procedures[answer_id], today, english)
    if answer_id in catalogue.faqs:
        faq = catalogue.faqs[answer_id]
        return Reply(f"❓ {faq.question}\n{faq.answer.strip()}\n\n{texts.FAQ_FOOTER}", main_menu())
    info = {LOOKUP_ID: texts.LOOKUP_INFO, RECOVER_ID: texts.RECOVER_INFO, STAFF_ID: texts.STAFF_INFO}
    return Reply(info.get(answer_id, texts.MENU), main_menu())
