"""Persistence over SQLAlchemy 2 async: conversation state, message log and more."""

from storage.db import Store, Unit

__all__ = ["Store", "Unit"]
