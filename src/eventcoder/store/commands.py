"""``eventcoder incidents ...``: rebuild, show, merge and split incidents from the command line.

A typer sub-app for the lead to mount: ``app.add_typer(incidents_app, name="incidents")`` in cli.py.
"""
from __future__ import annotations

import json
from typing import List

import typer

incidents_app = typer.Typer(add_completion=False, no_args_is_help=True,
                            help="Incidents: reports of one event merged across documents.")
DbOption = typer.Option("data/eventcoder.db", "--db", help="SQLite file or postgresql:// URL")
UserOption = typer.Option("", "--user", help="who decides (written to the change log)")


def _open(db: str):
    from . import open_store

    return open_store(db)


@incidents_app.command("rebuild")
def rebuild(db: str = DbOption) -> None:
    """Recluster every stored report into incidents (after changing the matcher's settings)."""
    store = _open(db)
    try:
        typer.echo(f"{store.rebuild_incidents()} incidents")
    finally:
        store.close()


@incidents_app.command("show")
def show(incident_id: str, db: str = DbOption) -> None:
    """Print an incident and its reports as JSON."""
    store = _open(db)
    try:
        inc = store.get_incident(incident_id)
        if inc is None:
            typer.echo(f"no incident {incident_id!r}. List them with: eventcoder export --format jsonl", err=True)
            raise typer.Exit(1)
        inc["reports"] = [s.event.event_id for s in inc["reports"]]
        typer.echo(json.dumps(inc, indent=1, ensure_ascii=False))
    finally:
        store.close()


@incidents_app.command("merge")
def merge(incident_ids: List[str] = typer.Argument(..., help="two or more incident ids"), db: str = DbOption,
          user: str = UserOption) -> None:
    """Merge incidents a reviewer knows are one event (kept across re-extraction and rebuilds)."""
    from .base import QueryError

    store = _open(db)
    try:
        typer.echo(store.merge_incidents(incident_ids, username=user))
    except QueryError as e:
        typer.echo(str(e), err=True)
        raise typer.Exit(2)
    finally:
        store.close()


@incidents_app.command("split")
def split(incident_id: str, event_ids: List[str] = typer.Argument(..., help="reports to move out"),
          db: str = DbOption, user: str = UserOption) -> None:
    """Split reports out of an incident into their own (kept across re-extraction and rebuilds)."""
    from .base import QueryError

    store = _open(db)
    try:
        typer.echo(" ".join(store.split_incident(incident_id, event_ids, username=user)))
    except QueryError as e:
        typer.echo(str(e), err=True)
        raise typer.Exit(2)
    finally:
        store.close()
