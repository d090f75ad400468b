"""Fatalities from the text of an event.

Convention (the one ACLED's coders follow, stated here so reviewers can check a number):

* Count the dead reported for the event: "killing 5", "5 people were killed", "killed two soldiers and a
  civilian" (3), "a family of five was killed" (5), "the death toll rose to 12" (12). People wounded,
  injured or arrested are not counted. Attackers who died count too ("2 militants were also killed").
* When the text states how a coder coded it ("Fatalities coded as 0", "... coded as 5 in one event", a
  closing "2 fatalities."), that statement wins, first number first: the note is the coder's own decision
  (split events, unverified claims), and is not added to the narrative's count.
* Victims named side by side add up ("5 guards and 1 driver were killed" 6, "the chief and his driver were
  shot dead" 2), a count before "including" is the total, and a headline's lone victim counts 1 ("Gunmen kill
  tribal elder"). The death a protest is about ("protested over the death of a man") is not its fatality.
* "The bodies of four men were found" counts 4. A number that is a day of the month ("On 19 March 2020, 3
  policemen were killed") is never a count.
* Vague counts take the lower bound a careful coder would defend: "a few"/"several"/"some" 3, "a dozen"/"dozens"
  12, "scores" 20, "hundreds" 100, "many" 10. "Unknown number", "casualties" and "fatalities" without a
  number give 0.
* 0 when no death is reported. Numbers are capped at 10,000 to keep a misread figure from swamping totals.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterator, Optional

from ..errors import ResourceError
from ..matching import caseless_gate, fewest
from ..types import Span
from .resources import data_path, read_json

MAX_FATALITIES = 10_000
SPEC_FILE = "fatalities.json"

# Literal stems of the death words ("deaths" of data/fatalities.json), lower case: an ASCII text holding none of
# them cannot match the passive, passive-pair or "including" patterns, the three that try a number at every word
# (most of the time spent here; docs/performance.md#classify). Non-ASCII text always takes the full scan, as re.I
# folds a few characters (U+017F, U+0131) that str.lower() does not.
_KILL_STEMS = ("killed", "dead", "died", "slain", "lost ", "perished", "beheaded", "executed", "murdered",
               "massacred", "death", "lynched", "gunned down", "assassinated", "fatal", "bodies")
# What every pattern but the "no fatalities" one needs, lower case: the death stems and the other patterns' own
# words ("split", "coded", "kill" of the killing verbs, "family", "remains" ...). An ASCII text holding none of
# them can only be a "no fatalities" note, most event texts, whose other scans are then skipped.
# (without the stems that hold another: "kill" stands for "killed")
_ANY_STEMS = fewest(set(_KILL_STEMS + ("split", "fatalit", "coded", "kill", "gunn", "behead", "execut", "murder",
                                       "massacr", "lives", "lynch", "assassin", "family", "corpses", "remains")))


def _alternatives(words: list[str]) -> str:
    return "|".join(words)


def _words_between(stop: str = "") -> str:
    """Up to four words, none of them a number nor one of ``stop`` (an alternation)."""
    barred = r"\d[\d,]*\s" + (r"|(?:" + stop + r")\b" if stop else "")
    return r"(?:(?!" + barred + r")[\w'-]+,?\s+){0,4}?"


def _read_spec() -> dict:
    """data/fatalities.json without its ``_doc`` notes."""
    try:
        raw = read_json(SPEC_FILE)
    except ValueError as e:
        raise ResourceError(f"fatality words {data_path(SPEC_FILE)} could not be read ({e}); "
                            f"restore it from the repository") from e
    return {k: v for k, v in raw.items() if not k.startswith("_")}


class FatalityCounter:
    """The convention's patterns, built once from ``data/fatalities.json`` (a counter per stage that counts)."""

    def __init__(self, spec: Optional[dict] = None):
        spec = _read_spec() if spec is None else spec
        try:
            self._build(spec)
        except KeyError as e:
            raise ResourceError(f"fatality words {data_path(SPEC_FILE)} lack the list {e}; "
                                f"restore the file from the repository") from e
        # Each pattern's caseless gate, tested on the lower-cased ASCII text: most patterns try every position
        # (docs/performance.md#classify). Keyed by the pattern's id: a compiled pattern hashes its whole code at
        # every lookup; the counter holds its patterns, so their ids stay theirs.
        self._gates = {id(rx): caseless_gate(rx) for rx in self.gated()}

    def _build(self, spec: dict) -> None:
        self.words: dict[str, int] = {k: v for k, v in spec["numbers"].items() if not k.startswith("_")}
        self.vague = frozenset(spec["vague"])
        singles = sorted((w for w in self.words if " " not in w), key=len, reverse=True)
        num = r"(?:\d{1,3}(?:,\d{3})+|\d+|" + _alternatives(spec["number_phrases"] + singles) + r")"
        mod = r"(?:" + _alternatives(spec["approximations"]) + r")?\s*"
        months = r"(?!\s+(?:" + _alternatives(spec["months"]) + r")\b)"
        # the words said of the dead after their count (re.search'ed as a string after "family of N" too)
        self.kill = kill = r"(?:" + _alternatives(spec["deaths"]) + r")"
        self._build_statements(num, mod)
        self._build_counts(spec, num, mod, months, kill)
        self._build_single_deaths(spec, num)

    def _build_statements(self, num: str, mod: str) -> None:
        """A coder's statement of the count, a death toll, and "no fatalities"."""
        self.coded = [
            # "Fatalities are split across 3 events (5)": this event's share is in the brackets
            re.compile(r"\bsplit\s+(?:\w+\s+){0,3}?\d+\s+events?\s*\((\d+)\)", re.I),
            # "Fatalities coded as 5" / "coded as 0 fatalities"
            re.compile(r"\bfatalit(?:y|ies)\s+(?:were\s+|was\s+|are\s+)?coded\s+as\s+(" + num + r")", re.I),
            re.compile(r"\bcoded\s+as\s+(" + num + r")\s+fatalit", re.I),
            # a note's closing count, "... bore signs of torture. 2 fatalities." (a number in digits only: "two
            # fatalities" in a sentence is narrative)
            re.compile(r"(?:^|[.;:\]]\s*|\s)(\d+)\s+fatalit(?:y|ies)\s*\.?\s*$", re.I),
        ]
        self.toll = re.compile(r"\bdeath\s+toll\s+(?:\w+\s+){0,3}?(?:to|at|of|reached|is|was|stood at)\s+" + mod
                               + r"(" + num + r")\b", re.I)
        self.none = re.compile(r"\bno\s+(?:\w+\s+)?(?:fatalities|casualties|deaths|one was killed|injuries or fatalities|"
                               r"deaths or injuries)\b|\bwithout\s+(?:any\s+)?(?:casualties|fatalities)\b", re.I)

    def _build_counts(self, spec: dict, num: str, mod: str, months: str, kill: str) -> None:
        """The patterns that read a number of dead."""
        # "killing 5 soldiers", "killed two civilians and a child"
        self.active = re.compile(r"\b(?:" + _alternatives(spec["killing"]) + r")\s+" + mod + r"(" + num + r")\b"
                                 r"(?!\s*(?:" + _alternatives(spec["not_people"]) + r"))"
                                 r"((?:\s+(?:\w+(?:-\w+)?)){0,4}?\s+(?:and|as well as|plus)\s+" + mod + r"(" + num
                                 + r")\b)?", re.I)
        # "5 soldiers were killed", "three people died", "two dead"; up to four words between a number and its verb
        # ("3 Afghan army soldiers were killed"), none of them a number: in "On 19 March 2020, 3 policemen were
        # killed" the count is 3, not the day
        self.passive = re.compile(r"\b" + mod + r"(" + num + r")" + months + r"\s+" + _words_between()
                                  + r"(?:(?:were|was|have been|had been|are|got|being)\s+)?"
                                  r"(?:reportedly\s+|reported\s+|also\s+|later\s+|all\s+)?" + kill + r"\b", re.I)
        self.left = re.compile(r"\b(?:left|leaving)\s+" + mod + r"(" + num + r")\s+(?:[\w'-]+\s+){0,3}?(?:dead|killed)\b",
                               re.I)
        # "5 FC personnel and 1 officer were killed", "25 fighters and 6 military fatalities": both counts (but not
        # "Nine officers injured and one policeman killed": the words between hold no verb and no wound)
        pair_noun = _words_between(_alternatives(spec["not_a_pair"]))
        self.passive_pair = re.compile(r"\b" + mod + r"(" + num + r")" + months + r"\s+" + pair_noun + r"(?:and|,)\s+"
                                       + mod + r"(" + num + r")" + months + r"\s+" + pair_noun
                                       + r"(?:(?:were|was|have been|had been|are|got)\s+)?"
                                       r"(?:reportedly\s+|reported\s+|also\s+|all\s+)?(?:shot and\s+)?" + kill + r"\b",
                                       re.I)
        # "Eight people including four children and four officers were killed": the count before "including" is
        # the total
        self.including = re.compile(r"\b" + mod + r"(" + num + r")" + months + r"\s+(?:[\w'-]+\s+){0,3}?including\s+"
                                    r"[^.;]{0,80}?\b(?:were|was|have been|had been)\s+(?:reportedly\s+|reported\s+)?"
                                    + kill + r"\b", re.I)
        # "leading to the death of one demonstrator" (not "protested over the death of a man": a cause, not this
        # event)
        self.death_of = re.compile(r"\b(?:leading\s+to|led\s+to|resulting\s+in|resulted\s+in|causing|caused)\s+"
                                   r"(?:the\s+)?deaths?\s+of\s+" + mod + r"(" + num + r")\b"
                                   r"(?!\s*(?:%|percent|days?|hours?|years?))", re.I)
        self.family = re.compile(r"\bfamily\s+of\s+(" + num + r")\b", re.I)
        # "found the bodies of four men"
        self.bodies = re.compile(r"\b(?:bodies|corpses|remains)\s+of\s+" + mod + r"(" + num + r")\b", re.I)

    def _build_single_deaths(self, spec: dict, num: str) -> None:
        """The patterns of one victim, or one and his companions."""
        # "the district head and his bodyguard were killed", "a commander and his 2 guards were killed"
        self.and_his = re.compile(r"\b(?:a|an|one|1|the)\s+(?:[\w'-]+\s+){0,3}?and\s+(?:his|her)\s+(?:(" + num
                                  + r")\s+)?(?:" + _alternatives(spec["companions"]) + r")\s+(?:were|have been|had been)"
                                  r"\s+(?:reportedly\s+)?(?:shot and\s+)?(?:killed|shot dead|murdered|assassinated)\b",
                                  re.I)
        self.one = re.compile(r"\b(?:a|an|one)\s+(?:[\w'-]+\s+){0,3}?(?:was|has been|had been|got)\s+"
                              r"(?:reportedly\s+)?(?:" + _alternatives(spec["one_killed"]) + r")\b", re.I)
        self.killed_single = re.compile(r"\b(?:" + _alternatives(spec["killing_one"]) + r")\s+(?!of\b)"
                                        r"(?:(?:a|an|one|the)\s+)?(?:[\w'-]+\s+){0,2}?"
                                        r"(?:" + _alternatives(spec["victims"]) + r")\b", re.I)

    def gated(self) -> tuple[re.Pattern, ...]:
        """Every pattern behind a gate (all of them)."""
        return (*self.coded, self.toll, self.including, self.passive_pair, self.and_his, self.active, self.left,
                self.death_of, self.bodies, self.family, self.passive, self.one, self.killed_single, self.none)

    def may_match(self, rx: re.Pattern, lower: str) -> bool:
        """Can ``rx`` match the text whose lower case is ``lower`` ("" for a text beyond ASCII: always)?"""
        gate = self._gates[id(rx)]
        return not lower or gate is None or any(map(lower.__contains__, gate))

    def _finditer(self, rx: re.Pattern, text: str, lower: str) -> Iterator[re.Match]:
        """``rx.finditer(text)``, or nothing when the gate says it cannot match."""
        return rx.finditer(text) if self.may_match(rx, lower) else iter(())

    def to_number(self, word: str) -> Optional[int]:
        w = word.lower().strip()
        if w.replace(",", "").isdigit():
            return int(w.replace(",", ""))
        return self.words.get(w)

    def count(self, text: str, offset: int = 0) -> tuple[int, Optional[Span], float]:
        """The fatalities reported in ``text``, the span that says so (offsets shifted by ``offset``) and a score.

        Returns:
            (count, evidence span or None, score): score 0.95 for a coder's statement, 0.9 for a plain number,
            0.6 for a vague count, 0.8 for "none reported".
        """
        lower = text.lower() if text.isascii() else ""
        if lower and not any(map(lower.__contains__, _ANY_STEMS)):
            return self.no_deaths(text, offset, lower)
        stated = self._stated(text, offset, lower)
        if stated is not None:
            return stated
        best = self._counts(text, lower)
        if best:
            total = sum(b[0] for b in best)
            first = min(b[1] for b in best)
            last = max(b[2] for b in best)
            score = min(b[3] for b in best)
            return min(total, MAX_FATALITIES), Span(start=offset + first, end=offset + last, text=text[first:last]), score
        return self.no_deaths(text, offset, lower)

    def _stated(self, text: str, offset: int, lower: str) -> Optional[tuple[int, Span, float]]:
        """A coder's statement of the count (0.95), else a death toll (0.9), the first found; None without."""
        for rx in self.coded:
            m = rx.search(text) if self.may_match(rx, lower) else None
            if m:
                n = self.to_number(m.group(1))
                if n is not None:
                    return min(n, MAX_FATALITIES), Span(start=offset + m.start(), end=offset + m.end(), text=m.group(0)), 0.95
        for m in self._finditer(self.toll, text, lower):
            n = self.to_number(m.group(1))
            if n:
                return min(n, MAX_FATALITIES), Span(start=offset + m.start(), end=offset + m.end(), text=m.group(0)), 0.9
        return None

    def _counts(self, text: str, lower: str) -> list[tuple[int, int, int, float]]:
        """Each count of the narrative that no earlier one overlaps: (count, start, end, score)."""
        best: list[tuple[int, int, int, float]] = []
        taken: list[tuple[int, int]] = []
        number, scan = self.to_number, self._finditer

        def add(n: Optional[int], m: re.Match, vague: bool) -> None:
            if not n:
                return
            if any(not (m.end() <= s or m.start() >= e) for s, e in taken):
                return
            taken.append((m.start(), m.end()))
            best.append((n, m.start(), m.end(), 0.6 if vague else 0.9))

        may_kill = not lower or any(map(lower.__contains__, _KILL_STEMS))
        for m in scan(self.including, text, lower) if may_kill else ():
            add(number(m.group(1)), m, False)
        for m in scan(self.passive_pair, text, lower) if may_kill else ():
            a, b = number(m.group(1)), number(m.group(2))
            if a and b and m.group(1).lower() not in ("a", "an") and m.group(2).lower() not in ("a", "an"):
                add(a + b, m, False)
        for m in scan(self.and_his, text, lower):
            add(1 + (number(m.group(1)) if m.group(1) else 1), m, False)
        for m in scan(self.active, text, lower):
            n = number(m.group(1))
            if m.group(3):
                n2 = number(m.group(3))
                n = (n or 0) + (n2 or 0)
            add(n, m, not m.group(1)[0].isdigit() and m.group(1).lower() in self.vague)
        for rx in (self.left, self.death_of, self.bodies):
            for m in scan(rx, text, lower):
                add(number(m.group(1)), m, False)
        for m in scan(self.family, text, lower):
            if re.search(self.kill, text[m.end():m.end() + 60], re.I):
                add(number(m.group(1)), m, False)
        for m in scan(self.passive, text, lower) if may_kill else ():
            word = m.group(1).lower()
            if word in ("a", "an", "one") and not re.search(r"\b(?:killed|dead|died)\b", m.group(0), re.I):
                continue
            add(number(word), m, word in self.vague)
        for rx in (self.one, self.killed_single):
            for m in scan(rx, text, lower):
                add(1, m, False)
        return best

    def no_deaths(self, text: str, offset: int, lower: str = "") -> tuple[int, Optional[Span], float]:
        """No count found: "no fatalities" said (0.8), or nothing said (0.7). ``lower``: as for ``may_match``."""
        # gated: the pattern opens with \b and no literal, so re would try it at every place of the text
        m = self.none.search(text) if self.may_match(self.none, lower) else None
        if m:
            return 0, Span(start=offset + m.start(), end=offset + m.end(), text=m.group(0)), 0.8
        return 0, None, 0.7


@lru_cache(maxsize=1)
def default_counter() -> FatalityCounter:
    """One counter of the shipped words, built on first use (for tests and scripts; a stage builds its own)."""
    return FatalityCounter()


def count_fatalities(text: str, offset: int = 0) -> tuple[int, Optional[Span], float]:
    """``FatalityCounter.count`` with the shipped words (see there)."""
    return default_counter().count(text, offset)
