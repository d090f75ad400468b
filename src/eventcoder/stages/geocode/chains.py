"""Chains: nested place names, "X in Y, Z", where each later toponym is the container of the one before.

"X (Y, Z)", "X, Y", "X area of Y district, Z", "X west of Y", "Kafr X in the western countryside of Hama" make
Y the container of X and Z of Y (``Toponym.parent``); what may stand between a place and its container is
``GeoWords.gap_parent``. Not chains: a list of places ("Garissa, Ijara and Lagdera", "Islamabad, Peshawar and
other cities"), a list of groups ("A (A, Hajjah), B (B, Saada)"), and names inside an organisation's name. "X
(Y) district" makes Y another name of X (``Toponym.alias_of``), and the alias's own container becomes X's. "X
and Y areas of Z" gives X the container (and the kind) of Y, "the villages of X and Y" Y the kind of X.
"""
from __future__ import annotations

import re

from ...matching import fold as fold_case
from .toponyms import Toponym
from .words import GeoWords


class ChainLinker:
    """Sets each toponym's container (``parent``) and other name (``alias_of``) from the text between them."""

    def __init__(self, words: GeoWords):
        self.words = words

    def link(self, text: str, toponyms: list[Toponym]) -> None:
        """Link the toponyms of ``text`` (in text order) into chains."""
        for i in range(len(toponyms) - 1):
            self._link_pair(text, toponyms, i)
        for i in range(len(toponyms) - 1, -1, -1):
            self._share_container(text, toponyms, i)

    def _link_pair(self, text: str, toponyms: list[Toponym], i: int) -> None:
        """Whether toponym ``i + 1`` contains toponym ``i``, or is its other name."""
        a, b = toponyms[i], toponyms[i + 1]
        if a.named_org or b.named_org:
            return
        gap = text[a.cue_end:b.start]
        gap_parent = self.words.gap_parent
        # "Kafr X in the western countryside of Hama": a longer gap only when it is all container words
        if (len(gap) > 12 and not (len(gap) <= 40 and gap_parent.match(gap))) or "\n" in gap:
            return
        if ")" in gap and "(" not in gap and re.match(r"\s*\(", text[b.cue_end:]):
            return  # "A (A, Hajjah), B (B, Saada)": a list of groups, not a chain
        if gap.strip() == "," and _in_list(text, toponyms, i + 1, self.words.list_tail_re):
            return  # "Garissa, Ijara and Lagdera", "Islamabad, Peshawar and other cities": a list, not a chain
        if gap.strip() == "(" and text[b.end:b.end + 1] == ")" and (
                b.role or self.words.after_re.match(text, b.end + 1)):
            # "Nad Ali (Marja) district", "Balkh (Khas Balkh) district": an alias, not a container
            b.alias_of = i
            cue = self.words.after_re.match(text, b.end + 1)
            if cue and not a.role:
                a.role = self.words.after_cues[fold_case(cue.group(1))]
                a.cue_end = cue.end()
            return
        if gap_parent.match(gap):
            a.parent = i + 1

    def _share_container(self, text: str, toponyms: list[Toponym], i: int) -> None:
        """An alias's container belongs to the name it stands for; "X and Y areas of Z": X lies in Z too;
        "the villages of X and Y": Y is a village too."""
        a = toponyms[i]
        if i > 0 and not a.role:
            prev = toponyms[i - 1]
            if prev.cue.endswith("s") and prev.role and re.fullmatch(r"\s*(?:,|and|&|or|,\s*and)\s*",
                                                                     text[prev.cue_end:a.start]):
                a.role, a.cue = prev.role, prev.cue
        if a.alias_of is not None and i + 1 < len(toponyms) and toponyms[a.alias_of].parent is None:
            gap = text[a.end + 1:toponyms[i + 1].start]
            cue = self.words.after_re.match(text, a.end + 1)
            if cue:
                gap = text[cue.end():toponyms[i + 1].start]
            if len(gap) <= 12 and self.words.gap_parent.match(gap):
                toponyms[a.alias_of].parent = i + 1
        if a.parent is None and i + 1 < len(toponyms):
            b = toponyms[i + 1]
            if b.parent is not None and re.fullmatch(r"\s*(?:,|and|&|or|,\s*and)\s*", text[a.cue_end:b.start]):
                a.parent = b.parent
                if not a.role:
                    a.role = b.role


def _in_list(text: str, toponyms: list[Toponym], j: int, list_tail: re.Pattern) -> bool:
    """Whether toponym ``j`` (after a comma) is an item of a list that closes with 'and'/'or': "A, B, C and D
    districts", "A, B and other cities". A chain ("X, Y District, Z State") has no 'and'."""
    for k in range(j, min(j + 12, len(toponyms))):
        if list_tail.match(text, toponyms[k].cue_end):
            return True
        if k + 1 == len(toponyms):
            return False
        gap = text[toponyms[k].cue_end:toponyms[k + 1].start]
        if re.fullmatch(r"\s*,?\s*(?:and|&|or)\s+", gap):
            return True
        if gap.strip() != ",":
            return False
    return False
