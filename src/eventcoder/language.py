"""Is a document English? A cheap guess from its letters and its commonest words, no model.

eventcoder reads English reporting; text in another language goes through the pipeline all the same but its
events come out missing or wrong, so ingest warns (W317). Two signs, each enough on its own:

1. most letters are of another script (Arabic, Cyrillic, Chinese...), or
2. few words are English function words and more are another language's: English news is about a third
   "the", "of", "in", "said"... (median 37% in articles-dev, 33% in the dev notes), while French, Spanish,
   German and the others below are under 10% English and 20-35% their own (tests/test_language.py). Of
   73,866 dev, train, bench, sample and articles-dev documents none is taken for another language (ACLED's
   telegraphic notes in train go down to 0-5% English, but have no other language's words either).

A text with neither sign (a list of names, one repeated word, a language not listed) is taken for English:
the warning is for the clear cases only. Short texts (under MIN_WORDS words) are never judged.
"""
from __future__ import annotations

import re
import unicodedata
from typing import Optional

MIN_WORDS = 20
SAMPLE_CHARS = 20_000  # the opening of a long document is enough to tell its language (~3,000 words)
MAX_ENGLISH_SHARE = 0.15
MIN_OTHER_SHARE = 0.12  # and at least MIN_OTHER_WORDS of them: a name such as "Wa State" is no Swahili
MIN_OTHER_WORDS = 4
MIN_OTHER_SCRIPT_SHARE = 0.5

ENGLISH = frozenset("""
the of and to in a is was for on that with by as at from said were are has have it an be this its after he
they their not or but which who had been will would also than into about over more two three one there when
we his her she them what all up out no new other some if can could only
""".split())

# Each language's commonest words, leaving out those English uses too ("a", "on", "in", "die", "men", "son").
OTHERS = {
    "French": "le la les des du une est et dans pour que qui pas sur au aux avec par ont été sont selon il elle "
              "ce cette ses leur mais ou plus",
    "Spanish": "el los las del y en por una con para es que se al fue según sus han su lo como pero más muy "
               "este esta",
    "Portuguese": "o os da do das dos e em um uma para com não que se ao pelo pela foram são mais como seu sua",
    "German": "der das und ist nicht mit von den dem ein eine auf sich wurde bei aus zu im auch es sind nach "
              "wie oder",
    "Italian": "il lo gli della delle dei del di e che un una per con non sono è alla nel nella anche come più",
    "Dutch": "de het een en van is dat op te zijn voor met niet ook door bij naar werd zich",
    "Indonesian": "yang dan di dari untuk dengan ini itu tidak dalam akan pada ke oleh juga adalah telah",
    "Turkish": "ve bir bu da de için ile olarak olan çok daha gibi ama sonra kadar",
    "Swahili": "na ya wa kwa za la katika ni kuwa hiyo hii huo ambao alisema",
}
OTHER_WORDS = {lang: frozenset(words.split()) - ENGLISH for lang, words in OTHERS.items()}
_WORD = re.compile(r"[^\W\d_]+")


def _script(ch: str) -> str:
    """The script of a letter, as the first word of its Unicode name ('LATIN', 'ARABIC', 'CJK'...)."""
    return unicodedata.name(ch, "UNKNOWN").split(" ", 1)[0]


def not_english(text: str) -> Optional[str]:
    """Why ``text`` does not look like English ("most of its letters are Arabic", "its common words are
    French"), or None when it does or cannot be told."""
    sample = text[:SAMPLE_CHARS]
    words = _WORD.findall(sample.lower())
    if len(words) < MIN_WORDS:
        return None
    letters = [ch for word in words for ch in word]
    latin = sum(1 for ch in letters if ch < "\u0250")  # Basic Latin to Latin Extended-B
    if len(letters) - latin > MIN_OTHER_SCRIPT_SHARE * len(letters):
        scripts: dict[str, int] = {}
        for ch in letters:
            if ch >= "\u0250":
                scripts[_script(ch)] = scripts.get(_script(ch), 0) + 1
        main = max(scripts, key=scripts.get).title()
        return f"most of its letters are {main}, not Latin"
    english = sum(1 for w in words if w in ENGLISH) / len(words)
    if english >= MAX_ENGLISH_SHARE:
        return None
    hits = {lang: [w for w in words if w in vocab] for lang, vocab in OTHER_WORDS.items()}
    lang, found = max(hits.items(), key=lambda kv: len(kv[1]))
    share = len(found) / len(words)
    if share <= max(english, MIN_OTHER_SHARE) or len(set(found)) < MIN_OTHER_WORDS:
        return None
    return f"{english:.0%} of its words are common English ones and {share:.0%} common {lang} ones"
