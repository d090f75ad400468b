"""The geocode stage's word lists, and the patterns built from them, read once when the stage is built.

The lists live in ``eventcoder/data/gazetteer``: ``cues.tsv`` (the words around a name that say its kind and
precision, and organisation words), ``demonyms.tsv``, ``publishers.tsv``, ``nonplaces.txt`` and ``words.json``
(the other lists: words inside a name, directions, article-like openers, title words, road and feature cues,
the verbs before a "from" that is no origin, container area words, vetoing entity labels). The currency
words come from ``knowledge/data/countries.json``, shared with the actors stage. Nothing here is read at
import time.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Iterable, Iterator

from ...gazetteer import DATA_DIR
from ...knowledge.actornames import country_words, currency_words
from ...knowledge.resources import read_json, read_lines, read_tsv
from ...matching import WordGate

# A capitalised word, possibly hyphenated, possibly behind a lowercase Arabic article ("ez-Zor", "al-Bab").
WORD = r"(?:(?:a[lrdsztn]?|e[lzdsrnt]?|ash|adh|ath)-)?[A-Z][\w'’‘ʿ]*(?:-[\w'’‘ʿ]+)*"
_DIR = r"(?:north|south|east|west)(?:-?(?:east|west))?"


def _longest_first(words: Iterable[str]) -> str:
    """An alternation of ``words`` (escaped), longer words first, as given among words of one length."""
    return "|".join(sorted((re.escape(w) for w in words), key=len, reverse=True))


def _read_cues(path: Path) -> tuple[dict[str, str], dict[str, str]]:
    after: dict[str, str] = {}
    before: dict[str, str] = {}
    for row in read_tsv(path):
        (after if row[2] == "after" else before)[row[0]] = row[1]
    return after, before


def _read_demonyms(path: Path) -> dict[str, str]:
    return {w: row[0] for row in read_tsv(path) for w in row[1:] if w}


def _read_publishers(path: Path) -> list[tuple[str, str]]:
    """(outlet name, ISO code) pairs in file order."""
    return [(w, row[0]) for row in read_tsv(path) for w in row[1:] if w]


def _phrases(words: Iterable[str]) -> str:
    """An alternation of lowercase phrases, longer first, any whitespace between their words."""
    return "|".join(r"\s+".join(map(re.escape, w.split())) for w in sorted(words, key=len, reverse=True))


def _words_after(words: Iterable[str]) -> re.Pattern:
    """A pattern matched just after a name: whitespace, then one of ``words`` as a whole word."""
    return re.compile(r"\s+(?:" + _phrases(words) + r")\b", re.I)


def _words_before(words: Iterable[str]) -> re.Pattern:
    """A pattern searched in the text just before a name: one of ``words`` (and "the"), then whitespace."""
    return re.compile(r"\b(?:" + _phrases(words) + r")\s+(?:the\s+)?$", re.I)


class GeoWords:
    """The geocode stage's lexicons and the patterns made of them."""

    @classmethod
    def load(cls, data_dir: Path = DATA_DIR) -> "GeoWords":
        """Read every list of the stage (a missing file is a ResourceError naming it)."""
        after, before = _read_cues(data_dir / "cues.tsv")
        return cls(after, before, demonyms=_read_demonyms(data_dir / "demonyms.tsv"),
                   publishers=_read_publishers(data_dir / "publishers.tsv"),
                   nonplaces=read_lines(data_dir / "nonplaces.txt"), lists=read_json(data_dir / "words.json"),
                   currency=currency_words(), mentions=read_json(data_dir / "mentions.json"),
                   countries=country_words())

    def __init__(self, after_cues: dict[str, str], before_cues: dict[str, str], *, demonyms: dict[str, str],
                 publishers: list[tuple[str, str]], nonplaces: Iterable[str], lists: dict, currency: Iterable[str],
                 mentions: dict, countries: dict[str, str]):
        self.before_cues = before_cues
        # "the US dollar", "Lebanese pounds": one list with the actors stage (countries.json "currency_words")
        self.currency_words = frozenset(currency)
        self.after_cues = dict(after_cues)
        self.after_cues.update({w: "currency" for w in currency})
        self.org_words = frozenset(w for w, role in self.after_cues.items() if role in ("org", "currency"))
        self.nonplaces = frozenset(nonplaces)
        self.demonyms = demonyms
        self.directions = frozenset(lists["directions"])
        self.article_like = frozenset(lists["article_like"])
        self.title_words = frozenset(lists["title_words"])
        self.road_cues = frozenset(lists["road_cues"])
        self.feature_cues = frozenset(lists["feature_cues"])
        self.landmark_cues = frozenset(lists["landmark_cues"])
        self.village_cues = frozenset(lists["village_cues"])
        self.number_labels = frozenset(lists["number_labels"])
        self._publishers(publishers)
        self._cue_patterns(lists["origin_exceptions"])
        self._name_patterns(lists["name_joiners"], lists["container_areas"])
        self.country_words = countries  # names, aliases and adjectives of countries -> ISO code (countries.json)
        self._mention_patterns(mentions)

    def _publishers(self, names: list[tuple[str, str]]) -> None:
        found = sorted(((w, re.compile(r"(?<!\w)" + re.escape(w) + r"(?!\w)", re.I), cc) for w, cc in names),
                       key=lambda wpc: -len(wpc[1].pattern))
        self.publishers = [(pat, cc) for _, pat, cc in found]
        # A case-blind literal matches one character to one, so a source part fullmatches only the publishers'
        # names of its own length, in ``publishers`` order: one pattern tried per part instead of all
        self.publishers_by_length: dict[int, list[tuple[re.Pattern, str]]] = {}
        for name, pat, cc in found:
            self.publishers_by_length.setdefault(len(name), []).append((pat, cc))

    def _cue_patterns(self, origin_exceptions: list[str]) -> None:
        after, before = self.after_cues, self.before_cues
        self.after_re = re.compile(r"[\s'’\"”]*(" + _longest_first(w for w, r in after.items()
                                                                   if r not in ("org", "currency")) + r")\b", re.I)
        self.before_re = re.compile(r"\b(" + _longest_first(w for w, r in before.items() if r == "near")
                                    + r")\s+(?:the\s+)?(?:town\s+of\s+|city\s+of\s+|village\s+of\s+)?$", re.I)
        # "youths from Mombasa", "(most of them from Syria)": the people's origin, not the event's place. The
        # look-behinds follow "from", so that re tries them only where "from" is, not at every position
        self.from_re = re.compile(r"\bfrom" + "".join(f"(?<!{re.escape(verb)} from)" for verb in origin_exceptions)
                                  + r"\s+(?:the\s+)?$", re.I)
        # "the town of X", "the province of X", "a Kurdish village of X": a kind word before the name says its
        # kind (after an article, and a lowercase adjective or a people's adjective; "the X district of Y"
        # names X's kind)
        self.kind_before = {re.sub(r"^the\s+", "", w): r for w, r in before.items()
                            if r in ("town", "adm1", "adm2", "admin", "part")}
        self.kind_before_re = re.compile(r"\b(?i:the|a|an)\s+(?:(?:" + _longest_first(self.demonyms)
                                         + r"|[A-Z][a-z]+(?:ish|ian|ean|ese|ite|i)|[a-z]+)\s+)?(?i:("
                                         + _longest_first(self.kind_before)
                                         + r"))\s+$")
        # "the governor of Migori", "MP for Lamu": an office's seat, not the event's place
        self.title_of_re = re.compile(r"\b(?:" + _longest_first(w for w, r in before.items() if r == "title")
                                      + r")\s+(?:the\s+)?$", re.I)
        # The last words the four patterns above can end in: each ends in a cue of cues.tsv, "from", "the" or
        # "of" ("the town of"), then whitespace
        self.cue_tail = re.compile(r"(?:" + "|".join(sorted({re.escape(w.split()[-1]) for w in before}
                                                            | {"from", "the", "of"}, key=len, reverse=True))
                                   + r")\Z", re.I)
        # A demonym not before a currency word ("the Kenyan shilling"). Its leading \b is tested apart
        # (matching.WordGate.scan): with it, re would try the alternation at every position instead of only
        # at the demonyms' first letters (see docs/performance.md)
        self.demonym_re = re.compile(r"\b(" + _longest_first(self.demonyms) + r")\b"
                                     r"(?!\s+(?:" + "|".join(map(re.escape, sorted(self.currency_words))) + r")\b)")
        self.demonym_scan = WordGate(self.demonym_re)

    def _name_patterns(self, joiners: list[str], areas: list[str]) -> None:
        # Lowercase words allowed inside a name: "Deir ez Zor", "Tala wa Barfak", "Ciudad de Mexico".
        self.join = r"(?:(?:\s+(?:" + "|".join(map(re.escape, joiners)) + r")){1,2}\s+|\s+|-)"
        # A capitalised phrase: a word not after a word character or hyphen, and up to five more
        self.phrase = re.compile(rf"(?<![\w-]){WORD}(?:{self.join}{WORD}){{0,5}}")
        # What may stand between a place and its container: "X (Y)", "X, Y", "X of Y", "X in the southern
        # countryside of Y", "X west of Y", "X under Y police station".
        self.gap_parent = re.compile(
            rf"^[\s,()\[\]\-–'’\"”]*(?:{_DIR}\s+)?(?:(?:of|in|at|within|inside|under|near)\s+)?(?:the\s+)?"
            rf"(?:{_DIR}(?:ern)?\s+)?(?:(?:" + "|".join(map(re.escape, areas)) + r")\s+(?:of\s+)?)?[\s,()\[\]]*$",
            re.I)

    def _mention_patterns(self, lists: dict) -> None:
        """The patterns of mentions.py and of the demonyms' votes (data/gazetteer/mentions.json)."""
        after = _words_after
        self.time_zone_re = after(lists["time_zone_after"])
        self.agreement_re = after(lists["agreement_after"])
        self.embassy_re = after(lists["embassy_after"])
        self.embassy_before_re = _words_before(lists["embassy_before"])
        self.destination_re = _words_before(lists["destination_before"])
        self.locative_re = _words_before(lists["locatives_before"])
        self.locative_possessive_re = re.compile(r"['’]s\s+(?:" + _phrases(lists["locative_possessive_after"]) + r")\b",
                                                 re.I)
        # "the UN Mission in Sudan": a capitalised head of an organisation's name, then the country (case kept)
        self.seat_re = re.compile(r"\b(?:" + "|".join(w.capitalize() for w in sorted(lists["seat_before"], key=len,
                                                                                       reverse=True))
                                  + r")\s+(?:in|to|for|on)\s+(?:the\s+)?$")
        # "X, Y and other cities", "X, Y, and several other towns": a list closed by its kind, not a chain
        self.list_tail_re = re.compile(r"\s*,?\s*(?:and|or|&)\s+(?:\w+\s+){0,2}?(?:other\s+)?(?:"
                                       + _phrases(lists["list_tail_kinds"]) + r")\b", re.I)
        # "the US embassy", "the embassy of Turkey": a country's envoys, which are abroad (country.py)
        names = _longest_first(self.country_words)
        self.embassy_country_re = re.compile(
            r"(?<![\w.])(" + names + r")(?!\w)(?:['’]s)?\s+(?i:" + _phrases(lists["embassy_after"]) + r")\b"
            r"|(?i:" + _phrases(lists["embassy_before"]) + r")\s+(?:the\s+)?(?P<after>" + names + r")(?!\w)")
        self.diplomacy_re = re.compile(r"\b(?:" + _phrases(lists["diplomacy_words"]) + r")\b", re.I)
        self.demonym_people_re = re.compile(r"\s+(?:[a-z]+\s+)?(?:" + _phrases(lists["demonym_people"])
                                            + r")\b|-(?:" + _phrases(lists["demonym_people"]) + r")\b")
        self.demonym_forces_re = re.compile(r"\s+(?:[a-z]+\s+)?(?:" + _phrases(lists["demonym_forces"]) + r")\b")
        self.demonym_place_re = re.compile(r"\s+(?:" + _phrases(lists["demonym_places"]) + r")\b", re.I)

    def demonyms_in(self, text: str) -> Iterator[re.Match]:
        """The demonyms in ``text``, as ``demonym_re.finditer`` finds them."""
        return self.demonym_scan.scan(text)
