"""What the review app reads from a request: the filters of its query strings and forms, and the typed
fields of the edit form."""
from __future__ import annotations

from typing import Any, Optional
from urllib.parse import urlencode

from ..errors import StoreError
from ..store.base import EDITABLE, STATUSES, ReviewFilter

MAX_PARAM = 200  # characters of one filter value; longer values are cut, never an error
INT_FIELDS = {"time_precision", "inter1", "inter2", "iso", "geo_precision", "geonameid", "fatalities"}
FLOAT_FIELDS = {"latitude", "longitude"}
NULLABLE = {"event_date", "time_precision", "iso", "latitude", "longitude", "geo_precision", "geonameid", "attribution"}


def _one(value: Optional[str]) -> Optional[str]:
    value = (value or "").strip()[:MAX_PARAM]
    return value or None


def filter_from(params) -> ReviewFilter:
    """A ReviewFilter from query or form parameters (multi-valued keys repeat)."""
    def many(key: str) -> list[str]:
        return [v.strip()[:MAX_PARAM] for v in params.getlist(key) if v and v.strip()][:50]
    return ReviewFilter(date_from=_one(params.get("date_from")), date_to=_one(params.get("date_to")),
                        country=many("country"), admin1=many("admin1"), event_type=many("event_type"),
                        sub_event_type=many("sub_event_type"), certainty=many("certainty"),
                        review_status=[s for s in many("status") if s in STATUSES], actor=_one(params.get("actor")),
                        text=_one(params.get("text")), doc_id=_one(params.get("doc_id")))


def filter_query(flt: ReviewFilter) -> str:
    """The filter as a query string again (for links that keep it)."""
    pairs = []
    for key, value in flt.query_params().items():
        key = "status" if key == "review_status" else key
        pairs.extend((key, v) for v in (value if isinstance(value, list) else [value]))
    return urlencode(pairs)


def expected_version(data) -> Optional[int]:
    """The event version a write was made against (None: the writer did not say, so no conflict check)."""
    return int(data["version"]) if str(data.get("version", "")).isdigit() else None


def parse_edit(form) -> dict[str, Any]:
    """The changed fields of the edit form, typed; blank means empty (or None where allowed)."""
    changes: dict[str, Any] = {}
    for name in EDITABLE:
        if name not in form:
            continue
        raw = str(form.get(name, "")).strip()[:5000]
        if raw == "":
            if name in NULLABLE:
                changes[name] = None
            elif name in INT_FIELDS:
                changes[name] = 0
            else:
                changes[name] = ""
            continue
        try:
            changes[name] = int(raw) if name in INT_FIELDS else float(raw) if name in FLOAT_FIELDS else raw
        except ValueError:
            raise StoreError(f"{name} must be a number, not {raw[:40]!r}. Correct it and save again", code="E225")
    return changes
