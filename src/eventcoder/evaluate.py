"""Score extracted events against human-coded gold events: per-field accuracy and a per-type confusion table.

The matching is that of the project's scorer (``score_events.py`` beside the dev data), reimplemented here so
that users can measure eventcoder on their own coded data: for every gold event, the best predicted event of
the same document (the one matching most of event type, sub-event type, location within ``km`` and 161 km,
event date, actor1 and fatalities) is compared field by field; a document with no predicted event scores zero
on every field. Actors match when they share a distinctive word (words in brackets and generic words such as
"forces" or "military" are ignored), so ``Taliban`` matches ``Taliban`` and ``Military Forces of Russia``
matches ``Military Forces of Russia (2000-)``.

Gold rows carry the document id in ``id`` (ACLED exports: ``event_id_cnty`` is accepted too); predictions in
``doc_id``.
"""
from __future__ import annotations

import json
import math
import re
import statistics
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any, Iterable, Optional

from .errors import InputError

GENERIC = {
    "military", "forces", "force", "of", "the", "police", "unidentified", "armed",
    "group", "groups", "militia", "militias", "and", "in", "for", "civilians",
    "rebels", "rebel", "government", "state", "al", "el",
}
FIELDS = ("event_type", "sub_event_type", "location@{km}km", "location@161km", "event_date", "actor1", "fatalities")


def haversine_km(a_lat: float, a_lon: float, b_lat: float, b_lon: float) -> float:
    p1, p2 = math.radians(a_lat), math.radians(b_lat)
    dp, dl = p2 - p1, math.radians(b_lon - a_lon)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


def norm(s: Any) -> str:
    return re.sub(r"\s+", " ", re.sub(r"[^a-z0-9/ ]", " ", (s or "").lower())).strip()


def actor_tokens(s: Optional[str]) -> set[str]:
    s = re.sub(r"\(.*?\)", " ", s or "")
    return {t for t in norm(s).split() if t not in GENERIC and len(t) > 1}


def actor_match(gold: Optional[str], pred: Optional[str]) -> bool:
    """True when the actors share a distinctive word (or, with none, are spelled the same)."""
    g, p = actor_tokens(gold), actor_tokens(pred)
    if not g:
        return norm(gold) == norm(pred) or (not norm(gold) and not norm(pred))
    return bool(g & p)


def _float(x: Any) -> Optional[float]:
    try:
        return float(x)
    except (TypeError, ValueError):
        return None


def load_jsonl(path: str | Path) -> list[dict]:
    """Rows of a JSONL file; a line that is not JSON raises InputError naming the file and line."""
    rows = []
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            line = line.strip()
            if not line:
                continue
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as e:
                raise InputError(f"{path}:{n} is not JSON ({e}). Fix or remove the line") from e
    return rows


def field_scores(gold: dict, pred: dict, km: float = 25.0) -> dict[str, Any]:
    lat, lon = _float(pred.get("latitude")), _float(pred.get("longitude"))
    glat, glon = _float(gold.get("latitude")), _float(gold.get("longitude"))
    dist = haversine_km(glat, glon, lat, lon) if None not in (lat, lon, glat, glon) else None
    return {
        "event_type": norm(pred.get("event_type")) == norm(gold.get("event_type")),
        "sub_event_type": norm(pred.get("sub_event_type")) == norm(gold.get("sub_event_type")),
        "location_km": dist,
        f"location@{km:g}km": dist is not None and dist <= km,
        "location@161km": dist is not None and dist <= 161,
        "event_date": str(pred.get("event_date") or "")[:10] == str(gold.get("event_date") or "")[:10],
        "actor1": actor_match(gold.get("actor1"), pred.get("actor1")),
        "fatalities": str(pred.get("fatalities", "")) == str(gold.get("fatalities", "")),
    }


