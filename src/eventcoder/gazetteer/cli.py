"""``eventcoder gazetteer ...``: build the index, look a name up."""
from __future__ import annotations

import time
from pathlib import Path
from typing import Optional

from .index import build
from .lookup import Gazetteer, default_gazetteer


def _make_cli():
    import typer

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

    @app.command("lookup")
    def lookup_cmd(name: str, country: Optional[str] = typer.Option(None, help="ISO alpha-2 code")):
        """Show the candidates for a name."""
        for c in default_gazetteer().lookup(name, country):
            typer.echo(f"{c.score:.2f} {c.matched:8} {c.kind:7} {c.name} ({c.admin2}, {c.admin1}, {c.country}) "
                       f"{c.latitude:.4f},{c.longitude:.4f} pop={c.population} geonameid={c.geonameid}")

    return app


try:
    cli_app = _make_cli()
except ImportError:  # pragma: no cover - typer is a dependency; a bare install still geocodes
    cli_app = None
