"""What every store offers: the protocol the CLI, the exports, the API and the review app use."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Iterator, Optional, Protocol

from ..types import Article, Problem, Record, StoredEvent


@dataclass
class AddStats:
    """What one ``add_records`` call changed."""

    documents_new: int = 0
    documents_unchanged: int = 0
    documents_updated: int = 0
    events_added: int = 0
    events_removed: int = 0
    problems: int = 0

    def __iadd__(self, other: "AddStats") -> "AddStats":
        for k in vars(self):
            setattr(self, k, getattr(self, k) + getattr(other, k))
        return self


@dataclass
class EventQuery:
    """Filters over stored events; every value is bound as a query parameter, never pasted into SQL."""

    event_type: list[str] = field(default_factory=list)
    sub_event_type: list[str] = field(default_factory=list)
    country: list[str] = field(default_factory=list)
    review_status: list[str] = field(default_factory=list)
    doc_id: Optional[str] = None
    date_from: Optional[str] = None
    date_to: Optional[str] = None
    since: Optional[int] = None
    text: Optional[str] = None
    limit: int = 100
    offset: int = 0


class EventStore(Protocol):
    def add_records(self, records: Iterable[Record], run_id: Optional[str] = None) -> AddStats: ...
    def add_problems(self, problems: Iterable[Problem], run_id: Optional[str] = None) -> int: ...
    def has_document(self, doc_id: str, content_hash: str) -> bool: ...
    def get_document(self, doc_id: str) -> Optional[Article]: ...
    def get_event(self, event_id: str) -> Optional[StoredEvent]: ...
    def query_events(self, q: EventQuery) -> list[StoredEvent]: ...
    def count_events(self, q: EventQuery) -> int: ...
    def iter_events(self, q: EventQuery) -> Iterator[StoredEvent]: ...
    def close(self) -> None: ...
