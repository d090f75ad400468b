"""Store fixtures: every store test runs on a SQLite file and on a throwaway local PostgreSQL cluster.

The cluster is started once per session with Debian's ``initdb``/``pg_ctl`` on a Unix socket in a temp
dir (no TCP port), and each test gets its own schema. PostgreSQL refuses to run as root, so as root the
cluster runs as the ``postgres`` user. Without the binaries the PostgreSQL half skips and says why.
"""
from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
import uuid
from pathlib import Path

import pytest

from eventcoder.store import open_store


def _pg_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _as_owner(cmd: list[str], owner: str | None) -> list[str]:
    return ["runuser", "-u", owner, "--"] + cmd if owner else cmd


@pytest.fixture(scope="session")
def pg_server():
    """The socket directory of a running throwaway PostgreSQL cluster (stopped and removed at the end)."""
    bindir = _pg_bin()
    if bindir is None:
        pytest.skip("PostgreSQL binaries (initdb, pg_ctl) not found: apt-get install postgresql to run the "
                    "PostgreSQL half of the store tests")
    try:
        import psycopg  # noqa: F401
    except ImportError:
        pytest.skip("psycopg not installed: pip install 'psycopg[binary]' to run the PostgreSQL store tests")
    owner = None
    if os.geteuid() == 0:
        owner = "postgres"
        if subprocess.run(["id", owner], capture_output=True).returncode != 0:
            pytest.skip("running as root and no 'postgres' user to run initdb as")
    base = Path(tempfile.mkdtemp(prefix="evxpg-"))  # short: a socket path must stay under 107 bytes
    data = base / "data"
    if owner:
        shutil.chown(base, owner)
        os.chmod(base, 0o700)
    run = lambda cmd: subprocess.run(_as_owner(cmd, owner), check=True, capture_output=True, text=True)  # noqa: E731
    try:
        run([str(bindir / "initdb"), "-D", str(data), "-A", "trust", "-U", "evx", "--no-sync", "-E", "UTF8"])
        # fsync off and no TCP: a test cluster that starts in about a second and touches no port.
        run([str(bindir / "pg_ctl"), "-D", str(data), "-w", "-l", str(base / "log"), "-o",
             f"-k {base} -c listen_addresses='' -c fsync=off -c synchronous_commit=off "
             "-c full_page_writes=off", "start"])
    except subprocess.CalledProcessError as e:
        shutil.rmtree(base, ignore_errors=True)
        pytest.skip(f"could not start a throwaway PostgreSQL cluster: {e.stderr or e.stdout}")
    yield str(base)
    subprocess.run(_as_owner([str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"], owner),
                   capture_output=True)
    shutil.rmtree(base, ignore_errors=True)


def pg_url(socket_dir: str) -> str:
    """A URL to a fresh, empty schema of the throwaway cluster."""
    import psycopg

    schema = "t_" + uuid.uuid4().hex[:12]
    with psycopg.connect(f"postgresql://evx@/postgres?host={socket_dir}", autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    return f"postgresql://evx@/postgres?host={socket_dir}&options=-csearch_path%3D{schema}"


@pytest.fixture(params=["sqlite", "postgresql"])
def store_target(request, tmp_path):
    """A target ``open_store`` accepts: a SQLite file path, or a PostgreSQL URL to an empty schema."""
    if request.param == "sqlite":
        return str(tmp_path / "events.db")
    return pg_url(request.getfixturevalue("pg_server"))


@pytest.fixture
def store(store_target):
    s = open_store(store_target)
    yield s
    s.close()


def make_event(doc_id: str, n: int = 0, **fields):
    """A finalized event of document ``doc_id`` with plausible defaults (overridden by ``fields``)."""
    from eventcoder.types import Event, Span

    data = dict(event_id=f"{doc_id}-e{n}", event_date="2015-10-12", time_precision=1, event_type="Battles",
                sub_event_type="Armed clash", actor1="Military Forces of Syria", inter1=1,
                actor2="Islamic State", inter2=2, country="Syria", iso=760, admin1="Aleppo",
                location="Aleppo", latitude=36.2021, longitude=37.1343, geo_precision=1, fatalities=3,
                source="Syria Direct", notes="Clashes.", confidence=0.8,
                evidence=Span(start=0, end=8, text="Clashes.")) | fields
    return Event(doc_id=doc_id, **data)


def make_record(doc_id: str, events=(), text: str = "Clashes. More text.", **article):
    from datetime import date

    from eventcoder.types import Article, Record

    art = Article(doc_id=doc_id, text=text, published=article.pop("published", date(2015, 10, 13)), **article)
    return Record(article=art, events=list(events))
