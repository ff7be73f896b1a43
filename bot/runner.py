"""Run the composed bot: background tasks, the enabled channels and the web server."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

from bot.app import App
from bot.channels.web import serve

log = logging.getLogger(__name__)

Stopper = Callable[[], Awaitable[None]]


async def start_channels(app: App) -> list[Stopper]:
    """Start every channel whose settings are present; return how to stop each one.

    Channels that receive webhooks add their routes to `app.web_routes` here, before the
    web server starts.
    """
    stoppers: list[Stopper] = []
    # Each channel adds itself below: `stoppers.append(await start_<channel>(app))`.
    return stoppers


async def run(app: App) -> None:
    """Serve until interrupted; always stop channels and background tasks on the way out."""
    background = [asyncio.create_task(app.knowledge.watch(app.settings.catalogue_watch_seconds))]
    stoppers = await start_channels(app)
    try:
        await serve(app)
    finally:
        for stop in reversed(stoppers):
            try:
                await stop()
            except Exception:
                log.exception("channel stop failed")
        for task in background:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
