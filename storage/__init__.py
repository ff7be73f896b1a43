"""Persistence over SQLAlchemy 2 async: conversation state, message log and more."""

from storage.db import Store, StoreUnavailable, Unit
from storage.dossiers import Dossier, DossierRecord
from storage.outbox import OutboxItem
from storage.walks import WalkSession

__all__ = [
    "Dossier",
    "DossierRecord",
    "OutboxItem",
    "Store",
    "StoreUnavailable",
    "Unit",
    "WalkSession",
]
