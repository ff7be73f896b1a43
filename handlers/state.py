"""Conversation state: a small JSON-able record stored per channel and user."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

# "answer": the last answer shown; "ticket": an open hand-off ticket (handlers/handoff.py).
KEPT_ON_RESET = ("walk", "seen", "verified", "volunteer", "answer", "ticket")


@dataclass(slots=True)
class State:
    """Where a citizen is in the conversation. Stored as JSON, so only plain values."""

    flow: str | None = None
    step: str | None = None
    data: dict[str, Any] = field(default_factory=dict)
    menu: list[str] = field(default_factory=list)

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> State:
        return cls(
            flow=raw.get("flow"),
            step=raw.get("step"),
            data=dict(raw.get("data") or {}),
            menu=[str(p) for p in raw.get("menu") or []],
        )

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def reset(self) -> State:
        """Leave the active flow; a paused walkthrough is kept so it can be resumed."""
        kept = {key: self.data[key] for key in KEPT_ON_RESET if key in self.data}
        return State(data=kept, menu=self.menu)
