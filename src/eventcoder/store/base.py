"""What every store offers: the protocol the CLI, the exports, the API and the review app use."""
from __future__ import annotations

import math
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Any, ContextManager, Iterable, Iterator, Optional, Protocol

from ..errors import EvxError, StoreError
from ..types import Article, Problem, Record, StoredEvent

if TYPE_CHECKING:  # users.py pulls in argon2 and typer; the Protocol only names its User
    from .users import User


class QueryError(EvxError, ValueError):
    """A filter names an unknown field, an unknown operator or a value of the wrong kind."""

    code = "E120"


@dataclass
class AddStats:
    """What one ``add_records`` call changed."""

    documents_new: int = 0
    documents_unchanged: int = 0
    documents_updated: int = 0
    documents_refused: int = 0
    """stored under the same id with other content, and not replaced (``add_records(replace=False)``)"""
    events_added: int = 0
    events_removed: int = 0
    problems: int = 0

    def __iadd__(self, other: "AddStats") -> "AddStats":
        for k in vars(self):
            setattr(self, k, getattr(self, k) + getattr(other, k))
        return self


# Filterable columns of events and incidents and the kind of value each holds.
TEXT, INT, REAL, DATE = "text", "int", "real", "date"
FILTER_FIELDS: dict[str, str] = {
    "event_date": DATE, "year": INT, "time_precision": INT, "disorder_type": TEXT, "event_type": TEXT,
    "sub_event_type": TEXT, "actor1": TEXT, "assoc_actor_1": TEXT, "inter1": INT, "actor2": TEXT,
    "assoc_actor_2": TEXT, "inter2": INT, "civilian_targeting": TEXT, "country": TEXT, "iso": INT,
    "admin1": TEXT, "admin2": TEXT, "location": TEXT, "latitude": REAL, "longitude": REAL,
    "geo_precision": INT, "fatalities": INT, "source": TEXT, "notes": TEXT, "certainty": TEXT,
    "confidence": REAL, "geonameid": INT, "doc_id": TEXT, "timestamp": INT,
    # ACLED's: the region of the country (store/filters.py) and ACLED's event id
    "region": TEXT, "event_id_cnty": TEXT,
}
# a report's interaction is computed from inter1/inter2 (store/filters.py); an incident stores it
EVENT_ONLY_FIELDS = {"event_id": TEXT, "incident_id": TEXT, "review_status": TEXT, "interaction": INT}
INCIDENT_ONLY_FIELDS = {"incident_id": TEXT, "interaction": INT, "n_reports": INT, "n_documents": INT}
OPERATORS = ("=", "!=", "<", "<=", ">", ">=", "LIKE", "BETWEEN")
EVENT_FIELDS = {**FILTER_FIELDS, **EVENT_ONLY_FIELDS}
INCIDENT_FIELDS = {**FILTER_FIELDS, **INCIDENT_ONLY_FIELDS}
# Event fields stored as plain columns of the same name (SPEC.md §2; evidence, provenance and flags
# are flattened or JSON): the shape of an events row, as the store returns it to exports and the API.
EVENT_COLUMNS: tuple[str, ...] = (
    "event_id", "doc_id", "event_date", "time_precision", "disorder_type", "event_type", "sub_event_type",
    "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2", "civilian_targeting",
    "country", "iso", "admin1", "admin2", "location", "latitude", "longitude", "geo_precision",
    "fatalities", "source", "notes", "certainty", "attribution", "confidence", "geonameid",
)


@dataclass(frozen=True)
class Filter:
    """``field op values``: several values with ``=`` mean any of them; BETWEEN takes two."""

    field: str
    op: str
    values: tuple[Any, ...]


def coerce(field_name: str, kind: str, raw: Any) -> Any:
    """A filter value as the column's kind, or a QueryError that says what was expected."""
    if raw is None:
        return None
    if "\x00" in str(raw):
        raise QueryError(f"{field_name} contains a NUL character. Remove it")
    if kind == TEXT:
        return str(raw)
    text = str(raw).strip()
    try:
        if kind == INT:
            value = int(text)
            if not -2**63 <= value < 2**63:  # the widest integer either database stores
                raise ValueError
            return value
        if kind == REAL:
            value = float(text)
            if not math.isfinite(value):
                raise ValueError
            return value
    except ValueError:
        raise QueryError(f"{field_name}={raw!r} is not a {'whole number' if kind == INT else 'finite number'}."
                         f" Give {field_name} as a number, e.g. {field_name}=3") from None
    from datetime import date

    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        raise QueryError(f"{field_name}={raw!r} is not a date. Write dates as YYYY-MM-DD, e.g. "
                         f"{field_name}=2015-10-13") from None


