"""eventcoder.evaluate: the project scorer's matching, per-field accuracy and the confusion table."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from eventcoder.errors import InputError
from eventcoder.evaluate import actor_match, evaluate, format_report, score

SHARED_SCORER = Path(__file__).resolve().parents[2] / "shared" / "tools" / "score_events.py"

GOLD = [
    {"id": "a", "event_type": "Battles", "sub_event_type": "Armed clash", "actor1": "Taliban",
     "event_date": "2020-03-01", "latitude": 34.5, "longitude": 69.2, "fatalities": 3},
    {"id": "b", "event_type": "Protests", "sub_event_type": "Peaceful protest", "actor1": "Protesters (Kenya)",
     "event_date": "2020-03-02", "latitude": -1.28, "longitude": 36.82, "fatalities": 0},
    {"id": "c", "event_type": "Riots", "sub_event_type": "Mob violence", "actor1": "Rioters (India)",
     "event_date": "2020-03-03", "latitude": 27.0, "longitude": 78.0, "fatalities": 1},
]
PRED = [
    # two events for "a": the second matches more fields and is the one scored
    {"doc_id": "a", "event_type": "Explosions/Remote violence", "sub_event_type": "Air/drone strike",
     "actor1": "Military Forces of Afghanistan (2014-)", "fatalities": 0},
    {"doc_id": "a", "event_type": "Battles", "sub_event_type": "Armed clash", "actor1": "Taliban",
     "event_date": "2020-03-01", "latitude": 34.6, "longitude": 69.2, "fatalities": 3},
    {"doc_id": "b", "event_type": "Riots", "sub_event_type": "Violent demonstration",
     "actor1": "Protesters (Uganda)", "event_date": "2020-03-02", "fatalities": 0},
    # nothing for "c": zero on every field
]


def write(path: Path, rows) -> Path:
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def files(tmp_path):
    return write(tmp_path / "gold.jsonl", GOLD), write(tmp_path / "pred.jsonl", PRED)


@pytest.mark.parametrize("gold,pred,ok", [
    ("Taliban", "Taliban", True),
    ("Military Forces of Russia (2000-)", "Military Forces of Russia", True),
    ("Military Forces of Afghanistan (2014-)", "Police Forces of Afghanistan (2014-)", True),
    ("Protesters (Kenya)", "Protesters (Uganda)", True),  # brackets are ignored: "protesters" is shared
    ("Civilians (Yemen)", "Civilians (Yemen)", True),
    ("Civilians (Yemen)", "Civilians (Syria)", False),  # all generic: the whole name must agree
    ("Unidentified Armed Group (Syria)", "Unidentified Armed Group (Iraq)", False),
    ("Al Shabaab", "Taliban", False),
    ("", "", True),
])
def test_actor_match(gold, pred, ok):
    assert actor_match(gold, pred) is ok


def test_per_field_accuracy_takes_the_best_event_per_document(files):
    report = evaluate(*files)
    assert report["documents"] == 3
    assert report["detected"] == pytest.approx(2 / 3)
    assert report["event_type"] == pytest.approx(1 / 3)
    assert report["sub_event_type"] == pytest.approx(1 / 3)
    assert report["actor1"] == pytest.approx(2 / 3)
    assert report["fatalities"] == pytest.approx(2 / 3)
    assert report["location@25km"] == pytest.approx(1 / 3)
    assert report["event_date"] == pytest.approx(2 / 3)
    assert report["events_per_document"] == pytest.approx(1.0)


def test_confusion_table(files):
    report = evaluate(*files)
    assert report["confusion"]["Battles"] == {"Battles": 1}
    assert report["confusion"]["Protests"] == {"Riots": 1}
    assert report["confusion"]["Riots"] == {"(none)": 1}
    assert report["sub_event_confusion"]["Peaceful protest"] == {"Violent demonstration": 1}
    text = format_report(report)
    assert "recall" in text and "Protests" in text and "event_type" in text


def test_bad_line_names_file_and_line(tmp_path):
    bad = tmp_path / "pred.jsonl"
    bad.write_text('{"doc_id": "a"}\nnot json\n', encoding="utf-8")
    with pytest.raises(InputError, match="pred.jsonl:2"):
        evaluate(write(tmp_path / "gold.jsonl", GOLD), bad)


def test_empty_prediction_scores_zero():
    report = score(GOLD, [])
    assert report["detected"] == 0 and report["event_type"] == 0


def test_same_figures_as_the_project_scorer(files):
    if not SHARED_SCORER.exists():
        pytest.skip("../shared/tools/score_events.py not present")
    out = subprocess.run([sys.executable, str(SHARED_SCORER), str(files[0]), str(files[1]), "--json"],
                         capture_output=True, text=True, check=True)
    theirs = json.loads(out.stdout)
    ours = evaluate(*files)
    for key in ("detected", "event_type", "sub_event_type", "location@25km", "location@161km",
                "event_date", "actor1", "fatalities", "events_per_document"):
        assert ours[key] == pytest.approx(theirs[key]), key
