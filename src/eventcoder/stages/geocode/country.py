"""The document's country: the one its toponyms agree on, with the publisher, datelines, demonyms, named
institutions and actors as votes.

Each toponym votes for the countries of its candidates, weighed by match and size (countries, provinces and
districts more), its votes spread over the countries it may be in, and a toponym inside a container votes only
where the container has a namesake (a loosely spelled container does not veto a city of 100,000). A country's
name votes fully after a locative ("in Syria", "northern Syria"), half as much otherwise (an actor, a sponsor:
"Turkey-backed"); places only mentioned (a time zone, an embassy, an agreement: mentions.py), origins and
destinations of countries, and cities named in a natural feature ("the Mau forest") cast no vote. Inexact
spellings vote only for provinces and cities of 100,000 or more (a village's would vouch for itself), and a
spelling that differs only in articles, hyphens, doubled letters or vowel shades counts as exact (a village's
at half weight). Extra votes: the publisher's home country (``publishers.tsv``, or a country named in the
source), a dateline or an outlet's home ("CAIRO (Newswire) -", a regional bureau as often as not: 0.6), an
institution headed by a country's name ("Nepal Armed Police": 1.5), demonyms by the word after them ("the
Kenyan interior ministry" 1.5, "the Kenyan border" 0.8, "Russian warplanes" 0.4), and the home countries of
the dictionary's actors (a local group 1.5, a group fighting abroad 0.8 at home and 0.4 where it fights, a
state's forces 0.4). Outside that country only exact names of large places, or of towns in a neighbouring
country, are accepted (see choose.py).

With no place resolved, an event falls back to the country the document points at most: the places placed,
else the publisher, else demonyms (not of forces or people abroad), else the actors' home countries (not a
foreign state's forces), never a country whose embassy the text names (see link.py).
"""
from __future__ import annotations

import math
import re
from functools import lru_cache
from typing import Optional

from ...gazetteer import Gazetteer, fold, strip_articles
from ...knowledge.actornames import actor_kind, transnational_groups
from ...types import Record
from .toponyms import Toponym
from .words import GeoWords

_VOWEL_CLASSES = str.maketrans({"e": "a", "y": "i", "o": "u", "w": "u"})


# cached: the same few hundred names recur over a batch (see docs/performance.md)
@lru_cache(maxsize=1 << 14)
def _twin_key(name: str) -> str:
    """A spelling that differs only in articles, hyphens, doubled letters, a final h or vowel shades
    (Ar-Raqqa ~ Ar Raqqah, Ain Oussara ~ Ain Oussera), but keeps consonants as written (not Recke)."""
    s = re.sub(r"(.)\1+", r"\1", strip_articles(fold(name)).replace(" ", ""))
    s = re.sub(r"(?<=[aeiou])h$", "", s)
    return s.translate(_VOWEL_CLASSES)


# the actor kinds of a state (knowledge.actornames.actor_kind)
_STATE_KINDS = frozenset({"military", "police", "government"})


def _most(counts: dict) -> Optional[str]:
    """The key with the highest count (the first of equals), or None."""
    return max(counts.items(), key=lambda kv: kv[1])[0] if counts else None


