"""The command line: a thin typer shell over the core. Heavy imports happen inside the commands."""
from __future__ import annotations

import json
import socket
import sqlite3
from datetime import date
from pathlib import Path
from typing import List, Optional

import typer

from .errors import EvxError

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="eventcoder: conflict reporting in, a reviewed, geocoded, dated event database out.")


def _print_version(value: bool) -> None:
    if value:
        from . import __version__

        typer.echo(f"eventcoder {__version__}")
        raise typer.Exit()


@app.callback()
def _main(version: bool = typer.Option(False, "--version", callback=_print_version, is_eager=True,
                                       help="print the version and exit")) -> None:
    """eventcoder: conflict reporting in, a reviewed, geocoded, dated event database out."""

DEFAULT_DB = "data/eventcoder.db"
DbOption = typer.Option(DEFAULT_DB, "--db", help="SQLite database file, or a postgresql:// URL")
SetOption = typer.Option(None, "--set", help="override a setting: section.key=value (repeatable)")
ConfigOption = typer.Option(None, "--config", help="settings file (default: ./eventcoder.toml when present)")


def _settings(config: Optional[Path], overrides: Optional[List[str]]):
    from .config import load_settings

    try:
        return load_settings(config, overrides or [])
    except EvxError as e:
        typer.echo(str(e), err=True)
        raise typer.Exit(2)


def _refuse_foreign_db(db: str) -> None:
    """Exit 2 when --db names a file that holds other data (the store refuses to overwrite it)."""
    from .store.db import refuse_foreign_file

    try:
        refuse_foreign_file(db)
    except EvxError as e:
        typer.echo(str(e), err=True)
        raise typer.Exit(2)


@app.command()
def extract(
    inputs: List[Path] = typer.Argument(..., help=".txt, .html, .jsonl files or folders"),
    out: Optional[Path] = typer.Option(None, "--out", help="write the events as JSONL (SPEC.md §2)"),
    db: str = DbOption,
    published: Optional[str] = typer.Option(None, "--published", help="publication date YYYY-MM-DD for every input"),
    batch_size: int = typer.Option(32, "--batch-size", min=1, help="documents per pipeline batch and transaction"),
    force: bool = typer.Option(False, "--force", help="re-extract documents already stored unchanged"),
    config: Optional[Path] = ConfigOption,
    set_: Optional[List[str]] = SetOption,
    quiet: bool = typer.Option(False, "--quiet", "-q", help="no progress bar"),
    ray_actors: int = typer.Option(0, "--ray", min=0, help="run the pipeline on N Ray Data actors: on the cluster at "
                                   "--ray-address or $RAY_ADDRESS, else on a local one of N CPUs"),
    ray_address: Optional[str] = typer.Option(None, "--ray-address", help="join this Ray cluster (host:port, or "
                                              "auto); alone, one actor per CPU of the cluster"),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="show Ray's logs and progress bars"),
    workers: int = typer.Option(1, "--workers", min=1, help="run the pipeline on N local processes while this one "
                                "stores (about 2 s set-up each; worth it past a few hundred documents)"),
) -> None:
    """Extract events from documents into the database (and --out JSONL).

    Re-running the same input adds nothing; a killed run resumes where it stopped. The exit code is 1 when
    any document failed.
    """
    from rich.console import Console
    from rich.markup import escape
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from . import __version__
    from .export import jsonl_line
    from .errors import EvxError
    from .extraction import Extraction

    anchor = None
    if published:
        try:
            anchor = date.fromisoformat(published)
        except ValueError:
            typer.echo(f"[E102] --published {published!r} is not a date. Write it as YYYY-MM-DD", err=True)
            raise typer.Exit(2)
    settings = _settings(config, set_)
    _refuse_foreign_db(db)
    try:
        # Opened before the model loads: a wrong --out fails in a second, not after the first batch.
        out_fh = open(out, "w", encoding="utf-8") if out else None
    except OSError as e:
        typer.echo(f"[E103] cannot write --out {out}: {e.strerror}. Check that its folder exists and is writable",
                   err=True)
        raise typer.Exit(2)
    console = Console(stderr=True)
    remote_pipeline = None
    try:
        if ray_actors or ray_address:
            from .batch import RayPipeline

            remote_pipeline = RayPipeline(settings, num_actors=ray_actors, address=ray_address,
                                          verbose=verbose).__enter__()
        elif workers > 1:
            from .parallel import ProcessPipeline

            remote_pipeline = ProcessPipeline(settings, workers=workers).__enter__()
        job = Extraction(settings, db, version=__version__, pipeline=remote_pipeline)
    except (EvxError, sqlite3.DatabaseError) as e:
        if out_fh:
            out_fh.close()
        message = str(e) if isinstance(e, EvxError) else (
            f"[E210] cannot use the database {db}: {e}. Check it is an eventcoder database (or name a new file)")
        typer.echo(message, err=True)
        raise typer.Exit(2)
    progress = Progress(TextColumn("[bold]extract"), BarColumn(), MofNCompleteColumn(), TextColumn("docs"),
                        TextColumn("{task.fields[events]} events"), TimeElapsedColumn(),
                        console=console, disable=quiet, transient=False)
    try:
        with progress:
            task = progress.add_task("extract", total=None, events=0)

            def on_batch(n_docs: int, n_events: int) -> None:
                progress.update(task, advance=n_docs, events=job.summary.events)

            for ev in job.run(inputs, published=anchor, batch_size=batch_size, force=force, on_batch=on_batch,
                              on_problem=lambda p: console.print(
                                  f"[red]✗[/red] {escape(str(p))}" if p.severity == "error"
                                  else f"[yellow]![/yellow] {escape(str(p))}", highlight=False, soft_wrap=True)):
                if out_fh:
                    out_fh.write(jsonl_line(ev.spec_dict()))
    finally:
        if out_fh:
            out_fh.close()
        job.close()
        if remote_pipeline is not None:
            remote_pipeline.__exit__(None, None, None)
    s = job.summary
    console.print(f"{s.documents} documents ({s.skipped} unchanged, skipped), {s.events} events, "
                  f"{s.failed} failed, {s.warnings} warnings -> {db}" + (f", {out}" if out else ""),
                  soft_wrap=True, highlight=False)
    raise typer.Exit(1 if s.failed else 0)


