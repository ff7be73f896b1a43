"""Rendering shared by channels: numbered menus for text-only channels and message splitting."""

from __future__ import annotations

from handlers.types import Reply

NUMBERED_HINT = "Trả lời bằng số: {choices}."


def numbered_text(reply: Reply) -> str:
    """A reply with its buttons as numbered lines, for channels that cannot show buttons."""
    if not reply.buttons:
        return reply.text
    lines = [reply.text, ""]
    lines += [f"{n}. {button.label}" for n, button in enumerate(reply.buttons, start=1)]
    numbers = [str(n) for n in range(1, len(reply.buttons) + 1)]
    choices = ", ".join(numbers[:-1]) + f" hoặc {numbers[-1]}" if len(numbers) > 1 else numbers[0]
    lines.append(NUMBERED_HINT.format(choices=choices))
    return "\n".join(lines)


def split_text(text: str, limit: int) -> list[str]:
    """Split at line breaks (then spaces, then hard) so that no part exceeds `limit` characters."""
    parts: list[str] = []
    rest = text
    while len(rest) > limit:
        cut = rest.rfind("\n", 0, limit + 1)
        if cut <= 0:
            cut = rest.rfind(" ", 0, limit + 1)
        if cut <= 0:
            cut = limit
        parts.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip("\n ")
    if rest or not parts:
        parts.append(rest)
    return parts
