"""While the database is down: at most one apology (with the hotline) per chat every 10 minutes."""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import TypeVar

from bot.channels.web import UNAVAILABLE
from storage import StoreUnavailable

log = logging.getLogger(__name__)
T = TypeVar("T")

# The same words as the web chat's 503: sorry, try again in a few minutes, or call the hotline.
TEXT = UNAVAILABLE
# A platform waits for our answer to its webhook call; the apology must not hold it up for long.
SEND_TIMEOUT_SECONDS = 5.0
INTERVAL_SECONDS = 600.0
MAX_CHATS = 100_000


class Apologies:
    """Which chats were told recently that the bot cannot answer; `due(chat)` says whether to tell one now.

    Kept in memory on purpose: it is needed exactly when the database cannot be reached. A platform
    redelivers an unacknowledged update many times, and each delivery must not send another
    apology. The map is per process, so with N replicas a citizen gets at most N apologies per
    interval; a restart forgets it (one more apology at worst).
    """

    def __init__(
        self,
        interval: float = INTERVAL_SECONDS,
        clock: Callable[[], float] = time.monotonic,
        max_chats: int = MAX_CHATS,
    ) -> None:
        self.interval, self.clock, self.max_chats = interval, clock, max_chats
        self._told: OrderedDict[str, float] = OrderedDict()

    def due(self, chat: str) -> bool:
        """True (and remembered) when this chat has not been told within the interval."""
        now = self.clock()
        while self._told and now - next(iter(self._told.values())) >= self.interval:
            self._told.popitem(last=False)  # oldest first: entries are kept in the order they were told
        if chat in self._told:
            return False
        if len(self._told) >= self.max_chats:
            self._told.popitem(last=False)
        self._told[chat] = now
        return True


async def until_stored(
    handle: Callable[[], Awaitable[T]],
    apologise: Callable[[], Awaitable[None]],
    first_wait: float = 1.0,
    max_wait: float = 30.0,
) -> T:
    """Run `handle` until the database answers: for a polled update, which nobody delivers again.

    Each failure calls `apologise` (rate-limited by `Apologies`); the updates after this one wait,
    so their order is kept. A process stopped meanwhile has not stored the update, and polls it
    again after the restart.
    """
    wait = first_wait
    while True:
        try:
            return await handle()
        except StoreUnavailable:
            await apologise()
            log.warning("database unavailable; retrying an update", extra={"wait_s": wait})
            await asyncio.sleep(wait)
            wait = min(wait * 2, max_wait)
