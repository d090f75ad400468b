"""Toponyms: the place-like phrases of a text, and what the words around each say about it.

1. A toponym is a capitalised phrase ("Deir ez-Zor", "Band Sharan", "A-Raqqa"): up to six capitalised words
   joined by spaces, hyphens or the lowercase words of a name ("Tala wa Barfak"), minus non-places at either
   end (``data/gazetteer/nonplaces.txt``; direction words stay, they are part of many names), acronyms,
   demonyms, organisation names ("... Forces", "Nairobi police" qualifies the police, as a possessive does)
   and title-cased names ("Raqqa is Being Slaughtered Silently"). spaCy's labels only veto number-like
   entities: spaCy-sm calls many towns NORP, PERSON or PRODUCT.
2. Words around a toponym (``data/gazetteer/cues.tsv``) say its kind and precision: "X village", "Y district",
   "Z province", "the town of X", "the X front", "outskirts of X", "neighbourhood of X"; a capitalised type
   word closing the phrase ("Helmand Province") says as much, and the phrase with it is tried first ("Burnt
   Forest"). "near X" puts the event near X, "students from X" makes X the people's origin, "the governor of
   X" an office's seat. A name after an organisation's "... of" ("the Government of National Accord") is part
   of that name: no chain, no vote.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import NamedTuple, Optional

from ...gazetteer import Candidate, fold
from ...matching import fold as fold_case
from ...types import Mention, Span
from .words import GeoWords

# A verb followed by title-cased words continues a name ("Raqqa is Being Slaughtered Silently").
_TITLE_AFTER = re.compile(r"\s+(?:is|are|was|were|has|have)\s+[A-Z][a-z]+\s+[A-Z][a-z]+")
# "the Government of National Accord", "the Army of Conquest": the name of an organisation, not a place
_ORG_OF_RE = re.compile(r"\b([A-Z][a-z]+)\s+of\s+(?:the\s+)?(?:[A-Z][\w'-]*\s+)*$")
_NON_SPACE = re.compile(r"[^\s]+")
_DATELINE_TAIL = re.compile(r"\)?\s*(?:,\s*(?:[A-Z][a-z]{2,8}\.?\s+\d|[A-Z]{3,})|\([^()\n]{2,40}\)\s*[-–—]|[-–—])")
_NEXT_WORD = re.compile(r"\s+([A-Za-z']+)")
_ACRONYM = re.compile(r"[A-Z][a-z]?[A-Z]+")
# a sentence opens after a full stop, a colon, a quote, a line break or a bracket ("[Hour break ...]")
_SENT_START = re.compile(r"(?:^|[.!?:;\"“\[]\s*|\n\s*)$")


@dataclass
class Toponym:
    """A place-like phrase in the text and what its surroundings say about it."""

    start: int
    end: int
    text: str
    role: str = ""           # the cue after it: town, adm1, adm2, admin, area, part, ""
    near: bool = False       # a "near"-type cue before it
    sentence_start: bool = False
    entity: str = ""         # the nlp stage's label, when an entity covers it
    parent: Optional[int] = None  # index of its container toponym
    alias_of: Optional[int] = None  # index of the toponym this one is another name of
    possessive: bool = False  # "Logar's provincial council": a place that qualifies something else
    origin: bool = False  # "students from Mombasa", "migrants from Afghanistan": where people come from
    full: str = ""  # the phrase with its capitalised type word, when one was cut off
    cue: str = ""  # the type word after it, as written in lower case ("road", "district")
    cue_end: int = 0         # end of the phrase including its cue word
    named_org: bool = False  # "Government of National Accord": part of an organisation's name, in no chain
    mention: str = ""  # why the place is only mentioned, no event's place: a time zone, an embassy (mentions.py)
    dateline: bool = False  # "MOGADISHU, March 3 (Reuters) -", "Shabelle Media (Mogadishu)": where the report is from
    locative: bool = False  # "in X", "across X", "northern X": the words before it put something there
    institution: bool = False  # "Nepal Armed Police", "Kenya Defence Forces": the head of an institution's name
    candidates: list[Candidate] = field(default_factory=list)
    chosen: Optional[Candidate] = None
    score: float = 0.0
    reason: str = ""
    span: Optional[Span] = None  # the phrase as a Span, made once (see span_of)

    def span_of(self, text: str) -> Span:
        """The toponym's Span of ``text``, made on first use: the place list and every event placed by it
        share one (Span is frozen)."""
        if self.span is None:
            self.span = Span.of(text, self.start, self.end)
        return self.span


class _Trimmed(NamedTuple):
    """A phrase's words once non-place words and closing type words are cut off."""

    start: int
    end: int
    role: str       # the kind a closing type word gives ("Helmand Province": adm1)
    cue_word: str   # that type word, folded
    full_end: int   # end of the phrase with its type words
    untrimmed: int  # end of the phrase with its closing non-place words


