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
from typing import Iterator, Optional

from ..literalgate import caseless_gate, fewest
from ..types import Span

WORDS = {
    "a": 1, "an": 1, "one": 1, "single": 1, "two": 2, "both": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
    "hundred": 100, "a hundred": 100, "dozen": 12, "a dozen": 12, "a couple of": 2, "couple of": 2,
    "a few": 3, "few": 3, "several": 3, "some": 3, "dozens": 12, "dozens of": 12, "scores": 20, "scores of": 20,
    "hundreds": 100, "hundreds of": 100, "many": 10, "numerous": 10,
}
MAX_FATALITIES = 10_000

_NUM = (r"(?:\d{1,3}(?:,\d{3})+|\d+|a couple of|couple of|a dozen|dozens of|dozens|scores of|hundreds of|a hundred|"
        r"a few|" + "|".join(sorted((w for w in WORDS if " " not in w), key=len, reverse=True)) + r")")
_MOD = r"(?:at least|about|around|some|nearly|almost|more than|over|up to|approximately|an estimated|roughly)?\s*"


def _words_between(stop: str = "") -> str:
    """Up to four words, none of them a number nor one of ``stop`` (an alternation)."""
    barred = r"\d[\d,]*\s" + (r"|(?:" + stop + r")\b" if stop else "")
    return r"(?:(?!" + barred + r")[\w'-]+,?\s+){0,4}?"


# up to four words between a number and its verb ("3 Afghan army soldiers were killed"), none of them a number:
# in "On 19 March 2020, 3 policemen were killed" the count is 3, not the day
_NOUN = _words_between()
# a number that is a day of the month ("19 March") is a date, never a count
_MONTHS = (r"(?!\s+(?:January|February|March|April|May|June|July|August|September|October|November|December|"
           r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\b)")
_KILL = (r"(?:killed|dead|died|slain|shot dead|lost their lives|lost his life|lost her life|perished|beheaded|executed|"
         r"murdered|massacred|burned to death|hacked to death|lynched|beaten to death|stabbed to death|strangled to death|"
         r"shot to death|stoned to death|gunned down|assassinated|fatally (?:shot|stabbed|assaulted|wounded|injured)|"
         r"fatalities|deaths|bodies)")

# Literal stems of _KILL, lower case: an ASCII text holding none of them cannot match _PASSIVE, _PASSIVE_PAIR
# or _INCLUDING, the three patterns that try a number at every word (0.31 s of the 0.40 s spent here over 500
# documents; only 78 of 2,717 event texts hold a stem). Non-ASCII text always takes the full scan, as re.I
# folds a few characters (U+017F, U+0131) that str.lower() does not.
_KILL_STEMS = ("killed", "dead", "died", "slain", "lost ", "perished", "beheaded", "executed", "murdered",
               "massacred", "death", "lynched", "gunned down", "assassinated", "fatal", "bodies")
# What every pattern but _NONE needs, lower case: the _KILL stems and the other patterns' own words ("split",
# "coded", "kill" of _ACTIVE, "family", "remains" ...). An ASCII text holding none of them can only be a "no
# fatalities" note: 2,028 of 2,717 event texts, whose 11 other scans are then skipped (0.16 -> 0.05 s per 500
# documents).
# (without the stems that hold another: "kill" stands for "killed", 31 -> 22 tests of a text without one)
_ANY_STEMS = fewest(set(_KILL_STEMS + ("split", "fatalit", "coded", "kill", "gunn", "behead", "execut", "murder",
                                       "massacr", "lives", "lynch", "assassin", "family", "corpses", "remains")))

