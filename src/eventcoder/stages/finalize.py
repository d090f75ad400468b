"""Last stage: stable event ids, one-sentence notes, the overall confidence, and in-document duplicates."""
from __future__ import annotations

import hashlib
import re

from ..config import FinalizeSettings
from ..registry import stage
from ..types import Event, Record

_WS = re.compile(r"\s+")
NOTES_MAX_CHARS = 300
# A long monitor digest lists a few dozen events; thousands from one document is a dump or a runaway rule, and
# storing them clusters every pair of them into incidents (quadratic in the store). Beyond this many the rest go,
# with a warning that says so.
MAX_EVENTS_PER_DOCUMENT = 500


_UNSAFE_IN_ID = re.compile(r"[^A-Za-z0-9._~-]+")
ID_PREFIX_CHARS = 80


def event_id(doc_id: str, event: Event) -> str:
    """Stable id: the same document text gives the same ids (depends on the evidence and the type only).

    The readable prefix is the document id with everything but URL-safe characters folded to '-', so an id
    goes into a URL path or a file name as it is (a document id may be a URL); the hash keeps ids unique.
    """
    key = f"{doc_id}\x00{event.evidence.start}\x00{event.evidence.end}\x00{event.sub_event_type}"
    prefix = _UNSAFE_IN_ID.sub("-", doc_id).strip("-")[:ID_PREFIX_CHARS] or "doc"
    return f"{prefix}-{hashlib.sha1(key.encode('utf-8')).hexdigest()[:10]}"


def summary_note(event: Event) -> str:
    """One plain sentence: the evidence clause, whitespace-normalised and bounded."""
    text = _WS.sub(" ", event.evidence.text).strip().strip('"“”')
    if len(text) > NOTES_MAX_CHARS:
        text = text[: NOTES_MAX_CHARS - 1].rsplit(" ", 1)[0] + "…"
    if text and text[-1] not in ".!?…":
        text += "."
    return text


@stage("finalize", requires=(), assigns=("event.event_id", "event.notes", "event.confidence"))
class Finalizer:
    def __init__(self, settings: FinalizeSettings | None = None):
        self.settings = settings or FinalizeSettings()

    def __call__(self, records: list[Record]) -> list[Record]:
        for record in records:
            seen: set[str] = set()
            kept: list[Event] = []
            for ev in record.events:
                ev.doc_id = record.doc_id
                ev.evidence = ev.evidence.strip()  # clause spans may start at a paragraph break
                ev.event_id = event_id(record.doc_id, ev)
                if ev.event_id in seen:
                    continue
                seen.add(ev.event_id)
                if not ev.notes:
                    ev.notes = summary_note(ev)
                if not ev.source and record.article.source:
                    ev.source = record.article.source
                scores = [p.score for p in ev.provenance.values()]
                if scores:
                    # geometric-style mean: one weak field pulls the whole event down for review
                    ev.confidence = round(min(1.0, sum(scores) / len(scores) * (0.5 + 0.5 * min(scores))), 3)
                kept.append(ev)
            if len(kept) > MAX_EVENTS_PER_DOCUMENT:
                record.problem("W391", "finalize", f"document yields {len(kept):,} events; only the first "
                               f"{MAX_EVENTS_PER_DOCUMENT} were kept. Split it into articles to keep all of them",
                               severity="warning")
                kept = kept[:MAX_EVENTS_PER_DOCUMENT]
            record.events = kept
        return records
