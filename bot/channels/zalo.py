"""Zalo Bot Platform channel: webhook or polling in, numbered text menus out (Zalo has no buttons).

Every update is claimed in the inbox (dedupe on `message_id`, across restarts) together with its
answer before it is acknowledged; the answer is sent in the background, one chat's in order.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import hmac
import json
import logging
import re
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.app import App
from bot.channels import apology
from bot.channels.chat_queues import ChatQueues
from bot.channels.web import read_capped
from bot.channels.zalo_api import UNAUTHORIZED, ZaloApi, ZaloError, silence_transport_logs
from bot.channels.zalo_render import TEXT_EVENT, ZaloMessage, parse_update, render, reply_from_dict, zalo_id
from handlers.engine import Accepted
from handlers.state import State
from handlers.types import Incoming, Reply
from storage import OutboxItem, StoreUnavailable, Unit

log = logging.getLogger(__name__)

CHANNEL = "zalo"
SECRET_HEADER = "x-bot-api-secret-token"  # noqa: S105 (a header name)
SECRET_PATTERN = re.compile(r"[A-Za-z0-9_-]{32,256}")
DEFAULT_WEBHOOK_PATH = "/zalo/webhook"
POLL_TIMEOUT_S = 30
OUTBOX_ATTEMPTS = 5
# How long a process may take to send what it took from the outbox before another one may.
OUTBOX_LEASE = dt.timedelta(minutes=5)
STOP_GRACE_S = 5.0

TEXT_ONLY = (
    "Xin lỗi, tôi chỉ đọc được tin nhắn chữ. "
    "Bạn hãy gõ điều bạn cần, ví dụ «đăng ký khai sinh», hoặc gõ /menu để xem danh sách."
)

Stopper = Callable[[], Awaitable[None]]


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


async def _remember_menu(unit: Unit, user_id: str, replies: list[Reply]) -> None:
    """A proactive message's numbered menu becomes the stored menu, so typing its numbers works."""
    menu = next(([b.payload for b in r.buttons] for r in reversed(replies) if r.buttons), None)
    if menu is not None:
        state = State.from_dict(await unit.load_state(CHANNEL, user_id))
        state.menu = menu
        await unit.save_state(CHANNEL, user_id, state.to_dict())


