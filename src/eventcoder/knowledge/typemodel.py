"""A small linear model for the sub-event type of a clause or a short note.

Multinomial logistic regression over lower-cased word unigrams and bigrams (digits folded to 0) plus the
trigger cues of ``data/triggers.json`` and the kinds of actor named (``classify.features.model_features``) as extra
features, so the model learns how much to trust each cue. Trained with numpy only (full-batch Adam, L2, rare
types weighted up by ``balance``), stored as ``data/type_model.json.gz``: the class list and,
per feature, its weight row (rounded to 3 decimals, near-zero rows dropped). Rebuild it from
``../shared/data/dev`` with ``python scripts/build_type_model.py``; the stage runs without it (rules only).
"""
from __future__ import annotations

import gzip
import json
import re
from pathlib import Path
from typing import Iterable, Optional, Sequence

import numpy as np

_TOKEN = re.compile(r"[a-z0-9]+(?:['-][a-z0-9]+)*")
# A run of ASCII digits lies inside one token, whose only digits these are: made "0" in the whole text at once
# rather than per token (36,700 `sub` calls per 500 documents; text_features 0.019 -> 0.013 s per 2,700
# sentences)
_DIGITS = re.compile(r"[0-9]+")


def text_features(text: str) -> list[str]:
    """Unigram and bigram features of ``text``."""
    toks = _TOKEN.findall(_DIGITS.sub("0", text.lower()))
    feats = toks[:]
    feats += [f"{a}_{b}" for a, b in zip(toks, toks[1:])]
    return feats


