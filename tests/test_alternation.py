"""The prefix-tree alternation matches exactly what the flat, longest-first one matches."""
import random
import re

import pytest

from eventcoder.matching import alternation, flat_alternation

WORDS = ["al shabaab", "al-shabaab", "al", "ala", "alas", "Al Qaeda", "al qaeda in the islamic maghreb", "AQIM",
         "aq", "ISIS", "IS", "isis", "Kurdistan Workers' Party", "U.S.", "US", "Ümraniye", "ümraniye", "ſ", "s",
         "sudan", "south sudan", "", "x  y", " lead"]


def matches(pattern: str, texts: list[str], flags: int = 0) -> list:
    rx = re.compile(r"(?<![\w-])(" + pattern + r")(?:s|es)?(?!\w)", flags)
    return [[(m.span(), m.groups()) for m in rx.finditer(t)] for t in texts]


@pytest.mark.parametrize("flags", [0, re.I])
def test_tree_equals_flat(flags):
    rng = random.Random(7)
    texts = [" ".join(rng.choice(WORDS + ["the", "of", "-", "\n"]) for _ in range(30)) for _ in range(300)]
    texts += [t.upper() for t in texts[:50]] + [t.lower() for t in texts[:50]]
    for n in (1, 2, 5, len(WORDS) - 2):
        words = [w for w in rng.sample(WORDS, n) if "  " not in w and not w.startswith(" ")]
        ignorecase = bool(flags)
        assert matches(alternation(words, ignorecase), texts, flags) == matches(flat_alternation(words), texts, flags)


def test_awkward_spaces_stay_flat():
    assert alternation(["x  y", "x"]) == flat_alternation(["x  y", "x"])


def test_tree_shares_prefixes():
    assert alternation(["alas", "ala", "al"]) == "al(?:a(?:s)?)?"