_PATTERNS = [
    # "Fatalities are split across 3 events (5)": this event's share is in the brackets
    re.compile(r"\bsplit\s+(?:\w+\s+){0,3}?\d+\s+events?\s*\((\d+)\)", re.I),
    # "Fatalities coded as 5" / "coded as 0 fatalities"
    re.compile(r"\bfatalit(?:y|ies)\s+(?:were\s+|was\s+|are\s+)?coded\s+as\s+(" + _NUM + r")", re.I),
    re.compile(r"\bcoded\s+as\s+(" + _NUM + r")\s+fatalit", re.I),
    # a note's closing count, "... bore signs of torture. 2 fatalities." (a number in digits only: "two
    # fatalities" in a sentence is narrative)
    re.compile(r"(?:^|[.;:\]]\s*|\s)(\d+)\s+fatalit(?:y|ies)\s*\.?\s*$", re.I),
]
_TOLL = re.compile(r"\bdeath\s+toll\s+(?:\w+\s+){0,3}?(?:to|at|of|reached|is|was|stood at)\s+" + _MOD + r"(" + _NUM + r")\b", re.I)
# "killing 5 soldiers", "killed two civilians and a child"
_ACTIVE = re.compile(r"\b(?:killing|killed|kills|kill|shot dead|shooting dead|gunning down|gunned down|"
                     r"beheading|beheaded|executing|executed|murdering|murdered|massacring|claimed the lives of|"
                     r"claiming the lives of|lynching|lynched)\s+" + _MOD + r"(" + _NUM + r")\b(?!\s*(?:%|percent|km|kilomet|days?|hours?|years?|am|pm))"
                     r"((?:\s+(?:\w+(?:-\w+)?)){0,4}?\s+(?:and|as well as|plus)\s+" + _MOD + r"(" + _NUM + r")\b)?", re.I)
# "5 soldiers were killed", "three people died", "two dead"
_PASSIVE = re.compile(r"\b" + _MOD + r"(" + _NUM + r")" + _MONTHS + r"\s+" + _NOUN
                      + r"(?:(?:were|was|have been|had been|are|got|being)\s+)?"
                      r"(?:reportedly\s+|reported\s+|also\s+|later\s+|all\s+)?" + _KILL + r"\b", re.I)
_LEFT = re.compile(r"\b(?:left|leaving)\s+" + _MOD + r"(" + _NUM + r")\s+(?:[\w'-]+\s+){0,3}?(?:dead|killed)\b", re.I)
# "5 FC personnel and 1 officer were killed", "25 fighters and 6 military fatalities": both counts (but not
# "Nine officers injured and one policeman killed": the words between hold no verb and no wound)
_PAIR_NOUN = _words_between("were|was|are|injured|wounded|hurt|arrested|abducted|kidnapped|missing")
_PASSIVE_PAIR = re.compile(r"\b" + _MOD + r"(" + _NUM + r")" + _MONTHS + r"\s+" + _PAIR_NOUN + r"(?:and|,)\s+" + _MOD
                           + r"(" + _NUM + r")" + _MONTHS + r"\s+" + _PAIR_NOUN
                           + r"(?:(?:were|was|have been|had been|are|got)\s+)?(?:reportedly\s+|reported\s+|also\s+|all\s+)?"
                           + r"(?:shot and\s+)?" + _KILL + r"\b", re.I)
# "Eight people including four children and four officers were killed": the count before "including" is the total
_INCLUDING = re.compile(r"\b" + _MOD + r"(" + _NUM + r")" + _MONTHS + r"\s+(?:[\w'-]+\s+){0,3}?including\s+[^.;]{0,80}?"
                        r"\b(?:were|was|have been|had been)\s+(?:reportedly\s+|reported\s+)?" + _KILL + r"\b", re.I)
# "the district head and his bodyguard were killed", "a commander and his 2 guards were killed"
_AND_HIS = re.compile(r"\b(?:a|an|one|1|the)\s+(?:[\w'-]+\s+){0,3}?and\s+(?:his|her)\s+(?:(" + _NUM + r")\s+)?"
                      r"(?:bodyguards?|guards?|drivers?|sons?|daughters?|wife|husband|brothers?|children|child|"
                      r"companions?|escorts?)\s+(?:were|have been|had been)\s+(?:reportedly\s+)?(?:shot and\s+)?"
                      r"(?:killed|shot dead|murdered|assassinated)\b", re.I)
# "leading to the death of one demonstrator" (not "protested over the death of a man": a cause, not this event)
_DEATH_OF = re.compile(r"\b(?:leading\s+to|led\s+to|resulting\s+in|resulted\s+in|causing|caused)\s+(?:the\s+)?deaths?\s+of\s+"
                       + _MOD + r"(" + _NUM + r")\b(?!\s*(?:%|percent|days?|hours?|years?))", re.I)