class TypeModel:
    """Weights per feature; ``predict`` gives class probabilities."""

    def __init__(self, classes: Sequence[str], weights: dict[str, np.ndarray], bias: np.ndarray):
        self.classes = list(classes)
        self.weights = weights
        self.bias = bias
        # The weight rows stacked under the bias, so a text's rows are summed by one numpy call instead of one
        # `+=` per feature (about 60 a clause: 0.05 of the stage's 0.6 s per 500 documents). Row 0 is the bias.
        self._row = {f: i for i, f in enumerate(weights, start=1)}
        self._matrix = np.vstack([bias] + list(weights.values())) if weights else bias[None, :]

    def scores(self, features: Iterable[str]) -> np.ndarray:
        # binary features: a word repeated is no stronger evidence; rows are added in the order the features
        # come, one after another (a reduction over axis 0), as a loop of `+=` would add them
        # (deduplicated as row numbers, one per feature: the same first-seen order, without a Python loop)
        found = dict.fromkeys(map(self._row.get, features))
        found.pop(None, None)
        rows = [0, *found]
        # take() gathers the same rows as self._matrix[rows], without fancy indexing's general path (about half
        # the time for the 20-50 rows of a clause)
        z = np.add.reduce(self._matrix.take(rows, axis=0), axis=0)
        # the ufunc's reduce, not z.max(), which reaches it through two Python wrappers (the same maximum)
        z -= np.maximum.reduce(z)
        # in place, and the sum by the ufunc's reduce as p.sum() reaches it through two Python wrappers: the same
        # floats with one array and two calls fewer (predict 0.106 -> 0.096 s per 500 documents in the stage,
        # where each numpy call costs about three times what it does in a loop of its own)
        np.exp(z, out=z)
        z /= np.add.reduce(z)
        return z

    def predict(self, features: Iterable[str]) -> list[tuple[str, float]]:
        """(class, probability) pairs, best first."""
        p = self.scores(features)
        # the same floats as float(p[i]), read out by one tolist() rather than one numpy scalar per class
        # (25 a call, 2,000 calls per 500 documents)
        probs, classes = p.tolist(), self.classes
        return [(classes[i], probs[i]) for i in (-p).argsort().tolist()]

    # -- persistence --------------------------------------------------------------------------
    def save(self, path: str | Path) -> None:
        data = {"classes": self.classes, "bias": [round(float(x), 3) for x in self.bias],
                "weights": {f: [round(float(x), 3) for x in w] for f, w in sorted(self.weights.items())}}
        with gzip.open(path, "wt", encoding="utf-8") as fh:
            json.dump(data, fh, separators=(",", ":"))

    @classmethod
    def load(cls, path: str | Path) -> "TypeModel":
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            data = json.load(fh)
        return cls(data["classes"], {f: np.asarray(w, dtype=np.float32) for f, w in data["weights"].items()},
                   np.asarray(data["bias"], dtype=np.float32))

    # -- training -------------------------------------------------------------------------------
    @classmethod
    def train(cls, examples: Sequence[list[str]], labels: Sequence[str], classes: Optional[Sequence[str]] = None,
              min_count: int = 2, l2: float = 1e-3, epochs: int = 300, lr: float = 0.05,
              prune: float = 0.02, balance: float = 0.0) -> "TypeModel":
        """Fit on feature lists and their labels.

        Args:
            examples: the features of each example (``text_features`` plus cue features).
            labels: the sub-event type of each example.
            classes: the label set (default: the labels seen).
            min_count: features seen in fewer examples are dropped (noise, and a smaller artifact).
            l2: L2 penalty per weight.
            epochs: full-batch Adam steps.
            lr: Adam step size.
            prune: weight rows whose largest absolute weight is below this are not stored.
            balance: each example weighs (its class's count / the mean count) ** -balance, so that rare
                types are not drowned by common ones (0: every example alike).
        Returns:
            the fitted model.
        """
        classes = list(classes or sorted(set(labels)))
        counts: dict[str, int] = {}
        for feats in examples:
            for f in set(feats):
                counts[f] = counts.get(f, 0) + 1
        vocab = sorted(f for f, c in counts.items() if c >= min_count)
        index = {f: i for i, f in enumerate(vocab)}
        x = np.zeros((len(examples), len(vocab)), dtype=np.float32)
        for r, feats in enumerate(examples):
            for f in set(feats):
                i = index.get(f)
                if i is not None:
                    x[r, i] = 1.0
        y = np.zeros((len(examples), len(classes)), dtype=np.float32)
        cidx = {c: i for i, c in enumerate(classes)}
        for r, lab in enumerate(labels):
            y[r, cidx[lab]] = 1.0
        w = np.zeros((len(vocab), len(classes)), dtype=np.float32)
        b = np.zeros(len(classes), dtype=np.float32)
        mw, vw = np.zeros_like(w), np.zeros_like(w)
        mb, vb = np.zeros_like(b), np.zeros_like(b)
        n = len(examples)
        freq = y.sum(axis=0)
        sw = (freq[y.argmax(axis=1)] / freq[freq > 0].mean()) ** -balance
        sw = (sw / sw.mean()).astype(np.float32)[:, None]
        for t in range(1, epochs + 1):
            z = x @ w + b
            z -= z.max(axis=1, keepdims=True)
            p = np.exp(z)
            p /= p.sum(axis=1, keepdims=True)
            g = (p - y) * sw / n
            gw = x.T @ g + l2 * w
            gb = g.sum(axis=0)
            for param, grad, m, v in ((w, gw, mw, vw), (b, gb, mb, vb)):
                m *= 0.9
                m += 0.1 * grad
                v *= 0.999
                v += 0.001 * grad * grad
                param -= lr * (m / (1 - 0.9 ** t)) / (np.sqrt(v / (1 - 0.999 ** t)) + 1e-8)
        weights = {f: w[i].copy() for f, i in index.items() if float(np.abs(w[i]).max()) >= prune}
        return cls(classes, weights, b)


def entropy_margin(pairs: list[tuple[str, float]]) -> float:
    """Margin between the best and second-best class probability (0..1)."""
    if len(pairs) < 2:
        return 1.0
    return max(0.0, pairs[0][1] - pairs[1][1])


__all__ = ["TypeModel", "text_features", "entropy_margin"]
