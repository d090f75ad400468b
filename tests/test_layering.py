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
    for path in (PKG / "stages").rglob("*.py"):
        assert offending(path, ("web", "store", "cli", "ray")) == [], path.name


def test_core_modules_do_not_import_shells():
    for name in CORE:
        assert offending(PKG / name, ("web", "cli", "store", "ray")) == [], name


def test_only_batch_imports_ray():
    users = [p.name for p in PKG.rglob("*.py") if p.name != "batch.py" and offending(p, ("ray",))]
    assert users == []


def _stage_of(path: Path) -> str:
    """The stage a module under stages/ belongs to: its own name, or its package's (stages/geocode/*.py)."""
    rel = path.relative_to(PKG / "stages")
    return rel.parts[0].removesuffix(".py")


def _resolved(path: Path, name: str) -> str:
    """An import as an absolute dotted name ('..knowledge.roles' from stages/x.py -> 'eventcoder.knowledge.roles')."""
    if not name.startswith("."):
        return name
    level = len(name) - len(name.lstrip("."))
    package = list(path.relative_to(PKG.parent).with_suffix("").parts[:-1])
    base = package[: len(package) - (level - 1)]
    return ".".join(base + ([name.lstrip(".")] if name.lstrip(".") else []))


def test_no_stage_imports_another():
    # what several stages need lives in eventcoder.knowledge (or another module no stage owns)
    bad = []
    for path in (PKG / "stages").rglob("*.py"):
        own = _stage_of(path)
        for name in imported_modules(path):
            parts = _resolved(path, name).split(".")
            if parts[:2] == ["eventcoder", "stages"] and len(parts) > 2 and parts[2] != own:
                bad.append(f"{path.relative_to(PKG)} imports {'.'.join(parts)}")
    assert bad == []


def test_shared_knowledge_imports_no_stage():
    bad = [f"{p.relative_to(PKG)} imports {n}" for p in (PKG / "knowledge").rglob("*.py")
           for n in imported_modules(p) if _resolved(p, n).startswith("eventcoder.stages")]
    assert bad == []
