"""Upload: pasted text and files go through the extraction job into the app's own store."""
from __future__ import annotations

import hashlib
from typing import Any

from fastapi import APIRouter, FastAPI, HTTPException, Request
from fastapi.responses import HTMLResponse

from ..errors import EvxError
from .deps import page_user, render, write_user

# Upload bounds: one pasted text or file up to 2 MB, a batch up to 20 MB and 500 documents; a news
# article is 5-20 kB, so this is generous while keeping one request from filling the memory.
MAX_DOC_BYTES = 2_000_000
MAX_UPLOAD_BYTES = 20_000_000
MAX_UPLOAD_DOCS = 500
router = APIRouter()


@router.get("/upload", response_class=HTMLResponse)
def upload_form(request: Request):
    user = page_user(request, "reviewer")
    return render(request, "upload.html", user, result=None, max_doc=MAX_DOC_BYTES, max_total=MAX_UPLOAD_BYTES)


@router.post("/upload", response_class=HTMLResponse)
async def upload(request: Request):
    user = await write_user(request)
    declared = int(request.headers.get("content-length") or 0)
    if declared > MAX_UPLOAD_BYTES + 100_000:
        raise HTTPException(413, f"the upload is {declared:,} bytes; the limit is {MAX_UPLOAD_BYTES:,}. "
                                 "Split it into smaller batches")
    form = await request.form()  # parsed (with the size bounds of deps.py) by write_user
    articles, problems = await _articles_of_form(form)
    result = {"documents": [], "problems": problems}
    if articles:
        try:
            records = extraction(request.app).process_articles(articles)
        except EvxError as e:
            result["problems"].append(str(e))
            records = []
        for r in records:
            result["documents"].append({"doc_id": r.article.doc_id, "title": r.article.title,
                                        "events": [e.event_id for e in r.events],
                                        "problems": [str(p) for p in r.problems]})
    return render(request, "upload.html", user, result=result, max_doc=MAX_DOC_BYTES, max_total=MAX_UPLOAD_BYTES)


async def _articles_of_form(form) -> tuple[list, list[str]]:
    """The articles of the pasted text and the files, and a problem line for each bad document; a batch over
    the bounds is refused whole (413)."""
    articles: list[Any] = []
    problems: list[str] = []
    total = 0
    text = str(form.get("text") or "")
    if text.strip():
        data = text.encode("utf-8")
        if len(data) > MAX_DOC_BYTES:
            raise HTTPException(413, f"the pasted text is {len(data):,} bytes; the limit is {MAX_DOC_BYTES:,}")
        total += len(data)
        got, bad = _articles_from_upload("pasted.txt", data, form.get("published"), prefix="paste")
        articles.extend(got)
        problems.extend(bad)
    for f in form.getlist("files"):
        if not hasattr(f, "read"):
            continue
        data = await f.read(MAX_DOC_BYTES + 1)
        if len(data) > MAX_DOC_BYTES:
            problems.append(f"{f.filename}: larger than {MAX_DOC_BYTES:,} bytes, skipped")
            continue
        total += len(data)
        if total > MAX_UPLOAD_BYTES:
            raise HTTPException(413, f"the batch is over {MAX_UPLOAD_BYTES:,} bytes. Split it into smaller batches")
        got, bad = _articles_from_upload(f.filename or "upload.txt", data, form.get("published"))
        articles.extend(got)
        problems.extend(bad)
    if len(articles) > MAX_UPLOAD_DOCS:
        raise HTTPException(413, f"{len(articles)} documents; the limit is {MAX_UPLOAD_DOCS} per upload")
    return articles, problems


def _articles_from_upload(name: str, data: bytes, published, prefix: str = "upload") -> tuple[list, list[str]]:
    """Articles of one pasted text or uploaded file, read by ingest with the checks files on disk get
    (encoding, binary, controls, sizes); a bad document becomes a problem line, the rest go on."""
    from datetime import date

    from ..ingest import read_bytes
    from ..types import Article

    try:
        anchor = date.fromisoformat(str(published)) if published else None
    except ValueError:
        anchor = None
    # Content-addressed ids: the same upload twice is the same document, whatever its file name.
    doc_id = f"{prefix}-{hashlib.sha256(data).hexdigest()[:16]}"
    articles, problems = [], []
    for item in read_bytes(name, data, doc_id=doc_id, published=anchor):
        if isinstance(item, Article):
            articles.append(item)
        elif item.severity == "error":
            problems.append(f"{name}: {item}")
    return articles, problems


def extraction(app: FastAPI):
    """The app's extraction job over its own store, built on first upload (loads the pipeline once)."""
    if app.state.extraction is None:
        from ..config import load_settings
        from ..extraction import Extraction

        settings = app.state.settings or load_settings(None, [])
        app.state.extraction = Extraction(settings, "", store=app.state.store)
    return app.state.extraction
