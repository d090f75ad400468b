"""``eventcoder gazetteer ...``: build the index, import GeoNames dumps into it, look a name up."""
from __future__ import annotations

import time
from pathlib import Path
from typing import List, Optional

from .index import build, imported_index_path
from .lookup import Gazetteer, default_gazetteer


def _make_cli():
    import typer

    from ..errors import EvxError

    app = typer.Typer(help="The offline gazetteer index (GeoNames + our own toponyms).", no_args_is_help=True)

    @app.command("build")
    def build_cmd(out: Optional[Path] = typer.Option(None, "--out", help="index file; default the user cache"),
                  min_population: int = typer.Option(500, help="GeoNames threshold: 500, 1000, 5000 or 15000")):
        """Build the SQLite gazetteer index (offline, about 20 s)."""
        t = time.perf_counter()
        p = build(out, min_population=min_population)
        stats = Gazetteer(p).stats()
        typer.echo(f"built {p}: {stats['places']} places, {stats['names']} names in "
                   f"{time.perf_counter() - t:.1f} s")
        if out is None and imported_index_path().exists():
            typer.echo(f"note: the geocoder reads the imported index {imported_index_path()}, made from the "
                       f"index before this build; to base it on this one: eventcoder gazetteer import --clear FILES")

    @app.command("import")
    def import_cmd(
        paths: Optional[List[Path]] = typer.Argument(None, help="GeoNames dumps: XX.zip, XX.txt, allCountries.zip, "
                                                     "alternateNamesV2.zip (download.geonames.org/export/dump)"),
        codes: Optional[Path] = typer.Option(None, "--codes", help="feature codes to keep (class, code, kind per "
                                             "line); default data/gazetteer/feature_codes.tsv"),
        index: Optional[Path] = typer.Option(None, "--index", help="the imported index to write; default "
                                             "gazetteer-<version>-imported.sqlite in the user cache"),
        clear: bool = typer.Option(False, "--clear", help="start again from the bundled index (drop earlier "
                                   "imports); with no PATH, remove the imported index"),
    ):
        """Import GeoNames dumps (villages, districts, camps ...) into the index the geocoder reads.

        Merged with the bundled cities500 by geonameid; importing the same file again changes nothing,
        another country adds to it. The geocoder picks the imported index up by itself.
        """
        from .importer import import_dumps

        target = index or imported_index_path()
        if not paths:
            if not clear:
                typer.echo("Name the GeoNames dumps to import (XX.zip, allCountries.zip ...), or --clear to "
                           "remove the imported index", err=True)
                raise typer.Exit(2)
            target.unlink(missing_ok=True)
            typer.echo(f"removed {target}; the geocoder reads the bundled index again")
            return
        t = time.perf_counter()

        def progress(what: str, count: int) -> None:
            typer.echo(f"  {what}: {count:,} ({time.perf_counter() - t:.0f} s)", err=True)

        try:
            reports = import_dumps(paths, index=index, codes=codes, clear=clear, progress=progress)
        except EvxError as e:
            typer.echo(str(e), err=True)
            raise typer.Exit(2)
        for r in reports:
            typer.echo(r.summary())
        g = Gazetteer(target)
        typer.echo(f"{g.describe()}; in {time.perf_counter() - t:.1f} s")
        if index is None:
            typer.echo("the geocoder now reads it (the imported index is used when present; remove it with: "
                       "eventcoder gazetteer import --clear)")

    @app.command("lookup")
    def lookup_cmd(name: str, country: Optional[str] = typer.Option(None, help="ISO alpha-2 code")):
        """Show the candidates for a name (and which index and dumps answered)."""
        gaz = default_gazetteer()
        typer.echo(f"# {gaz.describe()}")
        for c in gaz.lookup(name, country):
            typer.echo(f"{c.score:.2f} {c.matched:8} {c.kind:7} {c.name} ({c.admin2}, {c.admin1}, {c.country}) "
                       f"{c.latitude:.4f},{c.longitude:.4f} pop={c.population} geonameid={c.geonameid}")

    return app


try:
    cli_app = _make_cli()
except ImportError:  # pragma: no cover - typer is a dependency; a bare install still geocodes
    cli_app = None
