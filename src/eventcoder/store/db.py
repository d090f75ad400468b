"""A thin database handle over SQLite (the embedded default) or PostgreSQL, with numbered migrations.

SQL is written once, in the common subset of both dialects, with ``?`` placeholders; the PostgreSQL handle
rewrites placeholders and the few DDL words that differ (``AUTOINCREMENT`` keys, ``REAL``). Every value is
bound as a parameter: no article text is ever pasted into SQL.
"""
from __future__ import annotations

import re
import sqlite3
import threading
import time
from contextlib import contextmanager
from datetime import datetime, timezone
from importlib import resources
from pathlib import Path
from typing import Any, Iterator, Sequence

from ..errors import StoreError

MIGRATION_NAME = re.compile(r"^(\d{3})_[a-z0-9_]+\.sql$")
SQLITE_MAGIC = b"SQLite format 3\x00"
BUSY_TIMEOUT_S = 30  # how long a statement waits for another process's write transaction
# Any 64-bit number, the same in every eventcoder: PostgreSQL's advisory lock on migrating a schema.
PG_MIGRATION_LOCK = 0x6576_7463_6D69_6772


def refuse_foreign_file(target: str | Path) -> None:
    """Raise StoreError when ``target`` is an existing non-empty file that is not an SQLite database.

    SQLite takes any file shorter than one page (4 KB) for an empty database and overwrites it, so
    ``--db notes.txt`` would otherwise destroy the notes.
    """
    path = Path(str(target))
    if "://" in str(target) or str(target) == ":memory:" or not path.is_file() or path.stat().st_size == 0:
        return
    with open(path, "rb") as fh:
        head = fh.read(len(SQLITE_MAGIC))
    if head != SQLITE_MAGIC:
        raise StoreError(f"{path} is not an eventcoder database (it holds other data); refusing to write into it. "
                         "Give --db a new file name or an existing database", code="E211")