_FAMILY = re.compile(r"\bfamily\s+of\s+(" + _NUM + r")\b", re.I)
# "found the bodies of four men"
_BODIES = re.compile(r"\b(?:bodies|corpses|remains)\s+of\s+" + _MOD + r"(" + _NUM + r")\b", re.I)
_ONE = re.compile(r"\b(?:a|an|one)\s+(?:[\w'-]+\s+){0,3}?(?:was|has been|had been|got)\s+(?:reportedly\s+)?"
                  r"(?:killed|shot dead|shot and killed|shot to death|murdered|beheaded|executed|lynched|assassinated|"
                  r"stabbed to death|beaten to death|hacked to death|stoned to death|gunned down|fatally shot)\b", re.I)
_KILLED_SINGLE = re.compile(r"\b(?:killing|killed|kills|kill|shot dead|murdered|beheaded|lynched|lynch|gunned down|executed|"
                            r"assassinated|assassinate)\s+"
                            r"(?!of\b)(?:(?:a|an|one|the)\s+)?(?:[\w'-]+\s+){0,2}?(?:man|woman|boy|girl|child|civilian|soldier|policeman|"
                            r"police officer|officer|farmer|teacher|trader|commander|elder|student|driver|member|militant|"
                            r"fighter|resident|villager|herder|journalist|chief|official|leader|guard|person|spokesman|spokesperson|"
                            r"rustler|thief|robber|suspect|criminal|worker|doctor|nurse|cleric|imam|priest|pastor|judge|lawyer|"
                            r"mayor|councillor|councilor|politician|businessman|activist)\b", re.I)
_NONE = re.compile(r"\bno\s+(?:\w+\s+)?(?:fatalities|casualties|deaths|one was killed|injuries or fatalities|deaths or injuries)\b|"
                   r"\bwithout\s+(?:any\s+)?(?:casualties|fatalities)\b", re.I)

# Each pattern's caseless gate, tested on the lower-cased ASCII text: the 700 of 2,800 event texts that hold
# a stem still ran all 11 scans, most of which try every position (count_fatalities 0.053 -> 0.049 s per 500
# documents). Keyed by the pattern's id: a compiled pattern hashes its whole code at every lookup (1-4.5 us for
# these, 25 us per text that holds a stem; count_fatalities 0.072 -> 0.061 s per 500 documents); the patterns are
# module constants, so their ids stay theirs.
_GATES = {id(rx): caseless_gate(rx) for rx in (*_PATTERNS, _TOLL, _INCLUDING, _PASSIVE_PAIR, _AND_HIS, _ACTIVE, _LEFT,
                                               _DEATH_OF, _BODIES, _FAMILY, _PASSIVE, _ONE, _KILLED_SINGLE, _NONE)}


def _may_match(rx: re.Pattern, lower: str) -> bool:
    """Can ``rx`` match the text whose lower case is ``lower`` ("" for a text beyond ASCII: always)?"""
    gate = _GATES[id(rx)]
    return not lower or gate is None or any(map(lower.__contains__, gate))


def _finditer(rx: re.Pattern, text: str, lower: str) -> Iterator[re.Match]:
    """``rx.finditer(text)``, or nothing when the gate says it cannot match."""
    return rx.finditer(text) if _may_match(rx, lower) else iter(())


def to_number(word: str) -> Optional[int]:
    w = word.lower().strip()
    if w.replace(",", "").isdigit():
        return int(w.replace(",", ""))
    return WORDS.get(w)


