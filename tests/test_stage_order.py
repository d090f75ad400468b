"""The built-in stages' declarations make the pipeline's order check mean something: a stage that reads the
events comes after one that makes them (test stages of test_pipeline.py; no spaCy)."""
from __future__ import annotations

import pytest

from eventcoder import Pipeline, load_settings
from eventcoder.errors import ConfigError

from test_pipeline import RegexSentences, ShellingSpotter  # noqa: F401 - registers the test stages


def build(*names):
    return Pipeline.from_settings(load_settings(env={}, pipeline=list(names)))


@pytest.mark.parametrize("reader", ["dates", "attribution", "finalize"])
def test_a_stage_that_reads_events_is_refused_before_any_stage_makes_them(reader):
    with pytest.raises(ConfigError, match=r"requires \[.*'record\.events'"):
        build("test_sentences", reader)


def test_a_stage_that_reads_events_is_accepted_after_one_that_makes_them():
    assert build("test_sentences", "test_shelling", "dates", "finalize").stage_names == \
        ["test_sentences", "test_shelling", "dates", "finalize"]
