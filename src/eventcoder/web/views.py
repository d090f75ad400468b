"""How the review app shows things: the document split around an event's evidence, the queue card's JSON,
the spans a page highlights, a gazetteer hit, and the actor names offered while typing."""
from __future__ import annotations

from typing import Any

from ..knowledge import actorlist


def highlight(body: str, start: int, end: int) -> dict[str, str]:
    """The document split around the evidence span; the template escapes each part."""
    start, end = max(0, min(start, len(body))), max(0, min(end, len(body)))
    return {"before": body[:start], "evidence": body[start:end], "after": body[end:]}


def excerpt(body: str, start: int, end: int, context: int = 400) -> dict[str, str]:
    """The evidence with up to ``context`` characters either side (the queue card)."""
    parts = highlight(body, start, end)
    before, after = parts["before"], parts["after"]
    return {"before": ("…" if len(before) > context else "") + before[-context:], "evidence": parts["evidence"],
            "after": after[:context] + ("…" if len(after) > context else "")}


def event_json(stored, body: str = "") -> dict[str, Any]:
    """A stored event as the queue and the list read it: its fields, review state and evidence excerpt."""
    ev = stored.event
    out = ev.model_dump(mode="json", exclude={"provenance"})
    out.update(review_status=stored.review_status, version=stored.version,
               excerpt=excerpt(body, ev.evidence.start, ev.evidence.end) if body else
               {"before": "", "evidence": ev.evidence.text, "after": ""})
    return out


def field_spans(ev, n: int) -> list[dict[str, Any]]:
    """Where each field's evidence lies in the document (the page highlights it on hover)."""
    out = []
    for name, prov in ev.provenance.items():
        if prov.evidence is not None and 0 <= prov.evidence.start <= prov.evidence.end <= n:
            out.append({"field": name, "start": prov.evidence.start, "end": prov.evidence.end})
    return out


def place_json(p: Any) -> dict[str, Any]:
    """A gazetteer hit as JSON, whatever shape the gazetteer returns (object or mapping)."""
    get = (lambda k: p.get(k)) if isinstance(p, dict) else (lambda k: getattr(p, k, None))
    place = get("place")
    if place is not None:  # a candidate wrapping a Place
        return place_json(place)
    out = {k: get(k) for k in ("geonameid", "location", "name", "admin1", "admin2", "country", "iso", "latitude",
                               "longitude", "geo_precision", "kind", "population")}
    out["location"] = out["location"] or out["name"]
    return out


def actor_suggestions(store, q: str, limit: int = 15) -> list[str]:
    """Actor names for autocomplete: the dictionary first, then names already in the store."""
    q = q.strip().lower()
    if len(q) < 2:
        return []
    out = [n for n in actorlist.actor_names() if q in n.lower()][:limit]
    if len(out) < limit:
        out += [a for a in store.actor_names_like(q, limit) if a not in out]
    return out[:limit]
