"""Zalo wire format: updates in (wrapped or not), replies out as numbered plain text of ≤ 2,000 characters."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from bot.channels.base import numbered_text, split_text
from handlers.types import Ask, Button, Reply

MAX_CHARS = 2000
MAX_ID_CHARS = 64
TEXT_EVENT = "message.text.received"
OTHER_MESSAGE_EVENT = re.compile(r"^message\.[a-z_]+\.received$")

TYPE_PHONE = "Zalo không có nút chia sẻ số điện thoại: bạn hãy gõ số điện thoại của mình, ví dụ 0912345678."


@dataclass(frozen=True, slots=True)
class ZaloMessage:
    """The fields of one Zalo update that the bot uses; ids stay strings."""

    event: str
    message_id: str
    user_id: str
    chat_id: str
    text: str = ""
    from_bot: bool = False
    group: bool = False


def zalo_id(value: object) -> str | None:
    """An id as Zalo sends it (string; a number is kept exactly as text), or None if unusable."""
    if isinstance(value, bool) or not isinstance(value, str | int):
        return None
    text = str(value)
    return text if 0 < len(text) <= MAX_ID_CHARS else None


def parse_update(body: object) -> ZaloMessage | None:
    """One update from a webhook body or getUpdates, wrapped in `{"ok", "result"}` or not; None if unusable."""
    if isinstance(body, dict) and "event_name" not in body and body.get("ok") is True:
        body = body.get("result")
    if not isinstance(body, dict):
        return None
    event, message = body.get("event_name"), body.get("message")
    if not isinstance(event, str) or not isinstance(message, dict):
        return None
    if event != TEXT_EVENT and not OTHER_MESSAGE_EVENT.match(event):
        return None
    sender, chat = message.get("from"), message.get("chat")
    sender = sender if isinstance(sender, dict) else {}
    chat = chat if isinstance(chat, dict) else {}
    message_id, user_id = zalo_id(message.get("message_id")), zalo_id(sender.get("id"))
    chat_id = zalo_id(chat.get("id")) or user_id
    if message_id is None or user_id is None or chat_id is None:
        return None
    text = message.get("text")
    return ZaloMessage(
        event=event,
        message_id=message_id,
        user_id=user_id,
        chat_id=chat_id,
        text=text if isinstance(text, str) else "",
        from_bot=sender.get("is_bot") is True,
        group=chat.get("chat_type") == "GROUP",
    )


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def render(reply: Reply) -> list[str]:
    """A reply as Zalo messages: buttons numbered, a phone request as typed text, ≤ 2,000 characters each."""
    text = numbered_text(reply)
    if reply.ask is Ask.PHONE:
        text = f"{text}\n\n{TYPE_PHONE}"
    text = unicodedata.normalize("NFC", text)
    # Zalo counts characters; stay within 2,000 even if it counts UTF-16 units (emoji are two).
    limit = MAX_CHARS
    parts = split_text(text, limit)
    while any(_utf16_len(part) > MAX_CHARS for part in parts):
        limit -= 100
        parts = split_text(text, limit)
    return [part for part in parts if part.strip()]


def reply_from_dict(raw: dict[str, Any]) -> Reply:
    """An outbox reply (`{"text", "buttons": [{"label", "payload"}], "ask"}`) as a `Reply`."""
    buttons = tuple(Button(str(b["label"]), str(b["payload"])) for b in raw.get("buttons") or [])
    ask = Ask(raw["ask"]) if raw.get("ask") else None
    return Reply(str(raw.get("text") or ""), buttons, ask)
