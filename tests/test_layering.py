"""Imports point inward: stages never import the shells, the store or ray; the core never imports web/cli;
only the store speaks SQL, and the web reads neither stages nor data files."""
from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Iterator

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


# SQL as this code base writes it (upper-case keywords): a statement in a string literal or an f-string.
SQL_STATEMENT = re.compile(r"\b(SELECT\b[\s\S]*\bFROM|INSERT\s+(OR\s+\w+\s+)?INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|"
                           r"CREATE\s+(TABLE|INDEX|VIEW|TRIGGER|VIRTUAL)|DROP\s+(TABLE|INDEX)|ALTER\s+TABLE|PRAGMA\s+\w+)\b")
DATABASE_CALLS = {"execute", "executemany", "executescript", "query", "query_one"}
# The gazetteer keeps its own index of GeoNames in SQLite, built, imported into and read by the gazetteer package
# alone: it is not the event store, and stages use it, which must not import the store.
OWN_DATABASE = {"gazetteer"}


def _literal_text(node: ast.AST) -> str | None:
    """The text of a string literal, or of an f-string with ``{}`` for each value."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)
    return None


def _docstrings(tree: ast.AST) -> set[int]:
    return {id(n.body[0].value) for n in ast.walk(tree)
            if isinstance(n, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and n.body
            and isinstance(n.body[0], ast.Expr) and isinstance(n.body[0].value, ast.Constant)}


def _imports(path: Path) -> Iterator[str]:
    """Every import of a module as an absolute dotted name, with the names a ``from`` import takes
    (``from .. import gazetteer`` in web/x.py -> eventcoder, eventcoder.gazetteer)."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            module = _resolved(path, "." * node.level + (node.module or ""))
            yield module
            yield from (f"{module}.{a.name}" for a in node.names)


def test_only_the_store_speaks_sql():
    """No module outside store/ writes SQL, runs a statement, or reaches a store's database handle."""
    bad = []
    for path in sorted(PKG.rglob("*.py")):
        rel = path.relative_to(PKG)
        if rel.parts[0] == "store" or rel.parts[0] in OWN_DATABASE:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            text = _literal_text(node)
            if text is not None and SQL_STATEMENT.search(text):
                bad.append(f"{rel}:{node.lineno} SQL {text[:50]!r}")
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in DATABASE_CALLS:
                bad.append(f"{rel}:{node.lineno} calls .{node.func.attr}(")
            if isinstance(node, ast.Attribute) and node.attr == "db":
                bad.append(f"{rel}:{node.lineno} reaches .db")
    assert bad == []


def test_web_and_exports_use_the_store_interface():
    """The web and the exports import the store's interface (open_store, base.py, users' names), never the
    modules that hold its SQL."""
    users = list((PKG / "web").rglob("*.py")) + [PKG / "export.py", PKG / "records.py"]
    bad = [f"{p.relative_to(PKG)} imports {n}" for p in users for n in _imports(p)
           if n.split(".")[:3] in (["eventcoder", "store", m] for m in ("sql", "rows", "db", "review"))]
    assert bad == []


def test_web_imports_no_stage_and_opens_no_data_file():
    """What the web needs of stages' data (actor names) it gets from a public function of a module no stage
    owns (knowledge/actorlist.py), never by importing a stage or building a path to a data folder."""
    bad = []
    for path in sorted((PKG / "web").rglob("*.py")):
        rel = path.relative_to(PKG)
        bad += [f"{rel} imports {n}" for n in _imports(path)
                if n.startswith("eventcoder.stages") or n.startswith("eventcoder.knowledge.resources")]
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docs = _docstrings(tree)
        for node in ast.walk(tree):
            text = _literal_text(node)
            if text is not None and id(node) not in docs and re.search(r"\b(stages|knowledge)\b", text):
                bad.append(f"{rel}:{node.lineno} names {text[:50]!r}")
    assert bad == []
