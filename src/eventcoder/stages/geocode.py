"""Places: toponyms in the text -> gazetteer candidates -> one place per toponym -> each event's location.

How it reads a document:
1. Toponyms are capitalised phrases ("Deir ez-Zor", "Band Sharan", "A-Raqqa"), minus non-places
   (``data/gazetteer/nonplaces.txt``), acronyms, demonyms and organisation names ("... Forces"). spaCy's
   labels only veto number-like entities: spaCy-sm calls many towns NORP, PERSON or PRODUCT.
2. Words around a toponym (``data/gazetteer/cues.tsv``) say its kind and precision: "X village", "Y district",
   "Z province", "the town of X", "the X front", "outskirts of X", "neighbourhood of X". A name after an
   organisation's "... of" ("the Government of National Accord") is part of that name: no chain, no vote.
3. Chains: "X (Y, Z)", "X, Y", "X area of Y district, Z", "X west of Y" make Y the container of X and Z of Y;
   a candidate inside its container (admin names agree, or within about a district's reach) wins, and one
   outside it is dropped. "X (Y) district" makes Y another name of X. A container is more often a province
   than a town, but a province or district that shares its name and seat with a town is that town when
   something lies near it ("X near Maiduguri", "in eastern Halab") or it is a city of 500,000 whose quarter
   is named ("the X district of Tripoli"); with no word saying which, such a unit weighs as its seat town.
   A village name several small towns of the country share, none within 100 km of the document's other
   places, is a namesake the gazetteer lacks.
4. The document's country is the one its toponyms agree on, with the publisher's home country
   (``publishers.tsv``, or a country named in the source), demonyms and the home countries of the
   dictionary's actors as extra votes; inexact spellings vote only for provinces and cities of 100,000 or
   more (a village's would vouch for itself). Outside that country only exact names of large places, or of towns in a neighbouring
   country, are accepted.
5. Each event takes the first place its own evidence names (chain heads first; the document's country
   before others; possessives, "Nairobi police", places people come "from" and countries last; a province
   after a town of that province); else one in its sentence; else the nearest earlier sentence that names
   a place, read the same way. An event placed no finer than its own country (or not at all) takes a place
   another clause ties to events of its type and actors ("the Russian strikes on IS in A-Raqqa"; first the
   question an interview answer replies to), precision 2, flagged ``geo_tied``; else the first later
   sentence that names a place (a headline before the body). A foreign country alone in the event's
   sentence ("arrested on their way to Somalia") yields to a home place nearby. A named town gives
   geo_precision 1, a place near or part of it 2, a district 2, a province or country alone 3. A toponym
   the gazetteer lacks falls back to its resolved container (precision at least 2); an event whose own text
   names such a place ("hit the X district", "protested in X") and takes a place from elsewhere gets
   precision at least 2. "In the capital" is
   the document country's capital (precision 1). With no place named, the capital of the document's
   country (precision 3, flagged ``geo_country_only``; ``country_fallback=False`` turns it off), else
   ``location`` stays empty and the event is flagged ``geo_unresolved``.

Every location field is set with ``event.set(..., evidence=<the toponym's span>, note=<why>)``;
``record.places`` lists every toponym with its place or the reason it has none.

Annotations written: ``record.annotations["geo_country"]``: ISO alpha-2 code of the document's country, or "".
"""
from __future__ import annotations

import csv
import math
import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterator, Optional

from ..config import GeocodeSettings
from ..gazetteer import (DATA_DIR, Candidate, Gazetteer, default_gazetteer, fold, haversine_km, skeleton,
                         strip_articles)
from ..literalgate import WordGate
from ..literalgate import fold as fold_case
from ..registry import stage
from ..types import Event, Place, PlaceMention, Record, Span, validated
from ..knowledge.actornames import actor_kind, currency_words
from ..knowledge.interviews import governing_question
from ..knowledge.clauses import Lexicon, clauses

STAGE = "geocode"


# ------------------------------------------------------------------------------------------ lexicons

def _read_lines(path: Path) -> list[str]:
    with path.open(encoding="utf-8") as f:
        return [ln.strip() for ln in f if ln.strip() and not ln.startswith("#")]


def _load_cues() -> tuple[dict[str, str], dict[str, str]]:
    after, before = {}, {}
    with (DATA_DIR / "cues.tsv").open(encoding="utf-8") as f:
        for row in csv.reader((ln for ln in f if ln.strip() and not ln.startswith("#")), delimiter="\t"):
            (after if row[2] == "after" else before)[row[0]] = row[1]
    return after, before


def _load_demonyms() -> dict[str, str]:
    out = {}
    with (DATA_DIR / "demonyms.tsv").open(encoding="utf-8") as f:
        for row in csv.reader((ln for ln in f if ln.strip() and not ln.startswith("#")), delimiter="\t"):
            for w in row[1:]:
                if w:
                    out[w] = row[0]
    return out


def _load_publishers() -> list[tuple[str, re.Pattern, str]]:
    out = []
    with (DATA_DIR / "publishers.tsv").open(encoding="utf-8") as f:
        for row in csv.reader((ln for ln in f if ln.strip() and not ln.startswith("#")), delimiter="\t"):
            for w in row[1:]:
                if w:
                    out.append((w, re.compile(r"(?<!\w)" + re.escape(w) + r"(?!\w)", re.I), row[0]))
    return sorted(out, key=lambda wpc: -len(wpc[1].pattern))


AFTER_CUES, BEFORE_CUES = _load_cues()
# "the US dollar", "Lebanese pounds": one list with the actors stage (countries.json "currency_words")
CURRENCY_WORDS = frozenset(currency_words())
AFTER_CUES.update({w: "currency" for w in CURRENCY_WORDS})
_PUBLISHER_NAMES = _load_publishers()
PUBLISHERS = [(pat, cc) for _, pat, cc in _PUBLISHER_NAMES]
# A case-blind literal matches one character to one, so a source part fullmatches only the publishers' names
# of its own length, in PUBLISHERS order: 1 pattern of 240 tried per part instead of all
PUBLISHERS_BY_LENGTH: dict[int, list[tuple[re.Pattern, str]]] = {}
for _name, _pat, _cc in _PUBLISHER_NAMES:
    PUBLISHERS_BY_LENGTH.setdefault(len(_name), []).append((_pat, _cc))
NONPLACES = frozenset(_read_lines(DATA_DIR / "nonplaces.txt"))
DEMONYMS = _load_demonyms()
ORG_WORDS = frozenset(w for w, role in AFTER_CUES.items() if role in ("org", "currency"))
# A verb followed by title-cased words continues a name ("Raqqa is Being Slaughtered Silently").
_TITLE_AFTER = re.compile(r"\s+(?:is|are|was|were|has|have)\s+[A-Z][a-z]+\s+[A-Z][a-z]+")
ROAD_CUES = frozenset({"road", "highway", "street"})
# Natural features named after a district or town ("the Evros river"): where the event is near, not at,
# unless nothing else is named
FEATURE_CUES = frozenset({"river", "lake", "mountain", "mountains"})
TITLE_WORDS = frozenset({"governor", "governors", "governorship", "mayor", "mayors"})
# Sentence openers that are also Arabic articles: "As Sawmaah", "At Tall", "An Nabk" keep them.
ARTICLE_LIKE = frozenset({"as", "at", "an", "a", "ad", "ar", "az", "ash", "al", "el", "en"})
DIRECTIONS = frozenset({"north", "south", "east", "west", "central", "northern", "southern", "eastern", "western",
                        "upper", "lower", "new", "old", "greater"})
_AFTER_RE = re.compile(r"[\s'’\"”]*(" + "|".join(sorted((re.escape(w) for w, r in AFTER_CUES.items()
                                                           if r not in ("org", "currency")),
                                                   key=len, reverse=True)) + r")\b", re.I)
_BEFORE_RE = re.compile(r"\b(" + "|".join(sorted((re.escape(w) for w, r in BEFORE_CUES.items() if r == "near"),
                                                   key=len, reverse=True))
                        + r")\s+(?:the\s+)?(?:town\s+of\s+|city\s+of\s+|village\s+of\s+)?$", re.I)
