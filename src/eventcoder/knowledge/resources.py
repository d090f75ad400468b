"""The one way to read the lexicons and rule files shipped in ``eventcoder/knowledge/data``.

Stages read their word lists here, in their ``__init__``, never at import time: a stage that is not used
costs nothing, and a missing or broken file is a ResourceError naming the file and the fix.
"""
from __future__ import annotations

import csv
import json
from importlib import resources
from pathlib import Path
from typing import Iterator, Union

from ..errors import ResourceError

PathLike = Union[str, Path]


def data_path(name: str) -> Path:
    """The path of a shipped data file, ``name`` relative to ``eventcoder/knowledge/data``."""
    return Path(str(resources.files("eventcoder.knowledge") / "data" / name))


def _open(name_or_path: PathLike):
    path = Path(name_or_path) if isinstance(name_or_path, Path) or "/" in str(name_or_path) else data_path(name_or_path)
    try:
        return open(path, encoding="utf-8")
    except OSError as exc:
        raise ResourceError(f"data file {path} cannot be read ({exc.strerror or exc}); reinstall eventcoder "
                            f"(pip install -e .) or point the setting at an existing file") from exc


def read_json(name_or_path: PathLike):
    """A shipped JSON file (by name) or any JSON file (by path), parsed."""
    with _open(name_or_path) as f:
        return json.load(f)


def content_lines(name_or_path: PathLike) -> Iterator[str]:
    """The lines of a text file that hold something: blank lines and ``#`` comments left out, each stripped
    of its line end (the layout of every .txt and .tsv lexicon)."""
    with _open(name_or_path) as f:
        for line in f:
            if line.strip() and not line.startswith("#"):
                yield line.rstrip("\n")


def read_lines(name_or_path: PathLike) -> list[str]:
    """The entries of a one-per-line word list, stripped."""
    return [line.strip() for line in content_lines(name_or_path)]


def read_tsv(name_or_path: PathLike) -> list[list[str]]:
    """The rows of a tab-separated lexicon, comments and blank lines left out."""
    return list(csv.reader(content_lines(name_or_path), delimiter="\t"))


def check() -> tuple[bool, str]:
    """The probe ``eventcoder check`` runs: every shipped lexicon and rule file is there and parses."""
    folder = data_path("")
    names = sorted(p.name for p in folder.iterdir() if p.suffix in (".json", ".txt", ".tsv"))
    for name in names:
        try:
            read_json(name) if name.endswith(".json") else read_lines(name)
        except (ResourceError, ValueError) as e:
            return False, f"{name}: {e}. Restore it from the repository (pip install -e .)"
    return True, f"{len(names)} files in {folder}"