def score(gold_rows: Iterable[dict], preds: Iterable[dict], km: float = 25.0) -> dict[str, Any]:
    """Per-field accuracy, detection rate, and confusion tables of event and sub-event types."""
    gold_rows = list(gold_rows)
    preds = list(preds)
    by_doc: dict[str, list[dict]] = defaultdict(list)
    for p in preds:
        by_doc[str(p.get("doc_id"))].append(p)
    keys = [f.format(km=f"{km:g}") for f in FIELDS]
    totals: Counter = Counter()
    dists: list[float] = []
    confusion: dict[str, Counter] = defaultdict(Counter)
    sub_confusion: dict[str, Counter] = defaultdict(Counter)
    detected = 0
    for g in gold_rows:
        doc = str(g.get("id", g.get("event_id_cnty", "")))
        best = None
        for c in by_doc.get(doc, []):
            s = field_scores(g, c, km)
            rank = sum(bool(s[k]) for k in keys)
            if best is None or rank > best[0]:
                best = (rank, s, c)
        gtype, gsub = g.get("event_type") or "", g.get("sub_event_type") or ""
        if best is None:
            confusion[gtype]["(none)"] += 1
            sub_confusion[gsub]["(none)"] += 1
            continue
        detected += 1
        _, s, c = best
        for k in keys:
            totals[k] += bool(s[k])
        confusion[gtype][c.get("event_type") or ""] += 1
        sub_confusion[gsub][c.get("sub_event_type") or ""] += 1
        if s["location_km"] is not None:
            dists.append(s["location_km"])
    n = len(gold_rows) or 1
    out: dict[str, Any] = {"documents": len(gold_rows), "detected": detected / n}
    for k in keys:
        out[k] = totals[k] / n
    out["median_location_error_km"] = statistics.median(dists) if dists else None
    out["events_per_document"] = len(preds) / n
    out["confusion"] = {g: dict(c) for g, c in sorted(confusion.items())}
    out["sub_event_confusion"] = {g: dict(c) for g, c in sorted(sub_confusion.items())}
    return out


def evaluate(gold_path: str | Path, pred_path: str | Path, km: float = 25.0) -> dict[str, Any]:
    """Score the events in ``pred_path`` against the gold events in ``gold_path`` (both JSONL).

    Args:
        gold_path: one gold event a line, with ``id`` the document id and ACLED's field names.
        pred_path: eventcoder's output (``doc_id`` and the fields of SPEC.md §2).
        km: the distance within which a location counts as right.
    Returns:
        a dict: ``documents``, ``detected``, one accuracy per field, ``median_location_error_km``,
        ``events_per_document``, ``confusion`` (gold event type -> predicted type -> count) and
        ``sub_event_confusion`` (the same by sub-event type).
    """
    return score(load_jsonl(gold_path), load_jsonl(pred_path), km)


def format_report(report: dict[str, Any], km: float = 25.0) -> str:
    """The report as plain text: field accuracies, then the event-type confusion table."""
    lines = [f"{'documents':28} {report['documents']}", f"{'detected':28} {report['detected']:.3f}"]
    for f in FIELDS:
        k = f.format(km=f"{km:g}")
        if k in report:
            lines.append(f"{k:28} {report[k]:.3f}")
    if report.get("median_location_error_km") is not None:
        lines.append(f"{'median_location_error_km':28} {report['median_location_error_km']:.1f}")
    lines.append(f"{'events_per_document':28} {report['events_per_document']:.2f}")
    conf = report.get("confusion", {})
    cols = sorted({p for row in conf.values() for p in row} | set(conf))
    short = {c: (c.split("/")[0][:10] or "-") for c in cols}
    lines.append("")
    lines.append("gold \\ predicted event type " + " ".join(f"{short[c]:>10}" for c in cols) + "     recall")
    for g, row in conf.items():
        total = sum(row.values()) or 1
        cells = " ".join(f"{row.get(c, 0):>10}" for c in cols)
        lines.append(f"{g[:28]:28} {cells} {row.get(g, 0) / total:>10.3f}")
    sub = report.get("sub_event_confusion", {})
    if sub:
        lines.append("")
        lines.append(f"{'gold sub-event type':36} {'n':>5} {'right':>6}  most often predicted instead")
        for g, row in sub.items():
            total = sum(row.values())
            wrong = [(p, c) for p, c in sorted(row.items(), key=lambda x: -x[1]) if p != g]
            lines.append(f"{g[:36]:36} {total:>5} {row.get(g, 0) / (total or 1):>6.2f}  "
                         + ", ".join(f"{p} ({c})" for p, c in wrong[:2]))
    return "\n".join(lines)


def print_report(report: dict[str, Any], km: float = 25.0) -> None:
    print(format_report(report, km))


def cli(gold: str, pred: str, km: float = 25.0, as_json: bool = False) -> int:
    """The body of ``eventcoder evaluate GOLD PRED``: prints the report, returns the exit status."""
    report = evaluate(gold, pred, km)
    if as_json:
        print(json.dumps(report, indent=1))
    else:
        print_report(report, km)
    return 0
