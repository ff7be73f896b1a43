"""Structured logging: one JSON object per line, with the `extra` fields a call passes."""

from __future__ import annotations

import json
import logging
import re
import sys
from collections.abc import Iterable
from typing import TYPE_CHECKING
from urllib.parse import quote, unquote, urlsplit

from pydantic import SecretStr

if TYPE_CHECKING:
    from bot.config import Settings

_STANDARD = set(logging.LogRecord("", 0, "", 0, "", None, None).__dict__) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    """Format records as JSON; callers never pass tokens, codes or phone numbers."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "at": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "event": record.getMessage(),
        }
        entry.update({k: v for k, v in record.__dict__.items() if k not in _STANDARD})
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["error"] = record.exc_text
        return json.dumps(entry, ensure_ascii=False, default=str)


REDACTED = "[redacted]"
MIN_SECRET_CHARS = 8  # shorter values would blank out ordinary words


class RedactSecrets(logging.Filter):
    """Replace secrets (bot tokens are part of every Bot API URL) in a record's message, arguments,
    string extras and traceback, whichever library logged it."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        values = {value for value in secrets if len(value) >= MIN_SECRET_CHARS}
        values |= {quote(value, safe="") for value in values}
        ordered = sorted(values, key=len, reverse=True)
        self._pattern = re.compile("|".join(map(re.escape, ordered))) if ordered else None

    def redact(self, text: str) -> str:
        return self._pattern.sub(REDACTED, text) if self._pattern else text

    def filter(self, record: logging.LogRecord) -> bool:
        if self._pattern is None:
            return True
        try:
            message = record.getMessage()
        except Exception:  # a bad format string: keep what there is, redacted
            message = f"{record.msg} {record.args}"
        record.msg, record.args = self.redact(message), None
        for key, value in list(vars(record).items()):
            if key not in _STANDARD and isinstance(value, str):
                setattr(record, key, self.redact(value))
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


def configured_secrets(settings: Settings) -> list[str]:
    """Every `SecretStr` setting, and the password inside DATABASE_URL, if any."""
    found = [value.get_secret_value() for value in vars(settings).values() if isinstance(value, SecretStr)]
    password = urlsplit(settings.database_url).password
    if password:
        found += [password, unquote(password)]
    return found


def setup_logging(level: str = "INFO", secrets: Iterable[str] = ()) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RedactSecrets(secrets))
    logging.basicConfig(level=level.upper(), handlers=[handler], force=True)
    logging.getLogger("uvicorn.access").setLevel(logging.WARNING)
    # The SQLite driver logs statement parameters (conversation state) at DEBUG.
    logging.getLogger("aiosqlite").setLevel(logging.WARNING)
    # httpx logs every request URL at INFO, and a Bot API URL contains the token; PTB's DEBUG
    # lines carry request parameters (citizens' texts and phone numbers); so do aiosqlite's DEBUG
    # lines (every statement with its parameters, e.g. a dossier's phone).
    for name in ("httpx", "httpcore", "aiosqlite"):
        logging.getLogger(name).setLevel(logging.WARNING)
    logging.getLogger("telegram").setLevel(max(logging.INFO, logging.getLogger().level))
