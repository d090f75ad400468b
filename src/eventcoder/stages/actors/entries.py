"""The entries of the actor dictionary: how a written alias is keyed, what it stands for, and the table of
every alias (named groups, state forces named bare, collective actors) with the two patterns that find them.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Optional

from ...matching import alternation
from ...matching import TextWords, WordGate, fold


def fold_key(s: str) -> str:
    """The dictionary key of a written phrase: case-folded, curly apostrophes straight, one space between words."""
    # fold, not lower: re.I matched "İ", "ı", "ſ" and the Kelvin sign as ASCII letters, so must the keys
    # ("SECURİTY forces" was a KeyError that dropped the document's events); str.split's whitespace is re's \s
    return " ".join(fold(s).replace("’", "'").split())


@dataclass(frozen=True)
class Entry:
    name: str  # canonical name; may hold {country}/{period}
    inter: int
    country: str  # the group's home country, "" for transnational or document-bound entries
    kind: str
    bound: bool = False  # applies only when the document's country is `country`
    # what a bound alias means elsewhere ("rebels": Opposition Rebels (Syria) in Syria, an unidentified armed
    # group in any other country or where the country is unknown)
    fallback: Optional["Entry"] = None
    active_in: tuple[str, ...] = ()  # other countries where the group fights


class Aliases:
    """Every alias of the dictionary and the entry it resolves to: acronyms as written (``exact``), the rest
    folded (``folded``). The matches of the last text are kept: the country votes and the mention finders
    read them both."""

    def __init__(self, actors: dict):
        self.exact: dict[str, Entry] = {}  # case-sensitive aliases (acronyms)
        self.folded: dict[str, Entry] = {}  # case-insensitive aliases, lower-cased
        self._add_groups(actors["groups"])
        for st in actors["state"]:
            for alias in st["bare"]:
                self._add_folded(fold_key(alias), Entry(st["name"], int(st["inter"]), "", st["kind"]))
        generic = actors["generic"]
        # generic kinds named so only in some countries ("Unidentified Gang"), the unidentified armed group elsewhere
        self.generic_only_in = {gen["kind"]: set(gen["only_in"]) for gen in generic if gen.get("only_in")}
        self.unidentified = next(gen["name"] for gen in generic if gen["kind"] == "unidentified")
        # "Venezuelan migrants": civilians of their own country wherever they are
        self.by_nationality = {fold_key(a) for gen in generic for a in gen.get("by_nationality", ())}
        for gen in generic:
            for alias in gen["aliases"]:
                e = Entry(gen["name"], int(gen["inter"]), "", gen["kind"])
                if alias.isupper():
                    self.exact.setdefault(alias, e)
                else:
                    self._add_folded(fold_key(alias), e)
        # a hyphen may follow an alias ("Taliban-planted", "ISIS-claimed") but not precede it ("anti-ISIS")
        # run on the lower-cased text: the aliases are folded already, and re.I is slower
        # (docs/performance.md#actors)
        self.folded_re = re.compile(r"(?<![\w-])(" + alternation(self.folded) + r")(?:s|es)?(?!\w|-rap)")
        self.exact_re = re.compile(r"(?<![\w-])(" + alternation(self.exact) + r")(?!\w)")
        self.exact_gate = WordGate(self.exact_re)
        self._last: Optional[tuple[str, list]] = None

    def _add_groups(self, groups: list[dict]) -> None:
        """Named groups; an alias written with "~" applies only in the group's country."""
        for g in groups:
            for alias in g["aliases"]:
                bound = alias.startswith("~")
                alias = alias.lstrip("~")
                e = Entry(g["name"], int(g["inter"]), g.get("country", ""), "group", bound,
                          active_in=tuple(g.get("active_in", ())))
                if alias.isupper() or (len(alias) <= 4 and alias[:1].isupper() and not alias.islower()
                                       and any(ch.isupper() for ch in alias[1:])):
                    self.exact.setdefault(alias, e)
                else:
                    self.folded.setdefault(fold_key(alias), e)

    def _add_folded(self, key: str, e: Entry) -> None:
        """A state or collective alias; behind a country-bound group alias of the same words it is that
        alias's meaning outside the group's country."""
        have = self.folded.get(key)
        if have is None:
            self.folded[key] = e
        elif have.bound and have.fallback is None:
            self.folded[key] = replace(have, fallback=e)

    def matches(self, text: str, words: TextWords) -> list[tuple[int, int, Entry]]:
        """The aliases in ``text`` (acronyms as written, the rest folded), kept for the last text.

        Args:
            words: the words of ``text`` for the gate.
        """
        if self._last is not None and self._last[0] is text:
            return self._last[1]
        out = [(m.start(1), m.end(), self.exact[m.group(1)]) for m in self.exact_gate.finditer(text, words)]
        lower = text.lower()
        if len(lower) == len(text):
            for m in self.folded_re.finditer(lower):
                # the alias as the text writes it is mostly a key already, and fold_key() leaves a key as it
                # is (tested): most folds are saved (docs/performance.md#actors)
                alias = m.group(1)
                e = self.folded.get(alias)
                if e is None:
                    e = self.folded.get(fold_key(alias))
                if e is not None:
                    out.append((m.start(1), m.end(), e))
        self._last = (text, out)
        return out
