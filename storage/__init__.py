"""Persistence over SQLAlchemy 2 async: conversation state, message log and more."""

from storage.db import Store, Unit
from storage.outbox import OutboxItem
from storage.walks import WalkSession

__all__ = ["OutboxItem", "Store", "Unit", "WalkSession"]
