"""Names: the folded spelling, the transliteration skeleton and spelling, admin-name forms, and the character
masks and hashes the index keeps of them.

Name matching is layered, each layer with a lower score: the folded spelling (diacritics, case, hyphens,
apostrophes and ayn marks removed), then the transliteration skeleton (article prefixes such as al-/ar-/ez-
dropped and the rules of ``data/gazetteer/translit.tsv`` applied: q/k, kh/h, ou/u, doubled letters ...),
then rapidfuzz over the names of one country as the last resort.
"""
from __future__ import annotations

import re
import unicodedata
import zlib
from array import array
from functools import lru_cache
from pathlib import Path
from typing import Iterable

DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "gazetteer"

_APOSTROPHES = "'’‘`ʿʾʼʻ´"
_NO_APOSTROPHES = str.maketrans("", "", _APOSTROPHES)
_LETTERS = str.maketrans({"ı": "i", "ø": "o", "ł": "l", "đ": "d", "ß": "ss"})
_PUNCT = re.compile(r"[^a-z0-9 ]+")
_WS = re.compile(r"\s+")


@lru_cache(maxsize=500_000)
def fold(name: str) -> str:
    """Lowercase ASCII spelling: diacritics, apostrophes and ayn marks dropped, other punctuation to spaces.

    >>> fold("Ḩalab"), fold("Deir ez-Zor"), fold("Ma'arrat al-Nu'man")
    ('halab', 'deir ez zor', 'maarrat al numan')
    """
    # ASCII needs no decomposition and has none of the letters mapped (the importer folds millions of names:
    # 1.6x faster, the same keys)
    if name.isascii():
        s = name.translate(_NO_APOSTROPHES).lower()
    else:
        s = unicodedata.normalize("NFKD", name)
        s = "".join(ch for ch in s if not unicodedata.combining(ch))
        s = s.translate(_NO_APOSTROPHES).lower().translate(_LETTERS)
    s = _PUNCT.sub(" ", s)
    return _WS.sub(" ", s).strip()


def _load_rules() -> tuple[frozenset[str], list[tuple[re.Pattern | str, str]]]:
    """Article prefixes and ordered rewrite rules from ``translit.tsv`` (kind, pattern, replacement); a
    pattern with no regex syntax (zh, kh, q) stays a string."""
    articles: set[str] = set()
    rules: list[tuple[re.Pattern | str, str]] = []
    path = DATA_DIR / "translit.tsv"
    with path.open(encoding="utf-8") as f:
        for line in f:
            if not line.strip() or line.startswith("#"):
                continue
            parts = line.rstrip("\n").split("\t")
            if parts[0] == "article":
                articles.add(parts[1])
            elif parts[0] == "rule":
                pattern, replacement = parts[1], parts[2] if len(parts) > 2 else ""
                plain = re.escape(pattern) == pattern and "\\" not in replacement
                rules.append((pattern if plain else re.compile(pattern), replacement))
    return frozenset(articles), rules


_ARTICLES, _RULES = _load_rules()
_DOUBLED = re.compile(r"(.)\1+")
_DROP_VOWELS = str.maketrans("", "", "aeiouyw")


def strip_articles(folded: str) -> str:
    """Drop Arabic-style article tokens (al, ar, ez, e, a ...) that stand before another word."""
    toks = folded.split()
    out = [t for i, t in enumerate(toks) if not (t in _ARTICLES and i + 1 < len(toks))]
    return " ".join(out)


def _transliterate(name: str) -> str:
    """The folded name without articles, rewritten by the rules in order. A plain-string rule (14 of the 22) is
    applied with str.replace, which gives what re.sub gives: skeletons 1.2x faster."""
    return _rewrite(strip_articles(fold(name)))


def _rewrite(s: str) -> str:
    for pattern, replacement in _RULES:
        s = s.replace(pattern, replacement) if isinstance(pattern, str) else pattern.sub(replacement, s)
    return s


