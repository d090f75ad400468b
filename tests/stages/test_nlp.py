"""The nlp stage: what spaCy reads has the text's own offsets, and pathological text costs linear time."""
from __future__ import annotations

import time

import pytest

from eventcoder.stages.nlp import MAX_CHUNK, SYMBOL_RUN_KEEP, SpacyAnnotator, tokenizable
from eventcoder.types import Article, Record

GOOD = ("Regime forces shelled residential areas of Douma on Monday, killing four civilians, a local monitor said. "
        "Rebels clashed with regime forces near Homs on Tuesday.")

# Shapes that cost spaCy's tokenizer the square of their length (before: 40k '&' 144 s, 40k '_' 126 s, 40k
# emoji 175 s), and the other long shapes it must read in bounded time (under NlpSettings.max_chars, 200k,
# with the reporting after them).
LONG = 190_000
PATHOLOGICAL = {
    "ampersands": "&" * 40_000,
    "underscores": "_" * 40_000,
    "emoji": "\U0001f4a5\U0001f525" * 20_000,
    "mixed punctuation": "&*%$#@!?;:" * (LONG // 10),
    "one word": "x" * LONG,
    "no whitespace": ("Regimeforcesshelled.Douma,(Homs)" * 6_000)[:LONG],
    "symbol runs between letters": ("&" * SYMBOL_RUN_KEEP + "x") * 6_000,
    "newlines": "\n" * LONG,
}


@pytest.fixture(scope="module")
def annotator():
    import spacy

    nlp = spacy.blank("en")  # the model's own tokenizer rules, without loading the model
    nlp.add_pipe("sentencizer")
    return SpacyAnnotator(nlp=nlp)


def test_news_text_reaches_spacy_unchanged(samples_dir):
    texts = [GOOD, "A 10-km stretch (of road) was hit -- twice!!! ... Officials said: 'no'.", "=" * SYMBOL_RUN_KEEP,
             "https://example.org/" + "a/" * 100, "\U0001f1f8\U0001f1fe " * 10]
    texts += [p.read_text(encoding="utf-8") for p in sorted(samples_dir.glob("*.txt"))]
    for text in texts:
        assert tokenizable(text) is text


@pytest.mark.parametrize("name", sorted(PATHOLOGICAL))
def test_pathological_text_keeps_its_length_and_loses_its_long_runs(name):
    text = PATHOLOGICAL[name] + " " + GOOD
    seen = tokenizable(text)
    assert len(seen) == len(text)
    assert seen.endswith(GOOD)  # the reporting after the junk is read as written
    assert max(map(len, seen.split())) <= MAX_CHUNK
    assert all(a == b or b == " " for a, b in zip(text, seen))  # only spaces put in


@pytest.mark.parametrize("name", sorted(PATHOLOGICAL))
def test_pathological_text_is_annotated_in_bounded_time_with_the_texts_offsets(annotator, name):
    text = PATHOLOGICAL[name] + " " + GOOD
    record = Record(article=Article(doc_id=name, text=text))
    started = time.perf_counter()
    annotator([record])
    assert time.perf_counter() - started < 10  # 40k '&' took 144 s before
    last = record.sentences[-1]
    assert last.text == text[last.start:last.end] and last.text.endswith("near Homs on Tuesday.")
    assert all(s.text == text[s.start:s.end] for s in record.sentences)


@pytest.mark.slow
def test_forty_thousand_ampersands_extract_in_under_ten_seconds(full_pipeline):
    text = "&" * 40_000 + "\n\n" + GOOD
    started = time.perf_counter()
    (record,) = full_pipeline([Record(article=Article(doc_id="amp", text=text))])
    assert time.perf_counter() - started < 10  # the budget; 144 s in spaCy's tokenizer before
    (alone,) = full_pipeline([Record(article=Article(doc_id="amp", text=GOOD))])
    # the events of the reporting alone (the symbols open the first sentence: no full stop ends them)
    assert [(e.event_type, e.location) for e in record.events] == [(e.event_type, e.location) for e in alone.events]
    assert alone.events and all(e.evidence.text.endswith(a.evidence.text) for e, a in zip(record.events, alone.events))
    assert all(text[e.evidence.start:e.evidence.end] == e.evidence.text for e in record.events)
