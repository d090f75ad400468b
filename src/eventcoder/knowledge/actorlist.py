"""Every canonical name of the actor dictionary files (``knowledge/data/actor*``), for code that lists them
rather than resolves them: the review app's autocomplete. The web reads them here, not the data files."""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from .resources import data_path

ACTOR_DATA = data_path("")  # the folder of the shipped data files


@lru_cache(maxsize=1)
def actor_names() -> list[str]:
    """Canonical names of the actor dictionary (knowledge/data/actor*), read once; [] when absent."""
    return load_actor_names(sorted(ACTOR_DATA.glob("actor*")) if ACTOR_DATA.is_dir() else [])


def load_actor_names(paths: list[Path]) -> list[str]:
    """Every ``name`` in the given JSON/JSONL/TSV/CSV actor files; templates such as
    'Military Forces of {country}' are left out (they only name an actor once filled in)."""
    names: set[str] = set()
    for f in paths:
        try:
            names.update(_names_in(f))
        except (OSError, ValueError):
            continue
    return sorted(n for n in names if "{" not in n)


def _collect(node: Any, out: set[str]) -> None:
    if isinstance(node, dict):
        name = node.get("name") or node.get("canonical")
        if isinstance(name, str) and name.strip():
            out.add(name.strip())
        for v in node.values():
            if isinstance(v, (dict, list)):
                _collect(v, out)
    elif isinstance(node, list):
        for v in node:
            _collect(v, out)


def _names_in(f: Path) -> set[str]:
    text = f.read_text(encoding="utf-8")
    out: set[str] = set()
    if f.suffix == ".json":
        _collect(json.loads(text), out)
    elif f.suffix == ".jsonl":
        for line in text.splitlines():
            if line.strip():
                _collect(json.loads(line), out)
    elif f.suffix in (".tsv", ".csv"):
        sep = "\t" if f.suffix == ".tsv" else ","
        lines = [ln for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]
        head = lines[0].split(sep) if lines else []
        col = next((i for i, h in enumerate(head) if h.strip().lower() in ("name", "canonical", "actor")), None)
        for row in lines[1:] if col is not None else lines:
            cells = row.split(sep)
            if len(cells) > (col or 0) and cells[col or 0].strip():
                out.add(cells[col or 0].strip())
    return out