POSTGRES_PREFIXES = ("postgresql://", "postgres://")


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
        self._target = None if self.path == ":memory:" else str(Path(self.path).resolve())
        refuse_foreign_file(self.path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        try:
            self.conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None,
                                        check_same_thread=False)
        except sqlite3.Error as e:
            raise StoreError(f"cannot open the database {self.path}: {e}. Check the path and its permissions") from e
        self.conn.row_factory = sqlite3.Row
        self.conn.execute("PRAGMA foreign_keys = ON")
        self.conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_S * 1000}")
        if self.path != ":memory:":
            self._use_wal()
            # WAL + NORMAL is durable across application crashes; only an OS crash can lose the last commit.
            self.conn.execute("PRAGMA synchronous = NORMAL")
            # SQLite's default page cache is 2 MB; a million-event database has ~600 MB of rows and
            # indexes. 64 MB of cache and memory-mapped reads keep filtered pages hot (bench/bench_api.py).
            self.conn.execute("PRAGMA cache_size = -65536")
            self.conn.execute("PRAGMA mmap_size = 268435456")
        self._depth = 0
        # One connection serves the web app's worker threads: a writer's transaction must not interleave.
        self._lock = threading.RLock()

    def _use_wal(self) -> None:
        """Switch the file to WAL mode (once per file; SQLite keeps it). The switch answers "database is
        locked" at once, without waiting, while another process creates the same fresh file, so it is tried
        again for as long as the busy timeout."""
        deadline = time.monotonic() + BUSY_TIMEOUT_S
        while True:
            try:
                self.conn.execute("PRAGMA journal_mode = WAL")
                return
            except sqlite3.OperationalError as e:
                if "locked" not in str(e):
                    raise
                if time.monotonic() > deadline:
                    raise StoreError(f"the database {self.path} stayed locked by another process for "
                                     f"{BUSY_TIMEOUT_S} s. Wait for it to finish (or stop it) and try again",
                                     code="E213") from e
                time.sleep(0.01)

    # --- statements -------------------------------------------------------------------------
    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        return self.conn.execute(sql, tuple(params))

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        self.conn.executemany(sql, rows)

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        with self._lock:
            return [dict(r) for r in self.execute(sql, params).fetchall()]

    def query_one(self, sql: str, params: Sequence[Any] = ()) -> dict[str, Any] | None:
        with self._lock:
            row = self.execute(sql, params).fetchone()
        return dict(row) if row is not None else None

    def _begin(self) -> None:
        self.conn.execute("BEGIN IMMEDIATE")

    @contextmanager
    def transaction(self) -> Iterator["Database"]:
        """A write transaction (nested calls join the outer one)."""
        with self._lock:
            if self._depth == 0:
                self._begin()
            self._depth += 1
            try:
                yield self
            except BaseException:
                self._depth -= 1
                if self._depth == 0:
                    self.execute("ROLLBACK")
                raise
            else:
                self._depth -= 1
                if self._depth == 0:
                    self.execute("COMMIT")

    # --- schema -----------------------------------------------------------------------------
    def table_exists(self, name: str) -> bool:
        return self.query_one("SELECT name FROM sqlite_master WHERE type='table' AND name=?", (name,)) is not None

    def columns(self, table: str) -> list[str]:
        return [r["name"] for r in self.query(f"PRAGMA table_info({table})")]

    def translate_ddl(self, sql: str) -> str:
        return sql

    def run_script(self, sql: str) -> None:
        # executescript would COMMIT on its own; split so the migration stays in our transaction.
        for statement in split_sql(self.translate_ddl(sql)):
            self.execute(statement)

    def _lock_schema(self) -> None:
        """Hold the schema against every other process until the transaction ends. SQLite's BEGIN IMMEDIATE
        has taken the write lock already."""

    def _pending(self, bundled: list[tuple[int, str, str]]) -> list[tuple[int, str, str]]:
        """The bundled migrations not yet applied; refuses a database written by a newer eventcoder."""
        if not self.table_exists("schema_migrations"):
            return bundled
        done = {r["version"] for r in self.query("SELECT version FROM schema_migrations")}
        unknown = done - {v for v, _, _ in bundled}
        if unknown:
            raise StoreError(f"the database {self.path} has schema version {max(unknown)}, newer than this "
                             f"eventcoder knows ({max(v for v, _, _ in bundled)}). Upgrade eventcoder: "
                             "pip install -U eventcoder", code="E212")
        return [m for m in bundled if m[0] not in done]

    def migrate(self) -> list[str]:
        """Apply every bundled migration not yet applied, in one transaction that holds the schema.

        Opening a database written by an older eventcoder upgrades it in place; one written by a newer
        eventcoder (a migration we do not know) is refused rather than misread. What is pending is read
        again under the lock: two processes opening a fresh database at once would otherwise both find it
        empty and the second fail with "table documents already exists" (37 to 78 of 100 double opens of a
        SQLite file did, and 100 of 100 of a PostgreSQL schema; none now, tests/store/test_migrate_lock.py).
        """
        bundled = migration_files()
        with self._lock:
            if not self._pending(bundled):  # up to date: every later open reads, and takes no lock
                return []
            applied = []
            with self.transaction():
                self._lock_schema()
                self.execute("CREATE TABLE IF NOT EXISTS schema_migrations "
                             "(version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)")
                for version, name, sql in self._pending(bundled):
                    self.run_script(sql)
                    self.execute("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                                 (version, name, utcnow()))
                    applied.append(name)
            return applied

    def reopen_target(self) -> str | None:
        """What ``connect`` takes to open this database again from another process (None: in memory)."""
        return self._target

    def schema_version(self) -> int:
        row = self.query_one("SELECT MAX(version) AS v FROM schema_migrations")
        return int(row["v"] or 0) if row else 0

    def close(self) -> None:
        if self.path != ":memory:":
            try:
                # Refreshes the planner's statistics where they are stale (cheap; SQLite's advice on close).
                self.conn.execute("PRAGMA optimize")
            except sqlite3.Error:
                pass
        self.conn.close()


class PostgresDatabase(Database):
    """PostgreSQL through psycopg 3, behind the same interface and the same SQL as SQLite."""

    dialect = "postgresql"

    def __init__(self, url: str):
        try:
            import psycopg
            from psycopg.rows import dict_row
        except ImportError as e:  # pragma: no cover - psycopg is a dev/postgres extra
            raise StoreError("PostgreSQL needs psycopg. Install it: pip install 'eventcoder[postgres]'") from e
        self.path = re.sub(r"://[^@/]*@", "://***@", url)  # never echo a password in messages
        self._target = url  # for another process to connect (never shown: it may hold a password)
        try:
            self.conn = psycopg.connect(url, autocommit=True, row_factory=dict_row)
        except psycopg.Error as e:
            raise StoreError(f"cannot connect to PostgreSQL at {self.path}: {e}. Check that the server runs "
                             "and the URL (postgresql://user@host/dbname or ?host=/socket/dir)") from e
        self._depth = 0
        self._lock = threading.RLock()

    @staticmethod
    def translate(sql: str) -> str:
        """``?`` placeholders to ``%s`` (and a literal ``%`` doubled, as psycopg wants)."""
        return sql.replace("%", "%%").replace("?", "%s")

    def translate_ddl(self, sql: str) -> str:
        sql = re.sub(r"INTEGER PRIMARY KEY AUTOINCREMENT", "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY",
                     sql, flags=re.I)
        # SQLite's INSTR(text, part) is PostgreSQL's STRPOS(text, part) (the acled views' tags column).
        sql = re.sub(r"\bINSTR\(", "STRPOS(", sql)
        # SQLite's REAL is 8 bytes; PostgreSQL's is 4 (7 digits would cost coordinates ~1 m).
        return re.sub(r"\bREAL\b", "DOUBLE PRECISION", sql)

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        with self._lock:
            return self.conn.execute(self.translate(sql), tuple(params))

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        with self._lock, self.conn.cursor() as cur:
            cur.executemany(self.translate(sql), rows)

    def _begin(self) -> None:
        self.execute("BEGIN")

    def _lock_schema(self) -> None:
        # released by COMMIT or ROLLBACK; a second migrator waits here, then finds nothing pending
        self.execute("SELECT pg_advisory_xact_lock(?)", (PG_MIGRATION_LOCK,))

    def close(self) -> None:
        self.conn.close()

    def run_script(self, sql: str) -> None:
        for statement in split_sql(self.translate_ddl(sql)):
            # DDL is ours, never user text; without parameters psycopg sends it as written.
            self.conn.execute(statement)

    def table_exists(self, name: str) -> bool:
        return self.query_one("SELECT table_name FROM information_schema.tables WHERE table_schema = "
                              "current_schema() AND table_name = ?", (name,)) is not None

    def columns(self, table: str) -> list[str]:
        return [r["column_name"] for r in self.query(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() "
            "AND table_name = ? ORDER BY ordinal_position", (table,))]


def chunks(items: list[str], n: int) -> Iterator[list[str]]:
    """``items`` in lists of ``n``: the ids of one ``IN (...)`` each, under the databases' parameter limits."""
    for i in range(0, len(items), n):
        yield list(items[i:i + n])


def connect(target: str | Path) -> Database:
    """A SQLite file for a path, PostgreSQL for a ``postgresql://`` URL."""
    if isinstance(target, str) and target.startswith(POSTGRES_PREFIXES):
        return PostgresDatabase(target)
    return Database(target)


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
            if upper == "END;" or upper.endswith("$$;") or upper.endswith("LANGUAGE PLPGSQL;"):
                statements.append("\n".join(buf))
                buf, in_trigger = [], False
        elif stripped.endswith(";"):
            statements.append("\n".join(buf))
            buf = []
    if buf and "\n".join(buf).strip():
        statements.append("\n".join(buf))
    return statements
