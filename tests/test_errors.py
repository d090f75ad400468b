"""Error codes: each registered once in errors.CODES with one meaning, and every code the source uses is there."""
from __future__ import annotations

import ast
import re
from pathlib import Path

from eventcoder.errors import CODES

PKG = Path(__file__).resolve().parents[1] / "src" / "eventcoder"
CODE = re.compile(r"^[EW][1-3]\d\d$")
BRACKETED = re.compile(r"\[([EW][1-3]\d\d)\]")


def _strings(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            yield node.value


def codes_used() -> dict[str, set[str]]:
    """Code -> the modules whose string literals use it, as a whole string ("W302") or bracketed ("[E102] ...")."""
    used: dict[str, set[str]] = {}
    for path in PKG.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for s in _strings(tree):
            found = [s] if CODE.match(s) else BRACKETED.findall(s)
            for code in found:
                used.setdefault(code, set()).add(str(path.relative_to(PKG)))
    return used


def test_every_code_used_is_registered():
    unregistered = {c: sorted(m) for c, m in codes_used().items() if c not in CODES}
    assert unregistered == {}, "register these in errors.CODES with their meaning"


def test_every_registered_code_is_used():
    assert sorted(set(CODES) - set(codes_used())) == []


def test_no_code_is_registered_twice_and_no_meaning_has_two_codes():
    tree = ast.parse((PKG / "errors.py").read_text(encoding="utf-8"))
    table = next(n.value for n in ast.walk(tree) if isinstance(n, ast.AnnAssign)
                 and getattr(n.target, "id", "") == "CODES")
    keys = [k.value for k in table.keys]
    assert len(keys) == len(set(keys)), [k for k in keys if keys.count(k) > 1]
    meanings = list(CODES.values())
    assert len(meanings) == len(set(meanings))
    assert all(CODE.match(k) for k in keys)


def test_codes_are_grouped_by_kind():
    # E1xx configuration and usage, E2xx resources and the store, W3xx one document's problems
    assert all(k[0] == "W" for k in CODES if k[1] == "3") and all(k[0] == "E" for k in CODES if k[1] in "12")