class CountryVotes:
    """Counts the votes for the document's country."""

    def __init__(self, words: GeoWords, gazetteer: Gazetteer):
        self.words = words
        self.gazetteer = gazetteer
        self._source_memo: dict[str, dict[str, int]] = {}
        self._country_memo: dict[str, str] = {}  # an actor's country name -> ISO code ("" none)
        self.transnational = transnational_groups()

    def document_country(self, record: Record, toponyms: list[Toponym]) -> Optional[str]:
        """The country the document's toponyms, publisher, datelines, demonyms and actors agree on."""
        votes = self.tally(record, toponyms)
        return max(votes.items(), key=lambda kv: kv[1])[0] if votes else None

    def tally(self, record: Record, toponyms: list[Toponym]) -> dict[str, float]:
        """Each country's votes (see the module's docstring)."""
        sources = self.source_countries(record.article.source)
        hints = self.demonym_votes(record.text)
        # the home countries of the dictionary's actors ("Sabaot Land Defence Force": Kenya) weigh like a
        # named town; a state's armed forces act abroad as often as at home; a generic actor's country
        # ("Protesters (Kenya)") was inferred from the document, so it says nothing new
        for cc, weight in self.actor_votes(record).items():
            hints[cc] = hints.get(cc, 0.0) + weight
        return self.focus(toponyms, sources, hints)

    def fallback_country(self, record: Record, toponyms: list[Toponym]) -> Optional[str]:
        """The country a document with no place for an event points at: where most of its places are, else
        the publisher's, else its demonyms' (not those of forces or people abroad: "Russian warplanes"),
        else its actors' (not a state's forces named by their country), else the demonyms of forces on the
        ground ("Somali military forces"), never those of aircraft or people abroad ("Russian warplanes"),
        never a country whose embassy the text names."""
        sources = self.source_countries(record.article.source)
        placed = _placed_country(toponyms)
        if placed:
            return placed
        # "protesters outside the US embassy": an embassy's country is where the protest is not
        envoys = self.embassy_countries(record.text)
        for hint in (sources, self.demonym_votes(record.text, people=0, forces=0),
                     self.actor_countries(record, inferred=True, named_forces=False),
                     self.demonym_votes(record.text, people=0)):
            hint = {cc: n for cc, n in hint.items() if cc not in envoys}
            if hint:
                return _most(hint)
        return None

    def embassy_countries(self, text: str) -> set[str]:
        """The countries whose embassy or envoy the text names ("the US embassy", "the embassy of Turkey")."""
        words = self.words.country_words
        found = set()
        for m in self.words.embassy_country_re.finditer(text):
            name = m.group(1) or m.group("after")
            found.add(words[name])
        return found

    def demonym_votes(self, text: str, people: float = 0.4, forces: float = 0.4) -> dict[str, float]:
        """Each country's votes from the demonyms of ``text``: 0.8 a mention ("the Kenyan border"), 1.5 before
        the country's territory or domestic institutions ("the Kenyan interior ministry", "the Syrian
        capital"), ``forces`` before its forces on the ground ("Somali military forces", "Turkish troops"),
        ``people`` before its aircraft, sponsors or people abroad ("Russian warplanes", "Saudi-led", "Indian
        nationals"), at most 3 a country."""
        w = self.words
        votes: dict[str, float] = {}
        for m in w.demonyms_in(text):
            end = m.end()
            if w.demonym_place_re.match(text, end):
                weight = 1.5
            elif w.demonym_people_re.match(text, end):
                weight = people
            elif w.demonym_forces_re.match(text, end):
                weight = forces
            else:
                weight = 0.8
            if not weight:
                continue
            cc = w.demonyms[m.group(1)]
            votes[cc] = min(3.0, votes.get(cc, 0.0) + weight)
        return votes

    # -- the publisher ----------------------------------------------------------------------------
    def source_countries(self, source: str) -> dict[str, int]:
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
        same_length = self.words.publishers_by_length.get(len(bare), ())
        if any(pat.fullmatch(bare) for pat, cc in same_length if cc == "--"):
            return None  # "Voice of America" reports from everywhere
        for m in re.finditer(r"\(([^)]+)\)|([A-Z][a-z]+(?:\s+[A-Z][a-z]+)?)", part):
            for c in self.gazetteer.lookup(m.group(1) or m.group(2), fuzzy=False, limit=5):
                if c.kind == "country" and c.matched == "exact":
                    return c.country_code
        for pat, cc in same_length:
            if pat.fullmatch(bare):
                return cc
        m = next(self.words.demonyms_in(part), None)
        if m:
            return self.words.demonyms[m.group(1)]
        cc = self._country_word(part)
        if cc:
            return cc
        for pat, cc in self.words.publishers:  # "OSCE SMM-Ukraine", not "Asian News International"
            if pat.match(part) and cc != "--":
                return cc
        return None

    def _country_word(self, part: str) -> Optional[str]:
        """A country or a capital as one word of the outlet's name: "Kenya Broadcasting Corporation",
        "Baghdad Today", "Kabul Now"."""
        for w in re.findall(r"[A-Z][a-z]{3,}", part):
            for c in self.gazetteer.lookup(w, fuzzy=False, limit=5, exact_only=True):
                if c.kind == "country":
                    return c.country_code
                if c.kind == "city" and c.main:
                    cap = self.gazetteer.capital(c.country_code)
                    if cap is not None and cap.geonameid == c.geonameid:
                        return c.country_code
        return None

    # -- the toponyms -----------------------------------------------------------------------------
    def focus(self, toponyms: list[Toponym], sources: dict[str, int], hints: dict[str, float]) -> dict[str, float]:
        """Each country's votes: the hints of demonyms and actors, the publisher's country weighing like one
        well-known place, the datelines, and the toponyms."""
        votes: dict[str, float] = dict(hints)
        for cc, n in sources.items():
            # each publisher weighs like a well-known place; several agreeing weigh more (at most 2)
            votes[cc] = votes.get(cc, 0.0) + 2.5 * min(n, 2)
        for t in toponyms:
            for cc, w in self._votes_of(t, toponyms).items():
                votes[cc] = votes.get(cc, 0.0) + w
        return votes

    @staticmethod
    def _says_nothing(t: Toponym) -> bool:
        """A toponym whose candidates cast no vote."""
        if not t.candidates or (t.sentence_start and not t.role and " " not in t.text) or t.named_org:
            return True
        if t.mention:
            return True  # "at 23:00 Moscow time", "the Minsk deal", "the UN Mission in Sudan"
        if t.origin and all(c.kind == "country" for c in t.candidates):
            return True  # "migrants from Afghanistan", "fled into Uganda" say nothing of where they are
        # "president Kibaki" would vote for Kybaky, a village in Ukraine
        return t.entity == "PERSON" and not t.role and not any(
            c.kind != "city" or c.population >= 5000 for c in t.candidates)

    def _votes_of(self, t: Toponym, toponyms: list[Toponym]) -> dict[str, float]:
        """The weight of toponym ``t``'s vote for each country, spread over the countries it may be in."""
        if t.institution:
            # "Nepal Armed Police", "Kenya Defence Forces": the institution's country, as a domestic demonym
            return {c.country_code: 1.5 for c in t.candidates[:1]
                    if c.kind == "country" and c.matched in ("exact", "part")}
        if t.dateline:
            # where the report was filed, often a regional bureau ("NAIROBI" for Somalia, "CAIRO" for Libya):
            # a hint weaker than a town the story names
            return {c.country_code: 0.6 for c in t.candidates[:1] if c.matched == "exact"
                    and (c.kind == "country" or c.population >= 100_000)}
        if self._says_nothing(t):
            return {}
        # the same spelling but for articles, hyphens and a final h (Ar-Raqqa ~ Ar Raqqah): as good as exact
        twin_key = _twin_key(t.text)
        twins = [c for c in t.candidates if c.matched == "skeleton" and _twin_key(c.name) == twin_key]
        exact = any(c.matched == "exact" for c in t.candidates)
        by_twins = not exact and len({c.country_code for c in twins}) == 1
        best = self._best_votes(t, twins if by_twins else t.candidates, twins, self.words.feature_cues)
        # a name found in many countries says less about which one
        if not best:
            return {}
        if not exact and not by_twins and len({c.country_code for c in t.candidates}) > 1:
            return {}  # a transliteration that fits towns in several countries says nothing
        spread = 1.0 / math.sqrt(len(best))
        parent = toponyms[t.parent] if t.parent is not None else None
        if parent is not None and parent.candidates and not (
                not any(c.matched == "exact" for c in parent.candidates)
                and any(c.matched == "exact" and c.population >= 100_000 for c in t.candidates)):
            # in "X area of Y" / "X, Y" both lie in one country: X's namesakes vote only in the countries
            # where Y has one ("the Congo area of Kibera" says nothing for Brazil's Congo); a container the
            # gazetteer knows only by a loose spelling does not veto a city of 100,000 ("the Damascus suburb
            # of Ghouta" ~ Gautier, a US town)
            where = {c.country_code for c in parent.candidates}
            best = {cc: w for cc, w in best.items() if cc in where}
        return {cc: w * spread for cc, w in best.items()}

    @staticmethod
    def _best_votes(t: Toponym, pool: list, twins: list, feature_cues: frozenset) -> dict[str, float]:
        """For each country, the weight of the best candidate of ``pool`` there."""
        best: dict[str, float] = {}
        for c in pool:
            twin = c in twins
            if c.kind == "city" and t.cue in feature_cues and t.cue not in fold(c.name):
                continue  # "the Mau forest" is named after a region, not after Mau, a city in India
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
            elif twin and c.kind == "city" and c.population < 5000:
                w *= 0.5  # a village's near-spelling abroad vouches for itself ("Kutere" ~ Kotara, Australia)
            if c.kind == "country":
                # named outright; as often an actor, a sponsor or a destination ("Turkey-backed", "by the
                # United States") as where things happen ("in Syria", "northern Syria")
                w *= 1.5 if t.locative else 0.75
            elif c.kind in ("adm1", "adm2", "extra"):
                w *= 1.5  # extras: our own conflict toponyms (camps, slums), curated for this use
            if t.role in ("adm1", "adm2", "admin") and c.kind in ("adm1", "adm2"):
                w *= 2
            best[c.country_code] = max(best.get(c.country_code, 0.0), w)
        return best

    # -- the actors and demonyms ------------------------------------------------------------------
    def actor_countries(self, record: Record, inferred: bool = False, named_forces: bool = True) -> dict[str, int]:
        """ISO codes of the home countries the actors stage gives the document's actors, with how many
        mentions name each; generic actors whose country was inferred from the document only if ``inferred``
        (the last hint when the text names no place, publisher or demonym: "Mungiki Militia": Kenya); a
        state's forces named by their country ("Russian warplanes") only if ``named_forces``."""
        counts: dict[str, int] = {}
        for a in record.actors:
            if not a.country or (a.from_document and not inferred):
                continue
            if not named_forces and not a.from_document and actor_kind(a.name) in _STATE_KINDS:
                continue
            cc = self._country_code(a.country)
            if cc:
                counts[cc] = counts.get(cc, 0) + 1
        return counts

    def actor_votes(self, record: Record) -> dict[str, float]:
        """Each country's votes from the dictionary's actors, each actor once, at most 3 a country: 1.5 for a
        local group's home country ("Sabaot Land Defence Force": Kenya); for a group that fights beyond it 0.8 for
        its home and 0.4 for each country where it fights (Al Shabaab: Somalia, Kenya); 0.4 for a state's
        forces or government, which act abroad too ("Russian military police" in Syria) and whose demonym
        votes already."""
        votes: dict[str, float] = {}

        def vote(country: str, weight: float) -> None:
            cc = self._country_code(country)
            if cc:
                votes[cc] = min(3.0, votes.get(cc, 0.0) + weight)

        seen = set()
        for a in record.actors:
            if not a.country or a.from_document or a.name in seen:
                continue
            seen.add(a.name)
            abroad = self.transnational.get(a.name)
            if actor_kind(a.name) in _STATE_KINDS:
                vote(a.country, 0.4)
            elif abroad is None:
                vote(a.country, 1.5)
            else:
                vote(a.country, 0.8)
                for country in abroad:
                    vote(country, 0.4)
        return votes

    def _country_code(self, name: str) -> Optional[str]:
        hit = self._country_memo.get(name)
        if hit is None:
            hit = next((c.country_code for c in self.gazetteer.lookup(name, fuzzy=False, limit=3, exact_only=True)
                        if c.kind == "country"), "")
            self._country_memo[name] = hit
        return hit or None


def _placed_country(toponyms: list[Toponym]) -> Optional[str]:
    counts: dict[str, int] = {}
    for t in toponyms:
        if t.chosen is not None and not (t.mention or t.dateline or t.origin):
            counts[t.chosen.country_code] = counts.get(t.chosen.country_code, 0) + 1
    return _most(counts)