@app.command()
def serve(db: str = DbOption, host: str = typer.Option("127.0.0.1", help="interface to listen on"),
          port: int = typer.Option(8000, help="port")) -> None:
    """Serve the review app and the HTTP API."""
    import uvicorn

    from .store import open_store
    from .web.app import create_app

    _refuse_foreign_db(db)
    store = open_store(db)
    # Bound here, before the banner: the banner names the port really listened on (--port 0 picks a free one),
    # and a port in use fails now with the fix, not after the banner.
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as e:
        sock.close()
        typer.echo(f"[E104] cannot listen on {host}:{port}: {e.strerror}. Choose another --port (0: any free one)",
                   err=True)
        raise typer.Exit(2)
    sock.listen(128)
    bound = sock.getsockname()[1]
    shown = f"[{host}]" if family == socket.AF_INET6 else host
    typer.echo(f"eventcoder serving {db} on http://{shown}:{bound}")
    server = uvicorn.Server(uvicorn.Config(create_app(store), log_level="warning"))
    server.run(sockets=[sock])


@app.command()
def export(fmt: str = typer.Option("jsonl", "--format", help="acled-csv | geojson | parquet | jsonl | csv"),
           db: str = DbOption, out: Optional[Path] = typer.Option(None, "--out", help="file, folder for parquet "
                                                                  "(default: stdout)"),
           since: Optional[str] = typer.Option(None, "--since", help="only what changed since: unix seconds or "
                                               "ISO date/time; deletions are exported too"),
           filters: Optional[List[str]] = typer.Option(None, "--filter", help="field=value, field=a|b, "
                                                       "field>=n, field=a..b, field~pattern% (repeatable)"),
           per_report: bool = typer.Option(False, "--per-report", help="one row per report, not per incident")) -> None:
    """Export incidents (or reports) as ACLED CSV, GeoJSON, Parquet or JSONL."""
    from .export import parse_filter, parse_since, write_export
    from .store import EventQuery, QueryError, open_store

    try:
        query = EventQuery(filters=[parse_filter(f) for f in filters or []], since=parse_since(since))
    except QueryError as e:
        typer.echo(str(e), err=True)
        raise typer.Exit(2)
    _refuse_foreign_db(db)
    store = open_store(db)
    try:
        stats = write_export(store, fmt, out, query, per_report=per_report)
    except QueryError as e:
        typer.echo(str(e), err=True)
        raise typer.Exit(2)
    finally:
        store.close()
    typer.echo(f"{stats.rows} {'reports' if per_report else 'incidents'} exported"
               + (f", {stats.deleted} deletions" if stats.deleted else ""), err=True)


