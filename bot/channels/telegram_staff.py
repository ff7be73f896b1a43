"""The staff group on Telegram (STAFF_CHAT_ID): tickets go there; staff replies and /dong come back.

Messages for the group wait in the outbox under the channel "staff" (queued by the hand-off flow
from any citizen channel); the Telegram channel's outbox loop calls `deliver`. Updates from the
group never reach the conversation engine: `process` hands them to `handlers.handoff_staff`.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Awaitable, Callable

from telegram import LinkPreviewOptions, Message, ReplyParameters, Update
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import ExtBot

from bot.app import App
from bot.channels.telegram_render import render
from handlers.handoff_staff import StaffMessage, on_staff_message
from handlers.handoff_view import STAFF_CHANNEL
from handlers.types import Reply, reply_from_dict
from storage import OutboxItem

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 20  # about 100 s of retries at the outbox pace before a message counts as undeliverable
LEASE = dt.timedelta(minutes=5)  # another replica leaves taken messages alone this long
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)


class StaffDesk:
    """Sends ticket messages to the staff group and turns the group's replies into relays."""

    def __init__(
        self,
        app: App,
        bot: ExtBot[int],
        chat_id: int,
        clock: Callable[[], dt.datetime],
        after_relay: Callable[[], Awaitable[object]] | None = None,
    ) -> None:
        self.app, self.bot, self.chat_id, self.clock = app, bot, chat_id, clock
        # Called after a staff reply was queued, so a citizen on Telegram gets it without waiting.
        self.after_relay = after_relay

    def owns(self, update: Update) -> bool:
        """True for any update from the staff group: none of them is a citizen's message."""
        chat = update.effective_chat
        return chat is not None and chat.id == self.chat_id

    async def process(self, update: Update) -> None:
        """A message in the staff group: a reply to the bot's message is relayed, /dong closes."""
        message = update.message
        if message is None or message.from_user is None or message.from_user.is_bot:
            return
        replied = message.reply_to_message
        from_bot = replied is not None and replied.from_user is not None and replied.from_user.id == self.bot.id
        staff = StaffMessage(
            text=message.text or message.caption or "",
            replied_id=replied.message_id if replied is not None and from_bot else None,
            replied_text=(replied.text or "") if replied is not None and from_bot else "",
        )
        answers = await on_staff_message(self.app.store, staff, self.clock())
        if answers:
            await self._send(answers, reply_to=message.message_id)
            log.info("staff message handled", extra={"answers": len(answers)})
        if answers and self.after_relay is not None:
            await self.after_relay()

    async def _send(self, replies: list[Reply], reply_to: int | None = None) -> Message | None:
        """Send to the group; returns the first message sent."""
        first: Message | None = None
        for outgoing in render(replies, private=False):
            sent = await self.bot.send_message(
                self.chat_id,
                outgoing.html,
                parse_mode=ParseMode.HTML,
                link_preview_options=NO_PREVIEW,
                reply_parameters=ReplyParameters(reply_to, allow_sending_without_reply=True) if reply_to else None,
            )
            first = first or sent
        return first

    async def deliver(self) -> int:
        """Send queued ticket messages in order, remembering which message carries each ticket."""
        async with self.app.store.unit() as unit:
            items = await unit.outbox.take(STAFF_CHANNEL, self.clock(), LEASE)
        for index, item in enumerate(items):
            if not await self._deliver_item(item):
                # Keep the order: later messages wait for this one, in the next round.
                async with self.app.store.unit() as unit:
                    for later in items[index + 1 :]:
                        await unit.outbox.release(later.id)
                break
        return len(items)

    async def _deliver_item(self, item: OutboxItem) -> bool:
        try:
            sent = await self._send([reply_from_dict(data) for data in item.replies])
        except TelegramError as error:
            async with self.app.store.unit() as unit:
                attempts = await unit.outbox.mark_failed(item.id)
                if attempts < MAX_ATTEMPTS:
                    log.warning("staff chat not reachable", extra={"error": type(error).__name__})
                    return False
                await unit.outbox.mark_sent(item.id)
                await unit.events.record("telegram", "undeliverable", self.clock())
            log.error("staff chat unreachable; the ticket stays open", extra={"error": type(error).__name__})
            return True
        async with self.app.store.unit() as unit:
            if sent is not None and item.user_id.isdigit():  # the item's user id is the ticket's id
                await unit.tickets.set_staff_message(int(item.user_id), sent.message_id)
            await unit.outbox.mark_sent(item.id)
        return True
