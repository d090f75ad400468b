"""Clauses, trigger cues and non-event cues: the rule layer of the classify stage.

Everything here reads ``data/triggers.json`` and works on character offsets of the article body, so the
evidence of each event is the clause that reports it and the provenance of its sub-event type the cue.
"""
from __future__ import annotations

import json
import re
from bisect import bisect_left
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Optional

from ..matching import alternation
from ..matching import case_gate as _gate
from ..matching import fold, inner_gate, matches_at, places_of
from ..types import Span
from ..vocab import SUB_EVENT_TO_EVENT
from .resources import data_path

# Clause boundaries inside a sentence: a semicolon, or a comma/dash before a conjunction that starts a
# new report ("..., while the other struck ..."). Kept conservative: a wrong split loses the actor.
_CLAUSE_BREAK_HEAD = (
    # a closing quote then the speaker ('... advance there," Mohammed al-Saleh, a member of ..., tells'):
    # the speaker's name and affiliation are no part of the report
    r"(?<=[,.][\"”])\s+(?=[A-Z])|[\"”],\s+(?=[A-Z])|"
    r";\s+|,\s+(?=(?:while|whereas|and then|and later|meanwhile|before|after which)\b)|")
_CLAUSE_BREAK_SPACES = r"\s+(?=while\s+(?:the|a|an|\w+\s+(?:forces|fighters|militants|rebels)))"
_CLAUSE_BREAK = re.compile(_CLAUSE_BREAK_HEAD + _CLAUSE_BREAK_SPACES, re.I)
# The same, its alternative that opens with spaces tried only where a run of whitespace starts: tried at
# every character of a run, each scanning the rest of it, the pattern is quadratic (190k newlines: minutes).
_CLAUSE_BREAK_AT_RUNS = re.compile(_CLAUSE_BREAK_HEAD + r"(?<!\s)" + _CLAUSE_BREAK_SPACES, re.I)


def breaks(rx: re.Pattern, at_runs: re.Pattern, text: str, pos: int, endpos: int) -> Iterator[re.Match]:
    """The matches of ``rx.finditer(text, pos, endpos)`` in linear time: ``at_runs`` is ``rx`` with each
    alternative that opens with ``\\s+`` tried only where a run of whitespace starts. A match of ``rx``
    inside a run would match at the run's start too, so only where the scan starts or resumes (the start or
    the end of a match may lie inside a run) is ``rx`` itself tried, once."""
    while pos < endpos:
        m = rx.match(text, pos, endpos) or at_runs.search(text, pos, endpos)
        if m is None:
            return
        yield m
        pos = max(m.end(), m.start() + 1)


@dataclass(frozen=True)
class Cue:
    """A trigger cue found in the text."""

    sub_event_type: str
    weight: float
    start: int
    end: int
    header: bool = False


def lower_literals(pattern: str) -> str:
    """The pattern with its literal letters lower-cased; escapes (\\w, \\s, \\d, \\b) are kept."""
    out, i = [], 0
    while i < len(pattern):
        if pattern[i] == "\\" and i + 1 < len(pattern):
            out.append(pattern[i:i + 2])
            i += 2
        else:
            out.append(pattern[i].lower())
            i += 1
    return "".join(out)


_QUESTION = re.compile(r"\s*Q\s*:")  # an interview's question line
# How many of a word's first letters index the cues (cue patterns open with the guard (?<![\w-]): a match starts
# a word).
_START_LETTERS = 4
_WORD_CHAR = re.compile(r"\w")


