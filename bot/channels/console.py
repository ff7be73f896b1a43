"""Console chat: type a question, read the replies; buttons are numbered, typing "2" presses 2."""

from __future__ import annotations

import asyncio
import getpass
from typing import TextIO

from bot.app import App
from bot.channels.base import numbered_text
from handlers.types import Incoming, Reply
from storage import StoreUnavailable

CHANNEL = "console"
PROMPT = "Bạn: "
BYE = "Tạm biệt!"
UNAVAILABLE = "Xin lỗi, hệ thống đang bảo trì. Bạn vui lòng thử lại sau ít phút."


async def run_console(app: App, stdin: TextIO, stdout: TextIO, user_id: str | None = None) -> None:
    """Read lines until end of input; each line is one message to the engine."""
    user = user_id or f"console-{getpass.getuser()}"
    greeting = await app.engine.handle(Incoming(channel=CHANNEL, user_id=user, chat_id=user, text="/start"))
    for reply in greeting:
        stdout.write(numbered_text(reply) + "\n\n")
    while True:
        stdout.write(PROMPT)
        stdout.flush()
        line = await asyncio.to_thread(stdin.readline)
        if not line:
            stdout.write("\n" + BYE + "\n")
            return
        incoming = Incoming(channel=CHANNEL, user_id=user, chat_id=user, text=line.rstrip("\n"))
        try:
            replies = await app.engine.handle(incoming)
        except StoreUnavailable:
            replies = [Reply(UNAVAILABLE)]
        for reply in replies:
            stdout.write(numbered_text(reply) + "\n\n")
        stdout.flush()
