"""Dossier codes and phone numbers: find, normalise, mask and hash them."""

from __future__ import annotations

import hashlib
import hmac
import unicodedata

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberFormat, PhoneNumberType

from knowledge.matching import DOSSIER_CODE

REGION = "VN"
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad\u202a\u202b\u202c\u202d\u202e"))
_MOBILE = {PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE}
# Eleven-digit mobile prefixes retired in 2018; citizens still type them (0168… is now 038…).
_OLD_PREFIXES = {
    "162": "32", "163": "33", "164": "34", "165": "35", "166": "36", "167": "37", "168": "38", "169": "39",
    "120": "70", "121": "79", "122": "77", "126": "76", "128": "78",
    "123": "83", "124": "84", "125": "85", "127": "81", "129": "82",
    "186": "56", "188": "58", "199": "59",
}  # fmt: skip


def clean(text: str) -> str:
    """Full-width digits to ASCII, invisible and direction characters removed."""
    return unicodedata.normalize("NFKC", text).translate(_INVISIBLE)


def find_dossier_code(text: str) -> str | None:
    """The first dossier code in a message, in its canonical form (upper case, hyphens)."""
    found = DOSSIER_CODE.search(clean(text))
    if found is None:
        return None
    return "-".join(part.upper() for part in found.groups())


def is_dossier_code(text: str) -> bool:
    """True when the whole text is one dossier code in canonical form."""
    return find_dossier_code(text) == text


def _parse(raw: str) -> phonenumbers.PhoneNumber | None:
    text = clean(raw).strip()
    if not text or len(text) > 32:
        return None
    try:
        number = phonenumbers.parse(text, REGION)
        valid = phonenumbers.is_valid_number(number)
        if not valid and text.lstrip("+").startswith("84"):
            # Telegram sends contacts both with and without the "+".
            number = phonenumbers.parse("+" + text.lstrip("+"), REGION)
            valid = phonenumbers.is_valid_number(number)
    except NumberParseException:
        return None
    national = str(number.national_number)
    if not valid and number.country_code == 84 and len(national) == 10 and national[:3] in _OLD_PREFIXES:
        number.national_number = int(_OLD_PREFIXES[national[:3]] + national[3:])
        valid = phonenumbers.is_valid_number(number)
    return number if valid else None


def normalise_phone(raw: str) -> str | None:
    """Any valid number in E.164 (+84…), reading national numbers as Vietnamese; None if invalid."""
    number = _parse(raw)
    return phonenumbers.format_number(number, PhoneNumberFormat.E164) if number else None


def normalise_mobile(raw: str) -> str | None:
    """A Vietnamese mobile number in E.164; SMS goes nowhere else (no premium-rate pumping abroad)."""
    number = _parse(raw)
    if number is None or number.country_code != 84 or phonenumbers.number_type(number) not in _MOBILE:
        return None
    return phonenumbers.format_number(number, PhoneNumberFormat.E164)


def mask_phone(e164: str) -> str:
    """0912•••678 for +84912345678: enough to recognise one's own number, too little to reuse."""
    national = "0" + e164[3:] if e164.startswith("+84") else e164
    return f"{national[:4]}•••{national[-3:]}"


def keyed_hash(key: bytes, *parts: str) -> str:
    """HMAC-SHA256 of the parts (joined unambiguously); without the key it cannot be brute-forced."""
    message = "\x1f".join(parts).encode("utf-8")
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def phone_hash(key: bytes, e164: str) -> str:
    return keyed_hash(key, "phone", e164)
