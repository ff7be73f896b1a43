"""«Quên mã hồ sơ»: consent, then prove the phone (own contact or SMS code), then list its dossiers."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from handlers import answers, registry, texts
from handlers import texts_dossier as tx
from handlers.context import Deps
from handlers.identifiers import clean, mask_phone, normalise_mobile, normalise_phone, phone_hash
from handlers.state import State
from handlers.types import Ask, Button, Capability, Incoming, Reply
from handlers.verification import Checked, Sent, check_code, send_code

FLOW = "recover"
PREFIX = "r"
VERIFIED_TTL = dt.timedelta(minutes=10)
LIST_MAX, LIST_BUTTONS = 20, 5
_CODE_INPUT = re.compile(r"\d{6}")
_CODE_SEPARATORS = re.compile(r"[\s.\-]")

Step = tuple[list[Reply], State]


def verified(state: State, now: dt.datetime) -> dict[str, Any] | None:
    """The server-side proof of phone ownership, while it is younger than 10 minutes."""
    proof = state.data.get("verified")
    if not isinstance(proof, dict) or dt.datetime.fromisoformat(str(proof.get("until"))) <= now:
        return None
    return proof


def _cancel_buttons() -> tuple[Button, ...]:
    return (Button(texts.BTN_STAFF, f"a:{answers.STAFF_ID}"), Button(tx.BTN_CANCEL, "menu"))


def _code_buttons() -> tuple[Button, ...]:
    return (Button(tx.BTN_NEW_CODE, f"{PREFIX}:new"), *_cancel_buttons())


def _ask_phone(incoming: Incoming, text: str = tx.ASK_PHONE) -> Reply:
    """Offer the platform's share-contact button where there is one; typing always works."""
    if Capability.SHARE_CONTACT in incoming.capabilities:
        return Reply(tx.ASK_PHONE_OR_SHARE, _cancel_buttons(), ask=Ask.PHONE)
    return Reply(text, _cancel_buttons())


async def start(incoming: Incoming, state: State, deps: Deps) -> Step:
    """Explain what happens and ask for consent; nothing is stored before «Đồng ý»."""
    del incoming
    deps.outcome.answer_id = answers.RECOVER_ID
    data = {k: v for k, v in state.reset().data.items() if k != "verified"}
    buttons = (Button(tx.BTN_AGREE, f"{PREFIX}:agree"), Button(tx.BTN_DECLINE, "menu"))
    return [Reply(tx.RECOVER_EXPLAIN, buttons)], State(flow=FLOW, step="consent", data=data, menu=state.menu)


async def _agree(incoming: Incoming, state: State, deps: Deps) -> Step:
    """Record consent (time, channel, text version), then ask for the phone."""
    await deps.unit.consents.record(
        incoming.channel, incoming.user_id, deps.now, tx.CONSENT_VERSION, tx.CONSENT_PURPOSE
    )
    await deps.unit.audit.record(deps.now, incoming.channel, "consent", "given", chat_id=incoming.chat_id)
    state.step, state.data["recover"] = "phone", {"consent": tx.CONSENT_VERSION}
    return [_ask_phone(incoming)], state


async def _list(proof: dict[str, Any], deps: Deps) -> Reply:
    """The verified phone's dossiers: code, procedure, date and status only, the phone masked."""
    found = await deps.unit.dossiers.by_phone_hash(str(proof["phone_hash"]), limit=LIST_MAX + 1)
    masked = str(proof["masked"])
    if not found:
        return answers.menu_reply(tx.LIST_EMPTY.format(masked=masked))
    lines = [tx.LIST_HEADER.format(masked=masked)]
    catalogue = deps.knowledge.catalogue
    for n, dossier in enumerate(found[:LIST_MAX], start=1):
        record = dossier.record
        proc = registry.procedure(catalogue, record.procedure_id)
        lines.append(
            tx.LIST_LINE.format(
                n=n,
                code=record.code,
                procedure=proc.title if proc else tx.PROCEDURE_UNKNOWN.format(id=record.procedure_id),
                date=registry.local_date(record.submitted_at),
                status=tx.STATUS_LABELS.get(record.status, record.status),
            )
        )
    if len(found) > LIST_MAX:
        lines.append(tx.LIST_MORE.format(count=len(found) - LIST_MAX))
    lines.append(tx.LIST_FOOTER)
    shown = [d.record.code for d in found[:LIST_BUTTONS]]
    buttons = tuple(Button(tx.BTN_SHOW_DOSSIER.format(code=code), f"l:{code}") for code in shown)
    return Reply("\n".join(lines), (*buttons, Button(texts.BTN_MENU, "menu")))


async def _verified(hashed: str, masked: str, incoming: Incoming, state: State, deps: Deps) -> Step:
    """Open the 10-minute verified session (in the same transaction as the code's use) and list."""
    proof = {"phone_hash": hashed, "masked": masked, "until": (deps.now + VERIFIED_TTL).isoformat()}
    state = state.reset()
    state.data.pop("recover", None)
    state.data["verified"] = proof
    await deps.unit.audit.record(
        deps.now, incoming.channel, "list", "shown", chat_id=incoming.chat_id, phone_hash=hashed
    )
    return [await _list(proof, deps)], state