# "youths from Mombasa", "(most of them from Syria)": the people's origin, not the event's place (but "withdrew
# from X", "were evicted from X", "a march set out from X" happened at X). The look-behinds follow "from", so
# that re tries them only where "from" is, not at every position (5x faster)
_FROM_RE = re.compile(r"\bfrom" + "".join(f"(?<!{verb} from)" for verb in (
    "withdrew", "withdraw", "retreated", "evicted", "expelled", "fled", "displaced", "ousted", "driven", "pushed",
    "out", "started", "departed", "began", "marched", "set off")) + r"\s+(?:the\s+)?$", re.I)
# "in the capital", "across the country's capital" (not "the capital of X", which names X)
_CAPITAL_RE = re.compile(r"\b(?:in|into|of|around|across|near|outside|at|to)\s+(the\s+(?:country's\s+|nation's\s+)?"
                         r"capital(?:\s+city)?)\b(?!\s+(?:of|city\s+of)\b)", re.I)
# "the town of X", "the province of X": a kind word before the name says its kind
KIND_BEFORE = {w: r for w, r in BEFORE_CUES.items() if r in ("town", "adm1", "adm2", "admin", "part")}
_KIND_BEFORE_RE = re.compile(r"\b(" + "|".join(sorted(map(re.escape, KIND_BEFORE), key=len, reverse=True))
                             + r")\s+$", re.I)
# "the Government of National Accord", "the Army of Conquest": the name of an organisation, not a place
_ORG_OF_RE = re.compile(r"\b([A-Z][a-z]+)\s+of\s+(?:the\s+)?(?:[A-Z][\w'-]*\s+)*$")
# "the governor of Migori", "MP for Lamu": an office's seat, not the event's place
_TITLE_OF_RE = re.compile(r"\b(?:" + "|".join(sorted((re.escape(w) for w, r in BEFORE_CUES.items() if r == "title"),
                                                    key=len, reverse=True)) + r")\s+(?:the\s+)?$", re.I)
# A demonym not before a currency word ("the Kenyan shilling"). Its leading \b is tested apart
# (literalgate.WordGate.scan): with it, re would try the alternation at every position instead of only at the
# demonyms' first letters (5x slower: 0.026 -> 0.005 s per 500 documents)
_DEMONYM_RE = re.compile(r"\b(" + "|".join(sorted(map(re.escape, DEMONYMS), key=len, reverse=True)) + r")\b"
                         r"(?!\s+(?:" + "|".join(map(re.escape, sorted(CURRENCY_WORDS))) + r")\b)")
_DEMONYM_SCAN = WordGate(_DEMONYM_RE)


def _may_follow_cue(text: str, start: int) -> bool:
    """Whether a cue before position ``start`` can be there: the patterns of Geocoder._read_before all end in
    whitespace before ``$``, so none matches unless the character before ``start`` is whitespace (1 toponym of
    10 skips the five searches)."""
    return start > 0 and text[start - 1].isspace()


# The last words _BEFORE_RE, _KIND_BEFORE_RE, _FROM_RE and _TITLE_OF_RE can end in: each ends in a cue of
# cues.tsv, "from", "the" or "of" ("the town of"), then whitespace
_CUE_TAIL = re.compile(r"(?:" + "|".join(sorted({re.escape(w.split()[-1]) for w in BEFORE_CUES} | {"from", "the", "of"},
                                                key=len, reverse=True)) + r")\Z", re.I)


def _may_end_in_cue(before: str) -> bool:
    """Whether one of the four cue patterns can match ``before``: its last word (the text up to the whitespace
    that ends it) ends in one of their last words. The four searches over 40 characters cost 5 us a toponym,
    this test 0.4 us, and 7 toponyms in 10 fail it."""
    last = before.rsplit(None, 1)
    return bool(last) and _CUE_TAIL.search(last[-1]) is not None


def _demonyms(text: str) -> Iterator[re.Match]:
    """The demonyms in ``text``, as ``_DEMONYM_RE.finditer`` finds them."""
    return _DEMONYM_SCAN.scan(text)


# A capitalised word, possibly hyphenated, possibly behind a lowercase Arabic article ("ez-Zor", "al-Bab").
_WORD = r"(?:(?:a[lrdsztn]?|e[lzdsrnt]?|ash|adh|ath)-)?[A-Z][\w'’‘ʿ]*(?:-[\w'’‘ʿ]+)*"
# Lowercase words allowed inside a name: "Deir ez Zor", "Tala wa Barfak", "Ciudad de Mexico".
_JOIN = r"(?:(?:\s+(?:de|del|de la|do|da|dos|das|di|al|el|ez|az|as|ash|ad|ar|a|e|wa|bin|ibn|ul|i|y|la|le|les|sur|on|upon)){1,2}\s+|\s+|-)"
# The first word as _WORD not after a word character or hyphen, its first letter matched before the look-behind:
# a pattern that opens with a character class lets re skip to the letters that can start a phrase, instead of
# trying the look-behind at every position (what "(?<![\w-])" + _WORD does, same matches; 0.005 -> 0.003 s per 500
# documents)
_LEAD_WORD = (r"[aeA-Z](?<![\w-].)(?:(?<=[A-Z])|(?<=a)(?:[lrdsztn]?|sh|dh|th)-[A-Z]|(?<=e)[lzdsrnt]?-[A-Z])"
              r"[\w'’‘ʿ]*(?:-[\w'’‘ʿ]+)*")
_PHRASE = re.compile(rf"{_LEAD_WORD}(?:{_JOIN}{_WORD}){{0,5}}")
_NON_SPACE = re.compile(r"[^\s]+")
_NEXT_WORD = re.compile(r"\s+([A-Za-z']+)")
_ACRONYM = re.compile(r"[A-Z][a-z]?[A-Z]+")
_SENT_START = re.compile(r"(?:^|[.!?:;\"“]\s*|\n\s*)$")
_DIR = r"(?:north|south|east|west)(?:-?(?:east|west))?"
# What may stand between a place and its container: "X (Y)", "X, Y", "X of Y", "X in the southern countryside
# of Y", "X west of Y", "X under Y police station".
_GAP_PARENT = re.compile(
    rf"^[\s,()\[\]\-–'’\"”]*(?:{_DIR}\s+)?(?:(?:of|in|at|within|inside|under|near)\s+)?(?:the\s+)?(?:{_DIR}(?:ern)?\s+)?"
    r"(?:(?:countryside|outskirts|suburbs|vicinity|area|areas|region)\s+(?:of\s+)?)?[\s,()\[\]]*$", re.I)

# what stands between a word for an attack and its target: "strikes on IS", "raids against the rebels"
_OBJECT_GAP = re.compile(r"^\s*(?:on|against|targeting|that\s+(?:have\s+|had\s+)?targeted|hitting|at)\s+(?:the\s+)?$", re.I)


_VOWEL_CLASSES = str.maketrans({"e": "a", "y": "i", "o": "u", "w": "u"})


# 5,000 calls per 500 documents over about 850 names (0.05 -> 0.02 s)
@lru_cache(maxsize=1 << 14)
def _twin_key(name: str) -> str:
    """A spelling that differs only in articles, hyphens, doubled letters, a final h or vowel shades
    (Ar-Raqqa ~ Ar Raqqah, Ain Oussara ~ Ain Oussera), but keeps consonants as written (not Recke)."""
    s = re.sub(r"(.)\1+", r"\1", strip_articles(fold(name)).replace(" ", ""))
    s = re.sub(r"(?<=[aeiou])h$", "", s)
    return s.translate(_VOWEL_CLASSES)


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
    candidates: list[Candidate] = field(default_factory=list)
    chosen: Optional[Candidate] = None
    score: float = 0.0
    reason: str = ""
    span: Optional[Span] = None  # the phrase as a Span, made once (see span_of)

    def span_of(self, text: str) -> Span:
        """The toponym's Span of ``text``, made on first use: the place list and every event placed by it
        share one (Span is frozen), 2 of 3 Span validations fewer."""
        if self.span is None:
            self.span = Span.of(text, self.start, self.end)
        return self.span


# ------------------------------------------------------------------------------------------ the stage

