"""Dossier status lookup: a code in any message, or «Tra cứu hồ sơ» then the code."""

from __future__ import annotations

import datetime as dt

from handlers import answers, recovery, registry, texts
from handlers import texts_dossier as tx
from handlers.context import Deps
from handlers.identifiers import find_dossier_code, is_dossier_code
from handlers.state import State
from handlers.types import Button, Incoming, Reply
from knowledge.catalogue import Catalogue
from storage import DossierRecord

FLOW = "lookup"
PREFIX = "l"
LOOKUP_WINDOW = dt.timedelta(hours=1)
COUNTED = ("found", "unknown")


def claims(text: str) -> bool:
    """A message with a dossier code in it is a lookup, whatever else is going on."""
    return find_dossier_code(text) is not None


def _recover_button() -> Button:
    return Button(texts.BTN_RECOVER, f"a:{answers.RECOVER_ID}")


def card(record: DossierRecord, catalogue: Catalogue, back_to_list: bool = False) -> Reply:
    """The status in plain Vietnamese, the next action and where to do it."""
    proc = registry.procedure(catalogue, record.procedure_id)
    if proc is not None:
        where = tx.WHERE_PROCEDURE.format(portal=proc.portal.name, url=proc.portal.url, agency=proc.agency)
    else:
        where = tx.WHERE_GENERIC
    text = tx.LOOKUP_CARD.format(
        code=record.code,
        procedure=proc.title if proc else tx.PROCEDURE_UNKNOWN.format(id=record.procedure_id),
        submitted=registry.local_date(record.submitted_at),
        label=tx.STATUS_LABELS[record.status],
        updated=registry.local_date(record.updated_at),
        meaning=tx.STATUS_MEANING[record.status],
        next=tx.STATUS_NEXT[record.status],
        where=where,
    )
    buttons = [Button(tx.BTN_LOOKUP_ANOTHER, f"{PREFIX}:ask"), Button(texts.BTN_MENU, "menu")]
    if back_to_list:
        buttons.insert(0, Button(tx.BTN_SHOW_LIST, f"{recovery.PREFIX}:list"))
    return Reply(text, tuple(buttons))


async def start(incoming: Incoming, state: State, deps: Deps) -> tuple[list[Reply], State]:
    """Ask for the code."""
    del incoming
    deps.outcome.answer_id = answers.LOOKUP_ID
    buttons = (_recover_button(), Button(texts.BTN_MENU, "menu"))
    return [Reply(tx.LOOKUP_ASK, buttons)], State(flow=FLOW, step="code", data=state.reset().data, menu=state.menu)


async def show(code: str, incoming: Incoming, state: State, deps: Deps) -> tuple[list[Reply], State]:
    """Look one code up, within the per-chat hourly limit; every lookup is audited."""
    deps.outcome.answer_id = answers.LOOKUP_ID
    audit, since = deps.unit.audit, deps.now - LOOKUP_WINDOW
    chat = {"channel": incoming.channel, "chat_id": incoming.chat_id}
    if await audit.count("lookup", since, results=COUNTED, **chat) >= deps.services.lookups_per_hour:
        await audit.record(deps.now, incoming.channel, "lookup", "limited", chat_id=incoming.chat_id)
        return [answers.menu_reply(tx.LOOKUP_LIMITED)], state.reset()
    record = await registry.find(code, deps)
    await audit.record(deps.now, incoming.channel, "lookup", "found" if record else "unknown", chat_id=incoming.chat_id)
    if record is None:
        buttons = (_recover_button(), Button(tx.BTN_LOOKUP_ANOTHER, f"{PREFIX}:ask"), Button(texts.BTN_MENU, "menu"))
        return [Reply(tx.LOOKUP_UNKNOWN.format(code=code), buttons)], state.reset()
    back = recovery.verified(state, deps.now) is not None
    return [card(record, deps.knowledge.catalogue, back)], state.reset()


async def on_text(incoming: Incoming, state: State, deps: Deps) -> tuple[list[Reply], State]:
    """A message while waiting for a code, or any message that contains one."""
    code = find_dossier_code(incoming.text)
    if code is None:
        buttons = (_recover_button(), Button(texts.BTN_MENU, "menu"))
        # Leave the flow: codes are recognised in any message, so the next question goes to matching.
        return [Reply(tx.LOOKUP_BAD_FORMAT, buttons)], state.reset()
    return await show(code, incoming, state, deps)


async def on_payload(incoming: Incoming, state: State, deps: Deps) -> tuple[list[Reply], State]:
    """`l:ask` asks for a code; `l:<code>` (from the recovered list) shows that dossier."""
    arg = (incoming.payload or "").removeprefix(f"{PREFIX}:")
    if arg == "ask":
        return await start(incoming, state, deps)
    if is_dossier_code(arg):
        return await show(arg, incoming, state, deps)
    return [answers.menu_reply(texts.STALE_BUTTON)], state.reset()
