"""SMS for development (a JSON-lines outbox file) and a queue that sends in the background."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import logging
from pathlib import Path

from handlers.ports import SmsError, SmsSender

log = logging.getLogger(__name__)


class OutboxSms:
    """Appends {"to", "text", "at"} lines to a file instead of sending: the default with no provider."""

    def __init__(self, path: Path, template: str) -> None:
        self.path = path
        self.template = template
        self._lock = asyncio.Lock()

    def _append(self, line: str) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as file:
            file.write(line + "\n")

    async def send(self, to: str, code: str, request_id: str) -> None:
        del request_id
        at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        line = json.dumps({"to": to, "text": self.template.format(code=code), "at": at}, ensure_ascii=False)
        async with self._lock:
            await asyncio.to_thread(self._append, line)


class QueuedSms:
    """Accepts at once and sends from a worker task, so a reply never waits on the gateway.

    The reply to "send me a code" then takes the same time for every phone, and a slow
    provider does not hold the database transaction open.
    """

    def __init__(self, gateway: SmsSender, drain_seconds: float = 5.0) -> None:
        self.gateway = gateway
        self.drain_seconds = drain_seconds
        self._queue: asyncio.Queue[tuple[str, str, str]] = asyncio.Queue()
        self._worker: asyncio.Task[None] | None = None

    async def send(self, to: str, code: str, request_id: str) -> None:
        self._queue.put_nowait((to, code, request_id))
        if self._worker is None or self._worker.done():
            # Started on first use: nothing runs on import or construction.
            self._worker = asyncio.get_running_loop().create_task(self._work())

    async def _work(self) -> None:
        while True:
            to, code, request_id = await self._queue.get()
            try:
                await self.gateway.send(to, code, request_id)
            except SmsError:
                log.warning("sms not delivered", extra={"request_id": request_id})
            except Exception as exc:
                # The type only: a message or traceback could carry the number or the code.
                log.error("sms gateway failed", extra={"request_id": request_id, "error": type(exc).__name__})
            finally:
                self._queue.task_done()

    async def close(self) -> None:
        """Give queued messages a moment to go out, then stop the worker."""
        if self._worker is None:
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._queue.join(), self.drain_seconds)
        self._worker.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._worker
