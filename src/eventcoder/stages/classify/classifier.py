"""The classifier: the rule and model layers together, built once, independent of the pipeline (tests, training
and the bench build it directly)."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

from ...config import ClassifySettings
from ...knowledge.clauses import Cue, Lexicon
from ...knowledge.fatalities import FatalityCounter
from ...knowledge.resources import data_path, read_json
from ...knowledge.typemodel import TypeModel
from ...types import ActorMention, Event, Record
from .build import EventBuilder
from .casualties import FollowOn
from .events import EventFinder, Unit
from .reading import Reading
from .roles import RoleReader
from .subtype import TypeChooser, TypePick
from .words import RoleRules

MODEL_FILE = "type_model.json.gz"


class EventClassifier:
    """The rule and model layers together, independent of the pipeline (tests and training use it).

    Args:
        settings: the classify section of the settings.
        lexicon: the trigger lexicon (default: ``data/triggers.json``), shared by classifiers built for folds.
        model: a type model, None for rules only, or "bundled": ``settings.model_path`` or the shipped model.
    """

    def __init__(self, settings: ClassifySettings | None = None, lexicon: Lexicon | None = None,
                 model: TypeModel | None | str = "bundled"):
        self.settings = settings or ClassifySettings()
        self.lexicon = lexicon or Lexicon.load()
        if model == "bundled":
            path = Path(self.settings.model_path) if self.settings.model_path else data_path(MODEL_FILE)
            model = TypeModel.load(path) if path.exists() and self.settings.use_model else None
        self.model: Optional[TypeModel] = model  # type: ignore[assignment]
        countries = read_json("countries.json")
        self.periods = {c["name"]: c.get("period", "") for c in countries["countries"]}
        self.rules = RoleRules()
        self.counter = FatalityCounter()
        self.chooser = TypeChooser(self.lexicon, self.model)
        self.roles = RoleReader(self.rules, self.settings, self.periods)
        builder = EventBuilder(self.settings, self.rules, self.roles)
        self.finder = EventFinder(self.settings, self.lexicon, self.chooser, builder, FollowOn(self.lexicon, self.rules))

    def read(self, record: Record) -> Reading:
        """The record as its events read it (the facts worked out once per record)."""
        return Reading(record, self.lexicon, self.rules, self.counter)

    def classify_text(self, text: str, cues: list[Cue], actors: list[ActorMention] = (),
                      ranked: Optional[list[tuple[str, float]]] = None) -> TypePick:
        """(sub-event type, probability, margin, the cue that supports it) for a clause or a note
        (``TypeChooser.classify_text``)."""
        return self.chooser.classify_text(text, cues, actors, ranked)

    def units(self, record: Record) -> list[Unit]:
        """Each clause of the record with its cues and, when it reports no event, why (the non-event cue)."""
        return self.finder.units(record)

    def note_cues(self, record: Record, units: Optional[list[Unit]] = None) -> list[Cue]:
        """The cues a note is classified on: those of its event clauses, plus a coder's header label."""
        return self.finder.note_cues(record, units)

    def events(self, record: Record) -> list[Event]:
        """The events of one record."""
        return self.finder.events(self.read(record))
