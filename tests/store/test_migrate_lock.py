"""Two processes opening one fresh database at once: both get the full schema, neither fails.

Before migrations ran under the lock, 37 of 100 such double opens of a SQLite file failed ("table documents
already exists", "database is locked") and 100 of 100 of a PostgreSQL schema; 100 take 14 s (SQLite) and 23 s
(PostgreSQL) here, so the suite runs a bounded number.
"""
from __future__ import annotations

import multiprocessing
import traceback

import pytest

from eventcoder.store import open_store
from eventcoder.store.db import connect, migration_files

from .conftest import pg_url

DOUBLE_OPENS = 20


def _open_each(targets: list[str], barrier, results) -> None:
    """Open (and migrate) every target, in step with the other process: both open each one at once. Puts
    the list of failures, as text, once at the end."""
    failures = []
    for target in targets:
        barrier.wait(timeout=60)
        try:
            open_store(target).close()
        except Exception:  # noqa: BLE001 - reported to the test, which names it
            failures.append(f"{target}: {traceback.format_exc(limit=2)}")
    results.put(failures)


def double_open(targets: list[str]) -> list[str]:
    """Open each target from two processes at the same moment; the failures, as text."""
    context = multiprocessing.get_context("spawn")  # no copy of the test process's threads and connections
    barrier, results = context.Barrier(2), context.Queue()
    procs = [context.Process(target=_open_each, args=(targets, barrier, results)) for _ in range(2)]
    for p in procs:
        p.start()
    try:
        # read before joining: a process exits only once what it put on the queue has been read
        found = [failure for _ in procs for failure in results.get(timeout=600)]
    finally:
        for p in procs:
            p.join(timeout=60)
            if p.is_alive():
                p.kill()
    assert all(p.exitcode == 0 for p in procs), [p.exitcode for p in procs]
    return found


def full_schema(target: str) -> bool:
    db = connect(target)
    try:
        return db.schema_version() == max(v for v, _, _ in migration_files()) and db.table_exists("documents")
    finally:
        db.close()


def test_fresh_sqlite_file_opened_by_two_processes_at_once(tmp_path):
    targets = [str(tmp_path / f"ev{i}.db") for i in range(DOUBLE_OPENS)]
    assert double_open(targets) == []
    assert all(full_schema(t) for t in targets)
    db = connect(targets[0])
    applied = db.query("SELECT version FROM schema_migrations")
    db.close()
    assert len(applied) == len(migration_files())  # each migration applied once


@pytest.mark.postgres
def test_fresh_postgres_schema_opened_by_two_processes_at_once(pg_server):
    targets = [pg_url(pg_server) for _ in range(DOUBLE_OPENS)]
    assert double_open(targets) == []
    assert all(full_schema(t) for t in targets)


def test_an_up_to_date_database_is_opened_without_the_write_lock(tmp_path):
    path = tmp_path / "ev.db"
    open_store(path).close()
    writer = connect(path)
    writer.conn.execute("BEGIN IMMEDIATE")  # another process's long write transaction
    try:
        reader = open_store(path)  # migrates nothing, so it need not wait for the writer
        reader.close()
    finally:
        writer.conn.execute("ROLLBACK")
        writer.close()