async def _phone(incoming: Incoming, state: State, deps: Deps) -> Step:
    """A typed phone: send a code; the reply is the same whether or not the phone has dossiers."""
    e164 = normalise_mobile(incoming.text)
    if e164 is None:
        await deps.unit.audit.record(deps.now, incoming.channel, "send", "bad_phone", chat_id=incoming.chat_id)
        return [Reply(tx.PHONE_INVALID, _cancel_buttons())], state
    hashed, masked = phone_hash(deps.services.hash_key, e164), mask_phone(e164)
    outcome = await send_code(e164, hashed, incoming, deps)
    if outcome is Sent.SENT:
        await registry.sync_phone(e164, deps)
        state.step, state.data["recover"] = (
            "code",
            {"consent": tx.CONSENT_VERSION, "phone_hash": hashed, "masked": masked},
        )
        return [Reply(tx.CODE_SENT.format(masked=masked), _code_buttons())], state
    if outcome is Sent.LIMITED:
        return [Reply(tx.SEND_LIMITED, _cancel_buttons())], state
    if outcome is Sent.PHONE_LOCKED:
        return [answers.menu_reply(tx.PHONE_LOCKED)], state.reset()
    return [answers.menu_reply(tx.SMS_UNAVAILABLE)], state.reset()


async def _code(incoming: Incoming, state: State, deps: Deps) -> Step:
    """A typed code: check it; expired and wrong codes get the same words."""
    pending = state.data.get("recover") or {}
    typed = _CODE_SEPARATORS.sub("", clean(incoming.text))
    hashed = str(pending.get("phone_hash", ""))
    if not _CODE_INPUT.fullmatch(typed):
        # Audited, but not a failure: "12345" is a typo, not a guess.
        await deps.unit.audit.record(
            deps.now, incoming.channel, "verify", "malformed", chat_id=incoming.chat_id, phone_hash=hashed
        )
        return [Reply(tx.CODE_FORMAT, _code_buttons())], state
    result = await check_code(typed, hashed, incoming, deps)
    if result is Checked.OK:
        return await _verified(hashed, str(pending.get("masked", "")), incoming, state, deps)
    if result is Checked.PHONE_LOCKED:
        return [answers.menu_reply(tx.PHONE_LOCKED)], state.reset()
    text = tx.CODE_LOCKED if result is Checked.LOCKED else tx.CODE_WRONG
    return [Reply(text, _code_buttons())], state


def _off_topic(text: str, waiting: str, buttons: tuple[Button, ...], deps: Deps) -> Reply | None:
    """Words with no digits that name another answer: offer to go there instead of insisting."""
    if any(char.isdigit() for char in clean(text)):
        return None
    result = deps.knowledge.match(text)
    if result.decision != "match" or result.best is None:
        return None
    other = Button(deps.knowledge.catalogue.title(result.best.id), f"a:{result.best.id}")
    return Reply(tx.OFF_TOPIC.format(waiting=waiting), (other, *buttons))


async def on_text(incoming: Incoming, state: State, deps: Deps) -> Step:
    """Typed input, by step: nothing is accepted before consent."""
    waiting = {"phone": (tx.WAITING_PHONE, _cancel_buttons()), "code": (tx.WAITING_CODE, _code_buttons())}
    if state.step in waiting and (offer := _off_topic(incoming.text, *waiting[state.step], deps)):
        return [offer], state
    if state.step == "phone":
        return await _phone(incoming, state, deps)
    if state.step == "code":
        return await _code(incoming, state, deps)
    buttons = (Button(tx.BTN_AGREE, f"{PREFIX}:agree"), Button(tx.BTN_DECLINE, "menu"))
    return [Reply(tx.CONSENT_FIRST, buttons)], State(flow=FLOW, step="consent", data=state.data, menu=state.menu)


async def on_contact(incoming: Incoming, state: State, deps: Deps) -> Step:
    """A shared contact proves the phone only if it is the sender's own, in a private chat, not forwarded."""
    if state.flow != FLOW or state.step not in ("phone", "code"):
        return await on_text(incoming, state, deps)
    contact = incoming.contact
    own = (
        contact is not None
        and contact.user_id is not None
        and contact.user_id == incoming.user_id
        and incoming.private_chat
        and not contact.forwarded
    )
    e164 = normalise_phone(contact.phone) if own and contact is not None else None
    if e164 is None:
        await deps.unit.audit.record(deps.now, incoming.channel, "contact", "refused", chat_id=incoming.chat_id)
        reply = _ask_phone(incoming)
        return [Reply(tx.CONTACT_REFUSED, reply.buttons, reply.ask)], state
    hashed = phone_hash(deps.services.hash_key, e164)
    await deps.unit.audit.record(
        deps.now, incoming.channel, "contact", "ok", chat_id=incoming.chat_id, phone_hash=hashed
    )
    await registry.sync_phone(e164, deps)
    return await _verified(hashed, mask_phone(e164), incoming, state, deps)


async def on_payload(incoming: Incoming, state: State, deps: Deps) -> Step:
    """`r:agree` (consent), `r:new` (another code), `r:list` (the list again while verified)."""
    action = (incoming.payload or "").removeprefix(f"{PREFIX}:")
    deps.outcome.answer_id = answers.RECOVER_ID
    if action == "list":
        proof = verified(state, deps.now)
        if proof is None:
            state.data.pop("verified", None)
            return [answers.menu_reply(tx.VERIFIED_EXPIRED)], state.reset()
        return [await _list(proof, deps)], state.reset()
    if state.flow == FLOW and action == "agree" and state.step == "consent":
        return await _agree(incoming, state, deps)
    if state.flow == FLOW and action == "new" and state.step in ("phone", "code"):
        state.step, state.data["recover"] = "phone", {"consent": tx.CONSENT_VERSION}
        return [_ask_phone(incoming, tx.ASK_PHONE_AGAIN)], state
    return [answers.menu_reply(texts.STALE_BUTTON)], state.reset()
