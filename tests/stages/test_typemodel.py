"""The sub-event type model: class balance in training and the cue x actor-kind features."""
from __future__ import annotations

import re

import pytest

from eventcoder.stages.classify import actor_features
from eventcoder.knowledge.clauses import Cue
from eventcoder.knowledge.typemodel import TypeModel
from eventcoder.types import ActorMention, Span


def test_balance_lifts_a_rare_type_that_shares_its_words_with_a_common_one():
    # nine notes of one type and one of another, all with the same words: unbalanced, the common type
    # takes nearly all the probability; fully balanced, the two types weigh alike
    xs = [["town", "seized"]] * 10
    ys = ["Armed clash"] * 9 + ["Non-state actor overtakes territory"]
    classes = ["Armed clash", "Non-state actor overtakes territory"]
    plain = dict(TypeModel.train(xs, ys, classes=classes).predict(["town", "seized"]))
    balanced = dict(TypeModel.train(xs, ys, classes=classes, balance=1.0).predict(["town", "seized"]))
    assert plain["Non-state actor overtakes territory"] < 0.2
    assert 0.4 < balanced["Non-state actor overtakes territory"] < 0.6


def _mention(text: str, name: str, word: str, inter: int) -> ActorMention:
    start = text.index(word)
    return ActorMention(span=Span.of(text, start, start + len(word)), name=name, inter=inter)


def test_a_cued_type_is_paired_with_the_kind_of_the_first_named_actor():
    text = "Government troops took control of the town from the insurgents."
    army = _mention(text, "Military Forces of Chad (2021-)", "Government troops", 1)
    rebels = _mention(text, "FACT: Front for Change and Concord in Chad", "insurgents", 2)
    start = text.index("took control of")
    cue = Cue(sub_event_type="Government regains territory", weight=0.5, start=start, end=start + 15)
    feats = actor_features([rebels, army], [cue])
    assert "CUE_FIRST:Government regains territory|military" in feats
    assert "FIRST:military" in feats
    # a weak cue (below 0.5) pairs with nothing
    weak = Cue(sub_event_type="Attack", weight=0.4, start=start, end=start + 15)
    assert not any(f.startswith("CUE_FIRST:Attack") for f in actor_features([army], [weak]))


def test_scores_add_the_weight_rows_in_feature_order_as_a_loop_would():
    """The rows are summed by one numpy reduction, and the softmax worked in place; the probabilities must be the
    loop's and the plain softmax's, float for float, or a type on the edge could change."""
    import numpy as np

    from eventcoder.stages.classify import MODEL_FILE
    from eventcoder.knowledge.resources import data_path
    from eventcoder.knowledge.typemodel import text_features

    model = TypeModel.load(data_path(MODEL_FILE))
    texts = ["Gunmen stormed a police post and killed two officers before fleeing into the hills.",
             "Protesters blocked the highway; police fired tear gas, tear gas and rubber bullets.",
             "Warplanes struck a market on Tuesday. Residents said 12 people died in the strikes.", ""]
    for text in texts:
        features = text_features(text) + ["CUE:Attack", "CUE:Attack", "no-such-feature"]
        z, seen = model.bias.copy(), set()
        for f in features:
            if f not in seen and f in model.weights:
                z += model.weights[f]
            seen.add(f)
        z -= z.max()
        expected = np.exp(z) / np.exp(z).sum()
        assert np.array_equal(model.scores(features), expected), text


@pytest.mark.parametrize("text", ["Gunmen killed 12 in 2019-20 raids", "A 3-day siege, 40 dead; 7'5 x-1-2",
                                  "٣٤ killed near route ９9, AB12cd"])
def test_digits_made_zero_in_the_whole_text_are_the_per_token_features(text):
    from eventcoder.knowledge.typemodel import _TOKEN, text_features
    toks = [re.sub(r"\d+", "0", t) for t in _TOKEN.findall(text.lower())]
    assert text_features(text) == toks + [f"{a}_{b}" for a, b in zip(toks, toks[1:])]


def test_predict_reads_out_the_plain_ranking():
    """predict reads the probabilities out with one tolist(): the pairs of float(p[i]) in argsort order."""
    import numpy as np

    from eventcoder.stages.classify import MODEL_FILE
    from eventcoder.knowledge.resources import data_path
    from eventcoder.knowledge.typemodel import text_features

    model = TypeModel.load(data_path(MODEL_FILE))
    for text in ["Gunmen stormed a police post and killed two officers.", "Protesters blocked the highway.", ""]:
        features = text_features(text) + ["CUE:Attack", "no-such-feature"]
        p = model.scores(features)
        assert model.predict(features) == [(model.classes[i], float(p[i])) for i in np.argsort(-p)]
