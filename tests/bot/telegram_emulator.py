"""telegram-test-api behind our shim (tests/telegram_emulator), and a citizen talking through its client API."""

from __future__ import annotations

import contextlib
import html
import os
import selectors
import shutil
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.bot.helpers import ROOT

EMULATOR = ROOT / "tests" / "telegram_emulator"


def require_emulator() -> None:
    """Skip without Node or `npm ci`; in CI (CI=true) fail instead, since these tests must run there."""
    if shutil.which("node") is None:
        problem = "Node.js is not installed (apt-get install nodejs npm)"
    elif not (EMULATOR / "node_modules" / "telegram-test-api").is_dir():
        problem = "the Telegram emulator is not installed: run `npm ci --prefix tests/telegram_emulator`"
    else:
        return
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{problem}; .ci/run does this before the tests")
    pytest.skip(problem)


@contextlib.contextmanager
def run_emulator(log_path: Path) -> Iterator[str]:
    """Start the emulator on a free loopback port; yield its root URL once it prints READY."""
    with log_path.open("ab") as log:
        process = subprocess.Popen(
            ["node", "server.js", "0", "127.0.0.1"], cwd=EMULATOR, stdout=subprocess.PIPE, stderr=log
        )
    assert process.stdout is not None
    try:
        with selectors.DefaultSelector() as selector:
            selector.register(process.stdout, selectors.EVENT_READ)
            if not selector.select(timeout=15):
                raise RuntimeError(f"emulator did not start: {log_path.read_text(errors='replace')}")
        line = process.stdout.readline().decode().strip()
        if not line.startswith("READY "):
            raise RuntimeError(f"emulator said {line!r}: {log_path.read_text(errors='replace')}")
        yield line.removeprefix("READY ")
    finally:
        process.terminate()
        try:
            process.wait(5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)
        process.stdout.close()


@dataclass(frozen=True)
class Seen:
    """A bot message as the citizen sees it."""

    message_id: int
    time_ms: int
    text: str
    buttons: list[tuple[str, str]]  # inline keyboard: (label, callback data)
    contact_button: bool
    removes_keyboard: bool

    @classmethod
    def of(cls, record: dict[str, Any]) -> Seen:
        message = record["message"]
        markup = message.get("reply_markup") or {}
        inline = [(b["text"], b["callback_data"]) for row in markup.get("inline_keyboard", []) for b in row]
        keys = [b for row in markup.get("keyboard", []) for b in row]
        return cls(
            message_id=int(record["messageId"]),
            time_ms=int(record["time"]),
            text=html.unescape(message.get("text", "")),
            buttons=inline,
            contact_button=any(isinstance(b, dict) and b.get("request_contact") for b in keys),
            removes_keyboard=bool(markup.get("remove_keyboard")),
        )


class Citizen:
    """One Telegram user in a private chat with the bot, driven through the emulator's client API."""

    def __init__(self, api: str, token: str, user_id: int) -> None:
        self.api, self.token, self.user_id = api, token, user_id
        self.user = {"id": user_id, "is_bot": False, "first_name": "Lan", "language_code": "vi"}
        self.chat = {"id": user_id, "type": "private", "first_name": "Lan"}
        self.seen: list[Seen] = []
        self.http = httpx.Client(base_url=api, timeout=10)

    def _post(self, path: str, body: dict[str, Any]) -> Any:
        response = self.http.post(path, json=body)
        response.raise_for_status()
        return response.json().get("result")

    def _message(self, **fields: Any) -> dict[str, Any]:
        return {"botToken": self.token, "from": self.user, "chat": self.chat, "date": int(time.time()), **fields}

    def send(self, text: str) -> None:
        if text.startswith("/"):
            command = text.split(" ", 1)[0]
            entities = [{"offset": 0, "length": len(command), "type": "bot_command"}]
            self._post("/sendCommand", self._message(text=text, entities=entities))
        else:
            self._post("/sendMessage", self._message(text=text))

    def share_contact(self, phone: str, user_id: int | None) -> None:
        contact: dict[str, Any] = {"phone_number": phone, "first_name": "Lan"}
        if user_id is not None:
            contact["user_id"] = user_id
        self._post("/sendMessage", self._message(contact=contact))

    def press(self, label: str) -> None:
        """Press the newest inline button with this label."""
        for seen in reversed(self.seen):
            for text, data in seen.buttons:
                if text == label:
                    message = {"message_id": seen.message_id, "date": seen.time_ms // 1000, "chat": self.chat}
                    self._post(
                        "/sendCallback", {"botToken": self.token, "from": self.user, "data": data, "message": message}
                    )
                    return
        raise AssertionError(f"no button {label!r}; seen {[b for s in self.seen for b in s.buttons]}")

    def redeliver(self) -> int:
        """Make the emulator hand this chat's updates to the bot again, with their update ids."""
        return int(self._post("/shim/redeliver", {"token": self.token, "chatId": self.user_id}))

    def receive(self, until: Callable[[list[Seen]], bool], timeout: float = 15.0) -> list[Seen]:
        """Collect the bot's new messages to this chat until `until(messages)` holds."""
        got: list[Seen] = []
        deadline = time.monotonic() + timeout
        while True:
            records = self._post("/getUpdates", {"token": self.token, "chatId": self.user_id}) or []
            got += [Seen.of(record) for record in sorted(records, key=lambda r: r["messageId"])]
            if until(got):
                self.seen += got
                return got
            if time.monotonic() > deadline:
                raise AssertionError(f"no expected reply within {timeout} s; got {[s.text[:80] for s in got]}")
            time.sleep(0.05)

    def close(self) -> None:
        self.http.close()


def has_text(fragment: str) -> Callable[[list[Seen]], bool]:
    return lambda messages: any(fragment in message.text for message in messages)
