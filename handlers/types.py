"""Values that cross the boundary between channels and the conversation core."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

MAX_PAYLOAD_BYTES = 64


class Ask(StrEnum):
    """A request the channel renders with its own widgets, if it has them."""

    PHONE = "phone"


@dataclass(frozen=True, slots=True)
class Button:
    """A choice the citizen can press; code branches on `payload`, never on `label`."""

    label: str
    payload: str

    def __post_init__(self) -> None:
        if not self.payload or len(self.payload.encode("utf-8")) > MAX_PAYLOAD_BYTES:
            raise ValueError(f"payload must be 1..{MAX_PAYLOAD_BYTES} bytes: {self.payload!r}")


@dataclass(frozen=True, slots=True)
class Contact:
    """A phone number shared through the platform's own contact widget."""

    phone: str
    user_id: str | None = None
    forwarded: bool = False


class Capability(StrEnum):
    """What a channel can show; flows word their replies accordingly."""

    BUTTONS = "buttons"
    SHARE_CONTACT = "share_contact"


@dataclass(frozen=True, slots=True)
class Incoming:
    """One message or button press from a citizen, already stripped of transport details."""

    channel: str
    user_id: str
    chat_id: str
    text: str = ""
    payload: str | None = None
    contact: Contact | None = None
    locale: str = "vi"
    private_chat: bool = True
    capabilities: frozenset[Capability] = frozenset({Capability.BUTTONS})


@dataclass(frozen=True, slots=True)
class Reply:
    """One message to show: text, optional buttons and an optional widget request."""

    text: str
    buttons: tuple[Button, ...] = field(default_factory=tuple)
    ask: Ask | None = None


def reply_to_dict(reply: Reply) -> dict[str, Any]:
    """A reply as plain JSON-able data (for the outbox and the web chat)."""
    return {
        "text": reply.text,
        "buttons": [{"label": b.label, "payload": b.payload} for b in reply.buttons],
        "ask": reply.ask.value if reply.ask else None,
    }


def reply_from_dict(data: dict[str, Any]) -> Reply:
    buttons = tuple(Button(str(b["label"]), str(b["payload"])) for b in data.get("buttons") or [])
    ask = Ask(data["ask"]) if data.get("ask") else None
    return Reply(str(data.get("text", "")), buttons, ask)