def _capitals_dateline(text: str, start: int, end: int) -> bool:
    """A name in capitals opening a line before a date, a bracketed agency or a dash ("KABUL, March 3",
    "GENEVA (Newswire) -"): a dateline's place, not an acronym."""
    return text[start:end].isupper() and (start == 0 or text[start - 1] in "\n(") \
        and _DATELINE_TAIL.match(text, end) is not None


def _may_follow_cue(text: str, start: int) -> bool:
    """Whether a cue before position ``start`` can be there: the patterns of ToponymFinder._read_before all end
    in whitespace before ``$``, so none matches unless the character before ``start`` is whitespace."""
    return start > 0 and text[start - 1].isspace()


def _entity_label(entities: list[tuple[int, int, str]], start: int, end: int) -> str:
    """The label of the first entity that overlaps the start of the phrase ``start:end``."""
    for a, b, label in entities:
        if a <= start < b or start <= a < end:
            return label
    return ""


class ToponymFinder:
    """Finds the toponyms of a text and reads the cue words around each."""

    def __init__(self, words: GeoWords):
        self.words = words

    def find(self, text: str, entities: list[Mention]) -> list[Toponym]:
        """The toponyms of ``text`` in text order, given the nlp stage's entities."""
        ents = [(m.span.start, m.span.end, m.label) for m in entities]
        out: list[Toponym] = []
        for m in self.words.phrase.finditer(text):
            t = self._split_phrase(text, m.start(), m.end(), ents)
            if t is not None:
                out.append(t)
        out.sort(key=lambda t: t.start)
        return out

    def _split_phrase(self, text: str, start: int, end: int, ents: list[tuple[int, int, str]]) -> Optional[Toponym]:
        """The toponym a capitalised phrase ``start:end`` holds, if any."""
        words, folded, end = self._cut_at_title(text, start, end)
        # an organisation's name is not a place ("Martyr ... Vengeance Units", "Resistance forces"), but a
        # country heading it names the institution's country ("Nepal Armed Police", "Kenya Defence Forces")
        org = next((i for i, w in enumerate(folded) if w in self.words.org_words), None)
        if org is not None:
            return self._institution(text, words[:org], folded[:org])
        if _TITLE_AFTER.match(text, end):
            return None  # "Raqqa is Being Slaughtered Silently": a title-cased name, not the town
        qualifies = self._qualifies(text, end)
        trimmed = self._trim(words, folded, end)
        if trimmed is None:
            return None
        s, e, possessive = self._bare_name(text, trimmed.start, trimmed.end)
        name = text[s:e]
        if not (self._may_be_place(name) or _capitals_dateline(text, s, e)):
            return None
        label = _entity_label(ents, s, e)
        # spaCy-sm calls many towns NORP, PERSON, PRODUCT or WORK_OF_ART (Herat, Halba, "Hadramawt"): only
        # number-like labels veto a phrase
        if label in self.words.number_labels and not (name.isupper() and len(name) >= 4):
            return None  # (a place in capitals is no number: "BAGHDAD, Jan. 27 (Xinhua)" is one DATE to spaCy)
        t = Toponym(start=s, end=e, text=name, entity=label, role=trimmed.role, possessive=possessive or qualifies)
        self._read_type_words(text, t, trimmed, end)
        if _may_follow_cue(text, s):
            self._read_before(text, t)
        t.sentence_start = bool(_SENT_START.search(text[max(0, s - 3):s])) or s == 0
        return t

    def _institution(self, text: str, words: list[tuple[int, int]], folded: list[str]) -> Optional[Toponym]:
        """The name heading an institution's name ("Nepal" of "Nepal Armed Police", "Islamabad" of "Islamabad
        High Court"): one or two words, none a non-place. It votes only for a country (country.py) and is no
        event's place (places.py)."""
        if not 1 <= len(words) <= 2 or any(w in self.words.nonplaces for w in folded):
            return None
        s, e = words[0][0], words[-1][1]
        name = text[s:e]
        if not self._may_be_place(name):
            return None
        return Toponym(start=s, end=e, text=name, possessive=True, named_org=True, institution=True, cue_end=e)

    def _cut_at_title(self, text: str, start: int, end: int) -> tuple[list[tuple[int, int]], list[str], int]:
        """The phrase's words (spans and folded), up to an official's title after the first word ("Van
        Governor's Office", "Aydin Governorship": the place stands before the title), and its end."""
        words = [w.span() for w in _NON_SPACE.finditer(text, start, end)]
        folded = [fold(text[a:b]) for a, b in words]
        cut = next((i for i, w in enumerate(folded) if w in self.words.title_words), None)
        if cut:
            words, folded = words[:cut], folded[:cut]
            end = words[-1][1]
        return words, folded, end

    def _qualifies(self, text: str, end: int) -> bool:
        """"Nairobi police", "Aleppo Council": the place qualifies an organisation, as a possessive does (but
        "Dalsing Sarai police station" is a place: "police station" is a type word)."""
        nxt = _NEXT_WORD.match(text, end, end + 30)
        return bool(nxt and nxt.group(1).lower() in self.words.org_words and not self.words.after_re.match(text, end))

    def _trim(self, words: list[tuple[int, int]], folded: list[str], end: int) -> Optional[_Trimmed]:
        """The phrase without non-place words at either end ("On", "Taliban", "Fatalities") and closing type
        words ("Helmand Province", "Rafi LGA"); None when nothing but a type word is left. Direction words
        stay, as they are part of many names (North Darfur, South Kivu) and are tried without later."""
        w = self.words
        while words and folded[0] in w.nonplaces and folded[0] not in w.directions and not (
                folded[0] in w.article_like and len(words) > 1):
            words, folded = words[1:], folded[1:]
        if len(words) == 1 and folded[0] in w.after_cues:
            return None  # "University", "District": a type word alone
        if not words:
            return None
        full_end = words[-1][1]
        role = cue_word = ""
        while len(words) > 1 and w.after_cues.get(folded[-1], "org") not in ("org", "currency"):
            role = role or w.after_cues[folded[-1]]
            cue_word = cue_word or folded[-1]
            words, folded = words[:-1], folded[:-1]
        untrimmed = words[-1][1] if words else end
        while words and folded[-1] in w.nonplaces and folded[-1] not in w.directions:
            words, folded = words[:-1], folded[:-1]
        if not words or (len(words) == 1 and folded[0] in w.after_cues):
            return None  # "Ward No. 10": a type word alone
        return _Trimmed(words[0][0], words[-1][1], role, cue_word, full_end, untrimmed)

    @staticmethod
    def _bare_name(text: str, s: int, e: int) -> tuple[int, int, bool]:
        """The name without closing punctuation and possessive 's, and whether it was a possessive."""
        while e > s and text[e - 1] in ".,;:'’\")":
            e -= 1
        possessive = text[e - 2:e] in ("'s", "’s") or text[e:e + 2] in ("'s", "’s")
        if text[e - 2:e] in ("'s", "’s"):
            e -= 2
        return s, e, possessive

    def _may_be_place(self, name: str) -> bool:
        """Whether a trimmed name may be a place: not a non-place, a number, an acronym (BLA, SDF, VoJ) or a
        demonym (Somali, Afghan), which name groups."""
        w = self.words
        f = fold(name)
        if not f or f in w.nonplaces or len(f) < 3 or f.isdigit():
            return False
        if (name.isupper() and len(name) <= 5) or _ACRONYM.fullmatch(name) or name in w.demonyms:
            return False
        first, _, rest = name.partition(" ")
        # "A Kenyan official", "An Afghan soldier": the English article before a demonym
        return not (rest and fold(first) in w.article_like and (rest in w.demonyms or fold(rest) in w.nonplaces))

    def _read_type_words(self, text: str, t: Toponym, trimmed: _Trimmed, end: int) -> None:
        """The type word of the toponym, capitalised in the phrase ("Helmand Province") or after it ("Aleppo
        city"), and the phrase with a cut-off word that may belong to the name."""
        s, e = t.start, t.end
        if trimmed.role:
            # "Burnt Forest", "Ghazni City": the type word may belong to the name; tried first
            t.full = text[s:trimmed.full_end].rstrip(".,;:)")
            t.cue = trimmed.cue_word  # "Mombasa Road": a capitalised type word says as much as a lowercase one
        elif trimmed.untrimmed > e and " " in text[s:trimmed.untrimmed]:
            t.full = text[s:trimmed.untrimmed].rstrip(".,;:)")  # "Distrito Federal": a non-place word in a name
        t.cue_end = end if trimmed.role else e
        after = self.words.after_re.match(text, t.cue_end)
        if after and not trimmed.role:
            t.role = self.words.after_cues[fold_case(after.group(1))]
            t.cue = after.group(1).lower()
            t.cue_end = after.end()

    def _read_before(self, text: str, t: Toponym) -> None:
        """What the words just before the toponym say: "near", "the town of", "the Army of", "from", "the
        governor of"."""
        w = self.words
        s = t.start
        before = text[max(0, s - 40):s]
        if self._may_end_in_cue(before):
            if w.before_re.search(before):
                t.near = True
            kind = w.kind_before_re.search(before)
            if kind and not t.role:
                t.role = w.kind_before[fold_case(kind.group(1))]
                # "the village of X" says as much as "X village"
                t.cue = t.cue or fold_case(kind.group(1)).split()[-2 if " of" in kind.group(1).lower() else -1]
            if w.from_re.search(before):
                t.origin = True
            if w.title_of_re.search(before):
                t.possessive = True  # ranked like "Logar's governor"
        org_of = _ORG_OF_RE.search(text[max(0, s - 30):s])
        if org_of and fold(org_of.group(1)) in w.org_words:
            t.possessive = t.named_org = True

    def _may_end_in_cue(self, before: str) -> bool:
        """Whether one of the four cue patterns of _read_before can match ``before``: its last word (the text up
        to the whitespace that ends it) ends in one of their last words (``GeoWords.cue_tail``)."""
        last = before.rsplit(None, 1)
        return bool(last) and self.words.cue_tail.search(last[-1]) is not None