class ZaloChannel:
    """Turns Zalo updates into `Incoming`s for the engine and sends the replies back."""

    def __init__(
        self,
        app: App,
        api: ZaloApi,
        *,
        secret: str | None = None,
        webhook_url: str | None = None,
        outbox_interval: float = 60.0,
    ) -> None:
        self.app = app
        self.api = api
        self.bot_id: str | None = None
        self.queues = ChatQueues()
        self.apologies = apology.Apologies()
        self._secret = secret.encode() if secret else None
        self._webhook_url = webhook_url
        self._outbox_interval = outbox_interval
        self._tasks: list[asyncio.Task[None]] = []
        self._in_flight: set[int] = set()  # outbox rows this process is sending right now

    @property
    def polling(self) -> bool:
        return self._secret is None

    def start(self) -> None:
        self._tasks = [asyncio.create_task(self._run()), asyncio.create_task(self._deliver_outbox())]

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self.queues.close(STOP_GRACE_S)
        await self.api.close()

    # Inbound.

    async def accept(self, message: ZaloMessage) -> bool:
        """Handle the update and queue its replies; False for echoes and replays.

        The inbox claim, the new state and the replies commit together (`Engine.accept`), so the
        webhook answers 200 only for an update whose answer is stored. Raises when the database is
        down: the update is not acknowledged, and Zalo delivers it again.
        """
        if message.from_bot or message.user_id == self.bot_id:
            return False
        try:
            accepted = await self._handle(message)
        except StoreUnavailable:
            await self.apologise(message.chat_id)
            raise
        if accepted is None:
            log.info("zalo update replayed", extra={"event_name": message.event})
            return False
        # Queued before anything else can run, so replies go out in the order the engine made them.
        self.queues.put(message.chat_id, partial(self._send_accepted, message.chat_id, accepted))
        return True

    async def _handle(self, message: ZaloMessage) -> Accepted | None:
        if message.event == TEXT_EVENT:
            incoming = Incoming(
                channel=CHANNEL,
                user_id=message.user_id,
                chat_id=message.chat_id,
                text=message.text,
                private_chat=not message.group,
                capabilities=frozenset(),
            )
            return await self.app.engine.accept(incoming, message.message_id)
        async with self.app.store.unit() as unit:  # a sticker or a photo: no conversation to change
            claimed = await unit.inbox.claim(CHANNEL, message.message_id, _now())
        return Accepted([Reply(TEXT_ONLY)]) if claimed else None

    async def _send_accepted(self, chat_id: str, accepted: Accepted) -> None:
        if accepted.outbox_id is not None:
            self._in_flight.add(accepted.outbox_id)
        try:
            unsent = await self._send_all(chat_id, accepted.replies)
            await self.app.engine.delivered(accepted, unsent)
        finally:
            if accepted.outbox_id is not None:
                self._in_flight.discard(accepted.outbox_id)

    async def apologise(self, chat_id: str) -> None:
        """The database is down: say so, with the hotline, at most once per chat every 10 minutes."""
        if self.apologies.due(chat_id):
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.send(chat_id, [Reply(apology.TEXT)]), apology.SEND_TIMEOUT_SECONDS)

    async def webhook(self, request: Request) -> Response:
        """POST from Zalo: secret checked before anything is read, then claimed, then 200."""
        given = request.headers.get(SECRET_HEADER, "").encode("utf-8", "surrogateescape")
        if self._secret is None or not hmac.compare_digest(given, self._secret):
            log.warning("zalo webhook refused: wrong secret")  # never log what was sent
            return JSONResponse({"ok": False}, status_code=401)
        body = await read_capped(request, self.app.settings.max_body_bytes)
        if body is None:
            return JSONResponse({"ok": False}, status_code=413)
        try:
            data = json.loads(body)
        except ValueError:
            return JSONResponse({"ok": False}, status_code=400)
        message = parse_update(data)
        if message is None:
            # Authenticated but not for us (unknown event, missing ids): 200, or Zalo would resend it.
            log.info("zalo update ignored")
            return JSONResponse({"ok": True})
        try:
            await self.accept(message)
        except Exception:
            log.exception("zalo inbox write failed")
            return JSONResponse({"ok": False}, status_code=503)
        return JSONResponse({"ok": True})

    async def _run(self) -> None:
        """Learn the bot's own id (to drop echoes), then register the webhook or poll."""
        me = await self._until_done("getMe")
        if me is None:
            return
        self.bot_id = zalo_id(me.get("id")) if isinstance(me, dict) else None
        log.info("zalo connected", extra={"mode": "polling" if self.polling else "webhook"})
        if self.polling:
            # Webhook and polling exclude each other: while a webhook is set, polling gets nothing.
            if await self._until_done("deleteWebhook") is not None:
                await self._poll()
        elif self._webhook_url and self._secret:
            params = {"url": self._webhook_url, "secret_token": self._secret.decode()}
            await self._until_done("setWebhook", params)

    async def _until_done(self, method: str, params: dict[str, Any] | None = None) -> Any:
        """Call until it succeeds, backing off on transient errors; None (logged) on a permanent one."""
        failures = 0
        while True:
            try:
                result = await self.api.call_once(method, params)
                return result if result is not None else {}
            except ZaloError as error:
                if not error.transient:
                    log.error("zalo call failed; channel idle", extra={"method": method, "code": error.code})
                    return None
                failures += 1
                await self._back_off(method, error, failures)

    async def _back_off(self, method: str, error: ZaloError, failures: int) -> None:
        wait = self.api.backoff.delay(min(failures - 1, 8), error.code)
        log.warning(
            "zalo call failed; retrying", extra={"method": method, "code": error.code, "wait_s": round(wait, 2)}
        )
        await asyncio.sleep(wait)

    async def _poll(self) -> None:
        failures = 0
        while True:
            try:
                updates = await self.api.get_updates(POLL_TIMEOUT_S)
            except ZaloError as error:
                if error.code == UNAUTHORIZED:
                    log.error("zalo token rejected; polling stopped")
                    return
                failures += 1
                await self._back_off("getUpdates", error, failures)
                continue
            failures = 0
            for update in updates:
                await self._accept_polled(update)

    async def _accept_polled(self, update: dict[str, Any]) -> None:
        message = parse_update(update)
        if message is None:
            log.info("zalo update ignored")
            return
        try:
            # Polling has no redelivery: while the database is down, hold this update (and the poll)
            # and try again, instead of dropping it; the citizen is told once per 10 minutes.
            await apology.until_stored(partial(self.accept, message), partial(self.apologise, message.chat_id))
        except Exception:
            log.exception("zalo inbox write failed")
            await self.apologise(message.chat_id)

    # Outbound.

    async def send(self, chat_id: str, replies: list[Reply]) -> bool:
        """Send replies in order; stop at the first part Zalo refuses (logged) and return False."""
        return not await self._send_all(chat_id, replies)

    async def _send_all(self, chat_id: str, replies: list[Reply]) -> list[Reply]:
        """Send replies in order; the ones not (fully) sent when Zalo refuses a part (logged)."""
        for index, reply in enumerate(replies):
            for part in render(reply):
                try:
                    await self.api.send_message(chat_id, part)
                except ZaloError as error:
                    log.error("zalo send failed", extra={"code": error.code, "description": error.description})
                    return replies[index:]
        return []

    async def _deliver_outbox(self) -> None:
        """Send what the bot says on its own (reminders, staff replies) queued in the outbox."""
        while True:
            try:
                await self.flush_outbox()
            except Exception:
                log.exception("zalo outbox delivery failed")
            await asyncio.sleep(self._outbox_interval)

    async def flush_outbox(self) -> None:
        async with self.app.store.unit() as unit:
            items = await unit.outbox.take(CHANNEL, _now(), OUTBOX_LEASE)
        items = [item for item in items if item.id not in self._in_flight]
        await asyncio.gather(*(self.queues.run(item.chat_id, partial(self._deliver, item)) for item in items))

    async def _deliver(self, item: OutboxItem) -> None:
        try:
            replies = [reply_from_dict(raw) for raw in item.replies]
        except (KeyError, TypeError, ValueError):
            replies = []
        sent = bool(replies) and await self.send(item.chat_id, replies)
        async with self.app.store.unit() as unit:
            if sent:
                await unit.outbox.mark_sent(item.id)
                await _remember_menu(unit, item.user_id, replies)
            elif not replies or await unit.outbox.mark_failed(item.id) >= OUTBOX_ATTEMPTS:
                log.error("zalo outbox item dropped", extra={"outbox_id": item.id, "malformed": not replies})
                await unit.outbox.mark_sent(item.id)


