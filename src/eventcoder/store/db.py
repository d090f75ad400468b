"""A thin database handle over SQLite (default) with numbered migrations.

SQL is written once with ``?`` placeholders; a PostgreSQL handle translates them. Every value is bound
as a parameter: no article text is ever pasted into SQL.
"""
from __future__ import annotations

import re
import sqlite3
from contextlib import contextmanager
from datetime import datetime, timezone
from importlib import resources
from pathlib import Path
from typing import Any, Iterator, Sequence

from ..errors import StoreError

MIGRATION_NAME = re.compile(r"^(\d{3})_[a-z0-9_]+\.sql$")


def utcnow() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def migration_files() -> list[tuple[int, str, str]]:
    """(version, name, sql) of every bundled migration, in order."""
    out = []
    for f in resources.files("eventcoder.store").joinpath("migrations").iterdir():
        m = MIGRATION_NAME.match(f.name)
        if m:
            out.append((int(m.group(1)), f.name, f.read_text(encoding="utf-8")))
    return sorted(out)


class Database:
    """SQLite in WAL mode with foreign keys on; one writer transaction at a time."""

    dialect = "sqlite"

    def __init__(self, path: str | Path):
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        try:
            self.conn = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
        except sqlite3.Error as e:
            raise StoreError(f"cannot open the database {self.path}: {e}. Check the path and its permissions") from e
        self.conn.row_factory = sqlite3.Row
        self.conn.execute("PRAGMA foreign_keys = ON")
        self.conn.execute("PRAGMA busy_timeout = 30000")
        if self.path != ":memory:":
            self.conn.execute("PRAGMA journal_mode = WAL")
            # WAL + NORMAL is durable across application crashes; only an OS crash can lose the last commit.
            self.conn.execute("PRAGMA synchronous = NORMAL")
        self._depth = 0

    # --- statements -------------------------------------------------------------------------
    def execute(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Cursor:
        return self.conn.execute(sql, tuple(params))

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        self.conn.executemany(sql, rows)

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        return [dict(r) for r in self.conn.execute(sql, tuple(params)).fetchall()]

    def query_one(self, sql: str, params: Sequence[Any] = ()) -> dict[str, Any] | None:
        row = self.conn.execute(sql, tuple(params)).fetchone()
        return dict(row) if row is not None else None

    def insert_returning_id(self, sql: str, params: Sequence[Any], id_column: str) -> int:
        cur = self.conn.execute(sql, tuple(params))
        return int(cur.lastrowid)

    @contextmanager
    def transaction(self) -> Iterator["Database"]:
        """A write transaction (nested calls join the outer one)."""
        if self._depth == 0:
            self.conn.execute("BEGIN IMMEDIATE")
        self._depth += 1
        try:
            yield self
        except BaseException:
            self._depth -= 1
            if self._depth == 0:
                self.conn.execute("ROLLBACK")
            raise
        else:
            self._depth -= 1
            if self._depth == 0:
                self.conn.execute("COMMIT")

    # --- schema -----------------------------------------------------------------------------
    def table_exists(self, name: str) -> bool:
        return self.query_one("SELECT name FROM sqlite_master WHERE type='table' AND name=?", (name,)) is not None

    def run_script(self, sql: str) -> None:
        # executescript would COMMIT on its own; split so the migration stays in our transaction.
        for statement in split_sql(sql):
            self.conn.execute(statement)

    def migrate(self) -> list[str]:
        """Apply every bundled migration not yet applied, each in its own transaction."""
        if not self.table_exists("schema_migrations"):
            self.execute("CREATE TABLE IF NOT EXISTS schema_migrations "
                         "(version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)")
        done = {r["version"] for r in self.query("SELECT version FROM schema_migrations")}
        applied = []
        for version, name, sql in migration_files():
            if version in done:
                continue
            with self.transaction():
                self.run_script(sql)
                self.execute("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                             (version, name, utcnow()))
            applied.append(name)
        return applied

    def schema_version(self) -> int:
        row = self.query_one("SELECT MAX(version) AS v FROM schema_migrations")
        return int(row["v"] or 0) if row else 0

    def close(self) -> None:
        self.conn.close()


def split_sql(script: str) -> list[str]:
    """Statements of a migration script; a trigger body (BEGIN ... END;) stays whole."""
    statements, buf, in_trigger = [], [], False
    for line in script.splitlines():
        stripped = line.strip()
        if not buf and (not stripped or stripped.startswith("--")):
            continue
        buf.append(line)
        upper = stripped.upper()
        if upper.startswith("CREATE TRIGGER") or upper.startswith("CREATE OR REPLACE FUNCTION"):
            in_trigger = True
        if in_trigger:
            if upper in ("END;", "END IF;") and upper == "END;" or upper.endswith("$$;") or upper.endswith("LANGUAGE PLPGSQL;"):
                statements.append("\n".join(buf))
                buf, in_trigger = [], False
        elif stripped.endswith(";"):
            statements.append("\n".join(buf))
            buf = []
    if buf and "\n".join(buf).strip():
        statements.append("\n".join(buf))
    return statements
