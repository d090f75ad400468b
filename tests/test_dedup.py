"""Incidents across articles: the matcher on our own multi-article corpus, and its invariants."""
from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from eventcoder.dedup import compatible, dedup, incident_id_for, interaction_code, merge
from eventcoder.types import Event

CORPUS = Path(__file__).parent / "data" / "dedup" / "reports.jsonl"


def load_corpus() -> tuple[list[Event], dict[str, str]]:
    """The reports and each report's gold story. Stories S.. have 2-5 reports; N..a/N..b are near-miss
    pairs: two events that look alike and must stay apart."""
    events, story = [], {}
    for line in CORPUS.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        story[row["event_id"]] = row.pop("story")
        events.append(Event.model_validate(row))
    return events, story


EVENTS, STORY = load_corpus()


def pair_scores(incidents, gold: dict[str, str]) -> tuple[float, float]:
    """Pairwise cluster precision and recall: over pairs of reports put together / that belong together."""
    predicted = {frozenset(p) for inc in incidents for p in itertools.combinations(inc.report_ids, 2)}
    by_story: dict[str, list[str]] = {}
    for eid, s in gold.items():
        by_story.setdefault(s, []).append(eid)
    truth = {frozenset(p) for ids in by_story.values() for p in itertools.combinations(ids, 2)}
    tp = len(predicted & truth)
    return (tp / len(predicted) if predicted else 1.0), tp / len(truth)


def test_corpus_shape():
    stories = {}
    for eid, s in STORY.items():
        stories.setdefault(s, []).append(eid)
    multi = [ids for s, ids in stories.items() if s.startswith("S")]
    assert len(multi) >= 15 and all(2 <= len(ids) <= 5 for ids in multi)
    assert len([s for s in stories if s.startswith("N")]) >= 20  # at least 10 near-miss pairs


def test_cluster_precision_and_recall_on_corpus():
    incidents = dedup(EVENTS)
    precision, recall = pair_scores(incidents, STORY)
    print(f"\ndedup corpus: {len(EVENTS)} reports, {len(set(STORY.values()))} events, {len(incidents)} incidents; "
          f"pairwise precision {precision:.3f}, recall {recall:.3f}")
    assert precision >= 0.95
    assert recall >= 0.85


@pytest.mark.parametrize("pair", sorted({s[:-1] for s in STORY.values() if s.startswith("N")}))
def test_near_miss_pairs_stay_apart(pair):
    a = next(e for e in EVENTS if STORY[e.event_id] == pair + "a")
    b = next(e for e in EVENTS if STORY[e.event_id] == pair + "b")
    assert not compatible(a, b)
    assert len(dedup([a, b])) == 2


@settings(max_examples=25, deadline=None)
@given(st.permutations(EVENTS))
def test_order_independent(shuffled):
    assert dedup(shuffled) == dedup(EVENTS)


def test_idempotent_and_mixed_input():
    once = dedup(EVENTS)
    assert dedup(once) == once
    # incidents and loose reports together give the same result
    assert dedup(once[:5] + [r for inc in once[5:] for r in inc.reports]) == once


@settings(max_examples=25, deadline=None)
@given(st.lists(st.sampled_from(EVENTS), min_size=1, max_size=20, unique_by=lambda e: e.event_id))
def test_every_report_in_exactly_one_incident(subset):
    incidents = dedup(subset)
    ids = [eid for inc in incidents for eid in inc.report_ids]
    assert sorted(ids) == sorted(e.event_id for e in subset)
    assert dedup(incidents) == incidents


def test_merged_values_take_the_best_report():
    story = [e for e in EVENTS if STORY[e.event_id] == "S02"]  # five reports of one bombing
    inc = merge(story)
    # the highest asserted or reported figure; the unconfirmed 300 of a social feed does not count
    reported = [e.fatalities for e in story if e.certainty in ("asserted", "reported")]
    assert inc.event.fatalities == max(reported) != max(e.fatalities for e in story)
    assert inc.event.certainty == "asserted"
    assert inc.event.actor1 in ("Al Shabaab", "Al-Shabaab")  # a named actor beats 'Unidentified'
    assert inc.event.geo_precision == 1 and inc.event.time_precision == 1
    assert inc.event.latitude is not None
    assert set(inc.event.source.split("; ")) == {e.source for e in story}
    assert inc.incident_id == incident_id_for(e.event_id for e in story)
    assert inc.field_sources["fatalities"] in inc.report_ids


def test_reviewer_decisions_override_the_matcher():
    story = [e for e in EVENTS if STORY[e.event_id] == "S11"]
    assert len(dedup(story)) == 1
    ids = sorted(e.event_id for e in story)
    split = dedup(story, [(ids[0], ids[1], "different")])
    assert len(split) == 2
    far = [e for e in EVENTS if STORY[e.event_id] in ("N07a", "N07b")]
    assert len(dedup(far, [(far[0].event_id, far[1].event_id, "same")])) == 1


def test_same_document_never_merges():
    a = EVENTS[0]
    twin = a.model_copy(update={"event_id": a.event_id + "x"})
    assert len(dedup([a, twin])) == 2


def test_interaction_code():
    assert interaction_code(1, 2) == 12
    assert interaction_code(2, 1) == 12
    assert interaction_code(6, 0) == 60
    assert interaction_code(0, 0) == 0
