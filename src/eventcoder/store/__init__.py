"""Event stores. ``open_store(target)`` gives the SQL store for a SQLite path (the default) or a
``postgresql://`` URL."""
from __future__ import annotations

from .base import AddStats, EventQuery, EventStore, Filter, QueryError, make_filter
from .sql import SQLStore, open_store

__all__ = ["AddStats", "EventQuery", "EventStore", "Filter", "QueryError", "SQLStore", "make_filter", "open_store"]