class Lexicon:
    """The compiled trigger lexicon."""

    def __init__(self, spec: dict):
        self.min_trigger = float(spec.get("min_trigger", 0.5))
        self.cues: list[tuple[str, float, re.Pattern, Optional[tuple[str, ...]]]] = []
        # Patterns run on the lower-cased text without re.I (3x faster in CPython's re); an all-capitals
        # pattern (IED, UAV) keeps its case and runs on the text as written.
        self.cased: list[tuple[str, float, re.Pattern, Optional[tuple[str, ...]]]] = []
        for sub, pats in spec["sub_event_types"].items():
            for pat, weight in pats:
                if pat.isupper():
                    rx = re.compile(r"(?<![\w-])(?:" + pat + r")(?![\w-])")
                    self.cased.append((sub, float(weight), rx, _gate(rx)))
                else:
                    rx = re.compile(r"(?<![\w-])(?:" + lower_literals(pat) + r")(?![\w-])")
                    self.cues.append((sub, float(weight), rx, _gate(rx)))
        # Every gate literal starts a match, and every match starts a word (the (?<![\w-]) guard), so a cue
        # can match only if the first letters of one of its literals (up to 4) start some word of the text.
        # Those word starts pick the cues worth testing (about 12 of 76 per clause) instead of testing every
        # gate literal with `in` (575 tests per clause: 0.5 of 4.9 s per 500 documents under cProfile).
        # A cue with no gate at its start ("(?:hand )?grenades?") may still need a word somewhere in it
        # ("grenade"): tested with `in` (4 such cues ran on every clause: 0.03 s per 500 documents).
        self._open_cues = [(i, inner_gate(c[2])) for i, c in enumerate(self.cues) if c[3] is None]
        # Each start indexes its cues with the whole literal, tested with startswith at the word: a place where
        # no literal of the cue starts cannot start a match, and a cue left with no place holds none of its
        # gate literals, so no further gate test is needed (find: 0.091 -> 0.066 s per 2,700 clauses)
        self._cues_by_start: dict[str, list[tuple[int, str]]] = {}
        for i, (_, _, _, gate) in enumerate(self.cues):
            for g in sorted(gate or ()):
                self._cues_by_start.setdefault(g[:_START_LETTERS], []).append((i, g))
        self._start_lengths = sorted({len(k) for k in self._cues_by_start})
        # The word starts where an index key may stand (its word letters up to the first other character, as a
        # prefix tree), found by one scan in C per document: a third of the words, which alone are looked up
        # (per clause before, a Python loop over every word start, 3 lookups each; with the open cues' strings
        # read once per document too, find 0.100 -> 0.077 s per 500 documents)
        keys = {re.match(r"\w*", k).group() for k in self._cues_by_start}
        self._key_start = re.compile(r"(?<![\w-])(?=\w)(?=" + alternation(sorted(keys)) + ")")
        self._reading: Optional[_LowerText] = None
        headers = {k: v for k, v in spec.get("header", {}).items() if not k.startswith("_")}
        self.headers = [(re.compile(r"^\s*(?:" + k + r")\s*:", re.I), v) for k, v in headers.items()]
        ne = spec["non_event"]
        self.window = int(ne.get("window", 80))
        self.non_event = re.compile(r"(?<![\w-])(?:" + "|".join(ne["cues"]) + r")", re.I)
        self.passive = re.compile(spec["passive"], re.I)
        # words that name events of a type without reporting one: for tying places to events, never triggers
        refs = {k: v for k, v in spec.get("references", {}).items() if not k.startswith("_")}
        self.references = {t: re.compile(r"(?<![\w-])(?:" + "|".join(pats) + r")(?![\w-])", re.I)
                           for t, pats in refs.items()}
        # decisive types in priority order (first wins when several are cued)
        self.decisive = {t: i for i, t in enumerate(spec.get("decisive", {}).get("types", []))}
        # which sub-type absorbs which when both are cued in one clause for the same actors
        subsumes = spec.get("subsumes", {})
        self.absorb_min_weight = float(subsumes.get("min_weight", 0.8))
        self.absorbs: dict[str, set[str]] = {t: set(v) for t, v in subsumes.get("types", {}).items()}
        self.model_decides = set(subsumes.get("model_decides", []))
        # a type the model's pick escalates to when the text cues it strongly (a protest whose crowd throws stones)
        esc = spec.get("escalates", {}).get("types", {})
        self.escalates: dict[str, list[tuple[str, float, frozenset[str], frozenset[str]]]] = {}
        for to, rule in esc.items():
            if to.startswith("_"):
                continue
            for over in rule["over"]:
                self.escalates.setdefault(over, []).append(
                    (to, float(rule.get("min_weight", 0.8)), frozenset(rule.get("unless", ())),
                     frozenset(rule.get("requires", ()))))
        names = spec.get("name_parts", {}).get("after")
        self.name_part = re.compile(names, re.I) if names else None
        follow = spec.get("follow_on", {})
        self.follow_types = set(follow.get("types", []))
        self.follow_max_weight = float(follow.get("max_weight", 0.0))
        self.reporting = re.compile(follow["reporting"], re.I) if follow.get("reporting") else None
        src = spec.get("source_mentions", {})
        self.source_before = re.compile(src["before"], re.I) if src.get("before") else None
        self.source_after = re.compile(src["after"], re.I) if src.get("after") else None

    @classmethod
    def load(cls, path: Optional[str | Path] = None) -> "Lexicon":
        return cls(json.loads(Path(path or data_path("triggers.json")).read_text(encoding="utf-8")))

    def find(self, text: str, start: int = 0, end: Optional[int] = None) -> list[Cue]:
        """Cues in ``text[start:end]``, offsets into ``text``."""
        end = len(text) if end is None else end
        reading, a, b = self._read(text, start, end)
        lower = reading.lower
        by_start, lengths = self._cues_by_start, self._start_lengths
        # where each cue may start: a word start whose first letters begin one of its gate literals. The cue
        # is tried there only, not along the whole clause: finditer would try each place in turn, so the
        # matches are the same (the cue scan 0.115 -> 0.098 s per 2,700 sentences)
        starts = reading.key_starts
        ats = starts[bisect_left(starts, a):bisect_left(starts, b)]
        if a < b and (not ats or ats[0] != a) and _WORD_CHAR.match(lower, a):
            ats.insert(0, a)  # the clause's first letter starts a word of the clause, whatever stands before it
        places: dict[int, set[int]] = {}
        for at in ats:
            for n in lengths:
                hit = by_start.get(lower[at:at + n])
                if hit:
                    for i, g in hit:
                        if lower.startswith(g, at, b):
                            places.setdefault(i, set()).add(at - a)
        for i, inner in self._open_cues:
            if inner is None or reading.holds(i, a, b):
                places[i] = set()  # no place known: the whole clause
        chunk = lower[a:b] if b - a != len(lower) else lower
        cues = self.cues
        found = []
        for i in sorted(places):
            sub, w, rx, _ = cues[i]
            at = places[i]
            found += [Cue(sub, w, start + m.start(), start + m.end())
                      for m in (matches_at(rx, chunk, sorted(at)) if at else rx.finditer(chunk))]
        if self.cased:
            chunk = text[start:end]
            found += [Cue(sub, w, start + m.start(), start + m.end())
                      for sub, w, rx, gate in self.cased if gate is None or any(g in chunk for g in gate)
                      for m in rx.finditer(chunk)]
        if self.name_part is not None:
            # "the artillery academy", "the Rocket Brigade": part of a name, not a report of the weapon's use
            found = [c for c in found if not self.name_part.match(text, c.end)]
        return found

    def _read(self, text: str, start: int, end: int) -> tuple["_LowerText", int, int]:
        """The lower-cased reading ``text[start:end]`` lies in, and where in it. An ASCII text is read once for
        all its clauses (its lower case is theirs, letter for letter); another only clause by clause, as str.lower
        may change a letter by its neighbours (a final sigma) or into two ("İ")."""
        if text.isascii():
            reading = self._reading
            if reading is None or reading.text is not text:
                reading = self._reading = _LowerText(text, text.lower(), self)
            return reading, start, end
        chunk = text[start:end]
        lower = chunk.lower()
        if len(lower) != len(chunk):  # a character whose lower case is longer ("İ"): keep offsets right
            lower = "".join(c if len(c.lower()) != 1 else c.lower() for c in chunk)
        return _LowerText(chunk, lower, self), 0, len(lower)

    def absorbed(self, sub: str, by: str) -> bool:
        """Does an event of type ``by`` absorb one of type ``sub`` cued in the same clause? Among the types the
        model decides, either way (one crowd, one event, the model's type)."""
        if sub in self.model_decides and by in self.model_decides:
            return sub in self.absorbs.get(by, ()) or by in self.absorbs.get(sub, ())
        return sub in self.absorbs.get(by, ())

    def absorber(self, sub: str, cues: list[Cue]) -> Optional[Cue]:
        """The strongest cue of the clause whose type absorbs ``sub`` (a suicide car bomb over the IED it
        is) and retypes it, or None."""
        over = [c for c in cues if not c.header and c.weight >= self.absorb_min_weight
                and sub in self.absorbs.get(c.sub_event_type, ())
                and not (sub in self.model_decides and c.sub_event_type in self.model_decides)]
        return max(over, key=lambda c: (c.weight, -c.start)) if over else None

    def casualty_only(self, cues: list[Cue]) -> bool:
        """Are all the cues casualty words ("two soldiers wounded"), no act of their own?"""
        return bool(cues) and all(c.sub_event_type in self.follow_types and c.weight <= self.follow_max_weight
                                  for c in cues)

    def is_source(self, text: str, start: int, end: int) -> bool:
        """Is the mention text[start:end] the source of the report ("according to a military spokesman")?"""
        if self.source_before is not None and self.source_before.search(text[max(0, start - 60):start]):
            return True
        return bool(self.source_after is not None and self.source_after.match(text[end:end + 40]))

    def mentions_of(self, event_type: str, text: str, start: int, end: int) -> list[Span]:
        """Where ``text[start:end]`` names an event of ``event_type``: its sub-types' trigger cues at any
        weight, and the type's reference words ("the Russian strikes")."""
        spans = [Span.of(text, c.start, c.end) for c in self.find(text, start, end)
                 if SUB_EVENT_TO_EVENT.get(c.sub_event_type) == event_type]
        rx = self.references.get(event_type)
        if rx is not None:
            spans += [Span.of(text, m.start(), m.end()) for m in rx.finditer(text, start, end)]
        return sorted(spans, key=lambda s: s.start)

    def header(self, text: str) -> Optional[Cue]:
        """The sub-type label a coder wrote at the head of a note ("Arrests: ..."), if any."""
        for rx, sub in self.headers:
            m = rx.match(text)
            if m:
                return Cue(sub, 1.0, m.start(), m.end(), header=True)
        return None

    def suppressed(self, text: str, clause: Span, cue: Cue) -> Optional[str]:
        """The non-event cue that governs ``cue`` in its clause (appeal, plan, question...), or None."""
        return self.governing(text, clause, [cue])[0]

    def governing(self, text: str, clause: Span, cues: list[Cue]) -> list[Optional[str]]:
        """``suppressed`` for each of the cues of a clause, the clause read for a question once for all of them."""
        ctext = clause.text.rstrip()
        if ctext.endswith("?") or _QUESTION.match(ctext):
            return ["question"] * len(cues)
        return [self._non_event_before(text, max(clause.start, cue.start - self.window), cue.start) for cue in cues]

    def _non_event_before(self, text: str, start: int, end: int) -> Optional[str]:
        """The last non-event cue in ``text[start:end]``."""
        m = None
        for m in self.non_event.finditer(text[start:end]):
            pass
        return m.group(0).strip() if m else None

    def is_passive(self, text: str, start: int, end: int) -> bool:
        return bool(self.passive.search(text[start:end]))


