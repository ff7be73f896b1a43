"""One-time codes by SMS: issue within send limits, check in constant time, consume exactly once."""

from __future__ import annotations

import datetime as dt
import hmac
import secrets
import uuid
from enum import StrEnum
from functools import partial

from handlers.context import Deps
from handlers.identifiers import keyed_hash
from handlers.types import Incoming

PURPOSE = "dossier-recovery"
CODE_DIGITS = 6
CODE_TTL = dt.timedelta(minutes=5)
MAX_TRIES = 5
FAILURE_WINDOW = dt.timedelta(hours=1)
PHONE_FAILURE_LIMIT = 10
# Checks against a real code; counted per phone across codes, so a new code does not reset them.
FAILURES = ("wrong", "expired")
PHONE_SENDS = ((dt.timedelta(minutes=1), 1), (dt.timedelta(hours=1), 3), (dt.timedelta(days=1), 5))
CHAT_SENDS = ((dt.timedelta(minutes=1), 1), (dt.timedelta(hours=1), 5), (dt.timedelta(days=1), 10))
DAY = dt.timedelta(days=1)


class Sent(StrEnum):
    SENT = "sent"
    LIMITED = "limited"
    PHONE_LOCKED = "phone_locked"
    UNAVAILABLE = "unavailable"


class Checked(StrEnum):
    OK = "ok"
    WRONG = "wrong"
    LOCKED = "locked"
    PHONE_LOCKED = "phone_locked"


def new_code() -> str:
    """Six digits from the OS's CSPRNG (about 20 bits)."""
    return f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"


def code_hash(key: bytes, incoming: Incoming, phone_hash: str, code: str) -> str:
    """The stored form of a code, bound to the chat, the user and the phone it was sent for."""
    return keyed_hash(key, "otp", incoming.channel, incoming.chat_id, incoming.user_id, phone_hash, code)


async def _audit(deps: Deps, incoming: Incoming, action: str, result: str, phone_hash: str | None) -> None:
    await deps.unit.audit.record(
        deps.now, incoming.channel, action, result, chat_id=incoming.chat_id, phone_hash=phone_hash
    )


async def phone_locked(phone_hash: str, deps: Deps) -> bool:
    """Too many failed checks for this phone in the last hour, whichever codes they were against."""
    since = deps.now - FAILURE_WINDOW
    failures = await deps.unit.audit.count("verify", since, results=FAILURES, phone_hash=phone_hash)
    return failures >= PHONE_FAILURE_LIMIT


async def _over_limit(phone_hash: str, incoming: Incoming, deps: Deps) -> bool:
    codes, now = deps.unit.codes, deps.now
    for window, limit in PHONE_SENDS:
        if await codes.sent_since(now - window, phone_hash=phone_hash) >= limit:
            return True
    for window, limit in CHAT_SENDS:
        if await codes.sent_since(now - window, channel=incoming.channel, chat_id=incoming.chat_id) >= limit:
            return True
    return False


async def send_code(e164: str, phone_hash: str, incoming: Incoming, deps: Deps) -> Sent:
    """Issue and send a code unless a limit says no; the same work whether or not the phone has dossiers."""
    sms = deps.services.sms
    if sms is None:
        await _audit(deps, incoming, "send", "unavailable", phone_hash)
        return Sent.UNAVAILABLE
    if await phone_locked(phone_hash, deps):
        await _audit(deps, incoming, "send", "phone_locked", phone_hash)
        return Sent.PHONE_LOCKED
    if await _over_limit(phone_hash, incoming, deps):
        await _audit(deps, incoming, "send", "limited", phone_hash)
        return Sent.LIMITED
    if await deps.unit.codes.sent_since(deps.now - DAY) >= deps.services.sms_daily_budget:
        await _audit(deps, incoming, "send", "budget", phone_hash)
        return Sent.UNAVAILABLE
    code, request_id = new_code(), uuid.uuid4().hex
    await deps.unit.codes.issue(
        channel=incoming.channel,
        chat_id=incoming.chat_id,
        user_id=incoming.user_id,
        phone_hash=phone_hash,
        purpose=PURPOSE,
        code_hash=code_hash(deps.services.hash_key, incoming, phone_hash, code),
        request_id=request_id,
        now=deps.now,
        ttl=CODE_TTL,
    )
    # Only once the code is stored: a transaction that fails (the database went away) sends nothing,
    # so a retry of the same message cannot text the citizen a second, never-stored code.
    deps.unit.after_commit(partial(sms.send, e164, code, request_id))
    await _audit(deps, incoming, "send", "sent", phone_hash)
    return Sent.SENT


async def check_code(typed: str, phone_hash: str, incoming: Incoming, deps: Deps) -> Checked:
    """Check a typed code against this chat's live code; every outcome is audited."""
    if await phone_locked(phone_hash, deps):
        await _audit(deps, incoming, "verify", "phone_locked", phone_hash)
        return Checked.PHONE_LOCKED
    live = await deps.unit.codes.live(incoming.channel, incoming.chat_id, incoming.user_id, PURPOSE)
    typed_hash = code_hash(deps.services.hash_key, incoming, phone_hash, typed)
    if live is None or not hmac.compare_digest(live.phone_hash, phone_hash):
        await _audit(deps, incoming, "verify", "no_code", phone_hash)
        return Checked.WRONG
    if live.attempts >= MAX_TRIES:
        await _audit(deps, incoming, "verify", "locked", phone_hash)
        return Checked.LOCKED
    if live.expires_at <= deps.now:
        await _audit(deps, incoming, "verify", "expired", phone_hash)
        return Checked.WRONG
    if not hmac.compare_digest(typed_hash, live.code_hash):
        attempts = await deps.unit.codes.fail(live.id)
        await _audit(deps, incoming, "verify", "wrong", phone_hash)
        return Checked.LOCKED if attempts >= MAX_TRIES else Checked.WRONG
    if not await deps.unit.codes.consume(live.id, deps.now, MAX_TRIES):
        await _audit(deps, incoming, "verify", "used", phone_hash)
        return Checked.WRONG
    await _audit(deps, incoming, "verify", "ok", phone_hash)
    return Checked.OK
