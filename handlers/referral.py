"""Referral payloads (`/start v_<CODE>_<procedure>`), account-link payloads and typed short codes."""

from __future__ import annotations

import hashlib
import re
import secrets
import unicodedata
from dataclasses import dataclass

MAX_PAYLOAD = 64  # Telegram's limit for a /start parameter, characters of [A-Za-z0-9_-]
VOLUNTEER_PREFIX = "v_"
LINK_PREFIX = "vl_"
SHORT_PREFIX = "TN"
# No 0/O, 1/I/L: short codes are read off paper and typed on a phone.
SHORT_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
SHORT_LENGTH = 4

VOLUNTEER_CODE = re.compile(r"[A-Z0-9]{2,16}")
PROCEDURE_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_PAYLOAD = re.compile(rf"{VOLUNTEER_PREFIX}({VOLUNTEER_CODE.pattern})(?:_({PROCEDURE_ID.pattern}))?")
_LINK = re.compile(rf"{LINK_PREFIX}([A-Za-z0-9_-]{{32,60}})")
_SHORT = re.compile(rf"\s*{SHORT_PREFIX}[\s._-]*([{SHORT_ALPHABET}]{{{SHORT_LENGTH}}})\s*[.!]?\s*", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Referral:
    """Who sent the citizen, and optionally for which procedure."""

    volunteer: str
    procedure: str | None = None


def encode(referral: Referral) -> str:
    """The /start payload for a referral; ValueError if it cannot be one."""
    if not VOLUNTEER_CODE.fullmatch(referral.volunteer):
        raise ValueError(f"volunteer code must be 2–16 of A-Z, 0-9: {referral.volunteer!r}")
    payload = VOLUNTEER_PREFIX + referral.volunteer
    if referral.procedure is not None:
        if not PROCEDURE_ID.fullmatch(referral.procedure):
            raise ValueError(f"not a procedure id: {referral.procedure!r}")
        payload += "_" + referral.procedure
    if len(payload) > MAX_PAYLOAD:
        raise ValueError(f"payload longer than {MAX_PAYLOAD} characters: {payload!r}")
    return payload


def decode(payload: str) -> Referral | None:
    """The referral a /start payload stands for, or None when it is not one."""
    found = _PAYLOAD.fullmatch(payload)
    if found is None or len(payload) > MAX_PAYLOAD:
        return None
    return Referral(found.group(1), found.group(2))


def normalise_code(code: str) -> str:
    """A volunteer code as stored: upper case, surrounding spaces dropped."""
    return code.strip().upper()


def new_link_token() -> tuple[str, str]:
    """(payload to hand to the volunteer, hash to store): 192 random bits, used once."""
    token = secrets.token_urlsafe(24)
    return LINK_PREFIX + token, token_hash(token)


def link_token(payload: str) -> str | None:
    """The token inside an account-link payload, or None."""
    found = _LINK.fullmatch(payload)
    return found.group(1) if found else None


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def new_short_code() -> str:
    """A random short code body such as "7K3Q" (shown and typed as "TN 7K3Q")."""
    return "".join(secrets.choice(SHORT_ALPHABET) for _ in range(SHORT_LENGTH))


def show_short_code(code: str) -> str:
    return f"{SHORT_PREFIX} {code}"


def parse_short_code(text: str) -> str | None:
    """The short code body when the whole message is one ("tn 7k3q", "TN-7K3Q"), else None."""
    found = _SHORT.fullmatch(unicodedata.normalize("NFKC", text))
    return found.group(1).upper() if found else None


def telegram_link(username: str, payload: str) -> str:
    return f"https://t.me/{username.lstrip('@')}?start={payload}"


def web_link(base_url: str, payload: str) -> str:
    return f"{base_url.rstrip('/')}/?start={payload}"
