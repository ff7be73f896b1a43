"""The HMAC key for codes and phone hashes: from CODE_HASH_KEY, else generated once into DATA_DIR/secret.key."""

from __future__ import annotations

import logging
import os
import secrets
import stat
from pathlib import Path

from bot.config import Settings

log = logging.getLogger(__name__)
KEY_FILE = "secret.key"
KEY_BYTES = 32


def _read(path: Path) -> bytes:
    if stat.S_IMODE(path.stat().st_mode) & 0o077:
        log.warning("key file is readable by others; chmod 600 it", extra={"path": str(path)})
    return bytes.fromhex(path.read_text(encoding="ascii").strip())


def load_hash_key(settings: Settings) -> bytes:
    """The configured key, or the generated one, so a restart keeps verifying codes and finding phones."""
    if settings.code_hash_key is not None and settings.code_hash_key.get_secret_value():
        return settings.code_hash_key.get_secret_value().encode("utf-8")
    path = settings.data_dir / KEY_FILE
    if path.exists():
        return _read(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    # Write aside, then link into place: two processes starting at once both end up with one full key.
    aside = path.with_name(f"{KEY_FILE}.{os.getpid()}.tmp")
    fd = os.open(aside, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as file:
        file.write(secrets.token_bytes(KEY_BYTES).hex() + "\n")
    try:
        os.link(aside, path)
        log.info("generated a new hash key", extra={"path": str(path)})
    except FileExistsError:
        pass
    finally:
        aside.unlink()
    return _read(path)
