"""Imports point inward: stages never import the shells, the store or ray; the core never imports web/cli."""
from __future__ import annotations

import ast
from pathlib import Path

PKG = Path(__file__).resolve().parents[1] / "src" / "eventcoder"
CORE = ["types.py", "vocab.py", "errors.py", "config.py", "registry.py", "pipeline.py", "ingest.py", "datetext.py"]


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            mod = node.module or ""
            names.add(("." * node.level) + mod)
    return names


def offending(path: Path, forbidden: tuple[str, ...]) -> list[str]:
    bad = []
    for name in imported_modules(path):
        bare = name.lstrip(".")
        parts = bare.split(".")
        if parts[0] in ("ray",) and "ray" in forbidden:
            bad.append(name)
        for f in forbidden:
            if f != "ray" and (f in parts and (name.startswith(".") or parts[0] == "eventcoder")):
                bad.append(name)
    return bad


def test_stages_do_not_import_shells_store_or_ray():
    for path in (PKG / "stages").glob("*.py"):
        assert offending(path, ("web", "store", "cli", "ray")) == [], path.name


def test_core_modules_do_not_import_shells():
    for name in CORE:
        assert offending(PKG / name, ("web", "cli", "store", "ray")) == [], name


def test_only_batch_imports_ray():
    users = [p.name for p in PKG.rglob("*.py") if p.name != "batch.py" and offending(p, ("ray",))]
    assert users == []