class _LowerText:
    """A text lower-cased, with what ``Lexicon.find`` reads in it for every clause: the word starts where an
    index key stands, and where the inner gate strings of the cues with no gate at their start stand (tested with
    `in` clause by clause before: 45 tests a clause, 0.015 s per 500 documents)."""

    __slots__ = ("text", "lower", "key_starts", "inner")

    def __init__(self, text: str, lower: str, lexicon: Lexicon):
        self.text = text
        self.lower = lower
        self.key_starts = [m.start() for m in lexicon._key_start.finditer(lower)]
        self.inner: dict[int, list[tuple[int, list[int]]]] = {}
        for i, inner in lexicon._open_cues:
            for s in inner or ():
                if s in lower:
                    self.inner.setdefault(i, []).append((len(s), places_of((s,), lower)))

    def holds(self, i: int, start: int, end: int) -> bool:
        """Does ``lower[start:end]`` hold an inner gate string of cue ``i``? (The first place of a string at or
        after ``start`` ends first.)"""
        for n, places in self.inner.get(i, ()):
            j = bisect_left(places, start)
            if j < len(places) and places[j] + n <= end:
                return True
        return False


def clauses(text: str, sentence: Span) -> list[Span]:
    """Split a sentence into clauses at the boundaries of ``_CLAUSE_BREAK``."""
    cuts: list[tuple[int, int]] = []
    pos = sentence.start
    for m in breaks(_CLAUSE_BREAK, _CLAUSE_BREAK_AT_RUNS, text, sentence.start, sentence.end):
        if m.start() - pos >= 12:  # a clause shorter than 12 characters is a fragment, not a report
            cuts.append((pos, m.start()))
            pos = m.end()
    if sentence.end - pos > 0:
        if cuts and sentence.end - pos < 12:
            cuts[-1] = (cuts[-1][0], sentence.end)
        else:
            cuts.append((pos, sentence.end))
    # offsets first, one Span per clause at the end: a Span is a validated model (two per clause before, for
    # the cut and its trimmed form: 0.010 s per 500 documents)
    return [Span.of(text, start, end) for start, end in (_trimmed(text, *cut) for cut in cuts) if start < end]


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    """The offsets without surrounding whitespace (sentences keep the paragraph breaks before them)."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


# Breaks inside a clause that the dates and attribution stages read an event's own part by (clause_of)
_SUBCLAUSE_BREAK = re.compile(r";|:\s|\s[-–—]\s|,?\s+(?:while|whereas|but|however|meanwhile)\b", re.I)
_SUBCLAUSE_BREAK_AT_RUNS = re.compile(r";|:\s|\s[-–—]\s|(?:,|(?<!\s))\s+(?:while|whereas|but|however|meanwhile)\b",
                                      re.I)  # see breaks()

# What every clause break holds: a mark, or a conjunction as fold() reads it (re.I matches "ſ" and "ı" too)
_BREAK_MARKS = (";", ":", "-", "–", "—")
_BREAK_WORDS = ("while", "whereas", "but", "however", "meanwhile")


def _may_break(text: str) -> bool:
    """False when ``text`` holds no clause break: most evidence has none, and _SUBCLAUSE_BREAK, opening with
    optional parts, is tried at every character (clause_of 6.8 -> 3.9 us an event)."""
    if any(map(text.__contains__, _BREAK_MARKS)):
        return True
    return any(map(fold(text).__contains__, _BREAK_WORDS))


def clause_of(text: str, outer: Span, point: int) -> tuple[int, int]:
    """The clause of ``outer`` around offset ``point``: split at semicolons, colons, dashes and
    "while"/"but"/"however"."""
    if not _may_break(text[outer.start:outer.end]):
        return outer.start, outer.end
    return scanned_clause_of(text, outer, point)


def scanned_clause_of(text: str, outer: Span, point: int) -> tuple[int, int]:
    """``clause_of`` by scanning every break of ``outer``, with no gate first."""
    lo, hi = outer.start, outer.end
    for m in breaks(_SUBCLAUSE_BREAK, _SUBCLAUSE_BREAK_AT_RUNS, text, outer.start, outer.end):
        if m.end() <= point:
            lo = m.end()
        elif m.start() >= point:
            hi = min(hi, m.start())
            break
    return lo, hi
