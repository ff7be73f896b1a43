"""Log lines never carry a token: the redacting filter, the quiet HTTP loggers, a real Bot API call."""

from __future__ import annotations

import io
import json
import logging
import sys
from collections.abc import Iterator
from urllib.parse import quote

import pytest
from pydantic import SecretStr

from bot.channels.telegram import build_bot
from bot.config import Settings
from bot.logs import REDACTED, JsonFormatter, RedactSecrets, configured_secrets, setup_logging
from tests.bot.fake_telegram import TOKEN, FakeBotApi, serve_fake

QUIETED = ("httpx", "httpcore", "telegram", "uvicorn.access")


@pytest.fixture
def restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    saved = (root.level, list(root.handlers), {name: logging.getLogger(name).level for name in QUIETED})
    yield
    level, handlers, levels = saved
    root.handlers[:] = handlers
    root.setLevel(level)
    for name, value in levels.items():
        logging.getLogger(name).setLevel(value)


def lines_of(record: logging.LogRecord, secrets: list[str]) -> str:
    RedactSecrets(secrets).filter(record)
    return JsonFormatter().format(record)


def record(msg: str, *args: object, **extra: object) -> logging.LogRecord:
    made = logging.LogRecord("x", logging.INFO, __file__, 1, msg, args, None)
    made.__dict__.update(extra)
    return made


def test_filter_redacts_message_arguments_and_extras() -> None:
    out = lines_of(record("calling %s", f"https://api.telegram.org/bot{TOKEN}/getMe", url=f"/bot{TOKEN}/x"), [TOKEN])
    assert TOKEN not in out
    assert json.loads(out)["event"] == f"calling https://api.telegram.org/bot{REDACTED}/getMe"
    assert json.loads(out)["url"] == f"/bot{REDACTED}/x"


def test_filter_redacts_url_encoded_tokens_and_tracebacks() -> None:
    encoded = quote(TOKEN, safe="")
    try:
        raise RuntimeError(f"connect failed for /bot{encoded}/getUpdates")
    except RuntimeError:
        failed = logging.LogRecord("x", logging.ERROR, __file__, 1, "polling failed", None, sys.exc_info())
    out = lines_of(failed, [TOKEN])
    assert encoded not in out and TOKEN not in out
    assert REDACTED in json.loads(out)["error"]


def test_filter_ignores_values_too_short_to_be_secrets() -> None:
    assert json.loads(lines_of(record("a b c"), ["a", "", "b c"]))["event"] == "a b c"


def test_configured_secrets_cover_every_secret_setting_and_the_database_password() -> None:
    settings = Settings(
        telegram_bot_token=SecretStr(TOKEN),
        zalo_bot_token=SecretStr("zalo-token-123456"),
        database_url="postgresql+asyncpg://bot:p%40ssw0rd-long@db/bot",
    )
    found = configured_secrets(settings)
    assert {TOKEN, "zalo-token-123456", "p%40ssw0rd-long", "p@ssw0rd-long"} <= set(found)


async def test_no_token_in_logs_of_a_real_bot_api_call_even_at_debug(
    restore_logging: None, capsys: pytest.CaptureFixture[str]
) -> None:
    api = FakeBotApi()
    async with serve_fake(api) as url:
        setup_logging("DEBUG", [TOKEN])
        stream = io.StringIO()
        logging.getLogger().handlers[0].setStream(stream)  # type: ignore[attr-defined]
        bot = build_bot(TOKEN, url)
        await bot.initialize()
        await bot.send_message(42, "Xin chào")
        await bot.shutdown()
        logging.getLogger("bot.test").warning("retrying %s/bot%s/sendMessage", url, TOKEN)
    output = stream.getvalue()
    assert [c.method for c in api.calls] == ["getMe", "sendMessage"]
    assert "retrying" in output
    assert TOKEN not in output
    assert TOKEN.split(":")[1] not in output
    for name in ("httpx", "httpcore"):
        assert logging.getLogger(name).getEffectiveLevel() >= logging.WARNING
    assert logging.getLogger("telegram").getEffectiveLevel() >= logging.INFO
