"""Stage registry: ``@stage(name, requires, assigns, optional)`` on a class with ``__init__(settings)`` and
``__call__(records) -> records``. Third-party stages register through the ``eventcoder.stages`` entry point.

``requires`` names what an earlier stage must assign (the pipeline refuses an order without it), ``optional``
what the stage reads only when an earlier stage assigned it, ``assigns`` what it writes: "record.events",
"annotations.country", "event.place".
"""
from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module
from importlib.metadata import entry_points
from typing import Callable

from .errors import ConfigError

# stage name -> module that registers it, imported on first use so `import eventcoder` stays light.
BUILTIN_STAGES = {
    "nlp": "eventcoder.stages.nlp",
    "actors": "eventcoder.stages.actors",
    "classify": "eventcoder.stages.classify",
    "geocode": "eventcoder.stages.geocode",
    "dates": "eventcoder.stages.dates",
    "attribution": "eventcoder.stages.attribution",
    "finalize": "eventcoder.stages.finalize",
}


@dataclass(frozen=True)
class StageInfo:
    name: str
    cls: type
    requires: tuple[str, ...]
    assigns: tuple[str, ...]
    optional: tuple[str, ...] = ()


_REGISTRY: dict[str, StageInfo] = {}


def stage(name: str, requires: tuple[str, ...] = (), assigns: tuple[str, ...] = (),
          optional: tuple[str, ...] = ()) -> Callable[[type], type]:
    """Register a stage class under ``name``."""

    def register(cls: type) -> type:
        _REGISTRY[name] = StageInfo(name, cls, tuple(requires), tuple(assigns), tuple(optional))
        cls.stage_name = name
        return cls

    return register


def get_stage(name: str) -> StageInfo:
    if name not in _REGISTRY and name in BUILTIN_STAGES:
        import_module(BUILTIN_STAGES[name])
    if name not in _REGISTRY:
        for ep in entry_points(group="eventcoder.stages"):
            if ep.name == name:
                ep.load()
    if name not in _REGISTRY:
        known = sorted(set(BUILTIN_STAGES) | set(_REGISTRY))
        raise ConfigError(f"unknown stage {name!r}. Known stages: {', '.join(known)}")
    return _REGISTRY[name]
