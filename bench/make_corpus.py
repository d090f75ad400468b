"""Generate a synthetic benchmark corpus: short articles in the register of conflict reporting.

Usage: python bench/make_corpus.py OUT.jsonl [--n 300] [--seed 7]

Sentences are assembled from templates of our own (actors, places, verbs, relative dates) so the
benchmark needs nothing outside the repository.
"""
from __future__ import annotations

import argparse
import json
import random
from datetime import date, timedelta

ACTORS = ["Regime forces", "The Islamic State", "Daesh fighters", "Rebels of Jaish al-Islam", "Houthi forces",
          "The Taliban", "Afghan security forces", "Al-Shabaab militants", "Boko Haram insurgents",
          "Russian warplanes", "Ukrainian troops", "Separatist forces", "Iraqi police", "Unidentified gunmen",
          "Kurdish YPG fighters", "Turkish artillery"]
PLACES = ["A-Raqqa", "Deir e-Zor", "Idleb", "Maarat al-Numan", "Douma", "Homs", "Hama countryside", "Aleppo",
          "Mosul", "Tal Afar", "Taiz", "Marib", "Kunduz", "Lashkar Gah", "Mogadishu", "Maiduguri", "Donetsk",
          "Avdiivka", "Sirte", "Benghazi", "al-Bab", "Manbij", "Qamishli", "Daraa"]
ACTIONS = [
    "shelled residential areas of {p}", "carried out airstrikes on {p}", "clashed with {a2} near {p}",
    "abducted three aid workers in {p}", "captured the town of {p} from {a2}", "detonated a car bomb in {p}",
    "arrested 12 suspected militants in {p}", "set up a new headquarters in {p}",
    "fired mortar rounds at {p}", "planted a roadside bomb on the road to {p}",
]
WHEN = ["on Monday", "on Tuesday", "yesterday", "last night", "last Friday", "last weekend", "two days ago",
        "earlier this week", "on Sunday", ""]
SAY = ["a local monitor said", "residents told reporters", "according to activists", "the group claimed",
       "a military spokesman said", "witnesses said", "officials said"]
FILLER = ["The situation in the area remained tense.", "Schools have been closed since the start of the month.",
          "Humanitarian agencies called for access to the area.",
          "The conflict has displaced hundreds of thousands of people."]


def article(rng: random.Random, i: int) -> dict:
    published = date(2015, 1, 1) + timedelta(days=rng.randrange(0, 2000))
    sentences = []
    for _ in range(rng.randint(3, 8)):
        a, a2 = rng.sample(ACTORS, 2)
        action = rng.choice(ACTIONS).format(p=rng.choice(PLACES), a2=a2.lower())
        killed = rng.choice(["", ", killing {} people".format(rng.randint(1, 30)), ", wounding several civilians"])
        sentences.append(f"{a} {action} {rng.choice(WHEN)}{killed}, {rng.choice(SAY)}.".replace("  ", " "))
        if rng.random() < 0.4:
            sentences.append(rng.choice(FILLER))
    return {"id": f"bench-{i:05d}", "published": published.isoformat(), "source": "Bench Wire",
            "text": " ".join(sentences)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out")
    ap.add_argument("--n", type=int, default=300)
    ap.add_argument("--seed", type=int, default=7)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    with open(a.out, "w", encoding="utf-8") as fh:
        for i in range(a.n):
            fh.write(json.dumps(article(rng, i)) + "\n")


if __name__ == "__main__":
    main()
