"""Clauses, trigger cues and non-event cues: the rule layer of the classify stage.

Everything here reads ``data/triggers.json`` and works on character offsets of the article body, so the
evidence of each event is the clause that reports it and the provenance of its sub-event type the cue.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Optional

from ..types import Span

# Clause boundaries inside a sentence: a semicolon, or a comma/dash before a conjunction that starts a
# new report ("..., while the other struck ..."). Kept conservative: a wrong split loses the actor.
_CLAUSE_BREAK = re.compile(
    r";\s+|,\s+(?=(?:while|whereas|and then|and later|meanwhile|before|after which)\b)|\s+(?=while\s+(?:the|a|an|\w+\s+(?:forces|fighters|militants|rebels)))"
    , re.I)


@dataclass(frozen=True)
class Cue:
    """A trigger cue found in the text."""

    sub_event_type: str
    weight: float
    start: int
    end: int
    header: bool = False


def data_path(name: str) -> Path:
    return Path(str(resources.files("eventcoder.stages") / "data" / name))


class Lexicon:
    """The compiled trigger lexicon."""

    def __init__(self, spec: dict):
        self.min_trigger = float(spec.get("min_trigger", 0.5))
        self.cues: list[tuple[str, float, re.Pattern]] = []
        for sub, pats in spec["sub_event_types"].items():
            for pat, weight in pats:
                # acronyms (IED, UAV, RPG) must keep their case; everything else folds
                flags = 0 if pat.isupper() else re.I
                self.cues.append((sub, float(weight), re.compile(r"(?<![\w-])(?:" + pat + r")(?![\w-])", flags)))
        headers = {k: v for k, v in spec.get("header", {}).items() if not k.startswith("_")}
        self.headers = [(re.compile(r"^\s*(?:" + k + r")\s*:", re.I), v) for k, v in headers.items()]
        ne = spec["non_event"]
        self.window = int(ne.get("window", 80))
        self.non_event = re.compile(r"(?<![\w-])(?:" + "|".join(ne["cues"]) + r")", re.I)
        self.passive = re.compile(spec["passive"], re.I)

    @classmethod
    def load(cls, path: Optional[str | Path] = None) -> "Lexicon":
        return cls(json.loads(Path(path or data_path("triggers.json")).read_text(encoding="utf-8")))

    def find(self, text: str, start: int = 0, end: Optional[int] = None) -> list[Cue]:
        """Cues in ``text[start:end]``, offsets into ``text``."""
        end = len(text) if end is None else end
        chunk = text[start:end]
        found = [Cue(sub, w, start + m.start(), start + m.end())
                 for sub, w, rx in self.cues for m in rx.finditer(chunk)]
        return found

    def header(self, text: str) -> Optional[Cue]:
        """The sub-type label a coder wrote at the head of a note ("Arrests: ..."), if any."""
        for rx, sub in self.headers:
            m = rx.match(text)
            if m:
                return Cue(sub, 1.0, m.start(), m.end(), header=True)
        return None

    def suppressed(self, text: str, clause: Span, cue: Cue) -> Optional[str]:
        """The non-event cue that governs ``cue`` in its clause (appeal, plan, question...), or None."""
        ctext = clause.text.rstrip()
        if ctext.endswith("?") or re.match(r"\s*Q\s*:", ctext):
            return "question"
        lo = max(clause.start, cue.start - self.window)
        before = text[lo:cue.start]
        m = None
        for m in self.non_event.finditer(before):
            pass
        return m.group(0).strip() if m else None

    def is_passive(self, text: str, start: int, end: int) -> bool:
        return bool(self.passive.search(text[start:end]))


def clauses(text: str, sentence: Span) -> list[Span]:
    """Split a sentence into clauses at the boundaries of ``_CLAUSE_BREAK``."""
    out: list[Span] = []
    pos = sentence.start
    for m in _CLAUSE_BREAK.finditer(text, sentence.start, sentence.end):
        if m.start() - pos >= 12:  # a clause shorter than 12 characters is a fragment, not a report
            out.append(Span.of(text, pos, m.start()))
            pos = m.end()
    if sentence.end - pos > 0:
        if out and sentence.end - pos < 12:
            last = out.pop()
            out.append(Span.of(text, last.start, sentence.end))
        else:
            out.append(Span.of(text, pos, sentence.end))
    return [c for c in out if c.text.strip()]