def webhook_path(url: str | None) -> str:
    """Where Zalo posts: the path of ZALO_WEBHOOK_URL (a proxy may sit in front), else /zalo/webhook."""
    path = urlsplit(url).path if url else ""
    return path if path.startswith("/") and len(path) > 1 else DEFAULT_WEBHOOK_PATH


async def start_zalo(app: App) -> Stopper:
    """Start Zalo (ZALO_BOT_TOKEN set): webhook mode with ZALO_WEBHOOK_SECRET/URL, otherwise polling."""
    settings = app.settings
    if settings.zalo_bot_token is None:
        raise ValueError("ZALO_BOT_TOKEN is not set")
    silence_transport_logs(settings.zalo_bot_token.get_secret_value())
    secret = settings.zalo_webhook_secret.get_secret_value() if settings.zalo_webhook_secret else None
    if settings.zalo_webhook_url and not secret:
        raise ValueError("ZALO_WEBHOOK_URL needs ZALO_WEBHOOK_SECRET (32-256 characters of A-Z a-z 0-9 _ -)")
    if secret is not None and not SECRET_PATTERN.fullmatch(secret):
        raise ValueError("ZALO_WEBHOOK_SECRET must be 32-256 characters of A-Z a-z 0-9 _ -")
    api = ZaloApi(settings.zalo_api_base_url, settings.zalo_bot_token)
    channel = ZaloChannel(
        app, api, secret=secret, webhook_url=settings.zalo_webhook_url, outbox_interval=settings.jobs_interval_seconds
    )
    if secret is not None:
        app.web_routes.append(Route(webhook_path(settings.zalo_webhook_url), channel.webhook, methods=["POST"]))
    channel.start()
    return channel.stop
