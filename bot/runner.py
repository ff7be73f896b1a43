"""Run the composed bot: background tasks, the enabled channels and the web server."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from collections.abc import Awaitable, Callable

from bot.app import App
from bot.channels.telegram import start_telegram
from bot.channels.web import serve
from bot.channels.zalo import start_zalo
from handlers.jobs import run_due

log = logging.getLogger(__name__)

Stopper = Callable[[], Awaitable[None]]


async def start_channels(app: App) -> list[Stopper]:
    """Start every channel whose settings are present; return how to stop each one.

    Channels that receive webhooks add their routes to `app.web_routes` here, before the
    web server starts.
    """
    stoppers: list[Stopper] = []
    # Each channel adds itself below: `stoppers.append(await start_<channel>(app))`.
    if app.settings.telegram_bot_token:
        stoppers.append(await start_telegram(app))
    if app.settings.zalo_bot_token:
        stoppers.append(await start_zalo(app))
    return stoppers


async def run_jobs(app: App) -> None:
    """Reminders and abandonment every `jobs_interval_seconds`; a failure is logged, never fatal."""
    while True:
        try:
            retention = dt.timedelta(days=app.settings.message_log_retention_days)
            report = await run_due(app.store, app.knowledge, dt.datetime.now(dt.UTC), retention)
            if report.reminded or report.abandoned:
                log.info("jobs ran", extra={"reminded": report.reminded, "abandoned": report.abandoned})
        except Exception:
            log.exception("jobs failed")
        await asyncio.sleep(app.settings.jobs_interval_seconds)


async def run(app: App) -> None:
    """Serve until interrupted; always stop channels and background tasks on the way out."""
    background = [
        asyncio.create_task(app.knowledge.watch(app.settings.catalogue_watch_seconds)),
        asyncio.create_task(run_jobs(app)),
    ]
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