@app.command()
def check() -> None:
    """Check every dependency and data file; print ok/FAIL and the command that fixes each failure."""
    from .checks import run_checks

    failed = 0
    for name, ok, detail in run_checks():
        failed += not ok
        typer.echo(f"{'ok  ' if ok else 'FAIL'}  {name}" + (f"  -- {detail}" if detail else ""))
    raise typer.Exit(1 if failed else 0)


@app.command()
def evaluate(gold: Path = typer.Argument(..., help="gold events JSONL (ACLED fields, document id in 'id')"),
             inputs: List[Path] = typer.Argument(..., help="a predictions JSONL, or documents to extract first"),
             km: float = typer.Option(25.0, help="distance within which a place counts as right"),
             as_json: bool = typer.Option(False, "--json", help="one JSON object instead of the tables"),
             db: str = typer.Option("", "--db", help="database for the extraction (default: a temporary one)"),
             config: Optional[Path] = ConfigOption, set_: Optional[List[str]] = SetOption) -> None:
    """Score events against human-coded gold: per-field accuracy and a per-type confusion table.

    With one INPUT that holds events (a JSONL with doc_id and event_type), it is scored as it is; otherwise
    the inputs are extracted first (like `extract`) and the result is scored.
    """
    import tempfile

    from .evaluate import cli as evaluate_cli

    if len(inputs) == 1 and _is_event_file(inputs[0]):
        raise typer.Exit(evaluate_cli(str(gold), str(inputs[0]), km=km, as_json=as_json))
    from . import __version__
    from .export import jsonl_line
    from .extraction import Extraction

    with tempfile.TemporaryDirectory() as tmp:
        pred = Path(tmp) / "pred.jsonl"
        job = Extraction(_settings(config, set_), db or Path(tmp) / "eval.db", version=__version__)
        try:
            with open(pred, "w", encoding="utf-8") as fh:
                for ev in job.run(inputs):
                    fh.write(jsonl_line(ev.spec_dict()))
        finally:
            job.close()
        raise typer.Exit(evaluate_cli(str(gold), str(pred), km=km, as_json=as_json))


def _is_event_file(path: Path) -> bool:
    """A JSONL whose first record looks like an extracted event (doc_id + event_type)."""
    if path.suffix.lower() != ".jsonl" or not path.is_file():
        return False
    with open(path, encoding="utf-8", errors="replace") as fh:
        for line in fh:
            if line.strip():
                try:
                    first = json.loads(line)
                except json.JSONDecodeError:
                    return False
                return isinstance(first, dict) and "doc_id" in first and "event_type" in first
    return False


@app.command("datasette-metadata")
def datasette_metadata_cmd(db: str = DbOption, out: Optional[Path] = typer.Option(
        None, "--out", help="where to write it (default: beside the database, DB.metadata.json)")) -> None:
    """Write datasette's metadata.json for the database: descriptions, credential tables denied to all.

    Publish with: datasette DB -m DB.metadata.json
    """
    from .store.metadata import datasette_metadata

    if "://" in db and out is None:
        typer.echo("[E103] a PostgreSQL database has no folder to write beside: give --out FILE", err=True)
        raise typer.Exit(2)
    target = out or Path(db).with_suffix(".metadata.json")
    try:
        target.write_text(json.dumps(datasette_metadata(Path(db).stem if "://" not in db else "eventcoder"),
                                     indent=2) + "\n", encoding="utf-8")
    except OSError as e:
        typer.echo(f"[E103] cannot write {target}: {e.strerror}. Choose another --out", err=True)
        raise typer.Exit(2)
    typer.echo(f"wrote {target}; publish with: datasette {db} -m {target}")


def _mount_sub_apps() -> None:
    from .gazetteer import cli_app as gazetteer_app
    from .store.commands import incidents_app
    from .store import tokens  # noqa: F401 - registers `eventcoder user token` on the users' sub-app
    from .store.users import cli_app as users_app

    if gazetteer_app is not None:
        app.add_typer(gazetteer_app, name="gazetteer")
    app.add_typer(users_app, name="user")
    app.add_typer(incidents_app, name="incidents")


_mount_sub_apps()


def main() -> None:
    app()


if __name__ == "__main__":
    main()