@stage(STAGE, requires=("record.sentences",),
       assigns=("record.places", "event.location", "event.admin1", "event.admin2", "event.country",
                "event.iso", "event.latitude", "event.longitude", "event.geo_precision", "event.geonameid"))
class Geocoder:
    """Finds the places a document names and gives each event its location."""

    def __init__(self, settings: GeocodeSettings | None = None, gazetteer: Gazetteer | None = None):
        self.settings = settings or GeocodeSettings()
        # Builds the index into the user cache on first use (about 30 s, once).
        self.gazetteer = gazetteer or default_gazetteer(self.settings.index_path)
        self._source_memo: dict[str, dict[str, int]] = {}
        self.lexicon = Lexicon.load()

    # -- public helpers -------------------------------------------------------------------------
    def places_in(self, text: str, entities: list | None = None, source: str = "") -> list[Toponym]:
        """Resolve every toponym of a text (without events): the regression suite's entry point."""
        record = Record.model_validate({"article": {"doc_id": "_", "text": text, "source": source}})
        if entities:
            record.entities = entities
        return self._resolve(record)[0]

    def __call__(self, records: list[Record]) -> list[Record]:
        for record in records:
            toponyms, country = self._resolve(record)
            record.annotations["geo_country"] = country or ""
            # models straight from their validators (types.validated): 6,000 places and 4,000 Places per 500
            # documents
            record.places = [validated(PlaceMention, {"span": t.span_of(record.text),
                                                      "place": self._place(t) if t.chosen else None,
                                                      "score": round(t.score, 3), "reason": t.reason})
                             for t in toponyms]
            memo: dict = {}  # per document: the toponyms' starts (see _link)
            for ev in record.events:
                self._link(record, ev, toponyms, country, memo)
        return records

    # -- toponyms -------------------------------------------------------------------------------
    def _toponyms(self, record: Record) -> list[Toponym]:
        text = record.text[: self.settings.max_chars]
        ents = [(m.span.start, m.span.end, m.label) for m in record.entities]
        out: list[Toponym] = []
        for m in _PHRASE.finditer(text):
            out.extend(self._split_phrase(text, m.start(), m.end(), ents))
        out.sort(key=lambda t: t.start)
        self._link_chains(text, out)
        return out

    def _split_phrase(self, text: str, start: int, end: int, ents) -> list[Toponym]:
        words = [w.span() for w in _NON_SPACE.finditer(text, start, end)]
        folded_words = [fold(text[a:b]) for a, b in words]
        # "Van Governor's Office", "Aydin Governorship": the place stands before the official's title
        cut = next((i for i, w in enumerate(folded_words) if w in TITLE_WORDS), None)
        if cut:
            words, folded_words = words[:cut], folded_words[:cut]
            end = words[-1][1]
        # an organisation's name is not a place ("Martyr ... Vengeance Units", "Resistance forces")
        if any(w in ORG_WORDS for w in folded_words):
            return []
        if _TITLE_AFTER.match(text, end):
            return []  # "Raqqa is Being Slaughtered Silently": a title-cased name, not the town
        # "Nairobi police", "Aleppo Council": the place qualifies an organisation, as a possessive does
        # (but "Dalsing Sarai police station" is a place: "police station" is a type word)
        nxt = _NEXT_WORD.match(text, end, end + 30)
        qualifies = bool(nxt and nxt.group(1).lower() in ORG_WORDS and not _AFTER_RE.match(text, end))
        # non-place words at either end ("On", "Taliban", "Fatalities"); direction words stay, as they
        # are part of many names (North Darfur, South Kivu) and are tried without later
        while words and folded_words[0] in NONPLACES and folded_words[0] not in DIRECTIONS and not (
                folded_words[0] in ARTICLE_LIKE and len(words) > 1):
            words, folded_words = words[1:], folded_words[1:]
        role = ""
        if len(words) == 1 and folded_words[0] in AFTER_CUES:
            return []  # "University", "District": a type word alone
        if not words:
            return []
        full_end = words[-1][1]
        # a capitalised type word closing the phrase: "Helmand Province", "Rafi LGA"
        cue_word = ""
        while len(words) > 1 and AFTER_CUES.get(folded_words[-1], "org") not in ("org", "currency"):
            role = role or AFTER_CUES[folded_words[-1]]
            cue_word = cue_word or folded_words[-1]
            words, folded_words = words[:-1], folded_words[:-1]
        untrimmed = words[-1][1] if words else end
        while words and folded_words[-1] in NONPLACES and folded_words[-1] not in DIRECTIONS:
            words, folded_words = words[:-1], folded_words[:-1]
        if not words or (len(words) == 1 and folded_words[0] in AFTER_CUES):
            return []  # "Ward No. 10": a type word alone
        s, e = words[0][0], words[-1][1]
        while e > s and text[e - 1] in ".,;:'’\")":
            e -= 1
        possessive = text[e - 2:e] in ("'s", "’s") or text[e:e + 2] in ("'s", "’s")
        if text[e - 2:e] in ("'s", "’s"):
            e -= 2
        name = text[s:e]
        f = fold(name)
        if not f or f in NONPLACES or len(f) < 3 or f.isdigit():
            return []
        # acronyms (BLA, SDF, VoJ) and demonyms (Somali, Afghan) name groups, not places
        if (name.isupper() and len(name) <= 5) or _ACRONYM.fullmatch(name) or name in DEMONYMS:
            return []
        first, _, rest = name.partition(" ")
        if rest and fold(first) in ARTICLE_LIKE and (rest in DEMONYMS or fold(rest) in NONPLACES):
            return []  # "A Kenyan official", "An Afghan soldier": the English article before a demonym
        label = ""
        for a, b, lab in ents:
            if a <= s < b or s <= a < e:
                label = lab
                break
        # spaCy-sm calls many towns NORP or PERSON (Herat, Halba), so only these labels veto a phrase
        # spaCy-sm also calls places PRODUCT or WORK_OF_ART ("Hadramawt", "Shabunda, Sud-Kivu"): only
        # number-like labels veto
        if label in ("DATE", "TIME", "MONEY", "PERCENT", "CARDINAL", "ORDINAL", "QUANTITY"):
            return []
        t = Toponym(start=s, end=e, text=name, entity=label, role=role, possessive=possessive or qualifies)
        if role:
            # "Burnt Forest", "Ghazni City": the type word may belong to the name; tried first
            t.full = text[s:full_end].rstrip(".,;:)")
            t.cue = cue_word  # "Mombasa Road": a capitalised type word says as much as a lowercase one
        elif untrimmed > e and " " in text[s:untrimmed]:
            t.full = text[s:untrimmed].rstrip(".,;:)")  # "Distrito Federal": a non-place word in a name
        t.cue_end = end if role else e
        after = _AFTER_RE.match(text, t.cue_end)
        if after and not role:
            t.role = AFTER_CUES[fold_case(after.group(1))]
            t.cue = after.group(1).lower()
            t.cue_end = after.end()
        if _may_follow_cue(text, s):
            self._read_before(text, t)
        t.sentence_start = bool(_SENT_START.search(text[max(0, s - 3):s])) or s == 0
        return [t]

    @staticmethod
    def _read_before(text: str, t: Toponym) -> None:
        """What the words just before the toponym say: "near", "the town of", "the Army of", "from", "the
        governor of"."""
        s = t.start
        before = text[max(0, s - 40):s]
        if _may_end_in_cue(before):
            if _BEFORE_RE.search(before):
                t.near = True
            kind = _KIND_BEFORE_RE.search(before)
            if kind and not t.role:
                t.role = KIND_BEFORE[fold_case(kind.group(1))]
            if _FROM_RE.search(before):
                t.origin = True
            if _TITLE_OF_RE.search(before):
                t.possessive = True  # ranked like "Logar's governor"
        org_of = _ORG_OF_RE.search(text[max(0, s - 30):s])
        if org_of and fold(org_of.group(1)) in ORG_WORDS:
            t.possessive = t.named_org = True

    @staticmethod
    def _link_chains(text: str, toponyms: list[Toponym]) -> None:
        """'X (Y, Z)', 'X, Y', 'X of Y district' make each later toponym the container of the one before;
        'X (Y) district' makes Y another name of X; 'X and Y areas of Z' gives X the container of Y."""
        for i in range(len(toponyms) - 1):
            a, b = toponyms[i], toponyms[i + 1]
            if a.named_org or b.named_org:
                continue
            gap = text[a.cue_end:b.start]
            # "Kafr X in the western countryside of Hama": a longer gap only when it is all container words
            if (len(gap) > 12 and not (len(gap) <= 40 and _GAP_PARENT.match(gap))) or "\n" in gap:
                continue
            if ")" in gap and "(" not in gap and re.match(r"\s*\(", text[b.cue_end:]):
                continue  # "A (A, Hajjah), B (B, Saada)": a list of groups, not a chain
            if gap.strip() == "," and Geocoder._in_list(text, toponyms, i + 1):
                continue  # "Garissa, Ijara and Lagdera": a list of places, not a chain
            if gap.strip() == "(" and text[b.end:b.end + 1] == ")" and (
                    b.role or _AFTER_RE.match(text, b.end + 1)):
                # "Nad Ali (Marja) district", "Balkh (Khas Balkh) district": an alias, not a container
                b.alias_of = i
                cue = _AFTER_RE.match(text, b.end + 1)
                if cue and not a.role:
                    a.role = AFTER_CUES[fold_case(cue.group(1))]
                    a.cue_end = cue.end()
                continue
            if _GAP_PARENT.match(gap):
                a.parent = i + 1
        for i in range(len(toponyms) - 1, -1, -1):
            a = toponyms[i]
            if a.alias_of is not None and i + 1 < len(toponyms) and toponyms[a.alias_of].parent is None:
                # the alias's own container belongs to the name it stands for
                gap = text[a.end + 1:toponyms[i + 1].start]
                cue = _AFTER_RE.match(text, a.end + 1)
                if cue:
                    gap = text[cue.end():toponyms[i + 1].start]
                if len(gap) <= 12 and _GAP_PARENT.match(gap):
                    toponyms[a.alias_of].parent = i + 1
            if a.parent is None and i + 1 < len(toponyms):
                b = toponyms[i + 1]
                if b.parent is not None and re.fullmatch(r"\s*(?:,|and|&|or|,\s*and)\s*", text[a.cue_end:b.start]):
                    a.parent = b.parent
                    if not a.role:
                        a.role = b.role

    @staticmethod
    def _in_list(text: str, toponyms: list[Toponym], j: int) -> bool:
        """Whether toponym ``j`` (after a comma) is an item of a list that closes with 'and'/'or': "A, B, C
        and D districts". A chain ("X, Y District, Z State") has no 'and'."""
        for k in range(j, min(j + 12, len(toponyms) - 1)):
            gap = text[toponyms[k].cue_end:toponyms[k + 1].start]
            if re.fullmatch(r"\s*,?\s*(?:and|&|or)\s+", gap):
                return True
            if gap.strip() != ",":
                return False
        return False

    # -- resolution -----------------------------------------------------------------------------
    def _lookup(self, t: Toponym, country: Optional[str] = None) -> list[Candidate]:
        limit = self.settings.max_candidates
        if t.full and country is None:
            whole = self.gazetteer.lookup(t.full, limit=limit, exact_only=True)
            if whole:
                if t.role in ("area", "part", "facility"):
                    t.role = ""  # "Burnt Forest" is a town; "Lamu County" stays a county
                return whole
        cands = self.gazetteer.lookup(t.text, country=country, fuzzy=country is not None, limit=limit)
        if cands:
            return cands
        # "Hodeidah Red Sea", "North Darfur", "Mogadishu-Bondhere": the longest part that is a place name,
        # leftmost first; such matches count only inside the document's country (see _choose)
        words = re.split(r"[\s-]+", t.text)
        for n in range(len(words) - 1, 0, -1):
            for i in range(0, len(words) - n + 1):
                part = " ".join(words[i:i + n])
                if fold(part) in NONPLACES or len(fold(part)) < 4 or part in DEMONYMS:
                    continue
                found = self.gazetteer.lookup(part, country=country, fuzzy=False, limit=limit, exact_only=True)
                if found:
                    return [c.with_score(round(c.score * 0.9, 3), "part") for c in found]
        return []

    def _resolve(self, record: Record) -> tuple[list[Toponym], str]:
        toponyms = self._toponyms(record)
        for t in toponyms:
            t.candidates = self._lookup(t)
            countries = [c for c in t.candidates if c.kind == "country" and c.matched == "exact"]
            if countries and (t.role in ("town", "part", "facility", "adm2") or t.cue in ("area", "areas")
                              or fold(t.full).endswith((" area", " areas"))):
                # "the Kosovo area of a Nairobi slum", "Darfur village": a country's name given to a neighbourhood
                t.candidates = [c for c in t.candidates if c.kind != "country"]
            elif countries:
                t.candidates = countries  # "Lebanon" is the country, not one of the US towns of that name
        sources = self._source_countries(record.article.source)
        # "the Kenyan border", "Afghan forces": a weak vote for the country (0.8, less than one town)
        demonyms = {cc: 0.8 for cc in {DEMONYMS[m.group(1)] for m in _demonyms(record.text)}}
        # the home countries of the dictionary's actors ("Sabaot Land Defence Force": Kenya) weigh like a
        # demonym; a generic actor's country ("Protesters (Kenya)") was inferred from the document, so it
        # says nothing new
        for cc in self._actor_countries(record):
            demonyms[cc] = demonyms.get(cc, 0.0) + 0.8
        country = self._focus_country(toponyms, sources, demonyms)
        # toponyms with no exact namesake in the document's country get a transliterated and fuzzy try
        # within it ("Majdel Aanjar" ~ "Majdal Anjar")
        if country:
            for t in toponyms:
                # (also when the world-wide list was cut at the limit: "Santa Catarina" names 40 towns
                # before the Brazilian state)
                if len(fold(t.text)) >= 4 and (len(t.candidates) >= self.settings.max_candidates or not any(
                        c.country_code == country and c.matched == "exact" for c in t.candidates)):
                    home = self.gazetteer.lookup(t.text, country=country, fuzzy=True,
                                                 limit=self.settings.max_candidates)
                    if home:
                        seen = {c.place_id for c in home}
                        t.candidates = home + [c for c in t.candidates if c.place_id not in seen]
        containers = {t.parent for t in toponyms if t.parent is not None}

        def kids(i: int) -> tuple[Candidate, ...]:
            # the exact namesakes of the places it contains, when those are few (not "Central Zone")
            return tuple(c for o in toponyms if o.parent == i and len(o.candidates) <= 10
                         for c in o.candidates if c.matched == "exact")
        # "the X district of Y", "the X neighbourhood of Y": Y holds quarters, as a city does
        quarters = {t.parent for t in toponyms if t.parent is not None and t.role in ("part", "adm2", "facility")
                    and re.fullmatch(r"\s*of\s+(?:the\s+)?", record.text[t.cue_end:toponyms[t.parent].start])}
        # containers first (they come later in a chain), then what they contain
        for i in range(len(toponyms) - 1, -1, -1):
            t = toponyms[i]
            parent = toponyms[t.parent] if t.parent is not None else None
            # an unresolved container ("Jati sub-district, Pulogadung District, East Jakarta"): its own
            # container bounds the place instead
            steps = 0
            while parent is not None and parent.chosen is None and parent.parent is not None and steps < 3:
                parent, steps = toponyms[parent.parent], steps + 1
            if parent is not None and skeleton(parent.text) == skeleton(t.text):
                parent = None  # "Nouakchott (Nouakchott)": the town and its district share the name
            self._choose(t, country, parent, is_container=i in containers, children=kids(i), quarters=i in quarters)
        # a name several towns of the country share, with no container: the namesake near the document's
        # other places (Mykhaylivka near the other Donetsk villages)
        for i, t in enumerate(toponyms):
            home = {(c.latitude, c.longitude) for c in t.candidates if c.country_code == country and c.kind == "city"}
            if t.parent is None and len(home) > 1:
                others = tuple(o.chosen for o in toponyms if o is not t and o.chosen is not None
                               and fold(o.text) != fold(t.text) and o.chosen.kind in ("city", "adm2", "extra"))
                if others:
                    self._choose(t, country, None, is_container=i in containers, neighbours=others, children=kids(i),
                                 quarters=i in quarters)
        # a village name several small towns of the country share, none of them within 100 km of the
        # document's other places: a namesake the gazetteer lacks ("the village of Pisky" in a report on the
        # Donetsk front is none of the Piskys of Poltava or Mykolaiv)
        for t in toponyms:
            c = t.chosen
            homes = [k for k in t.candidates if k.country_code == country and k.kind == "city"]
            if c is None or t.parent is not None or c.kind != "city" or c.country_code != country \
                    or len({(k.latitude, k.longitude) for k in homes}) < 2 or any(k.population >= 10_000 for k in homes):
                continue
            others = [o.chosen for o in toponyms if o.chosen is not None and fold(o.text) != fold(t.text)
                      and o.chosen.matched == "exact" and o.chosen.kind in ("city", "adm2", "extra")]
            if others and all(haversine_km(k.latitude, k.longitude, o.latitude, o.longitude) > 100
                              for k in homes for o in others):
                t.chosen, t.reason = None, f"{len(homes)} small namesakes, none near the document's other places"
        # an inexact spelling with no container, far from every exactly named place of the document, is a
        # namesake found by the spelling rules, not the place ("Xpura ... (Gaya, Bihar)" is no Sxpura
        # in Haryana)
        anchors = [o.chosen for o in toponyms if o.chosen is not None and o.chosen.matched == "exact"
                   and o.chosen.kind != "country"]
        for t in toponyms:
            c = t.chosen
            if c is not None and c.matched in ("fuzzy", "skeleton") and c.kind in ("city", "extra") \
                    and t.parent is None and anchors and all(
                    haversine_km(c.latitude, c.longitude, a.latitude, a.longitude) > 300 for a in anchors):
                t.chosen, t.reason = None, f"only {c.name} by {c.matched} match, far from the document's other places"
        # "Tahrir Street", "Baghdad Street": a street named after a district or province is no sign of the
        # event being there (it is in some town's centre); only a container places it
        for t in toponyms:
            c = t.chosen
            if c is not None and t.cue == "street" and t.parent is None and c.kind in ("adm1", "adm2"):
                t.chosen, t.reason = None, f"a street named after {c.name}, not in it"
        # "Tuzla industrial zone in Tuzla, Istanbul": a name repeated in the document is the same place,
        # resolved where its container says which
        with_parent = {fold(t.text): t for t in toponyms if t.parent is not None}
        for t in toponyms:
            twin = with_parent.get(fold(t.text))
            if twin is not None and {t.role, twin.role} == {"adm1", "adm2"}:
                continue  # "Balkh district ... Balkh province": one name, two units
            if twin is not None and t.parent is None and twin is not t:
                t.chosen, t.score, t.reason = twin.chosen, twin.score, f"as {twin.text!r} with its container"
                if twin.chosen is None:
                    t.parent = twin.parent  # not inside it: the container places both
        for t in toponyms:
            if t.alias_of is not None and toponyms[t.alias_of].chosen is None and t.chosen is not None:
                main = toponyms[t.alias_of]
                main.chosen, main.score, main.reason = t.chosen, t.score, f"by its other name {t.text!r}"
        return toponyms, country or ""

    def _source_countries(self, source: str) -> dict[str, int]:
        """Home countries of the publishers and monitors, with how many parts of the source name each.
        Per ';'-separated part: a country named in it ("Daily Nation (Kenya)"), else the part is an outlet
        of ``publishers.tsv``, else a demonym in it ("New Indian Express"), else it starts with an outlet's
        name ("OSCE SMM-Ukraine")."""
        hit = self._source_memo.get(source)
        if hit is not None:
            return hit
        out: dict[str, int] = {}
        for part in re.split(r"[;/]", source or ""):
            cc = self._part_country(part.strip())
            if cc:
                out[cc] = out.get(cc, 0) + 1
        if len(self._source_memo) < 10_000:  # a feed has a few hundred sources
            self._source_memo[source] = out
        return out

    def _part_country(self, part: str) -> Optional[str]:
        if not part:
            return None
        bare = re.sub(r"\s*\(.*?\)\s*$", "", part)
        same_length = PUBLISHERS_BY_LENGTH.get(len(bare), ())
        if any(pat.fullmatch(bare) for pat, cc in same_length if cc == "--"):
            return None  # "Voice of America" reports from everywhere
        for m in re.finditer(r"\(([^)]+)\)|([A-Z][a-z]+(?:\s+[A-Z][a-z]+)?)", part):
            for c in self.gazetteer.lookup(m.group(1) or m.group(2), fuzzy=False, limit=5):
                if c.kind == "country" and c.matched == "exact":
                    return c.country_code
        for pat, cc in same_length:
            if pat.fullmatch(bare):
                return cc
        m = next(_demonyms(part), None)
        if m:
            return DEMONYMS[m.group(1)]
        # a country or a capital as one word of the outlet's name: "Kenya Broadcasting Corporation",
        # "Baghdad Today", "Kabul Now"
        for w in re.findall(r"[A-Z][a-z]{3,}", part):
            for c in self.gazetteer.lookup(w, fuzzy=False, limit=5, exact_only=True):
                if c.kind == "country":
                    return c.country_code
                if c.kind == "city" and c.main:
                    cap = self.gazetteer.capital(c.country_code)
                    if cap is not None and cap.geonameid == c.geonameid:
                        return c.country_code
        for pat, cc in PUBLISHERS:  # "OSCE SMM-Ukraine", not "Asian News International"
            if pat.match(part) and cc != "--":
                return cc
        return None

    def _focus_country(self, toponyms: list[Toponym], sources: dict[str, int],
                       demonyms: dict[str, float]) -> Optional[str]:
        """The country the document's toponyms agree on, the publisher's country weighing like one
        well-known place."""
        votes: dict[str, float] = dict(demonyms)
        for cc, n in sources.items():
            # each publisher weighs like a well-known place; several agreeing weigh more (at most 2)
            votes[cc] = votes.get(cc, 0.0) + 2.5 * min(n, 2)
        for t in toponyms:
            if not t.candidates or (t.sentence_start and not t.role and " " not in t.text) or t.named_org:
                continue
            if t.origin and all(c.kind == "country" for c in t.candidates):
                continue  # "migrants from Afghanistan" says nothing of where they are
            if t.entity == "PERSON" and not t.role and not any(
                    c.kind != "city" or c.population >= 5000 for c in t.candidates):
                continue  # "president Kibaki" would vote for Kybaky, a village in Ukraine
            best: dict[str, float] = {}
            # the same spelling but for articles, hyphens and a final h (Ar-Raqqa ~ Ar Raqqah): as good as exact
            twin_key = _twin_key(t.text)
            twins = [c for c in t.candidates if c.matched == "skeleton" and _twin_key(c.name) == twin_key]
            exact = any(c.matched == "exact" for c in t.candidates)
            by_twins = not exact and len({c.country_code for c in twins}) == 1
            pool = twins if by_twins else t.candidates
            for c in pool:
                twin = c in twins
                # inexact spellings do not vote: over the world they find a namesake of almost anything
                # ("Pokot" ~ a Bogota spelling), and would then vouch for themselves
                if c.matched != "exact" and not twin and not (
                        c.matched == "skeleton" and c.score >= 0.88 and len(t.text) >= 5
                        and (c.kind in ("adm1", "adm2", "extra") or c.population >= 100_000)):
                    # near-exact transliterations of provinces and big cities (Lower Shabelle ~ Lower
                    # Shabeelle) still vote; a village's would vouch for itself (a people's name ~ a
                    # Black Sea port of 64,000)
                    continue
                w = c.score * (0.5 + math.log10(c.population + 10) / 7)
                if c.matched != "exact" and not twin:
                    w *= 0.5
                if c.kind == "country":
                    w *= 1.5  # named outright, though often as an actor ("Turkey and Russia patrolled")
                elif c.kind in ("adm1", "adm2", "extra"):
                    w *= 1.5  # extras: our own conflict toponyms (camps, slums), curated for this use
                if t.role in ("adm1", "adm2", "admin") and c.kind in ("adm1", "adm2"):
                    w *= 2
                best[c.country_code] = max(best.get(c.country_code, 0.0), w)
            # a name found in many countries says less about which one
            if not best:
                continue
            if not exact and not by_twins and len({c.country_code for c in t.candidates}) > 1:
                continue  # a transliteration that fits towns in several countries says nothing
            spread = 1.0 / math.sqrt(len(best))
            if t.parent is not None and toponyms[t.parent].candidates:
                # in "X area of Y" / "X, Y" both lie in one country: X's namesakes vote only in the countries
                # where Y has one ("the Congo area of Kibera" says nothing for Brazil's Congo)
                where = {c.country_code for c in toponyms[t.parent].candidates}
                best = {cc: w for cc, w in best.items() if cc in where}
            for cc, w in best.items():
                votes[cc] = votes.get(cc, 0.0) + w * spread
        if not votes:
            return None
        return max(votes.items(), key=lambda kv: kv[1])[0]

    def _choose(self, t: Toponym, country: Optional[str], parent: Optional[Toponym],
                is_container: bool = False, neighbours: tuple[Candidate, ...] = (),
                children: tuple[Candidate, ...] = (), quarters: bool = False) -> None:
        if not t.candidates:
            t.reason = "not in the gazetteer"
            return
        ranked = []
        near_by = self.gazetteer.neighbours(country) if country else frozenset()
        seats = self._seats(t, is_container, quarters) if t.role not in ("adm1", "adm2", "admin") else {}
        for c in t.candidates:
            # our own toponyms (slums, camps) carry no population: count them as a small town; a district or
            # province named after its seat town, with no word saying which, weighs as that town (the unit's
            # population is no reason to prefer it: "Maarrat al-Numan" is the town, not its district)
            seat = seats.get(c.place_id)
            pop = c.population if c.kind != "extra" else max(c.population, 10_000)
            if seat is not None:
                pop = seat.population
            s = 2.0 * c.score + math.log10(pop + 1) / 7
            if country and c.country_code == country:
                s += 1.5
            elif c.country_code in near_by:
                s += 0.5  # across the border before farther away (Eastleigh in Nairobi for a Somali outlet)
            if t.role in ("town", "part", "facility"):
                s += {"city": 1.0, "extra": 1.0, "adm2": 0.3}.get(c.kind, -1.0)
            elif t.role == "adm2":
                s += {"adm2": 1.0, "adm1": 0.3, "city": 0.2}.get(c.kind, -0.5)
            elif t.role == "adm1":
                s += {"adm1": 1.0, "adm2": 0.3, "city": 0.1}.get(c.kind, -0.5)
            elif t.role == "admin":
                s += {"adm1": 0.8, "adm2": 0.8, "city": 0.1}.get(c.kind, -0.5)
            elif c.kind == "country":
                s += 0.5
            elif is_container and c.kind in ("adm1", "adm2") and seat is None:
                # (a unit whose seat town shares its name is that town: "a district of Tripoli", "X near
                # Maiduguri", "in eastern Halab")
                s += 0.8  # "X, Herat" / "(Kech, Balochistan)": a container is usually a district or province
            elif c.kind in ("city", "extra"):
                s += 0.3  # "Homs" alone is the city, not the governorate
            if c.kind == "city" and c.admin2 and skeleton(c.admin2) == skeleton(c.name):
                s += 0.05  # of namesakes, the seat of the district named after it (El Salto, El Salto municipality)
            if children and c.kind != "country" and (c.main or c.kind in ("adm1", "adm2")) and any(
                    self._containment(k, c) >= 2.0 for k in children):
                s += 1.0  # "Ciudad Piar, Bolivar state": the Bolivar that holds an El Callao
            if parent is not None and parent.chosen is not None:
                s += self._containment(c, parent.chosen)
            elif neighbours and any(haversine_km(c.latitude, c.longitude, n.latitude, n.longitude) < 50
                                    for n in neighbours):  # 50 km: a district or two
                s += 1.0  # one of several namesakes: the one near the document's other places
            ranked.append((s, c))
        ranked.sort(key=lambda x: -x[0])
        s, best = ranked[0]
        # an inexact spelling needs a close fit to its container: a city 60 km away does not vouch for it
        # ("Bara in the countryside of Idleb" is not Aleppo by a loose transliteration)
        supported = parent is not None and parent.chosen is not None and self._containment(best, parent.chosen) > (
            0 if best.matched == "exact" else 0.5)
        home = bool(country) and best.country_code == country
        # weak evidence: an inexact spelling, a place outside the document's country, a lone capitalised
        # word opening a sentence ("Grenade attack ...": Granada by skeleton)
        if best.matched != "exact" and not (home or supported):
            t.reason = f"only {best.name} ({best.country_code}) by {best.matched} match, outside the document's country"
            return
        if t.sentence_start and " " not in t.text and not t.role and t.entity not in ("GPE", "LOC") \
                and not (best.matched == "exact" and best.main and (home or best.population >= 100_000)):
            t.reason = "a lone capitalised word opening a sentence"
            return
        big = best.matched == "exact" and best.main and best.kind == "city" and best.population >= 100_000 \
            and (home or not country) and t.cue not in ROAD_CUES and parent is not None \
            and parent.chosen is not None and parent.chosen.kind in ("adm1", "country")
        if parent is not None and parent.chosen is not None and not supported and best.kind != "country" \
                and not big:  # "Kisumu [Nyanza Province]": a city that size is itself, whatever its container

            # "Qalat area of Kushki Kuhna district": a Qalat elsewhere is not it; the container places it
            t.reason = f"{best.name} ({best.admin1}, {best.country_code}) is not inside {parent.chosen.name}"
            return
        neighbour = bool(country) and best.matched == "exact" and best.country_code in near_by
        if country and not home and best.kind in ("adm2", "extra") and not supported and not (
                best.kind == "extra" and neighbour):  # our own conflict toponyms: across a border too
            t.reason = f"{best.name} is a district outside the document's country"
            return
        if t.entity == "PERSON" and not (home or supported or t.role):
            t.reason = "a person's name"
            return
        if country and not home and not neighbour and not supported and best.kind in ("city", "extra") and (
                best.population < (5000 if t.entity in ("GPE", "LOC") else 100_000)):
            # "Sakina Mosque" in a Kenyan report is not Suakin (Sudan), though GeoNames spells it so
            t.reason = f"{best.name} is a small place outside the document's country"
            return
        if country and not home and not neighbour and not supported and not best.main and best.kind in (
                "city", "extra") and best.population < 1_000_000:
            # "Boni Forest" in a Kenyan report is not Bonn, whose Latin name it is
            t.reason = f"{t.text} is only another name of {best.name}, outside the document's country"
            return
        t.chosen = best
        t.score = min(1.0, best.score * (0.7 + 0.3 * min(1.0, s / 5)))
        t.reason = f"{best.matched} match, {best.kind}"

    @staticmethod
    def _seats(t: Toponym, is_container: bool = False, quarters: bool = False) -> dict:
        """For each province or district candidate of ``t`` whose seat is a town among the candidates (same
        country, equally well matched, within 15 km): that town. A container ("X, Herat", "X district of
        Balkh") is more often the province; only one that something lies near ("X near Maiduguri", "in eastern
        Halab"), or a city of 500,000 whose quarter or district is named ("the Abu Salim district of Tripoli"),
        counts as its town."""
        towns = [c for c in t.candidates if c.kind == "city"]
        out = {}
        if not towns:
            return out
        for c in t.candidates:
            if c.kind in ("adm1", "adm2"):
                for town in towns:
                    if town.country_code == c.country_code and town.score >= c.score and haversine_km(
                            town.latitude, town.longitude, c.latitude, c.longitude) < 15 and (
                            not is_container or t.near or (quarters and town.population >= 500_000)):
                        out[c.place_id] = town
                        break
        return out

    @staticmethod
    def _containment(c: Candidate, p: Candidate) -> float:
        """Bonus for a candidate inside its container: admin names agree, or it lies within reach (about a
        district's width, 30 km, of a town or district seat). Negative: it is not there."""
        if c.country_code != p.country_code:
            return -2.0
        if p.kind == "country":
            return 1.0
        same_a1 = bool(c.admin1) and skeleton(c.admin1) == skeleton(p.admin1 or p.name)
        d = haversine_km(c.latitude, c.longitude, p.latitude, p.longitude)
        if p.kind == "city" and c.admin2 and p.admin2 and skeleton(c.admin2) == skeleton(p.admin2):
            return 2.5 if same_a1 else 2.0  # a town's own district, as for a district container
        if p.kind == "adm2":
            if c.admin2 and skeleton(c.admin2) == skeleton(p.admin2 or p.name):
                return 2.5
            if d < 30:
                return 1.0
            # districts are redrawn (Andhra Pradesh went from 13 to 26 in 2022, Kenya's became counties in
            # 2013) and GeoNames may give a town its old one: an exactly named town of the same province
            # within 100 km of the district's seat still counts, weakly (not a city of 100,000: those keep
            # their district, and "the northeast of Sanaa (Nihm, Sanaa)" names the governorate, not the capital)
            return 0.5 if same_a1 and c.matched == "exact" and d < 100 and c.population < 100_000 else -0.5
        if same_a1:
            return 2.0
        if p.kind == "adm1":
            # GeoNames and ISO disagree on some provinces (West Bank vs the Jenin governorate): an exactly
            # named town within a province's reach still counts, weakly
            if c.matched == "exact" and (d < 60 or (c.kind == "city" and d < 150)):
                return 0.5
            return -0.5  # a district of that name in another province (Baharak, Badakhshan vs Takhar)
        if p.kind == "city" and c.admin2 and p.admin2 and skeleton(c.admin2) == skeleton(p.admin2):
            return 2.0
        if d < 30:
            return 2.0
        return 0.5 if d < 60 else -0.5

    # -- places and events ----------------------------------------------------------------------
    def _precision(self, t: Toponym) -> int:
        c = t.chosen
        if c is None:
            return 3
        if c.kind in ("adm1", "country"):
            return 3
        if c.kind == "adm2":
            return 2
        if t.near or t.role == "area":
            return 2
        return 1

    def _place(self, t: Toponym, precision: Optional[int] = None) -> Place:
        c = t.chosen
        assert c is not None
        return validated(Place, {"geonameid": c.geonameid, "location": c.name, "admin1": c.admin1,
                                 "admin2": c.admin2, "country": c.country, "iso": c.iso,
                                 "latitude": round(c.latitude, 5), "longitude": round(c.longitude, 5),
                                 "geo_precision": precision or self._precision(t), "feature": c.kind,
                                 "population": c.population})

    def _event_place(self, toponyms: list[Toponym], idx: list[int],
                     country: Optional[str] = None) -> Optional[tuple[Toponym, int, str]]:
        """The place of the first chain among ``idx`` that resolves: its head, else its nearest resolved
        container (the head was a village or area the gazetteer lacks, so precision is at least 2).
        Places in the document's country come before foreign ones, and a place in the possessive
        ("Logar's council") or a country only when nothing else is named."""
        contained = {toponyms[i].parent for i in idx if toponyms[i].parent is not None}
        found: list[tuple[int, Toponym, int, str]] = []
        for i in idx:
            if i in contained:
                continue  # a container: reached through its chain head
            t, steps, j = toponyms[i], 0, i
            while j is not None and toponyms[j].chosen is None and steps < 3:
                j, steps = toponyms[j].parent, steps + 1
            if j is None or toponyms[j].chosen is None:
                continue
            # "on Jinnah road in Quetta", "at the Andres Bello University in Caracas": a road, or a building
            # whose name is no town (a person's, a district's), lies in its container ("X police station"
            # named for town X is at X)
            road = (toponyms[j].cue in ROAD_CUES or (toponyms[j].role == "facility" and toponyms[j].chosen.kind
                                                     not in ("city", "extra"))) \
                and toponyms[j].parent is not None and toponyms[toponyms[j].parent].chosen is not None
            if road:
                j = toponyms[j].parent
            target = toponyms[j]
            prec = self._precision(target)
            note = "named in the event's text"
            if road:
                note = f"the {t.text} {toponyms[i].cue or 'road'} lies in {target.text!r}"
            elif j != i:
                prec = max(prec, 2)
                note = f"{t.text!r} is not in the gazetteer; placed at its container {target.text!r}"
            rank = 0
            if target.chosen.kind == "country":
                rank = 3
            elif t.possessive or t.origin:
                rank = 2
            elif country and target.chosen.country_code != country:
                rank = 1
            # a province (named, or reached through an unknown village) comes after a town of that province
            # named beside it ("between Unknownville and Tabqa in the countryside of Raqqa": Tabqa is nearer
            # than the province's seat)
            # so does a river or mountain range beside a town of its province ("patrolling the Evros river
            # near the village of X": X)
            vague = (prec >= 3 and target.chosen.kind != "country") or t.cue in FEATURE_CUES
            found.append((rank, target, prec, note, vague))
        if found and min(f[0] for f in found) < 3:
            rank, target, prec, note, vague = min(found, key=lambda f: f[0])
            if vague:
                for f in found:
                    if f[0] == rank and not f[4] and self._same_province(f[1].chosen, target.chosen):
                        return f[1], f[2], f[3]
            return target, prec, note
        # the chains lead only to countries ("during the Iran-Iraq War, in Mehran county"): any other place
        for i in idx:
            t = toponyms[i]
            if t.chosen is not None and t.chosen.kind != "country":
                return t, self._precision(t), "named in the event's text"
        if found:
            _, target, prec, note, _ = found[0]
            return target, prec, note
        return None

    @staticmethod
    def _same_province(c: Candidate, p: Candidate) -> bool:
        return c.country_code == p.country_code and (
            (bool(c.admin1) and skeleton(c.admin1) == skeleton(p.admin1 or p.name))
            or haversine_km(c.latitude, c.longitude, p.latitude, p.longitude) < 100)

    def _link(self, record: Record, ev: Event, toponyms: list[Toponym], country: Optional[str],
              memo: Optional[dict] = None) -> None:
        span = ev.evidence
        memo = {} if memo is None else memo
        starts = memo.get("starts")
        if starts is None:
            starts = memo["starts"] = [t.start for t in toponyms]
        inside = self._within(toponyms, starts, span.start, span.end)
        found = self._event_place(toponyms, inside, country) if inside else None
        if found is None:
            sent = record.sentence_of(span)
            if sent is not None:
                in_sent = list(range(bisect_left(starts, sent.start), bisect_left(starts, sent.end)))
                found = self._event_place(toponyms, in_sent, country)
        abroad = None
        if found is not None and found[0].chosen.kind == "country":
            if country and found[0].chosen.country_code != country:
                # "two men held on their way to Somalia" in a Kenyan report: a foreign country alone is a
                # destination or origin more often than the place; a place of the document's country named
                # nearby comes first
                abroad, found = found, None
            # no place finer than a country: one the document ties to events of this type and actors
            found = self._tied_place(record, ev, toponyms, country) or found
        if found is None:
            # the nearest earlier sentence that names a place, read like the event's own ("in Paranaiba,
            # Mato Grosso do Sul, ... A man was arrested.": Paranaiba, not its state)
            earlier = [i for i, t in enumerate(toponyms) if t.end <= span.start and t.chosen is not None
                       and t.chosen.kind != "country"]
            if earlier:
                last = toponyms[earlier[-1]]
                sent = record.sentence_of(last.span_of(record.text))
                lo = sent.start if sent is not None else last.start
                group = self._within(toponyms, starts, lo, span.start)
                hit = self._event_place(toponyms, group, country)
                if hit is not None and not (abroad and hit[0].chosen.country_code != country):
                    found = (hit[0], hit[1], "nearest earlier place in the document")
        if found is None and abroad is None:
            found = self._tied_place(record, ev, toponyms, country)
        if found is None:
            # a headline or summary first, its place in a later sentence ("Two killed in grenade attack.
            # The blast hit a bar in Garissa."): the first later sentence that names a place
            later = [i for i, t in enumerate(toponyms) if t.start >= span.end and t.chosen is not None
                     and t.chosen.kind != "country"]
            if later:
                first = toponyms[later[0]]
                sent = record.sentence_of(first.span_of(record.text))
                hi = sent.end if sent is not None else first.end
                group = self._within(toponyms, starts, span.end, hi)
                hit = self._event_place(toponyms, group, country)
                if hit is not None and not (abroad and hit[0].chosen.country_code != country):
                    found = (hit[0], hit[1], "nearest later place in the document")
        if found is None:
            found = abroad
        if found is not None:
            t, prec, note = found
            if prec < 2 and not (span.start <= t.start and t.end <= span.end) and any(
                    self._unknown_place(record.text, toponyms[i]) for i in inside):
                # "hit the al-Shaar district", "protested in Bustan al-Qasr": the event names a place the
                # gazetteer lacks; the place found elsewhere is near it or holds it, not the place itself
                prec = 2
            if note.startswith("tied"):
                ev.flag("geo_tied")
            self._assign(ev, self._place(t, prec), t.span_of(record.text), t.score, note)
            if t.chosen.country_code != country and country:
                ev.flag("geo_outside_document_country")
            return
        # no place: the country the document names, at its capital (precision 3), or nothing
        sources = self._source_countries(record.article.source)
        cc = (self._placed_country(toponyms) or (max(sources.items(), key=lambda kv: kv[1])[0] if sources else None)
              or self._demonym_country(record.text) or self._actor_country(record))
        sent = record.sentence_of(span)
        named = _CAPITAL_RE.search(sent.text if sent is not None else span.text)
        if cc and (self.settings.country_fallback or named):
            cap = self.gazetteer.capital(cc)
            if cap is not None:
                place = Place(geonameid=cap.geonameid, location=cap.name, admin1=cap.admin1, admin2=cap.admin2,
                              country=cap.country, iso=cap.iso, latitude=cap.latitude, longitude=cap.longitude,
                              geo_precision=1 if named else 3, feature="capital", population=cap.population)
                if named:
                    # "protesters gathered in the capital": the capital city, named without its name
                    evidence = Span.of(record.text, sent.start + named.start(1), sent.start + named.end(1)) \
                        if sent is not None else None
                    self._assign(ev, place, evidence, 0.5, f"'the capital' of {cap.country}, the document's country")
                    return
                self._assign(ev, place, None, 0.2, f"no place named; the capital of {cap.country}, the "
                             "document's country")
                ev.flag("geo_country_only")
                return
        ev.flag("geo_unresolved")

    @staticmethod
    def _within(toponyms: list[Toponym], starts: list[int], lo: int, hi: int) -> list[int]:
        """The indices of the toponyms between ``lo`` and ``hi``, as ``[i for i, t in enumerate(toponyms) if lo <=
        t.start and t.end <= hi]``: the toponyms are sorted by ``starts``, so only those that start there are
        read, not all of the document's for each event."""
        return [i for i in range(bisect_left(starts, lo), bisect_right(starts, hi)) if toponyms[i].end <= hi]

    @staticmethod
    def _unknown_place(text: str, t: Toponym) -> bool:
        """An unresolved toponym that a kind word or a locative preposition marks as a place."""
        if t.chosen is not None or t.named_org or t.possessive or t.origin or t.sentence_start:
            return False
        return t.role in ("town", "part", "adm2", "area", "facility") or bool(
            re.search(r"\b(?:in|at|into|near)\s+(?:the\s+)?$", text[max(0, t.start - 12):t.start]))

    def _tied_place(self, record: Record, ev: Event, toponyms: list[Toponym],
                    country: Optional[str]) -> Optional[tuple[Toponym, int, str]]:
        """A place that another clause of the document gives events of the event's type and actors: actor1
        is the last actor named at or before a word for such an event and actor2 (when the event has one) its
        object ("the Russian strikes on IS in A-Raqqa"), and the clause names a place finer than a country.
        The question an interview answer replies to comes first ("Has IS brought its officer to Deir e-Zor?"
        -> "I have no confirmed information about IS leaders being brought"), then the nearest such clause.
        Questions report no events but may place them; the place is at most as precise as "in the area" (2)."""
        if not ev.actor1 or not ev.event_type:
            return None
        text = record.text
        own = record.sentence_of(ev.evidence) or ev.evidence
        question = governing_question(text, ev.evidence.start)
        candidates: list[tuple[int, Span]] = []
        for sentence in record.sentences:
            if sentence.start <= own.start < sentence.end:
                continue
            in_question = question is not None and question[0] <= sentence.start < question[1]
            distance = 0 if in_question else 1 + min(abs(sentence.start - own.start), abs(sentence.end - own.end))
            for clause in clauses(text, sentence):
                candidates.append((distance, clause))
        candidates.sort(key=lambda c: (c[0], c[1].start))
        for _, clause in candidates:
            idx = [i for i, t in enumerate(toponyms) if clause.start <= t.start and t.end <= clause.end
                   and t.chosen is not None and t.chosen.kind != "country"]
            if not idx or not self._ties(record, ev, clause):
                continue
            found = self._event_place(toponyms, idx, country)
            if found is not None and found[0].chosen.kind != "country":
                target, prec, _ = found
                return target, max(prec, 2), f"tied to the event by {clause.text[:80]!r}: same actors and event type"
        return None

    def _ties(self, record: Record, ev: Event, clause: Span) -> bool:
        text = record.text
        actors = [a for a in record.actors if clause.start <= a.span.start < clause.end
                  and actor_kind(a.name) != "civilians"]
        if not any(a.name == ev.actor1 for a in actors):
            return False  # no cue can follow actor1: the cues need not be found (0.08 -> 0.02 s per 500 documents)
        for cue in self.lexicon.mentions_of(ev.event_type, text, clause.start, clause.end):
            before = [a for a in actors if a.span.start <= cue.start]
            if not before or before[-1].name != ev.actor1:
                continue
            if not ev.actor2:
                return True
            after = [a for a in actors if a.span.start >= cue.end and a.name == ev.actor2]
            if after and _OBJECT_GAP.match(text[cue.end:after[0].span.start]):
                return True
        return False

    @staticmethod
    def _placed_country(toponyms: list[Toponym]) -> Optional[str]:
        counts: dict[str, int] = {}
        for t in toponyms:
            if t.chosen is not None:
                counts[t.chosen.country_code] = counts.get(t.chosen.country_code, 0) + 1
        return max(counts.items(), key=lambda kv: kv[1])[0] if counts else None

    def _actor_countries(self, record: Record, inferred: bool = False) -> dict[str, int]:
        """ISO codes of the home countries the actors stage gives the document's actors, with how many
        mentions name each; generic actors whose country was inferred from the document only if ``inferred``."""
        counts: dict[str, int] = {}
        for a in record.actors:
            if a.country and (inferred or not a.from_document):
                for c in self.gazetteer.lookup(a.country, fuzzy=False, limit=3, exact_only=True):
                    if c.kind == "country":
                        counts[c.country_code] = counts.get(c.country_code, 0) + 1
                        break
        return counts

    def _actor_country(self, record: Record) -> Optional[str]:
        """The home country the actors stage gives the document's actors ("Mungiki Militia": Kenya), the last
        hint when the text names no place, publisher or demonym."""
        counts = self._actor_countries(record, inferred=True)
        return max(counts.items(), key=lambda kv: kv[1])[0] if counts else None

    @staticmethod
    def _demonym_country(text: str) -> Optional[str]:
        counts: dict[str, int] = {}
        for m in _demonyms(text):
            cc = DEMONYMS[m.group(1)]
            counts[cc] = counts.get(cc, 0) + 1
        return max(counts.items(), key=lambda kv: kv[1])[0] if counts else None

    @staticmethod
    def _assign(ev: Event, place: Place, evidence: Optional[Span], score: float, note: str) -> None:
        score = round(max(0.0, min(1.0, score)), 3)
        for fld in ("location", "admin1", "admin2", "country", "iso", "latitude", "longitude", "geo_precision"):
            ev.set(fld, getattr(place, fld), stage=STAGE, evidence=evidence, score=score, note=note)
        ev.set("geonameid", place.geonameid, stage=STAGE, evidence=evidence, score=score, note=note)
