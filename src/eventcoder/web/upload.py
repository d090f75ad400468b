"""Upload: pasted text and files become a queued extraction job (jobs.py) whose status the page polls.

Ids: a reviewer's upload never replaces another document. Every document a reviewer uploads is stored
under an id made from its content (``paste-<hash>``, ``upload-<hash>``), whatever id a JSONL line gives,
so the same upload twice is the same document and a line ``{"id": "AFG44291", ...}`` cannot replace the
stored AFG44291 (it did: its events and their review decisions were deleted). An admin's upload keeps the
ids it gives and may replace documents; the replaced version and its events are kept (store history).
"""
from __future__ import annotations

import hashlib
from typing import Any

from fastapi import APIRouter, FastAPI, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse

from .deps import current_user, page_user, render, write_user, web_settings
from .jobs import Job, ProcessExtractor, QueueFull, ThreadExtractor, UploadQueue

# Upload bounds: one pasted text or file up to 2 MB, a batch up to 20 MB and 500 documents; a news
# article is 5-20 kB, so this is generous while keeping one request from filling the memory.
MAX_DOC_BYTES = 2_000_000
MAX_UPLOAD_BYTES = 20_000_000
MAX_UPLOAD_DOCS = 500
HASH_CHARS = 24  # 96 bits of the content hash: no two documents of one database share an id by chance
router = APIRouter()


def _form_page(request: Request, user, job: Job | None = None, status_code: int = 200):
    return render(request, "upload.html", user, job=job.status() if job else None, max_doc=MAX_DOC_BYTES,
                  max_total=MAX_UPLOAD_BYTES, status_code=status_code)


@router.get("/upload", response_class=HTMLResponse)
def upload_form(request: Request):
    return _form_page(request, page_user(request, "reviewer"))


@router.post("/upload")
async def upload(request: Request):
    """Read the form, queue the extraction and answer at once with the job's page (303)."""
    user = await write_user(request)
    declared = int(request.headers.get("content-length") or 0)
    if declared > MAX_UPLOAD_BYTES + 100_000:
        raise HTTPException(413, f"the upload is {declared:,} bytes; the limit is {MAX_UPLOAD_BYTES:,}. "
                                 "Split it into smaller batches")
    form = await request.form()  # parsed (with the size bounds of deps.py) by write_user
    articles, problems = await _articles_of_form(form)
    admin = user.can("admin")
    renamed = _own_ids(articles, problems, admin)
    try:
        job = uploads(request.app).submit(user.username, articles, problems, replace=admin, renamed=renamed)
    except QueueFull:
        raise HTTPException(503, "the extraction queue is full: try again in a minute",
                            headers={"Retry-After": "30"}) from None
    return RedirectResponse(f"/upload/jobs/{job.job_id}", status_code=303)


def _job_of(request: Request, job_id: str, user) -> Job:
    job = uploads(request.app).get(job_id)
    if job is None or not (job.username == user.username or user.can("admin")):
        raise HTTPException(404, f"no upload {job_id!r} of yours (finished uploads are kept a while). "
                                 "Upload again from /upload")
    return job


@router.get("/upload/jobs/{job_id}.json")
def job_status(request: Request, job_id: str):
    """The job's state (queued, running, done, failed) and counts, for the upload page to poll."""
    user = current_user(request)
    if user is None:
        raise HTTPException(401, "log in first")
    return JSONResponse(_job_of(request, job_id, user).status(), headers={"Cache-Control": "no-store"})


@router.get("/upload/jobs/{job_id}", response_class=HTMLResponse)
def job_page(request: Request, job_id: str):
    user = page_user(request, "reviewer")
    return _form_page(request, user, _job_of(request, job_id, user))


def _own_ids(articles: list, problems: list[str], admin: bool) -> dict[str, str]:
    """Give a reviewer's documents content ids (returns new id -> the id the upload gave); drop an admin's
    document that repeats an id of the same upload with other content."""
    renamed: dict[str, str] = {}
    if admin:
        seen: dict[str, str] = {}
        kept = []
        for art in articles:
            first = seen.setdefault(art.doc_id, art.content_hash)
            if first != art.content_hash:
                problems.append(f"{art.doc_id}: the id is given twice in this upload with other text; the "
                                "second is skipped. Give each document its own id")
                continue
            kept.append(art)
        articles[:] = kept
        return renamed
    for art in articles:
        prefix = "paste" if art.doc_id.startswith("paste-") else "upload"
        new = f"{prefix}-{art.content_hash[:HASH_CHARS]}"
        if not art.doc_id.startswith(f"{prefix}-"):
            renamed[new] = art.doc_id
        art.doc_id = new
    return renamed


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


def uploads(app: FastAPI) -> UploadQueue:
    """The app's upload queue (its worker thread starts with the first upload)."""
    if app.state.uploads is None:
        app.state.uploads = UploadQueue(lambda job: _run(app, job), max_queued=web_settings(app).upload_queue)
    return app.state.uploads


def _run(app: FastAPI, job: Job) -> None:
    """Extract a job's articles a batch at a time (on the worker thread), counting as it goes."""
    runner = extractor(app)
    step = web_settings(app).upload_batch
    renamed = job.options.get("renamed", {})
    for i in range(0, len(job.articles), step):
        part = job.articles[i:i + step]
        for doc in runner.extract(part, job.username, job.options.get("replace", False)):
            if doc["doc_id"] in renamed:
                doc["given_id"] = renamed[doc["doc_id"]]
            job.results.append(doc)
            job.events += len(doc["events"])
        job.processed += len(part)


def extractor(app: FastAPI):
    """The app's extractor, built on the first upload: a child process that stores into the app's database
    itself, or (``web.upload_process = false``, or a store in memory) the worker thread."""
    if app.state.extraction is None:
        settings, store = app.state.settings, app.state.store
        target = store.reopen_target()
        app.state.extraction = ProcessExtractor(settings, target) if settings.web.upload_process and target \
            else ThreadExtractor(settings, store)
    return app.state.extraction
