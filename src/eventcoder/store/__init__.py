"""Event stores. ``open_store(target)`` gives the SQLite store for a path (the default)."""
from __future__ import annotations

from .base import AddStats, EventQuery, EventStore
from .sql import SQLStore, open_store

__all__ = ["AddStats", "EventQuery", "EventStore", "SQLStore", "open_store"]
