"""Telegram rendering: updates become `Incoming`, replies become HTML messages with keyboards."""

from __future__ import annotations

import html
import unicodedata
from dataclasses import dataclass

from telegram import (
    BotCommand,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)
from telegram.constants import ChatType

from handlers.types import Ask, Button, Capability, Contact, Incoming, Reply

CHANNEL = "telegram"
MAX_MESSAGE_UNITS = 4096  # Telegram counts UTF-16 code units after entity parsing
CONTACT_BUTTON = "📱 Chia sẻ số điện thoại"  # the recovery texts name this button
CHOOSE = "Chọn một mục bên dưới:"
COMMANDS = (
    BotCommand("start", "Bắt đầu, xem danh sách chính"),
    BotCommand("menu", "Về danh sách chính"),
    BotCommand("huy", "Dừng việc đang làm"),
    BotCommand("trogiup", "Hướng dẫn sử dụng"),
    BotCommand("xoa_du_lieu", "Xóa dữ liệu của bạn"),
)
_GLUE = {"\u200d", "\ufe0e", "\ufe0f"}  # zero-width joiner and variation selectors bind to their neighbours

Markup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove


@dataclass(frozen=True, slots=True)
class Outgoing:
    """One sendMessage call: HTML text (already escaped) and its keyboard, if any."""

    html: str
    markup: Markup | None = None
    reply_index: int = 0


def utf16_units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _fit(text: str, limit: int) -> int:
    """The longest prefix length of `text` within `limit` UTF-16 units."""
    units = 0
    for index, char in enumerate(text):
        units += 2 if ord(char) > 0xFFFF else 1
        if units > limit:
            return index
    return len(text)


def _safe_cut(text: str, end: int) -> int:
    """Move a hard cut back so that it never separates a character from its combining marks."""
    cut = end
    while cut > 0 and (unicodedata.combining(text[cut]) or text[cut] in _GLUE or text[cut - 1] in _GLUE):
        cut -= 1
    return cut or end


def split_message(text: str, limit: int = MAX_MESSAGE_UNITS) -> list[str]:
    """Split at line breaks (then spaces, then a safe hard cut) so that each part fits `limit` units."""
    parts: list[str] = []
    rest = text
    while utf16_units(rest) > limit:
        end = _fit(rest, limit)
        cut = rest.rfind("\n", 0, end + 1)
        if cut <= 0:
            cut = rest.rfind(" ", 0, end + 1)
        if cut <= 0:
            cut = _safe_cut(rest, end)
        parts.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip("\n ")
    parts.append(rest)
    return [part for part in parts if part.strip()]


def inline_keyboard(buttons: tuple[Button, ...]) -> InlineKeyboardMarkup:
    """One button per row (labels are long Vietnamese phrases); callback data is the payload."""
    return InlineKeyboardMarkup([[InlineKeyboardButton(b.label, callback_data=b.payload)] for b in buttons])


def contact_keyboard() -> ReplyKeyboardMarkup:
    button = KeyboardButton(CONTACT_BUTTON, request_contact=True)
    return ReplyKeyboardMarkup([[button]], resize_keyboard=True, one_time_keyboard=True)


def _with_keyboard(messages: list[Outgoing], keyboard: ReplyKeyboardMarkup | ReplyKeyboardRemove) -> list[Outgoing]:
    """Put a reply keyboard (or its removal) on the first message free of inline buttons.

    A message carries one markup only; when every message has inline buttons, the first one is
    split: its text carries the reply keyboard and its last line (or a short prompt) the buttons.
    """
    for index, message in enumerate(messages):
        if message.markup is None:
            return [*messages[:index], Outgoing(message.html, keyboard, message.reply_index), *messages[index + 1 :]]
    first = messages[0]
    head, _, tail = first.html.rpartition("\n")
    if not (head.strip() and tail.strip()):
        head, tail = first.html, html.escape(CHOOSE, quote=False)
    split = [Outgoing(head, keyboard, first.reply_index), Outgoing(tail, first.markup, first.reply_index)]
    return [*split, *messages[1:]]


def render(replies: list[Reply], *, private: bool = True, remove_keyboard: bool = False) -> list[Outgoing]:
    """The messages to send for `replies`, in order, each within Telegram's limits."""
    messages: list[Outgoing] = []
    asked = False
    for index, reply in enumerate(replies):
        parts = split_message(reply.text) or ([CHOOSE] if reply.buttons or reply.ask else [])
        rendered = [Outgoing(html.escape(part, quote=False), None, index) for part in parts]
        if reply.buttons and rendered:
            last = rendered[-1]
            rendered[-1] = Outgoing(last.html, inline_keyboard(reply.buttons), index)
        if reply.ask is Ask.PHONE and private and rendered:
            rendered = _with_keyboard(rendered, contact_keyboard())
            asked = True
        messages += rendered
    if remove_keyboard and not asked and messages:
        messages = _with_keyboard(messages, ReplyKeyboardRemove())
    return messages


def chat_key(update: Update) -> str | None:
    """The chat an update belongs to (its replies go there, in order); None for updates we ignore."""
    if update.callback_query is not None:
        query = update.callback_query
        return str(query.message.chat.id) if query.message is not None else str(query.from_user.id)
    message = update.message
    if message is None or message.from_user is None or message.from_user.is_bot:
        return None
    return str(message.chat.id)


def _capabilities(private: bool) -> frozenset[Capability]:
    # Telegram shows the "share my number" button in private chats only.
    return frozenset({Capability.BUTTONS, Capability.SHARE_CONTACT}) if private else frozenset({Capability.BUTTONS})


def to_incoming(update: Update) -> Incoming | None:
    """The citizen's message or button press, or None for an update we do not answer."""
    chat_id = chat_key(update)
    if chat_id is None:
        return None
    query = update.callback_query
    if query is not None:
        private = query.message is None or query.message.chat.type == ChatType.PRIVATE
        user_id = str(query.from_user.id)
        return Incoming(
            CHANNEL,
            user_id,
            chat_id,
            payload=query.data or None,
            private_chat=private,
            capabilities=_capabilities(private),
        )
    message = update.message
    assert message is not None and message.from_user is not None  # chat_key checked both
    contact = None
    if message.contact is not None:
        shared = message.contact
        contact = Contact(
            phone=shared.phone_number,
            user_id=str(shared.user_id) if shared.user_id is not None else None,
            forwarded=message.forward_origin is not None,
        )
    private = message.chat.type == ChatType.PRIVATE
    return Incoming(
        CHANNEL,
        str(message.from_user.id),
        chat_id,
        text=message.text or message.caption or "",
        contact=contact,
        private_chat=private,
        capabilities=_capabilities(private),
    )