def make_filter(field_name: str, op: str, values: Iterable[Any], fields: dict[str, str]) -> Filter:
    """A checked Filter: known field, known operator, values of the right kind and number."""
    if field_name not in fields:
        raise QueryError(f"unknown filter field {field_name!r}. Filter on one of: {', '.join(sorted(fields))}")
    op = op.strip().upper()
    aliases = {"==": "=", "<>": "!="}
    op = aliases.get(op, op)
    if op not in OPERATORS:
        raise QueryError(f"unknown operator {op!r} for {field_name}. Use one of: {', '.join(OPERATORS)}")
    kind = fields[field_name]
    vals = tuple(coerce(field_name, kind, v) for v in values)
    if not vals:
        raise QueryError(f"{field_name} filter has no value. Give one, e.g. {field_name}=...")
    if op == "BETWEEN" and len(vals) != 2:
        raise QueryError(f"{field_name} BETWEEN needs two values separated by '|', e.g. "
                         f"{field_name}=2015-01-01|2015-12-31; got {len(vals)}")
    if op not in ("=", "!=", "BETWEEN") and len(vals) != 1:
        raise QueryError(f"{field_name} {op} takes one value; got {len(vals)}")
    if op == "LIKE" and kind != TEXT:
        raise QueryError(f"LIKE works on text fields; {field_name} is a number. Use =, <, >, <=, >= or BETWEEN")
    return Filter(field_name, op, vals)


@dataclass
class EventQuery:
    """Filters over stored events or incidents; every value is bound as a query parameter."""

    event_type: list[str] = field(default_factory=list)
    sub_event_type: list[str] = field(default_factory=list)
    country: list[str] = field(default_factory=list)
    review_status: list[str] = field(default_factory=list)
    doc_id: Optional[str] = None
    date_from: Optional[str] = None
    date_to: Optional[str] = None
    since: Optional[int] = None
    text: Optional[str] = None
    filters: list[Filter] = field(default_factory=list)
    """Further checked filters (ACLED-style field/operator/values), all of which must hold."""
    limit: int = 100
    offset: int = 0


STATUSES: tuple[str, ...] = ("pending", "accepted", "rejected", "edited")

# The fields an analyst may change; the rest (evidence, ids, confidence) belong to the extraction.
EDITABLE: tuple[str, ...] = (
    "event_date", "time_precision", "event_type", "sub_event_type", "actor1", "assoc_actor_1", "inter1",
    "actor2", "assoc_actor_2", "inter2", "civilian_targeting", "country", "iso", "admin1", "admin2", "location",
    "latitude", "longitude", "geo_precision", "geonameid", "fatalities", "certainty", "attribution", "source",
    "notes",
)


class Conflict(StoreError):
    """Someone saved the event after this writer read it."""

    code = "E220"


class NotFound(StoreError):
    code = "E221"


@dataclass
class ReviewFilter:
    """The filters of the review app's queue, list and map; every value is bound as a parameter."""

    date_from: Optional[str] = None
    date_to: Optional[str] = None
    country: list[str] = field(default_factory=list)
    admin1: list[str] = field(default_factory=list)
    event_type: list[str] = field(default_factory=list)
    sub_event_type: list[str] = field(default_factory=list)
    certainty: list[str] = field(default_factory=list)
    review_status: list[str] = field(default_factory=list)
    actor: Optional[str] = None
    text: Optional[str] = None
    doc_id: Optional[str] = None

    def query_params(self) -> dict[str, Any]:
        """The filter as URL query parameters (lists repeat the key)."""
        out: dict[str, Any] = {}
        for f in fields(self):
            v = getattr(self, f.name)
            if v:
                out[f.name] = v
        return out


