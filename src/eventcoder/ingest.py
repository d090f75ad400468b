"""Documents in (SPEC.md §1): .txt, .html, .jsonl and folders of them -> Article, or a Problem.

Header lines (title, date line) and page furniture are kept out of the body; the body is what every
evidence span's offsets point into.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Iterable, Iterator, Optional, Union

from .datetext import find_absolute_dates, parse_date_line
from .types import Article, Problem

SUPPORTED = {".txt": "txt", ".text": "txt", ".html": "html", ".htm": "html", ".jsonl": "jsonl", ".ndjson": "jsonl"}
MAX_FILE_BYTES = 20 * 1024 * 1024  # one article is < 1 MB; a 20 MB .txt is a dump, not an article
MAX_LINE_BYTES = 5 * 1024 * 1024  # one JSONL document
MAX_BODY_CHARS = 1_000_000

# Page furniture: whole lines that are site chrome, not reporting.
FURNITURE = re.compile(
    r"^\s*(?:\d+\s*min(?:ute)?s?\s+read|share(?:\s+this(?:\s+article| story| page)?)?!?|print(?:\s+this)?|"
    r"advertisement|subscribe(?:\s+now)?|sign\s+up.*newsletter.*|read\s+more:?|related(?:\s+articles?)?:?|"
    r"click\s+here.*|follow\s+us.*|tweet|email|comments?|skip\s+to\s+(?:main\s+)?content|"
    r"(?:facebook|twitter|whatsapp|telegram|linkedin)(?:\s*[|·]\s*\w+)*|back\s+to\s+top)\s*$",
    re.I,
)
TEASER_END = re.compile(r"(?:\[…\]|\[\.\.\.\]|…|\.\.\.)\s*$")

Item = Union[Article, Problem]


@dataclass
class Header:
    title: str = ""
    published: Optional[date] = None
    body_start_line: int = 0


def _decode(data: bytes, doc_id: str) -> tuple[Optional[str], Optional[Problem]]:
    """Text of the bytes, or a problem saying why there is none. Warns on a non-UTF-8 fallback."""
    if not data.strip():
        return None, Problem(code="W302", stage="ingest", doc_id=doc_id,
                             message="document is empty. Nothing to extract; check the file was written completely")
    head = data[:8192]
    if b"\x00" in head:
        return None, Problem(code="W303", stage="ingest", doc_id=doc_id,
                             message="document is binary (NUL bytes), not text. Convert it to .txt, .html or .jsonl")
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as e:
        text = data.decode("cp1252", errors="replace")
        controls = sum(1 for ch in text[:4000] if ord(ch) < 32 and ch not in "\n\r\t\f")
        if controls > len(text[:4000]) * 0.05 or text.count("\ufffd") > len(text) * 0.05:
            return None, Problem(code="W303", stage="ingest", doc_id=doc_id,
                                 message=f"document is not text (undecodable at byte {e.start}). "
                                         "Convert it to UTF-8 text")
        return text, Problem(code="W304", stage="ingest", doc_id=doc_id, severity="warning",
                             message=f"document is not UTF-8 (byte {e.start}); read as Windows-1252. "
                                     "Re-save it as UTF-8 if characters look wrong")


def split_header(lines: list[str]) -> Header:
    """Find title and date lines at the top of a plain-text article.

    The header ends at the first line that reads like a paragraph of prose: long, or ending in
    sentence punctuation, and not a teaser ("... […]") or a date line.
    """
    header = Header()
    candidate_titles: list[str] = []
    for i, raw in enumerate(lines[:12]):
        line = raw.strip()
        if not line or FURNITURE.match(line):
            continue
        d = parse_date_line(line)
        if d:
            header.published = header.published or d
            header.body_start_line = i + 1
            continue
        if TEASER_END.search(line):
            header.body_start_line = i + 1
            continue
        # headlines do not end in a full stop; prose does (or runs long)
        prose = len(line) > 160 or line[-1] in ".!?\"”’"
        if prose or line.lower().startswith(("q:", "a:")):
            break
        if len(line.split()) <= 20 and not candidate_titles:
            candidate_titles.append(line)
            header.body_start_line = i + 1
            continue
        break
    header.title = candidate_titles[0] if candidate_titles else ""
    return header


def article_from_text(doc_id: str, text: str, *, path: str = "", title: str = "",
                      published: Optional[date] = None, source: str = "", url: str = "",
                      language: str = "en", strip_header: bool = True) -> Article:
    """An Article from plain text: header lines and furniture out of the body."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    header = split_header(lines) if strip_header else Header()
    kept = [ln for ln in lines[header.body_start_line:] if not FURNITURE.match(ln)]
    body = "\n".join(kept).strip("\n")
    if not body.strip():  # a one-line document is all body, even when it reads like a headline
        header = Header()
        body = "\n".join(ln for ln in lines if not FURNITURE.match(ln)).strip("\n")
    published_from = "document" if published else "none"
    if not published and header.published:
        published, published_from = header.published, "header"
    return Article(doc_id=doc_id, text=body[:MAX_BODY_CHARS], title=title or header.title,
                   published=published, published_from=published_from, url=url, source=source,
                   language=language, path=path, raw=text)


def _parse_iso_date(value: object) -> Optional[date]:
    if not value:
        return None
    s = str(value).strip()
    try:
        return date.fromisoformat(s[:10])
    except ValueError:
        hits = find_absolute_dates(s)
        return hits[0][2] if hits else None


