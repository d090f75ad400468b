"""Each stage's ``requires``/``assigns`` name everything it reads and writes of a record.

The real stages run in the default order on small articles of our own; each sees its records through a
recorder that logs every record field and annotation key the stage touches. A read must be declared in
``requires`` (or be of something the stage assigns itself); a write must be declared in ``assigns``. So the
pipeline's order check ("geocode requires record.events, which no earlier stage assigns") means something.
"""
from __future__ import annotations

from collections.abc import MutableMapping
from datetime import date

import pytest

from eventcoder.config import load_settings
from eventcoder.registry import get_stage
from eventcoder.types import Article, Record

pytestmark = pytest.mark.slow

# Always open to every stage: the article itself (and what derives from it) and the problem list.
FREE = {"record.article", "record.text", "record.doc_id", "record.problems", "record.problem"}
# Record methods and the fields they read.
METHOD_READS = {"sentence_of": "record.sentences"}
FIELDS = set(Record.model_fields) | {"text", "doc_id"}

ARTICLES = [
    Article(doc_id="decl-1", published=date(2015, 10, 13), title="Shelling in Aleppo",
            text="Regime helicopters dropped barrel bombs on the al-Shaar district of Aleppo last Thursday, "
                 "killing two civilians, the Syria Civil Defence said. Rebels clashed with the Islamic State "
                 "near Marea on Sunday."),
    Article(doc_id="decl-2", published=date(2019, 5, 2), source="Daily Nation (Kenya)",
            text="Q: What happened in Garissa?\n\nA: Police arrested 12 protesters in Garissa on Monday, a "
                 "witness told Reuters. Hundreds of traders protested peacefully in Nairobi."),
]


class Log:
    def __init__(self) -> None:
        self.reads: set[str] = set()
        self.writes: set[str] = set()


class RecordingAnnotations(MutableMapping):
    """The record's annotations, logging each key read or written as "annotations.KEY"."""

    def __init__(self, data: dict, log: Log):
        self._data, self._log = data, log

    def __getitem__(self, key):
        self._log.reads.add(f"annotations.{key}")
        return self._data[key]

    def __contains__(self, key):
        self._log.reads.add(f"annotations.{key}")
        return key in self._data

    def __setitem__(self, key, value):
        self._log.writes.add(f"annotations.{key}")
        self._data[key] = value

    def __delitem__(self, key):
        self._log.writes.add(f"annotations.{key}")
        del self._data[key]

    def __iter__(self):
        self._log.reads.add("annotations.*")
        return iter(self._data)

    def __len__(self):
        self._log.reads.add("annotations.*")
        return len(self._data)


class RecordingRecord:
    """A record as one stage sees it: reads and writes of its fields are logged, then passed through."""

    def __init__(self, record: Record, log: Log):
        object.__setattr__(self, "_record", record)
        object.__setattr__(self, "_log", log)

    def __getattr__(self, name):
        log: Log = object.__getattribute__(self, "_log")
        record: Record = object.__getattribute__(self, "_record")
        if name in FIELDS and name != "annotations":  # the mapping itself is no read: its keys are
            log.reads.add(f"record.{name}")
        if name in METHOD_READS:
            log.reads.add(METHOD_READS[name])
        if name == "annotations":
            return RecordingAnnotations(record.annotations, log)
        return getattr(record, name)

    def __setattr__(self, name, value):
        object.__getattribute__(self, "_log").writes.add(f"record.{name}")
        setattr(object.__getattribute__(self, "_record"), name, value)


@pytest.fixture(scope="module")
def touched() -> list[tuple[str, Log]]:
    settings = load_settings()
    records = [Record(article=a) for a in ARTICLES]
    seen = []
    for name in settings.pipeline:
        info = get_stage(name)
        section = getattr(settings, name, None)
        built = info.cls(section) if section is not None else info.cls()
        log = Log()
        built([RecordingRecord(r, log) for r in records])
        seen.append((name, log))
    assert any(r.events for r in records), "the articles must give events, or the later stages read nothing"
    return seen


def _declared(name: str) -> tuple[set[str], set[str]]:
    """What the stage may read (required or optional) and what it may write."""
    info = get_stage(name)
    return set(info.requires) | set(info.optional), set(info.assigns)


def test_every_read_is_declared(touched):
    undeclared = {}
    for name, log in touched:
        requires, assigns = _declared(name)
        extra = {r for r in log.reads - FREE - requires - assigns if r != "annotations.*"}
        if extra:
            undeclared[name] = sorted(extra)
    assert undeclared == {}


def test_every_write_is_declared(touched):
    undeclared = {}
    for name, log in touched:
        _, assigns = _declared(name)
        extra = log.writes - FREE - assigns
        if extra:
            undeclared[name] = sorted(extra)
    assert undeclared == {}


def test_the_order_check_refuses_a_stage_before_what_it_reads():
    from eventcoder.errors import ConfigError
    from eventcoder.pipeline import Pipeline

    settings = load_settings()
    order = list(settings.pipeline)
    order.remove("geocode")
    order.insert(order.index("classify"), "geocode")  # geocode reads the events classify makes
    with pytest.raises(ConfigError, match="geocode"):
        Pipeline.from_settings(settings.model_copy(update={"pipeline": order}))
