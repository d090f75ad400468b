"""The document's country: the one its toponyms agree on, with the publisher, demonyms and actors as votes.

Each toponym votes for the countries of its candidates, weighed by match and size (countries, provinces and
districts more), its votes spread over the countries it may be in, and a toponym inside a container votes
only where the container has a namesake. Extra votes: the publisher's home country (``publishers.tsv``, or a
country named in the source), demonyms ("the Kenyan border") and the home countries of the dictionary's
actors. Inexact spellings vote only for provinces and cities of 100,000 or more (a village's would vouch for
itself), and a spelling that differs only in articles, hyphens, doubled letters or vowel shades counts as
exact. Outside that country only exact names of large places, or of towns in a neighbouring country, are
accepted (see choose.py).

With no place resolved, an event falls back to the country the document points at most: the places placed,
else the publisher, else demonyms, else the actors' home countries (see link.py).
"""
from __future__ import annotations

import math
import re
from functools import lru_cache
from typing import Optional

from ...gazetteer import Gazetteer, fold, strip_articles
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


def _most(counts: dict) -> Optional[str]:
    """The key with the highest count (the first of equals), or None."""
    return max(counts.items(), key=lambda kv: kv[1])[0] if counts else None


class CountryVotes:
    """Counts the votes for the document's country."""

    def __init__(self, words: GeoWords, gazetteer: Gazetteer):
        self.words = words
        self.gazetteer = gazetteer
        self._source_memo: dict[str, dict[str, int]] = {}

    def document_country(self, record: Record, toponyms: list[Toponym]) -> Optional[str]:
        """The country the document's toponyms, publisher, demonyms and actors agree on."""
        sources = self.source_countries(record.article.source)
        # "the Kenyan border", "Afghan forces": a weak vote for the country (0.8, less than one town)
        demonyms = {cc: 0.8 for cc in {self.words.demonyms[m.group(1)] for m in self.words.demonyms_in(record.text)}}
        # the home countries of the dictionary's actors ("Sabaot Land Defence Force": Kenya) weigh like a
        # demonym; a generic actor's country ("Protesters (Kenya)") was inferred from the document, so it
        # says nothing new
        for cc in self.actor_countries(record):
            demonyms[cc] = demonyms.get(cc, 0.0) + 0.8
        return self.focus(toponyms, sources, demonyms)

    def fallback_country(self, record: Record, toponyms: list[Toponym]) -> Optional[str]:
        """The country a document with no place for an event points at: where most of its places are, else
        the publisher's, else its demonyms', else its actors'."""
        sources = self.source_countries(record.article.source)
        return (_placed_country(toponyms) or _most(sources) or self._demonym_country(record.text)
                or _most(self.actor_countries(record, inferred=True)))

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
    def focus(self, toponyms: list[Toponym], sources: dict[str, int], demonyms: dict[str, float]) -> Optional[str]:
        """The country the document's toponyms agree on, the publisher's country weighing like one
        well-known place."""
        votes: dict[str, float] = dict(demonyms)
        for cc, n in sources.items():
            # each publisher weighs like a well-known place; several agreeing weigh more (at most 2)
            votes[cc] = votes.get(cc, 0.0) + 2.5 * min(n, 2)
        for t in toponyms:
            for cc, w in self._votes_of(t, toponyms).items():
                votes[cc] = votes.get(cc, 0.0) + w
        if not votes:
            return None
        return max(votes.items(), key=lambda kv: kv[1])[0]

    @staticmethod
    def _says_nothing(t: Toponym) -> bool:
        """A toponym whose candidates cast no vote."""
        if not t.candidates or (t.sentence_start and not t.role and " " not in t.text) or t.named_org:
            return True
        if t.origin and all(c.kind == "country" for c in t.candidates):
            return True  # "migrants from Afghanistan" says nothing of where they are
        # "president Kibaki" would vote for Kybaky, a village in Ukraine
        return t.entity == "PERSON" and not t.role and not any(
            c.kind != "city" or c.population >= 5000 for c in t.candidates)

    def _votes_of(self, t: Toponym, toponyms: list[Toponym]) -> dict[str, float]:
        """The weight of toponym ``t``'s vote for each country, spread over the countries it may be in."""
        if self._says_nothing(t):
            return {}
        # the same spelling but for articles, hyphens and a final h (Ar-Raqqa ~ Ar Raqqah): as good as exact
        twin_key = _twin_key(t.text)
        twins = [c for c in t.candidates if c.matched == "skeleton" and _twin_key(c.name) == twin_key]
        exact = any(c.matched == "exact" for c in t.candidates)
        by_twins = not exact and len({c.country_code for c in twins}) == 1
        best = self._best_votes(t, twins if by_twins else t.candidates, twins)
        # a name found in many countries says less about which one
        if not best:
            return {}
        if not exact and not by_twins and len({c.country_code for c in t.candidates}) > 1:
            return {}  # a transliteration that fits towns in several countries says nothing
        spread = 1.0 / math.sqrt(len(best))
        if t.parent is not None and toponyms[t.parent].candidates:
            # in "X area of Y" / "X, Y" both lie in one country: X's namesakes vote only in the countries
            # where Y has one ("the Congo area of Kibera" says nothing for Brazil's Congo)
            where = {c.country_code for c in toponyms[t.parent].candidates}
            best = {cc: w for cc, w in best.items() if cc in where}
        return {cc: w * spread for cc, w in best.items()}

    @staticmethod
    def _best_votes(t: Toponym, pool: list, twins: list) -> dict[str, float]:
        """For each country, the weight of the best candidate of ``pool`` there."""
        best: dict[str, float] = {}
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
        return best

    # -- the actors and demonyms ------------------------------------------------------------------
    def actor_countries(self, record: Record, inferred: bool = False) -> dict[str, int]:
        """ISO codes of the home countries the actors stage gives the document's actors, with how many
        mentions name each; generic actors whose country was inferred from the document only if ``inferred``
        (the last hint when the text names no place, publisher or demonym: "Mungiki Militia": Kenya)."""
        counts: dict[str, int] = {}
        for a in record.actors:
            if a.country and (inferred or not a.from_document):
                for c in self.gazetteer.lookup(a.country, fuzzy=False, limit=3, exact_only=True):
                    if c.kind == "country":
                        counts[c.country_code] = counts.get(c.country_code, 0) + 1
                        break
        return counts

    def _demonym_country(self, text: str) -> Optional[str]:
        counts: dict[str, int] = {}
        for m in self.words.demonyms_in(text):
            cc = self.words.demonyms[m.group(1)]
            counts[cc] = counts.get(cc, 0) + 1
        return _most(counts)


def _placed_country(toponyms: list[Toponym]) -> Optional[str]:
    counts: dict[str, int] = {}
    for t in toponyms:
        if t.chosen is not None:
            counts[t.chosen.country_code] = counts.get(t.chosen.country_code, 0) + 1
    return _most(counts)
