"""The pipeline: stages in order over batches of records. No I/O."""
from __future__ import annotations

from importlib import import_module
from typing import Iterable, Iterator

from .config import Settings, load_settings
from .errors import ConfigError
from .registry import get_stage
from .types import Article, Record


class Pipeline:
    """Stages built once from settings, then called on batches of records."""

    def __init__(self, stages: list[tuple[str, object]], settings: Settings):
        self.stages = stages
        self.settings = settings

    @classmethod
    def from_settings(cls, settings: Settings | None = None, provided: tuple[str, ...] = ()) -> "Pipeline":
        """Build each stage of ``settings.pipeline`` once, checking that what a stage requires an earlier one
        assigns (or the caller ``provided``: a spaCy component hands in the sentences of its Doc)."""
        settings = settings or load_settings()
        for module in settings.plugins:
            try:
                import_module(module)
            except ImportError as e:
                raise ConfigError(f"plugin module {module!r} cannot be imported ({e}). "
                                  "Install it or fix `plugins` in the settings") from e
        built: list[tuple[str, object]] = []
        assigned: set[str] = set(provided)
        for name in settings.pipeline:
            info = get_stage(name)
            missing = [r for r in info.requires if r not in assigned]
            if missing:
                raise ConfigError(
                    f"stage {name!r} requires {missing} which no earlier stage assigns. "
                    f"Reorder `pipeline` in the settings (now {settings.pipeline})")
            section = getattr(settings, name, None)
            built.append((name, info.cls(section) if section is not None else info.cls()))
            assigned.update(info.assigns)
        return cls(built, settings)

    @property
    def stage_names(self) -> list[str]:
        return [n for n, _ in self.stages]

    def __call__(self, records: list[Record]) -> list[Record]:
        """Run every stage over the batch. A stage that fails on the batch is rerun record by record,
        so one bad document records a problem and the others go on."""
        failed: set[int] = set()
        for name, st in self.stages:
            live = [r for i, r in enumerate(records) if i not in failed]
            if not live:
                break
            try:
                st(live)
            except Exception:
                for i, r in enumerate(records):
                    if i in failed:
                        continue
                    try:
                        st([r])
                    except Exception as e:  # noqa: BLE001 - a per-document failure is data, not a crash
                        failed.add(i)
                        r.events = []
                        r.problem("W390", name, f"stage failed: {type(e).__name__}: {e}. "
                                  f"Please report it with this document", severity="error")
        return records

    def process(self, articles: Iterable[Article], batch_size: int = 32) -> Iterator[Record]:
        """Records for articles, batch by batch, in input order."""
        batch: list[Record] = []
        for a in articles:
            batch.append(Record(article=a))
            if len(batch) >= batch_size:
                yield from self(batch)
                batch = []
        if batch:
            yield from self(batch)


def load_pipeline(settings: Settings | None = None, **overrides) -> Pipeline:
    """Build the default pipeline (loads the spaCy model and the gazetteer once)."""
    if overrides:
        settings = load_settings(**overrides)
    return Pipeline.from_settings(settings)
