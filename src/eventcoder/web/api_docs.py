"""The API's docs pages, self-hosted: swagger-ui-dist is vendored under static/docs (no CDN), started by
static/api-docs.js (no inline script: the app's CSP refuses them). Public, like ``/openapi.json``: they
show the API's shape, not its data."""
from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, HTTPException, Query
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse

from ..store.metadata import datasette_metadata

DOCS_DIR = Path(__file__).parent / "static" / "docs"
DOCS_FILES = {"swagger-ui-bundle.js": "text/javascript", "swagger-ui.css": "text/css",
              "favicon-32x32.png": "image/png", "oauth2-redirect.html": "text/html",
              "LICENSE": "text/plain", "NOTICE": "text/plain"}
router = APIRouter()


DOCS_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>eventcoder API</title>
<link rel="stylesheet" href="/api/docs/static/swagger-ui.css">
<link rel="icon" href="/api/docs/static/favicon-32x32.png"></head>
<body><div id="swagger-ui"></div>
<script src="/api/docs/static/swagger-ui-bundle.js"></script>
<script src="/static/api-docs.js"></script>
</body></html>
"""


@router.get("/api/docs", response_class=HTMLResponse, include_in_schema=False)
@router.get("/docs", response_class=HTMLResponse, include_in_schema=False)
def docs_page():
    return HTMLResponse(DOCS_PAGE)


@router.get("/api/metadata.json", summary="Datasette metadata: what each table, view and column holds",
            tags=["docs"])
def metadata(database: str = Query("eventcoder", pattern=r"^[A-Za-z0-9_.-]{1,64}$",
                                   description="the database's name in datasette (its file name without .db)")):
    """The ``-m metadata.json`` of ``datasette DB``: descriptions, and the credential tables denied to all."""
    return JSONResponse(datasette_metadata(database))


@router.get("/api/docs/static/{name}", include_in_schema=False)
def docs_static(name: str):
    if name not in DOCS_FILES:  # a fixed list: no path ever comes from the request
        raise HTTPException(404, f"no docs asset {name!r}")
    return FileResponse(DOCS_DIR / name, media_type=DOCS_FILES[name],
                        headers={"Cache-Control": "public, max-age=86400"})