def article_from_html(doc_id: str, html: str, path: str = "") -> Article:
    """Main text and metadata of an article page through trafilatura; boilerplate dropped."""
    import trafilatura

    doc = trafilatura.bare_extraction(html, with_metadata=True, include_comments=False,
                                      include_tables=False, favor_precision=True)
    if doc is None:
        raise ValueError("no article text found in the HTML")
    meta = doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)
    body = (meta.get("text") or "").strip()
    if not body:
        raise ValueError("no article text found in the HTML")
    published = _parse_iso_date(meta.get("date"))
    title = (meta.get("title") or "").strip()
    first, _, rest = body.partition("\n")
    if title and first.strip() == title and rest.strip():
        body = rest.lstrip("\n")  # trafilatura repeats the <h1> headline as the first line
    art = article_from_text(doc_id, body, path=path, title=meta.get("title") or "", published=published,
                            source=meta.get("sitename") or "", url=meta.get("url") or "", strip_header=False)
    art.published_from = "document" if published else "none"
    art.author = meta.get("author") or ""
    art.raw = html
    return art


def article_from_json(obj: dict, fallback_id: str, path: str = "") -> Article:
    if not isinstance(obj, dict):
        raise ValueError(f"a JSONL line must be an object, not {type(obj).__name__}")
    text = obj.get("text")
    if not isinstance(text, str) or not text.strip():
        raise ValueError("the document has no 'text' (or it is empty)")
    doc_id = str(obj.get("id") or fallback_id)
    published = _parse_iso_date(obj.get("published"))
    if obj.get("published") and not published:
        raise ValueError(f"'published' {obj.get('published')!r} is not a date; write YYYY-MM-DD")
    # A feed's text is the body already: no header lines to find (a short first line is prose, not a title).
    return article_from_text(doc_id, text, path=path, title=str(obj.get("title") or ""), published=published,
                             source=str(obj.get("source") or ""), url=str(obj.get("url") or ""),
                             language=str(obj.get("language") or "en"), strip_header=False)


def _iter_files(paths: Iterable[Union[str, Path]]) -> Iterator[Union[Path, Problem]]:
    for p in map(Path, paths):
        if p.is_dir():
            for f in sorted(p.rglob("*")):
                if f.is_file() and f.suffix.lower() in SUPPORTED and not f.name.startswith("."):
                    yield f
        elif p.is_file():
            yield p
        else:
            yield Problem(code="W301", stage="ingest", doc_id=str(p),
                          message=f"no such file or folder: {p}. Check the path")


def read_inputs(paths: Iterable[Union[str, Path]], published: Optional[date] = None) -> Iterator[Item]:
    """Articles from files and folders, with a Problem in place of each one that cannot be read.

    Args:
        paths: files (.txt, .html, .jsonl) and folders (read recursively).
        published: the --published date; it overrides every document's own.
    """
    for f in _iter_files(paths):
        if isinstance(f, Problem):
            yield f
            continue
        for item in _read_file(f):
            if isinstance(item, Article) and published:
                item.published, item.published_from = published, "cli"
            yield item


def _read_file(f: Path) -> Iterator[Item]:
    kind = SUPPORTED.get(f.suffix.lower())
    doc_id = f.stem
    if kind is None:
        yield Problem(code="W305", stage="ingest", doc_id=doc_id,
                      message=f"unknown file type {f.suffix or '(none)'!r} for {f}. "
                              f"Use one of {', '.join(sorted(SUPPORTED))}")
        return
    if kind == "jsonl":
        yield from _read_jsonl(f)
        return
    size = f.stat().st_size
    if size > MAX_FILE_BYTES:
        yield Problem(code="W306", stage="ingest", doc_id=doc_id,
                      message=f"{f} is {size / 1e6:.1f} MB, over the {MAX_FILE_BYTES // 2**20} MB limit for one "
                              "article. Split it into articles (one .txt each, or a .jsonl)")
        return
    text, problem = _decode(f.read_bytes(), doc_id)
    if problem:
        yield problem
    if text is None:
        return
    try:
        yield article_from_html(doc_id, text, str(f)) if kind == "html" else article_from_text(doc_id, text, path=str(f))
    except Exception as e:  # noqa: BLE001 - a bad document becomes a problem, the batch goes on
        yield Problem(code="W307", stage="ingest", doc_id=doc_id, message=f"cannot read {f}: {e}")


def _read_jsonl(f: Path) -> Iterator[Item]:
    with open(f, "rb") as fh:
        for n, line in enumerate(fh, 1):
            where = f"{f.name}:{n}"
            if len(line) > MAX_LINE_BYTES:
                yield Problem(code="W306", stage="ingest", doc_id=where,
                              message=f"line is {len(line) / 1e6:.1f} MB, over the {MAX_LINE_BYTES // 2**20} MB "
                                      "limit for one document. Split the document")
                continue
            if not line.strip():
                continue
            try:
                obj = json.loads(line.decode("utf-8-sig"))
            except (UnicodeDecodeError, json.JSONDecodeError) as e:
                yield Problem(code="W308", stage="ingest", doc_id=where,
                              message=f"invalid JSON ({e}). Each line must be one JSON object")
                continue
            try:
                yield article_from_json(obj, fallback_id=f"{f.stem}-{n}", path=str(f))
            except ValueError as e:
                doc_id = str(obj.get("id") or where) if isinstance(obj, dict) else where
                yield Problem(code="W309", stage="ingest", doc_id=doc_id, message=f"{where}: {e}")
