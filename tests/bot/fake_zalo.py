"""A fake Zalo Bot Platform on loopback: real HTTP, the documented envelope, errors with HTTP 200.

It serves `<root>/bot<token>/<method>`, records every call, hands queued updates to getUpdates
(one per call, `ok:false 408` when idle, nothing while a webhook is set, as Zalo does), delivers
updates to a registered webhook with its secret header, and returns scripted `ok:false` errors.
"""

from __future__ import annotations

import asyncio
import json
import re
import threading
import time
from collections import deque
from typing import Any

import httpx
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from tests.bot.helpers import free_port

BOT_ID = "b1f0a2c3d4e5f6a7b8c9"
NUMBERED = re.compile(r"^(\d+)\. (.+)$", re.MULTILINE)


def text_update(text: str, message_id: str, user: str, *, wrapped: bool = False, **extra: Any) -> dict[str, Any]:
    """A `message.text.received` update as Zalo sends it (wrapped in `{"ok", "result"}` or not)."""
    return event_update("message.text.received", message_id, user, wrapped=wrapped, text=text, **extra)


def event_update(event: str, message_id: str, user: str, *, wrapped: bool = False, **fields: Any) -> dict[str, Any]:
    sender = {"id": user, "display_name": "Nguyễn Văn A", "is_bot": False}
    message = {"from": sender, "chat": {"id": user, "chat_type": "PRIVATE"}, "message_id": message_id}
    message |= {"date": 1763800000000, **fields}
    update = {"event_name": event, "message": message}
    return {"ok": True, "result": update} if wrapped else update


def numbered_choices(text: str) -> dict[str, str]:
    """Label → number of a numbered menu as rendered on Zalo."""
    return {label.strip(): number for number, label in NUMBERED.findall(text)}


class FakeZalo:
    """The platform, running in a background thread; inspect it from the test thread."""

    def __init__(self, token: str) -> None:
        self.token = token
        self.port = free_port()
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.sent: list[dict[str, Any]] = []
        self.webhook_url = ""
        self.webhook_secret = ""
        self._updates: deque[dict[str, Any]] = deque()
        self._failures: dict[str, deque[dict[str, Any]]] = {}
        self._lock = threading.Lock()
        self._ids = 0
        app = Starlette(routes=[Route("/bot{token}/{method}", self._handle, methods=["GET", "POST"])])
        config = uvicorn.Config(
            app, host="127.0.0.1", port=self.port, log_config=None, access_log=False, lifespan="off"
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, name="fake-zalo", daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> FakeZalo:
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("fake Zalo did not start")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(10)

    # What a test does to the platform.

    def queue_update(self, update: dict[str, Any]) -> None:
        with self._lock:
            self._updates.append(update)

    def fail_next(self, method: str, error_code: int, description: str, times: int = 1) -> None:
        """The next `times` calls of `method` answer HTTP 200 with `ok:false`."""
        error = {"ok": False, "error_code": error_code, "description": description}
        with self._lock:
            self._failures.setdefault(method, deque()).extend([error] * times)

    def deliver(self, update: dict[str, Any], secret: str | None = None) -> httpx.Response:
        """POST an update to the registered webhook as Zalo would (its secret unless one is given)."""
        headers = {"X-Bot-Api-Secret-Token": self.webhook_secret if secret is None else secret}
        return httpx.post(self.webhook_url, json=update, headers=headers, timeout=10)

    def methods(self) -> list[str]:
        with self._lock:
            return [method for method, _ in self.calls]

    def texts(self, chat_id: str) -> list[str]:
        with self._lock:
            return [str(m["text"]) for m in self.sent if m["chat_id"] == chat_id]

    def wait_for(self, predicate: Any, timeout: float = 15.0) -> None:
        deadline = time.monotonic() + timeout
        while not predicate():
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out; calls so far: {self.methods()[-20:]}")
            time.sleep(0.02)

    def new_texts(self, chat_id: str, before: int, quiet: float = 0.4, timeout: float = 15.0) -> list[str]:
        """Wait for at least one message after the first `before`, then until `quiet` seconds pass without one."""
        self.wait_for(lambda: len(self.texts(chat_id)) > before, timeout)
        count = len(self.texts(chat_id))
        while True:
            time.sleep(quiet)
            now = len(self.texts(chat_id))
            if now == count:
                return self.texts(chat_id)[before:]
            count = now

    # The platform itself.

    async def _handle(self, request: Request) -> JSONResponse:
        method = request.path_params["method"]
        raw = await request.body()
        params: dict[str, Any] = json.loads(raw) if raw.strip() else {}
        with self._lock:
            self.calls.append((method, params))
            failures = self._failures.get(method)
            failure = failures.popleft() if failures else None
        if request.path_params["token"] != self.token:
            return JSONResponse({"ok": False, "error_code": 401, "description": "Unauthorized"})
        if failure is not None:
            return JSONResponse(failure)
        handler = {
            "getMe": self._get_me,
            "setWebhook": self._set_webhook,
            "deleteWebhook": self._delete_webhook,
            "getUpdates": self._get_updates,
            "sendMessage": self._send_message,
        }.get(method)
        if handler is None:
            return JSONResponse({"ok": False, "error_code": 404, "description": "Not Found"})
        result: JSONResponse = await handler(params)
        return result

    @staticmethod
    def _ok(result: Any) -> JSONResponse:
        return JSONResponse({"ok": True, "result": result})

    @staticmethod
    def _error(code: int, description: str) -> JSONResponse:
        return JSONResponse({"ok": False, "error_code": code, "description": description})

    async def _get_me(self, _params: dict[str, Any]) -> JSONResponse:
        return self._ok({"id": BOT_ID, "account_name": "Bot Dịch vụ công", "account_type": "BASIC"})

    async def _set_webhook(self, params: dict[str, Any]) -> JSONResponse:
        url, secret = str(params.get("url") or ""), str(params.get("secret_token") or "")
        if not url or not 8 <= len(secret) <= 256:
            return self._error(400, "Bad Request")
        with self._lock:
            self.webhook_url, self.webhook_secret = url, secret
        return self._ok({"url": url, "updated_at": int(time.time() * 1000)})

    async def _delete_webhook(self, _params: dict[str, Any]) -> JSONResponse:
        with self._lock:
            self.webhook_url, self.webhook_secret = "", ""
        return self._ok({"url": "", "updated_at": int(time.time() * 1000)})

    async def _get_updates(self, params: dict[str, Any]) -> JSONResponse:
        # Long-poll, but never longer than a second, so tests and shutdown stay quick.
        deadline = time.monotonic() + min(float(params.get("timeout") or 30), 1.0)
        while time.monotonic() < deadline:
            with self._lock:
                update = self._updates.popleft() if self._updates and not self.webhook_url else None
            if update is not None:
                return self._ok(update)
            await asyncio.sleep(0.02)
        return self._error(408, "Request timeout")

    async def _send_message(self, params: dict[str, Any]) -> JSONResponse:
        chat_id, text = params.get("chat_id"), params.get("text")
        if not isinstance(chat_id, str) or not isinstance(text, str) or not 1 <= len(text) <= 2000:
            return self._error(400, "Bad Request")
        with self._lock:
            self._ids += 1
            self.sent.append({"chat_id": chat_id, "text": text})
            message_id = f"s{self._ids:019d}"
        return self._ok({"message_id": message_id, "date": int(time.time() * 1000)})
