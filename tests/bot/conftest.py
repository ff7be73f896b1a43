"""Fixtures for channel tests: headless Chromium (Debian's, driven by Playwright)."""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, sync_playwright

from tests.bot.fake_telegram import FakeBotApi, serve_fake
from tests.bot.helpers import ROOT
from tests.bot.loopback import Loopback

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
OUTPUT = ROOT / "test-output"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Module-scoped: Playwright's sync API holds an event loop while it runs, which must be gone
    before the next module's asyncio tests start."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail("Chromium is missing: .ci/run installs it with apt-get install chromium")
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def telegram_api() -> Iterator[tuple[FakeBotApi, str]]:
    """A fake Telegram Bot API on a loopback port: (the fake, its root URL)."""
    api = FakeBotApi()
    with Loopback(api.app) as url:
        yield api, url


@pytest.fixture
def api() -> FakeBotApi:
    """A fake Bot API to serve in-process with `api_url`."""
    return FakeBotApi()


@pytest.fixture
async def api_url(api: FakeBotApi) -> AsyncIterator[str]:
    async with serve_fake(api) as url:
        yield url
