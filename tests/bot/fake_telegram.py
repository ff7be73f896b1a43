"""A fake Bot API on loopback (real HTTP through uvicorn): records calls, answers like Telegram,
and fails on request (429 with retry_after, 403 for a blocked bot) to test delivery."""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
import time
from collections import deque
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from tests.bot.helpers import free_port

TOKEN = "123456:TEST-fake-bot-api-token-0123456789"
BOT_USER = {"id": 123456, "is_bot": True, "first_name": "Trợ lý", "username": "TroLyDvcBot"}


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    at: float = field(default_factory=time.monotonic)


@dataclass
class Failure:
    status: int
    description: str
    retry_after: int | None = None


class FakeBotApi:
    """`/bot<token>/<method>`; `fail(method, ...)` scripts errors for the next calls of a method."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.updates: list[dict[str, Any]] = []
        self._failures: dict[str, deque[Failure]] = {}
        self._stalled: dict[str, threading.Event] = {}  # set from the test's thread to release
        self._message_id = 0
        self.app = Starlette(routes=[Route("/bot{token}/{method}", self._handle, methods=["GET", "POST"])])

    def fail(self, method: str, status: int, description: str, retry_after: int | None = None, times: int = 1) -> None:
        self._failures.setdefault(method, deque()).extend(
            Failure(status, description, retry_after) for _ in range(times)
        )

    def stall(self, method: str, stalled: bool = True) -> None:
        """Calls of `method` hang (as if Telegram were stuck) until unstalled, then fail with 502."""
        if stalled:
            self._stalled[method] = threading.Event()
        elif method in self._stalled:
            self._stalled.pop(method).set()

    def called(self, method: str) -> list[Call]:
        return [call for call in self.calls if call.method == method]

    def sent_texts(self) -> list[str]:
        """Texts of sendMessage calls that succeeded, in order."""
        return [call.params["text"] for call in self.calls if call.method == "sendMessage" and call.params.get("ok")]

    async def _params(self, request: Request) -> dict[str, Any]:
        body = await request.body()
        if request.headers.get("content-type", "").startswith("application/json"):
            return dict(json.loads(body or b"{}"))
        raw = {key: values[-1] for key, values in parse_qs(body.decode()).items()}
        raw.update(request.query_params)
        params: dict[str, Any] = {}
        for key, value in raw.items():
            try:
                params[key] = (
                    json.loads(value) if key in {"reply_markup", "commands", "link_preview_options"} else value
                )
            except ValueError:
                params[key] = value
        return params

    async def _handle(self, request: Request) -> JSONResponse:
        method = request.path_params["method"]
        params = await self._params(request)
        call = Call(method, params)
        self.calls.append(call)
        if request.path_params["token"] != TOKEN:
            return JSONResponse({"ok": False, "error_code": 401, "description": "Unauthorized"}, status_code=401)
        if (release := self._stalled.get(method)) is not None:
            await asyncio.to_thread(release.wait, 60)
            return JSONResponse({"ok": False, "error_code": 502, "description": "Bad Gateway"}, status_code=502)
        failures = self._failures.get(method)
        if failures:
            failure = failures.popleft()
            body: dict[str, Any] = {"ok": False, "error_code": failure.status, "description": failure.description}
            if failure.retry_after is not None:
                body["parameters"] = {"retry_after": failure.retry_after}
            return JSONResponse(body, status_code=failure.status)
        params["ok"] = True
        return JSONResponse({"ok": True, "result": await self._result(method, params)})

    async def _result(self, method: str, params: dict[str, Any]) -> Any:
        if method == "getMe":
            return BOT_USER
        if method == "sendMessage":
            self._message_id += 1
            chat_id = int(params["chat_id"])
            message = {"message_id": self._message_id, "date": int(time.time()), "text": params["text"]}
            message["chat"] = {"id": chat_id, "type": "private" if chat_id > 0 else "group"}
            message["from"] = BOT_USER
            return message
        if method == "getUpdates":
            offset = int(params.get("offset") or 0)
            pending = [update for update in self.updates if update["update_id"] >= offset]
            if not pending:  # a short long poll
                await asyncio.sleep(min(float(params.get("timeout", 0)), 0.5))
            return pending
        return True


@contextlib.asynccontextmanager
async def serve_fake(api: FakeBotApi) -> AsyncIterator[str]:
    """Serve `api` on a free loopback port for the duration of the block; yields its root URL."""
    port = free_port()
    config = uvicorn.Config(api.app, host="127.0.0.1", port=port, log_config=None, access_log=False, lifespan="off")
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    deadline = time.monotonic() + 10
    while not server.started:
        if task.done() or time.monotonic() > deadline:
            raise RuntimeError("fake Bot API did not start")
        await asyncio.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task


def user(user_id: int) -> dict[str, Any]:
    return {"id": user_id, "is_bot": False, "first_name": "Lan", "language_code": "vi"}


def message_update(update_id: int, user_id: int, text: str = "", **fields: Any) -> dict[str, Any]:
    """An update with a message from `user_id` in their private chat (override `chat` for groups)."""
    message = {
        "message_id": update_id,
        "date": 1_790_000_000,
        "chat": {"id": user_id, "type": "private", "first_name": "Lan"},
        "from": user(user_id),
        **({"text": text} if text else {}),
        **fields,
    }
    return {"update_id": update_id, "message": message}


def callback_update(update_id: int, user_id: int, data: str, chat_id: int | None = None) -> dict[str, Any]:
    chat = {"id": chat_id or user_id, "type": "private" if (chat_id or user_id) > 0 else "group"}
    message = {"message_id": 1, "date": 1_790_000_000, "chat": chat, "text": "menu"}
    query = {"id": f"q{update_id}", "from": user(user_id), "chat_instance": "ci", "data": data, "message": message}
    return {"update_id": update_id, "callback_query": query}
