"""Web chat: a JSON endpoint and one static page, served by Starlette."""

from __future__ import annotations

import json
import logging
import re
import signal
from pathlib import Path
from types import FrameType
from typing import Annotated

import uvicorn
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import BaseRoute, Route

from bot.app import App
from bot.channels.dashboard import dashboard_routes
from handlers.types import Incoming, reply_to_dict
from storage import StoreUnavailable

log = logging.getLogger(__name__)
STATIC = Path(__file__).parent / "static"
CHANNEL = "web"
USER_ID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
MAX_TEXT_CHARS = 20_000

BAD_REQUEST = "Yêu cầu không hợp lệ. Vui lòng tải lại trang và thử lại."
TOO_LARGE = "Tin nhắn quá dài. Vui lòng gõ ngắn gọn hơn."
UNAVAILABLE = (
    "Xin lỗi, hệ thống đang bảo trì nên chưa nhận được tin nhắn. Bạn vui lòng thử lại sau ít phút. "
    "Cần gấp, gọi tổng đài Cổng Dịch vụ công quốc gia 18001096 (miễn phí)."
)


class WebMessage(BaseModel):
    """What the page posts: who is talking and what they typed or pressed."""

    model_config = ConfigDict(extra="ignore")

    user_id: Annotated[str, StringConstraints(pattern=USER_ID.pattern)]
    text: Annotated[str, Field(max_length=MAX_TEXT_CHARS)] = ""
    payload: Annotated[str, StringConstraints(max_length=64)] | None = None


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


async def read_capped(request: Request, limit: int) -> bytes | None:
    """The request body, or None when it is larger than `limit` bytes."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        return None
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            return None
    return bytes(body)


def create_web_app(app: App) -> Starlette:
    """The ASGI application for the web chat (other channels may add routes to it)."""

    async def index(_request: Request) -> Response:
        return FileResponse(STATIC / "index.html", media_type="text/html; charset=utf-8")

    async def healthz(_request: Request) -> Response:
        """The process is alive."""
        return JSONResponse({"status": "ok"})

    async def readyz(_request: Request) -> Response:
        """Ready for traffic: the database answers and a catalogue is loaded."""
        database = await app.store.ping()
        catalogue = bool(app.knowledge.current.catalogue.procedures)
        status = 200 if database and catalogue else 503
        return JSONResponse({"database": database, "catalogue": catalogue}, status_code=status)

    async def metrics(_request: Request) -> Response:
        return Response(app.metrics.render(), media_type="text/plain; version=0.0.4; charset=utf-8")

    async def messages(request: Request) -> Response:
        body = await read_capped(request, app.settings.max_body_bytes)
        if body is None:
            return _error(413, TOO_LARGE)
        try:
            message = WebMessage.model_validate(json.loads(body))
        except (ValueError, ValidationError):
            return _error(400, BAD_REQUEST)
        incoming = Incoming(
            channel=CHANNEL,
            user_id=message.user_id,
            chat_id=message.user_id,
            text=message.text,
            payload=message.payload or None,
        )
        try:
            replies = await app.engine.handle(incoming)
        except StoreUnavailable:
            return _error(503, UNAVAILABLE)
        return JSONResponse({"replies": [reply_to_dict(r) for r in replies]})

    async def updates(request: Request) -> Response:
        """Messages the bot sent on its own (reminders…) since the page last asked."""
        user_id = request.query_params.get("user_id", "")
        if not USER_ID.fullmatch(user_id):
            return _error(400, BAD_REQUEST)
        async with app.store.unit() as unit:
            items = await unit.outbox.pending(CHANNEL, user_id)
            for item in items:
                await unit.outbox.mark_sent(item.id)
        return JSONResponse({"replies": [reply for item in items for reply in item.replies]})

    routes: list[BaseRoute] = [
        Route("/", index, methods=["GET"]),
        Route("/healthz", healthz, methods=["GET"]),
        Route("/readyz", readyz, methods=["GET"]),
        Route("/metrics", metrics, methods=["GET"]),
        Route("/api/messages", messages, methods=["POST"]),
        Route("/api/updates", updates, methods=["GET"]),
    ]
    routes += dashboard_routes(app)
    routes += [route for route in app.web_routes if isinstance(route, BaseRoute)]
    return Starlette(routes=routes)


async def serve(app: App) -> None:
    """Serve the web chat on the configured host and port until interrupted."""
    config = uvicorn.Config(
        create_web_app(app), host=app.settings.host, port=app.settings.port, log_config=None, access_log=False
    )
    # uvicorn stops gracefully on SIGINT/SIGTERM and then raises the signal again for whatever
    # handler was there before it, which for SIGTERM kills the process on the spot: the caller
    # would never stop the channels or close the database. The no-op handlers below take that
    # second signal; a further signal during the shutdown still acts as usual.
    previous = {sig: signal.signal(sig, _already_stopping) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        await uvicorn.Server(config).serve()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _already_stopping(_signal: int, _frame: FrameType | None) -> None:
    """uvicorn has finished serving because of this signal; let the shutdown go on."""
