"""Telegram through python-telegram-bot 22: long polling or our webhook; deduplicated, ordered, paced.

Every update is claimed in the inbox (channel, update_id) before it is handled, so a redelivery
(after a restart, a webhook retry or a replay) gets no second answer. Updates of one chat run one
after another; chats run concurrently. Replies that cannot be sent (429 after retries, network
errors) go to the outbox and are delivered later, with proactive messages such as reminders.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import os
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any, Literal

from telegram import LinkPreviewOptions, ReplyKeyboardMarkup, ReplyKeyboardRemove, Update
from telegram.constants import ChatMemberStatus, ChatType, ParseMode
from telegram.error import BadRequest, Forbidden, InvalidToken, TelegramError
from telegram.ext import ExtBot
from telegram.request import HTTPXRequest

from bot.app import App
from bot.channels import apology
from bot.channels.chat_queues import ChatQueues
from bot.channels.telegram_pacing import PacedRateLimiter
from bot.channels.telegram_render import CHANNEL, COMMANDS, chat_key, render, to_incoming
from bot.channels.telegram_staff import StaffDesk
from bot.channels.telegram_webhook import webhook_address, webhook_route, webhook_secret
from handlers.engine import Accepted
from handlers.types import Incoming, Reply, reply_from_dict, reply_to_dict
from storage import OutboxItem, StoreUnavailable

log = logging.getLogger(__name__)

ALLOWED_UPDATES = ["message", "callback_query", "my_chat_member"]
POLL_TIMEOUT = dt.timedelta(seconds=25)
OUTBOX_SECONDS = 5.0
OUTBOX_MAX_ATTEMPTS = 5
# How long a process may take to send what it took from the outbox before another one may.
OUTBOX_LEASE = dt.timedelta(minutes=5)
STOP_GRACE_SECONDS = 10.0
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
_KEYBOARD_MEMORY = 10_000

Stopper = Callable[[], Awaitable[None]]


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def build_bot(token: str, api_root: str, rate_limiter: PacedRateLimiter | None = None) -> ExtBot[int]:
    """A PTB bot for `<api_root>/bot<token>/<method>`, paced by `PacedRateLimiter`."""
    # Opt in to PTB's timedelta periods (RetryAfter.retry_after) instead of a deprecation warning per 429.
    os.environ.setdefault("PTB_TIMEDELTA", "true")
    root = api_root.rstrip("/")
    return ExtBot(
        token,
        base_url=f"{root}/bot",
        base_file_url=f"{root}/file/bot",
        request=HTTPXRequest(connection_pool_size=32, read_timeout=10, pool_timeout=10),
        get_updates_request=HTTPXRequest(connection_pool_size=1),
        rate_limiter=rate_limiter or PacedRateLimiter(),
    )


@dataclass(frozen=True, slots=True)
class Delivery:
    """What became of a list of replies: all sent, the chat blocked the bot, or some left unsent."""

    status: Literal["sent", "blocked", "failed"]
    unsent: list[Reply] = field(default_factory=list)


class TelegramChannel:
    """Turns Telegram updates into engine calls and replies into paced sendMessage calls."""

    def __init__(self, app: App, bot: ExtBot[int], clock: Callable[[], dt.datetime] = _utc_now) -> None:
        self.app, self.bot, self.clock = app, bot, clock
        self.chats = ChatQueues()
        self.apologies = apology.Apologies()
        self.ready = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []
        self._outbox_in_flight: set[int] = set()
        # Chats now showing the "share my number" keyboard, so the next answer removes it. This is
        # rendering state, not conversation state: after a restart a contact message still removes it.
        self._contact_keyboards: dict[str, None] = {}
        staff = app.settings.staff_chat_id  # the staff group: hand-off tickets, never citizens
        self.desk = StaffDesk(app, bot, staff, clock, self.deliver_outbox) if staff is not None else None

    # Incoming -------------------------------------------------------------------------------

    async def accept_json(self, data: dict[str, Any]) -> None:
        """A webhook body: parse it, then `accept`. An update we cannot parse is logged and dropped."""
        try:
            update = Update.de_json(data, self.bot)
        except Exception:
            log.warning("telegram update not understood", extra={"fields": sorted(data)[:8]})
            return
        await self.accept(update)

    async def accept(self, update: Update) -> None:
        """Handle the update (or find it handled already: a replay) and queue its replies.

        The inbox claim, the new state and the replies commit together (`Engine.accept`), so a
        webhook answers 200 once this returns; the replies are then sent behind the chat's earlier
        ones. Raises when the database is down: the update is not acknowledged and comes again.
        """
        chat = chat_key(update)
        if update.my_chat_member is not None:
            await self._membership(update)
            return
        incoming = to_incoming(update)
        if chat is None or incoming is None:
            return
        if self.desk is not None and self.desk.owns(update):
            await self._claim_for_staff(update, chat)
            return
        await self.ready.wait()
        try:
            accepted = await self.app.engine.accept(incoming, str(update.update_id))
        except StoreUnavailable:  # not acknowledged: Telegram delivers it again later
            await self.apologise(chat)
            raise
        if accepted is None:
            log.info("telegram update replayed", extra={"update_id": update.update_id})
            return
        # Queued before anything else can run, so replies go out in the order the engine made them.
        self.chats.put(chat, partial(self._send, update, incoming, accepted))

    async def _send(self, update: Update, incoming: Incoming, accepted: Accepted) -> None:
        if update.callback_query is not None:
            with contextlib.suppress(TelegramError):
                await update.callback_query.answer()
        await self.send_accepted(incoming, accepted)

    async def _claim_for_staff(self, update: Update, chat: str) -> None:
        """A staff-group update: claim it, then let the desk relay it (no conversation state involved)."""
        async with self.app.store.unit() as unit:
            fresh = await unit.inbox.claim(CHANNEL, str(update.update_id), self.clock())
        if fresh and self.desk is not None:
            self.chats.put(chat, partial(self.desk.process, update))

    async def _membership(self, update: Update) -> None:
        """A citizen blocked the bot (or unblocked it): record it, and drop what was waiting for them."""
        member = update.my_chat_member
        assert member is not None
        if member.chat.type != ChatType.PRIVATE:
            return
        blocked = member.new_chat_member.status == ChatMemberStatus.BANNED
        async with self.app.store.unit() as unit:
            if not await unit.inbox.claim(CHANNEL, str(update.update_id), self.clock()):
                return
            if blocked:
                await unit.events.record(CHANNEL, "blocked", self.clock())
                await unit.outbox.drop_chat(CHANNEL, str(member.chat.id))
        log.info("telegram chat membership changed", extra={"blocked": blocked})

    async def apologise(self, chat_id: str) -> None:
        """The database is down: say so, with the hotline, at most once per chat every 10 minutes."""
        if self.apologies.due(chat_id):
            with contextlib.suppress(TelegramError, TimeoutError):
                await asyncio.wait_for(self.bot.send_message(chat_id, apology.TEXT), apology.SEND_TIMEOUT_SECONDS)

    # Outgoing -------------------------------------------------------------------------------

    async def send_accepted(self, incoming: Incoming, accepted: Accepted) -> None:
        """Send an update's stored replies; what cannot be sent now is left to the delivery loop."""
        if accepted.outbox_id is not None:
            self._outbox_in_flight.add(accepted.outbox_id)
        try:
            delivery = await self.deliver(
                incoming.chat_id,
                accepted.replies,
                private=incoming.private_chat,
                contact_received=incoming.contact is not None,
            )
            unsent = delivery.unsent if delivery.status == "failed" else []
            if unsent:
                log.warning("telegram replies left for the delivery loop", extra={"count": len(unsent)})
            await self.app.engine.delivered(accepted, unsent)
        finally:
            if accepted.outbox_id is not None:
                self._outbox_in_flight.discard(accepted.outbox_id)

    async def deliver(
        self, chat_id: str, replies: list[Reply], *, private: bool = True, contact_received: bool = False
    ) -> Delivery:
        """Send replies in order. A blocked bot is recorded and not retried; a failure stops the rest."""
        remove = contact_received or chat_id in self._contact_keyboards
        for message in render(replies, private=private, remove_keyboard=remove):
            try:
                await self.bot.send_message(
                    chat_id,
                    message.html,
                    parse_mode=ParseMode.HTML,
                    reply_markup=message.markup,
                    link_preview_options=NO_PREVIEW,
                )
            except Forbidden:
                async with self.app.store.unit() as unit:
                    await unit.events.record(CHANNEL, "blocked", self.clock())
                    await unit.outbox.drop_chat(CHANNEL, chat_id)
                log.info("telegram chat unreachable (bot blocked or removed)")
                return Delivery("blocked")
            except BadRequest as error:
                log.error("telegram refused a message", extra={"error": error.message})
                continue
            except TelegramError as error:
                log.warning("telegram send failed", extra={"error": type(error).__name__})
                return Delivery("failed", replies[message.reply_index :])
            self._track_keyboard(chat_id, message.markup)
        return Delivery("sent")

    def _track_keyboard(self, chat_id: str, markup: object) -> None:
        if isinstance(markup, ReplyKeyboardMarkup):
            self._contact_keyboards[chat_id] = None
            if len(self._contact_keyboards) > _KEYBOARD_MEMORY:
                del self._contact_keyboards[next(iter(self._contact_keyboards))]
        elif isinstance(markup, ReplyKeyboardRemove):
            self._contact_keyboards.pop(chat_id, None)

    async def deliver_outbox(self) -> int:
        """Queue pending outbox messages behind their chats' replies; return how many were found."""
        async with self.app.store.unit() as unit:
            items = await unit.outbox.take(CHANNEL, self.clock(), OUTBOX_LEASE)
        for item in items:
            if item.id not in self._outbox_in_flight:
                self._outbox_in_flight.add(item.id)
                self.chats.put(item.chat_id, partial(self._deliver_item, item))
        return len(items)

    async def _deliver_item(self, item: OutboxItem) -> None:
        try:
            replies = [reply_from_dict(data) for data in item.replies]
            delivery = await self.deliver(item.chat_id, replies, private=not item.chat_id.startswith("-"))
            async with self.app.store.unit() as unit:
                if delivery.status == "failed":
                    if len(delivery.unsent) < len(replies):  # progress: keep only what is left
                        await unit.outbox.release(item.id, [reply_to_dict(reply) for reply in delivery.unsent])
                        return
                    if await unit.outbox.mark_failed(item.id) < OUTBOX_MAX_ATTEMPTS:
                        return
                    else:
                        await unit.events.record(CHANNEL, "undeliverable", self.clock())
                await unit.outbox.mark_sent(item.id)
        finally:
            self._outbox_in_flight.discard(item.id)

    # Running --------------------------------------------------------------------------------

    async def setup(self, webhook: tuple[str, str] | None) -> None:
        """Log in, publish the Vietnamese command menu, and register or remove the webhook."""
        backoff = 1.0
        while True:
            try:
                await self.bot.initialize()
                await self.bot.set_my_commands(COMMANDS)
                if webhook is not None:
                    url, secret = webhook
                    await self.bot.set_webhook(url, secret_token=secret, allowed_updates=ALLOWED_UPDATES)
                else:
                    await self.bot.delete_webhook(drop_pending_updates=False)
                break
            except InvalidToken:
                log.error("telegram rejected the bot token; the Telegram channel stays off")
                raise
            except TelegramError as error:
                log.warning("telegram not reachable yet", extra={"error": type(error).__name__})
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 60)
        self.ready.set()
        log.info("telegram ready", extra={"mode": "webhook" if webhook else "polling", "bot": self.bot.username})

    async def poll(self) -> None:
        """Long-poll getUpdates. The offset moves past an update only once it is handled and stored."""
        offset: int | None = None
        backoff = 1.0
        while True:
            try:
                updates = await self.bot.get_updates(
                    offset=offset, timeout=POLL_TIMEOUT, allowed_updates=ALLOWED_UPDATES
                )
            except InvalidToken:
                log.error("telegram rejected the bot token; polling stops")
                return
            except TelegramError as error:
                log.warning("telegram polling failed", extra={"error": type(error).__name__})
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 30)
                continue
            backoff = 1.0
            for update in updates:
                try:
                    await self.accept(update)
                except Exception:  # the database is down: fetch this update again later
                    log.exception("telegram update not stored")
                    await asyncio.sleep(backoff)
                    break
                offset = update.update_id + 1

    async def run(self, webhook: tuple[str, str] | None) -> None:
        """Set up, poll (unless a webhook feeds us) and deliver the outbox every few seconds."""
        try:
            await self.setup(webhook)
        except InvalidToken:
            return
        if webhook is None:
            self._tasks.append(asyncio.create_task(self.poll()))
        while True:
            try:
                await self.deliver_outbox()
                if self.desk is not None:
                    await self.desk.deliver()
            except Exception:
                log.exception("telegram outbox delivery failed")
            await asyncio.sleep(OUTBOX_SECONDS)

    def start(self, webhook: tuple[str, str] | None) -> None:
        self._tasks.append(asyncio.create_task(self.run(webhook)))

    async def stop(self) -> None:
        """Stop fetching, let queued updates finish (briefly), then close the HTTP clients."""
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self.chats.close(grace=STOP_GRACE_SECONDS)
        with contextlib.suppress(Exception):
            await self.bot.shutdown()


async def start_telegram(app: App) -> Stopper:
    """Start Telegram (polling, or a webhook route on our web server when TELEGRAM_WEBHOOK_URL is set)."""
    settings = app.settings
    if settings.telegram_bot_token is None:
        raise ValueError("TELEGRAM_BOT_TOKEN is not set")
    bot = build_bot(settings.telegram_bot_token.get_secret_value(), settings.telegram_api_base_url)
    channel = TelegramChannel(app, bot)
    webhook: tuple[str, str] | None = None
    if settings.telegram_webhook_url:
        configured = settings.telegram_webhook_secret
        secret = webhook_secret(configured.get_secret_value() if configured else None)
        url, path = webhook_address(settings.telegram_webhook_url)
        app.web_routes.append(webhook_route(path, secret, channel.accept_json))
        webhook = (url, secret)
    channel.start(webhook)
    return channel.stop