@lru_cache(maxsize=200_000)
def skeleton(name: str) -> str:
    """The transliteration key: spellings English reporting uses for one place share it.

    >>> skeleton("A-Raqqa") == skeleton("Ar Raqqah") == skeleton("Al-Rakka")
    True
    """
    s = _transliterate(name).replace(" ", "")
    # collapse doubled letters (Raqqa/Raqa, Abbas/Abas)
    s = _DOUBLED.sub(r"\1", s)
    if len(s) <= 1:
        return s
    # vowels (and y, w) beyond the first letter carry the most transliteration noise (Idlib/Idleb,
    # Dayr/Deir, Zawr/Zor); the consonant frame is kept.
    # an opening vowel varies too (Idlib/Edlib, Urfa/Orfa)
    return ("a" if s[0] in "aeiou" else s[0]) + s[1:].translate(_DROP_VOWELS)


_VOWEL_CLASSES = str.maketrans({"e": "a", "y": "i", "o": "u", "w": "u"})


@lru_cache(maxsize=200_000)
def spelling(name: str) -> str:
    """The transliterated spelling with vowels reduced to three classes (a/e, i/y, o/u/w): closer
    than the skeleton, for checking that a skeleton match is the same name (Beiji ~ Bayji, but not
    Kawangware ~ Kangare)."""
    s = _DOUBLED.sub(r"\1", _transliterate(name).replace(" ", ""))
    return s.translate(_VOWEL_CLASSES)



_TYPE_SUFFIX = re.compile(
    r"\s+(governorate|province|district|region|county|state|municipality|prefecture|department|"
    r"division|oblast|raion|rayon|territory|sub district|city|zone|muhafazah|wilayah|vilayet|"
    r"velayat|krai|okrug|provincia|estado|departamento|parish|city council|district council)$")
_TYPE_PREFIX = re.compile(r"^(province of|governorate of|district of|state of|region of|county of|city of)\s+")


def _bare(folded: str) -> str:
    """An admin name without its type word: 'hama governorate' -> 'hama'."""
    s = _TYPE_PREFIX.sub("", folded)
    return _TYPE_SUFFIX.sub("", s).strip() or folded


def _display(name: str) -> str:
    """A subdivision name as English reporting prints it: ASCII letters, original case."""
    if name.isascii():
        return name.translate(_NO_APOSTROPHES)
    s = unicodedata.normalize("NFKD", name)
    return "".join(ch for ch in s if not unicodedata.combining(ch)).translate(_NO_APOSTROPHES)


def _alt_ok(alt: str, folded: str) -> bool:
    # <= 3 letters are mostly codes and consonant spellings ("ALP", "hlb") that collide with real names.
    return len(folded) > 3 and folded.isascii() and any(c.isalpha() for c in folded)


# The bits of a name's character mask: a pair for each of a-z and the space, one more pair that any other
# character (a digit) shares.
_MASK_BIT = {ch: 2 * i for i, ch in enumerate("abcdefghijklmnopqrstuvwxyz ")}
_OTHER_CHARACTER_BIT = 2 * len(_MASK_BIT)


def _char_mask(key: str) -> int:
    """Which characters ``key`` has once (the first bit of the character's pair) and twice or more (both).

    Inserting or deleting one character changes its count by one, so one bit at most: names whose masks
    differ in n bits are at least n insertions and deletions apart, the Indel distance of rapidfuzz's ratio.
    """
    mask = 0
    for ch in key:
        bit = 1 << _MASK_BIT.get(ch, _OTHER_CHARACTER_BIT)
        mask |= bit << 1 if mask & bit else bit
    return mask


def _hash(value: str) -> int:
    return zlib.crc32(value.encode("utf-8"))


def _hashes(values: Iterable[str]) -> array:
    """The CRC-32s of ``values``, sorted, each once (4 bytes each: 2.7 MB for the 667,000 name keys)."""
    return array("I", sorted({_hash(v) for v in values}))


def name_keys(folded: str) -> tuple[str, str]:
    """``(skeleton(folded), spelling(folded))`` of a folded name from one transliteration (the importer's
    key step: both from one pass of the rules, 2x faster than the two calls, with the same values). A folded
    name folds to itself, so it is not folded again."""
    t = _rewrite(strip_articles(folded))
    s = _DOUBLED.sub(r"\1", t.replace(" ", ""))
    spell = s.translate(_VOWEL_CLASSES)
    if len(s) <= 1:
        return s, spell
    return ("a" if s[0] in "aeiou" else s[0]) + s[1:].translate(_DROP_VOWELS), spell