class EventStore(Protocol):
    def add_records(self, records: Iterable[Record], run_id: Optional[str] = None, username: str = "",
                    replace: bool = True) -> AddStats: ...
    def add_problems(self, problems: Iterable[Problem], run_id: Optional[str] = None) -> int: ...
    def has_document(self, doc_id: str, content_hash: str) -> bool: ...
    def get_document(self, doc_id: str) -> Optional[Article]: ...
    def document_versions(self, doc_id: str) -> list[dict[str, Any]]: ...
    def get_event(self, event_id: str) -> Optional[StoredEvent]: ...
    def query_events(self, q: EventQuery) -> list[StoredEvent]: ...
    def count_events(self, q: EventQuery) -> int: ...
    def iter_events(self, q: EventQuery) -> Iterator[StoredEvent]: ...
    # incidents: one real-world event, many reports (rows as dicts of the incidents table)
    def get_incident(self, incident_id: str, raw: bool = False) -> Optional[dict[str, Any]]: ...
    def query_incidents(self, q: EventQuery) -> list[dict[str, Any]]: ...
    def count_incidents(self, q: EventQuery) -> int: ...
    def iter_incidents(self, q: EventQuery) -> Iterator[dict[str, Any]]: ...
    def merge_incidents(self, incident_ids: list[str], username: str = "") -> Optional[str]: ...
    def split_incident(self, incident_id: str, event_ids: list[str], username: str = "") -> list[str]: ...
    def deletions_since(self, since: int) -> list[dict[str, Any]]: ...
    def deleted_acled_ids(self, since: int, level: str = "incidents", limit: int = 5000,
                          offset: int = 0) -> list[dict[str, Any]]: ...
    # raw rows, for the API and exports that need no Event objects
    def get_event_row(self, event_id: str) -> Optional[dict[str, Any]]: ...
    def query_event_rows(self, q: EventQuery) -> list[dict[str, Any]]: ...
    def iter_event_rows(self, q: EventQuery) -> Iterator[dict[str, Any]]: ...
    def report_ids_for(self, incident_ids: list[str]) -> dict[str, list[str]]: ...
    # the review app's reads (store/review.py)
    def review_counts(self, flt: Optional[ReviewFilter] = None) -> dict[str, int]: ...
    def review_queue(self, flt: Optional[ReviewFilter] = None, limit: int = 50,
                     exclude: tuple[str, ...] = ()) -> list[StoredEvent]: ...
    def review_events(self, flt: ReviewFilter, limit: int = 100, offset: int = 0) -> list[StoredEvent]: ...
    def review_count(self, flt: ReviewFilter) -> int: ...
    def map_points_json(self, flt: ReviewFilter, limit: int = 500_000) -> bytes: ...
    def event_briefs(self, event_ids: list[str]) -> dict[str, dict[str, Any]]: ...
    def data_version(self) -> tuple[int, int]: ...
    def event_history(self, event_id: str) -> list[dict[str, Any]]: ...
    def countries(self, limit: int = 500) -> list[str]: ...
    def incident_reports(self, incident_id: str) -> list[dict[str, Any]]: ...
    def actor_names_like(self, text: str, limit: int) -> list[str]: ...
    # the review app's writes (store/review.py): each bumps the event's version, or raises Conflict
    def set_review_status(self, event_id: str, status: str, username: str,
                          expected_version: Optional[int] = None) -> int: ...
    def bulk_set_review_status(self, flt: ReviewFilter, status: str, username: str) -> int: ...
    def edit_event(self, event_id: str, changes: dict[str, Any], username: str,
                   expected_version: Optional[int]) -> int: ...
    def revert_event(self, event_id: str, to_version: int, username: str,
                     expected_version: Optional[int] = None) -> int: ...
    def delete_event(self, event_id: str, username: str) -> None: ...
    # users and login sessions (store/users.py)
    def list_users(self) -> list["User"]: ...
    def add_user(self, username: str, password: str, role: str = "reviewer") -> "User": ...
    def set_role(self, username: str, role: str, by: str = "") -> None: ...
    def set_disabled(self, username: str, disabled: bool, by: str = "") -> None: ...
    def set_password(self, username: str, password: str) -> None: ...
    def verify_user(self, username: str, password: str, slot: Optional[ContextManager] = None,
                    remember_s: int = 0) -> Optional["User"]: ...
    def create_session(self, user: "User") -> str: ...
    def session_user(self, token: Optional[str]) -> Optional["User"]: ...
    def end_session(self, token: Optional[str]) -> None: ...
    # API tokens (store/tokens.py)
    def create_token(self, username: str, label: str = "") -> tuple[int, str]: ...
    def list_tokens(self, username: str) -> list[dict[str, Any]]: ...
    def revoke_token(self, username: str, token_id: int) -> None: ...
    def token_user(self, token: Optional[str]) -> Optional["User"]: ...
    def reopen_target(self) -> Optional[str]: ...
    def close(self) -> None: ...