def count_fatalities(text: str, offset: int = 0) -> tuple[int, Optional[Span], float]:
    """The fatalities reported in ``text``, the span that says so (offsets shifted by ``offset``) and a score.

    Returns:
        (count, evidence span or None, score): score 0.9 for a coder's statement or a plain number,
        0.6 for a vague count, 0.8 for "none reported".
    """
    lower = text.lower() if text.isascii() else ""
    if lower and not any(map(lower.__contains__, _ANY_STEMS)):
        return _no_deaths(text, offset, lower)
    for rx in _PATTERNS:
        m = rx.search(text) if _may_match(rx, lower) else None
        if m:
            n = to_number(m.group(1))
            if n is not None:
                return min(n, MAX_FATALITIES), Span(start=offset + m.start(), end=offset + m.end(), text=m.group(0)), 0.95
    best: list[tuple[int, int, int, float]] = []  # (count, start, end, score)
    for m in _finditer(_TOLL, text, lower):
        n = to_number(m.group(1))
        if n:
            return min(n, MAX_FATALITIES), Span(start=offset + m.start(), end=offset + m.end(), text=m.group(0)), 0.9
    taken: list[tuple[int, int]] = []

    def add(n: Optional[int], m: re.Match, vague: bool) -> None:
        if not n:
            return
        if any(not (m.end() <= s or m.start() >= e) for s, e in taken):
            return
        taken.append((m.start(), m.end()))
        best.append((n, m.start(), m.end(), 0.6 if vague else 0.9))

    may_kill = not lower or any(map(lower.__contains__, _KILL_STEMS))
    for m in _finditer(_INCLUDING, text, lower) if may_kill else ():
        add(to_number(m.group(1)), m, False)
    for m in _finditer(_PASSIVE_PAIR, text, lower) if may_kill else ():
        a, b = to_number(m.group(1)), to_number(m.group(2))
        if a and b and m.group(1).lower() not in ("a", "an") and m.group(2).lower() not in ("a", "an"):
            add(a + b, m, False)
    for m in _finditer(_AND_HIS, text, lower):
        add(1 + (to_number(m.group(1)) if m.group(1) else 1), m, False)
    for m in _finditer(_ACTIVE, text, lower):
        n = to_number(m.group(1))
        if m.group(3):
            n2 = to_number(m.group(3))
            n = (n or 0) + (n2 or 0)
        add(n, m, not m.group(1)[0].isdigit() and m.group(1).lower() in ("several", "some", "a few", "few", "dozens", "dozens of", "scores", "scores of", "hundreds", "hundreds of", "many", "numerous"))
    for m in _finditer(_LEFT, text, lower):
        add(to_number(m.group(1)), m, False)
    for m in _finditer(_DEATH_OF, text, lower):
        add(to_number(m.group(1)), m, False)
    for m in _finditer(_BODIES, text, lower):
        add(to_number(m.group(1)), m, False)
    for m in _finditer(_FAMILY, text, lower):
        if re.search(_KILL, text[m.end():m.end() + 60], re.I):
            add(to_number(m.group(1)), m, False)
    for m in _finditer(_PASSIVE, text, lower) if may_kill else ():
        word = m.group(1).lower()
        if word in ("a", "an", "one") and not re.search(r"\b(?:killed|dead|died)\b", m.group(0), re.I):
            continue
        add(to_number(word), m, word in ("several", "some", "a few", "few", "dozens", "dozens of", "scores", "many", "numerous", "hundreds", "hundreds of", "scores of"))
    for rx in (_ONE, _KILLED_SINGLE):
        for m in _finditer(rx, text, lower):
            add(1, m, False)
    if best:
        total = sum(b[0] for b in best)
        first = min(b[1] for b in best)
        last = max(b[2] for b in best)
        score = min(b[3] for b in best)
        return min(total, MAX_FATALITIES), Span(start=offset + first, end=offset + last, text=text[first:last]), score
    return _no_deaths(text, offset, lower)


def _no_deaths(text: str, offset: int, lower: str = "") -> tuple[int, Optional[Span], float]:
    """No count found: "no fatalities" said (0.8), or nothing said (0.7). ``lower``: as for ``_may_match``."""
    # gated: _NONE opens with \b and no literal, so re tries it at every place of the text (1,903 texts per 500
    # documents, 23 with "casualties", "deaths", "fatalities" or "one was killed": 6.6 -> 0.7 us for a
    # text of 300 characters)
    m = _NONE.search(text) if _may_match(_NONE, lower) else None
    if m:
        return 0, Span(start=offset + m.start(), end=offset + m.end(), text=m.group(0)), 0.8
    return 0, None, 0.7
