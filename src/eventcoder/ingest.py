"""Documents in (SPEC.md §1): .txt, .html, .jsonl and folders of them -> Article, or a Problem.

Header lines (title, date line) and page furniture are kept out of the body; the body is what every
evidence span's offsets point into.

Bad input never stops a run: each unreadable document becomes one Problem naming it, and the rest go on.
Errors (the document is not stored): W301 no such path, W302 empty or no words, W303 binary or undecodable,
W305 unknown file type (in a folder too: listed as skipped, not passed over in silence), W306 over a size
limit, W307 unreadable HTML, W308 invalid JSON line, W309 invalid JSONL document (no text, a field of the
wrong type, bad date, id over 256 characters), W314 a file the system will not read (permission denied, an
input/output error, a link to nothing or to itself), W315 a folder that cannot be listed, W316 not a regular
file (a FIFO, socket or device: skipped, never opened, so a FIFO cannot block the run; a link to a folder or
a folder named like a document). Warnings (stored): W304 read as Windows-1252, W310 control characters or
lone surrogates removed, W311 body cut at MAX_BODY_CHARS, W312 page nested past lxml's depth limit read by
the plain parser, W313 an id repeated within the run (renamed ``ID~2``, or an exact repeat read once), W317
text that does not look like English (see language.py). Hidden files and folders (``.git``, ``.DS_Store``)
are passed over. ``read_bytes`` gives uploads the same checks as files.
"""
from __future__ import annotations

import errno
import json
import os
import re
import stat
from html.parser import HTMLParser
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Iterable, Iterator, Optional, Union

from .datetext import find_absolute_dates, parse_date_line
from .language import not_english
from .types import Article, Problem

SUPPORTED = {".txt": "txt", ".text": "txt", ".html": "html", ".htm": "html", ".jsonl": "jsonl", ".ndjson": "jsonl"}
MAX_FILE_BYTES = 20 * 1024 * 1024  # one article is < 1 MB; a 20 MB .txt is a dump, not an article
MAX_LINE_BYTES = 5 * 1024 * 1024  # one JSONL document
MAX_BODY_CHARS = 1_000_000
# An id names the document in event ids, URLs and one-line error messages: one line, and short (a URL or a
# wire-service slug is < 200 characters). Titles, sources and URLs are cut at this many characters (a headline
# is < 300); the body is never cut silently (see W311).
MAX_ID_CHARS = 256
MAX_META_CHARS = 2000

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


# Magic numbers of the binary files people drop into an article folder by mistake (images, PDFs, archives,
# office documents): refused even when their first bytes happen to hold no NUL.
BINARY_MAGIC = (b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"%PDF", b"PK\x03\x04", b"\x1f\x8b", b"\xd0\xcf\x11\xe0",
                b"RIFF", b"\x7fELF", b"BZh", b"\xfd7zXZ", b"7z\xbc\xaf")
# Byte-order marks of the wide encodings, longest first (the UTF-32-LE mark starts with the UTF-16-LE one).
# UTF-8's mark is left to the UTF-8 path, which falls back to Windows-1252 for a file that is not UTF-8 after all.
BOMS = ((b"\x00\x00\xfe\xff", "utf-32-be"), (b"\xff\xfe\x00\x00", "utf-32-le"), (b"\xfe\xff", "utf-16-be"),
        (b"\xff\xfe", "utf-16-le"))
# Control characters that are not layout: NUL and the other C0 codes but tab, newline, vertical tab, carriage
# return and form feed (PostgreSQL refuses NUL in text; a terminal or browser mangles the rest).
# Lone UTF-16 surrogates (JSON may spell them, "\ud800") are no characters: nothing can encode them to UTF-8.
CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f\ud800-\udfff]")
_CONTROL_BYTES = bytes(b for b in range(32) if b not in b"\t\n\x0b\r\f") + b"\x7f"
# A stray NUL or two is a damaged text file; in a binary file about 1 byte in 8 is a control byte (32 of 256
# values), in text none is: more than 1 in 20 is binary.
MAX_CONTROL_SHARE = 0.05


def clean_text(text: str) -> tuple[str, int]:
    """The text without non-layout control characters (NUL, ESC, ...) and lone surrogates, and how many
    were removed."""
    # A vertical tab is a word processor's manual line break: a line break, not a character to drop.
    cleaned, n = CONTROLS.subn("", text.replace("\x0b", "\n"))
    return cleaned, n


def _control_share(head: bytes) -> float:
    return (len(head) - len(head.translate(None, _CONTROL_BYTES))) / max(1, len(head))


def _utf16_without_bom(head: bytes) -> Optional[str]:
    """'utf-16-le'/'utf-16-be' when every other byte is NUL (ASCII-range text in UTF-16 without a mark)."""
    if len(head) < 4:
        return None
    even, odd = head[0::2], head[1::2]
    if odd.count(0) > 0.9 * len(odd) and even.count(0) < 0.1 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.9 * len(even) and odd.count(0) < 0.1 * len(odd):
        return "utf-16-be"
    return None


def _decode(data: bytes, doc_id: str) -> tuple[Optional[str], list[Problem]]:
    """Text of the bytes, or a problem saying why there is none. Warns on a non-UTF-8 fallback and on
    control characters removed."""
    if not data.strip():
        return None, [Problem(code="W302", stage="ingest", doc_id=doc_id,
                              message="document is empty. Nothing to extract; check the file was written completely")]
    head = data[:8192]
    encoding = next((enc for bom, enc in BOMS if data.startswith(bom)), None) or _utf16_without_bom(head)
    if encoding is None and (data.startswith(BINARY_MAGIC) or _control_share(head) > MAX_CONTROL_SHARE):
        return None, [Problem(code="W303", stage="ingest", doc_id=doc_id,
                              message="document is binary (an image, PDF, archive or NUL bytes), not text. "
                                      "Convert it to .txt, .html or .jsonl")]
    problems: list[Problem] = []
    if encoding:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as e:
            return None, [Problem(code="W303", stage="ingest", doc_id=doc_id,
                                  message=f"document starts as {encoding} but is undecodable at byte {e.start}. "
                                          "Re-save it as UTF-8 text")]
        text = text.lstrip("\ufeff")
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as e:
            text = data.removeprefix(b"\xef\xbb\xbf").decode("cp1252", errors="replace")
            controls = sum(1 for ch in text[:4000] if ord(ch) < 32 and ch not in "\n\r\t\f")
            if controls > len(text[:4000]) * 0.05 or text.count("\ufffd") > len(text) * 0.05:
                return None, [Problem(code="W303", stage="ingest", doc_id=doc_id,
                                      message=f"document is not text (undecodable at byte {e.start}). "
                                              "Convert it to UTF-8 text")]
            problems.append(Problem(code="W304", stage="ingest", doc_id=doc_id, severity="warning",
                                    message=f"document is not UTF-8 (byte {e.start}); read as Windows-1252. "
                                            "Re-save it as UTF-8 if characters look wrong"))
    text, removed = clean_text(text)
    if removed:
        problems.append(_controls_warning(doc_id, removed))
    return text, problems


def _controls_warning(doc_id: str, removed: int) -> Problem:
    return Problem(code="W310", stage="ingest", doc_id=doc_id, severity="warning",
                   message=f"removed {removed} control or invalid character(s) (NUL, lone surrogates) from the text. "
                           "Check the file is not damaged")


def _no_words(doc_id: str) -> Problem:
    return Problem(code="W302", stage="ingest", doc_id=doc_id,
                   message="document has no words (only whitespace, punctuation or symbols). Nothing to extract; "
                           "check the file was written completely")


def _truncated(doc_id: str, chars: int) -> Problem:
    return Problem(code="W311", stage="ingest", doc_id=doc_id, severity="warning",
                   message=f"document has {chars:,} characters; only the first {MAX_BODY_CHARS:,} were kept. "
                           "Split it into articles to read all of it")


def _checked(article: Article) -> Iterator[Item]:
    """The article, after a problem for a body with no words and a warning for a body cut at the limit."""
    if not any(ch.isalnum() for ch in article.text):
        yield _no_words(article.doc_id)
        return
    full = len(article.raw) if article.raw else 0
    if len(article.text) >= MAX_BODY_CHARS and full > MAX_BODY_CHARS:
        yield _truncated(article.doc_id, full)
    why = not_english(article.text)
    if why:
        declared = f" (marked {article.language!r})" if article.language not in ("", "en") else ""
        yield Problem(code="W317", stage="ingest", doc_id=article.doc_id, severity="warning",
                      message=f"document does not look like English{declared}: {why}. eventcoder reads English "
                              "reporting, so its events may be missing or wrong; give it an English translation")
    yield article


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


# libxml2 (under lxml, under trafilatura) stops building the tree 256 elements deep, so a page nested deeper
# comes back with no text at all; such pages are read by the plain parser below instead.
LXML_MAX_DEPTH = 256
_SKIP_TAGS = {"script", "style", "noscript", "template", "nav", "header", "footer", "aside", "form", "svg",
              "button", "select", "head"}
_VOID_TAGS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
_BLOCK_TAGS = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "article", "section", "blockquote",
               "pre", "dd", "dt", "table", "ul", "ol", "main"}


class _PlainText(HTMLParser):
    """Visible text of a page and how deep its elements nest; no depth limit (the stdlib parser is flat)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.depth = self.max_depth = self.skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in _VOID_TAGS:
            if tag == "br":
                self.parts.append("\n")
            return
        self.depth += 1
        self.max_depth = max(self.max_depth, self.depth)
        if tag in _SKIP_TAGS or self.skipping:
            self.skipping += 1
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in _VOID_TAGS:
            return
        self.depth = max(0, self.depth - 1)
        if self.skipping:
            self.skipping -= 1
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(data)

    def text(self) -> str:
        lines = (re.sub(r"[ \t\f\v]+", " ", ln).strip() for ln in "".join(self.parts).split("\n"))
        return "\n\n".join(ln for ln in lines if ln)


def _plain_text(html: str) -> tuple[str, int]:
    parser = _PlainText()
    parser.feed(html)
    parser.close()
    return parser.text(), parser.max_depth


def article_from_html(doc_id: str, html: str, path: str = "", notes: Optional[list[Problem]] = None) -> Article:
    """Main text and metadata of an article page through trafilatura; boilerplate dropped.

    A page nested deeper than lxml can parse is read by a plain parser instead, with a warning appended to
    ``notes`` (when given).
    """
    import trafilatura

    doc = trafilatura.bare_extraction(html, with_metadata=True, include_comments=False,
                                      include_tables=False, favor_precision=True)
    meta = (doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)) if doc is not None else {}
    body = (meta.get("text") or "").strip()
    if not body:
        text, depth = _plain_text(html)
        if depth < LXML_MAX_DEPTH or not text.strip():
            raise ValueError("no article text found in the HTML. Check the page holds the article, "
                             "or save its text as .txt")
        if notes is not None:
            notes.append(Problem(code="W312", stage="ingest", doc_id=doc_id, severity="warning",
                                 message=f"the page nests {depth} elements deep, deeper than the HTML parser's "
                                         f"limit of {LXML_MAX_DEPTH}; read its visible text without boilerplate "
                                         "removal. Check the body for page furniture"))
        art = article_from_text(doc_id, text, path=path)  # a page's visible text opens like a .txt: title, date
        art.raw = html
        return art
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


def _meta(obj: dict, key: str) -> str:
    return str(obj.get(key) or "")[:MAX_META_CHARS]


def _type_name(value: object) -> str:
    return {list: "a list", dict: "an object", bool: "true/false", int: "a number", float: "a number",
            str: "a string"}.get(type(value), type(value).__name__)


def _wrong_type(key: str, wanted: str, value: object) -> ValueError:
    shown = json.dumps(value, ensure_ascii=False, default=str)
    shown = shown if len(shown) <= 40 else shown[:37] + "..."
    return ValueError(f"'{key}' must be {wanted}, not {_type_name(value)} ({shown}). Correct the field")


# The fields a JSONL document may give and what each must hold (a JSON null is the same as leaving it out).
_TEXT_FIELDS = ("title", "source", "url", "language")


def _check_types(obj: dict) -> None:
    """Raise ValueError naming the first field of the wrong JSON type: "text": 5, "published": [], ..."""
    text = obj.get("text")
    if text is not None and not isinstance(text, str):
        raise _wrong_type("text", "a string (the article's body)", text)
    doc_id = obj.get("id")
    if doc_id is not None and (isinstance(doc_id, bool) or not isinstance(doc_id, (str, int))):
        raise _wrong_type("id", "a string or a whole number", doc_id)
    published = obj.get("published")
    if published is not None and not isinstance(published, str):
        raise _wrong_type("published", "a date string, YYYY-MM-DD", published)
    for key in _TEXT_FIELDS:
        value = obj.get(key)
        if value is not None and not isinstance(value, str):
            raise _wrong_type(key, "a string", value)


def article_from_json(obj: dict, fallback_id: str, path: str = "") -> Article:
    if not isinstance(obj, dict):
        raise ValueError(f"a JSONL line must be an object, not {_type_name(obj)}. Write one JSON object a line: "
                         '{"id": "...", "text": "..."}')
    _check_types(obj)
    text = obj.get("text")
    if not text or not text.strip():
        raise ValueError("the document has no 'text' (or it is empty)")
    doc_id = " ".join(str(obj.get("id") or fallback_id).split())  # one line: it heads error messages
    if len(doc_id) > MAX_ID_CHARS:
        raise ValueError(f"'id' is {len(doc_id):,} characters, over the {MAX_ID_CHARS} limit. Use a shorter id")
    if not doc_id:
        doc_id = fallback_id
    published = _parse_iso_date(obj.get("published"))
    if obj.get("published") and not published:
        raise ValueError(f"'published' {obj.get('published')!r} is not a date; write YYYY-MM-DD")
    # A feed's text is the body already: no header lines to find (a short first line is prose, not a title).
    return article_from_text(doc_id, text, path=path, title=_meta(obj, "title"), published=published,
                             source=_meta(obj, "source"), url=_meta(obj, "url"),
                             language=str(obj.get("language") or "en"), strip_header=False)


# --- files and folders ---------------------------------------------------------------------------------
# What to do about each reason the system gives for not reading a file (errno), for W314's message.
_OS_FIXES = {
    errno.EACCES: "Let the user running eventcoder read it (chmod a+r), or run eventcoder as its owner",
    errno.EPERM: "Let the user running eventcoder read it (chmod a+r), or run eventcoder as its owner",
    errno.ELOOP: "It is a symbolic link that leads back to itself: fix or remove the link",
    errno.ENOENT: "It is a symbolic link to a file that does not exist: fix or remove the link",
    errno.EIO: "The disk or network share failed to deliver it: copy the file elsewhere and try again",
    errno.EISDIR: "It is a folder: give the folder itself as an input",
    errno.ENAMETOOLONG: "Its name is too long for the system: rename or move it",
}


def _os_reason(e: OSError) -> str:
    name = errno.errorcode.get(e.errno or 0, "")
    return f"{e.strerror or e}" + (f" ({name})" if name else "")


def _unreadable(path: Path, e: OSError) -> Problem:
    fix = _OS_FIXES.get(e.errno or 0, "Check the file and the disk it is on")
    return Problem(code="W314", stage="ingest", doc_id=path.stem or str(path),
                   message=f"cannot read {path}: {_os_reason(e)}; skipped. {fix}")


def _unreadable_folder(path: Path, e: OSError) -> Problem:
    fix = _OS_FIXES.get(e.errno or 0, "Check the folder and the disk it is on")
    if e.errno in (errno.EACCES, errno.EPERM):
        fix = "Let the user running eventcoder list it (chmod a+rx), or run eventcoder as its owner"
    return Problem(code="W315", stage="ingest", doc_id=path.name or str(path),
                   message=f"cannot list the folder {path}: {_os_reason(e)}; its documents were skipped. {fix}")


def _kind_of(mode: int) -> str:
    return ("a named pipe (FIFO)" if stat.S_ISFIFO(mode) else "a socket" if stat.S_ISSOCK(mode)
            else "a character device" if stat.S_ISCHR(mode) else "a block device" if stat.S_ISBLK(mode)
            else "not a regular file")


def _not_a_file(path: Path, what: str, fix: str) -> Problem:
    return Problem(code="W316", stage="ingest", doc_id=path.stem or str(path),
                   message=f"{path} is {what}, not a document; skipped, never read. {fix}")


def _special(path: Path, mode: int) -> Problem:
    return _not_a_file(path, _kind_of(mode), "Save what it gives to a .txt, .html or .jsonl file and give that")


def _unsupported(path: Path) -> Problem:
    return Problem(code="W305", stage="ingest", doc_id=path.stem or str(path),
                   message=f"unknown file type {path.suffix or '(none)'!r} for {path}; skipped. "
                           f"Use one of {', '.join(sorted(SUPPORTED))}")


def _iter_files(paths: Iterable[Union[str, Path]]) -> Iterator[Union[Path, Problem]]:
    """Every document file of the inputs, in order (a folder's files sorted by path), and a Problem for
    each input or folder entry that is no readable document. Nothing is opened here."""
    for p in map(Path, paths):
        try:
            mode = os.stat(p).st_mode
        except FileNotFoundError as e:
            yield (_unreadable(p, e) if os.path.islink(p) else
                   Problem(code="W301", stage="ingest", doc_id=str(p),
                           message=f"no such file or folder: {p}. Check the path"))
            continue
        except OSError as e:
            yield _unreadable(p, e)
            continue
        if stat.S_ISDIR(mode):
            yield from _walk(p)
        elif stat.S_ISREG(mode):
            yield p
        else:
            yield _special(p, mode)


def _walk(folder: Path) -> Iterator[Union[Path, Problem]]:
    """The files of a folder and its subfolders, depth first, each folder's entries sorted by name (the
    order of ``sorted(folder.rglob("*"))``). Links to files are followed, links to folders are not (they
    may loop)."""
    try:
        with os.scandir(folder) as listing:
            entries = sorted(listing, key=lambda entry: entry.name)
    except OSError as e:
        yield _unreadable_folder(folder, e)
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        path = folder / entry.name
        try:
            if entry.is_dir(follow_symlinks=False):
                if path.suffix.lower() in SUPPORTED:
                    yield _not_a_file(path, "a folder named like a document",
                                      "Rename it without the suffix to have its documents read")
                else:
                    yield from _walk(path)
                continue
            mode = entry.stat().st_mode  # through a link to its target
        except OSError as e:
            yield _unreadable(path, e)
            continue
        if stat.S_ISDIR(mode):
            yield _not_a_file(path, "a link to a folder", "Give the folder it links to as an input")
        elif not stat.S_ISREG(mode):
            yield _special(path, mode)
        elif path.suffix.lower() not in SUPPORTED:
            yield _unsupported(path)
        else:
            yield path


def read_inputs(paths: Iterable[Union[str, Path]], published: Optional[date] = None) -> Iterator[Item]:
    """Articles from files and folders, with a Problem in place of each one that cannot be read.

    Args:
        paths: files (.txt, .html, .jsonl) and folders (read recursively).
        published: the --published date; it overrides every document's own.
    """
    seen: dict[str, tuple[str, str]] = {}  # doc_id -> (content hash, where it was read) in this run
    for f in _iter_files(paths):
        if isinstance(f, Problem):
            yield f
            continue
        for item in _read_file(f):
            if isinstance(item, Article):
                if published:
                    item.published, item.published_from = published, "cli"
                problem = _unique_id(item, seen, str(f))
                if problem:
                    yield problem
                    if problem.doc_id == item.doc_id:  # the same document again: read once
                        continue
            yield item


def _unique_id(article: Article, seen: dict[str, tuple[str, str]], where: str) -> Optional[Problem]:
    """Keep every document of a run under its own id: two files named ``report.txt`` in two folders, or two
    JSONL lines with one id, would otherwise replace one another in the store. A repeat with other content is
    renamed ``ID~2`` (``~3``...; the same in every run over the same inputs, so re-runs stay idempotent); a
    repeat of the same content is read once."""
    digest = article.content_hash
    first = seen.get(article.doc_id)
    if first is None:
        seen[article.doc_id] = (digest, where)
        return None
    if first[0] == digest:
        return Problem(code="W313", stage="ingest", doc_id=article.doc_id, severity="warning",
                       message=f"{where} repeats the document {article.doc_id!r} of {first[1]} word for word; "
                               "read once")
    k = 2
    while f"{article.doc_id}~{k}" in seen:
        k += 1
    old, article.doc_id = article.doc_id, f"{article.doc_id}~{k}"
    seen[article.doc_id] = (digest, where)
    return Problem(code="W313", stage="ingest", doc_id=old, severity="warning",
                   message=f"id {old!r} is taken by another document of this run ({first[1]}); the one in {where} "
                           f"is stored as {article.doc_id!r}. Give each document its own id (JSONL 'id', or "
                           "distinct file names)")


# O_NONBLOCK: opening a FIFO that has become one since it was listed returns at once instead of waiting for
# a writer (it is then refused by fstat); a regular file reads the same with or without it.
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)


def _read_file(f: Path) -> Iterator[Item]:
    kind = SUPPORTED.get(f.suffix.lower())
    if kind is None:
        yield _unsupported(f)
        return
    try:
        fh = os.fdopen(os.open(f, _OPEN_FLAGS), "rb")
    except OSError as e:
        yield _unreadable(f, e)
        return
    with fh:
        try:
            info = os.fstat(fh.fileno())
            if not stat.S_ISREG(info.st_mode):
                yield _special(f, info.st_mode)
                return
            if kind == "jsonl":
                yield from _read_jsonl(fh, f.name, f.stem, str(f))
                return
            if info.st_size > MAX_FILE_BYTES:
                yield Problem(code="W306", stage="ingest", doc_id=f.stem,
                              message=f"{f} is {info.st_size / 1e6:.1f} MB, over the {MAX_FILE_BYTES // 2**20} MB "
                                      "limit for one article. Split it into articles (one .txt each, or a .jsonl)")
                return
            data = fh.read(MAX_FILE_BYTES + 1)
        except OSError as e:  # a read that fails halfway (an input/output error): what was read stands
            yield _unreadable(f, e)
            return
    yield from _read_document(kind, f.stem, data, str(f))


def _read_document(kind: str, doc_id: str, data: bytes, path: str) -> Iterator[Item]:
    """One .txt or .html document from its bytes: problems first, then the article when there is one."""
    text, problems = _decode(data, doc_id)
    yield from problems
    if text is None:
        return
    notes: list[Problem] = []
    try:
        article = (article_from_html(doc_id, text, path, notes) if kind == "html"
                   else article_from_text(doc_id, text, path=path))
    except Exception as e:  # noqa: BLE001 - a bad document becomes a problem, the batch goes on
        yield Problem(code="W307", stage="ingest", doc_id=doc_id, message=f"cannot read {path}: {e}")
        return
    yield from notes
    yield from _checked(article)


def read_bytes(name: str, data: bytes, doc_id: Optional[str] = None,
               published: Optional[date] = None) -> Iterator[Item]:
    """Articles of one uploaded file (its name says the kind), with the same checks as files on disk: the
    encoding found, binary refused, controls removed, sizes bounded, one problem per bad document.

    Args:
        name: the file name as uploaded (``.txt``, ``.html``, ``.jsonl``).
        data: its bytes.
        doc_id: the id of a .txt/.html document (default: the name without its suffix).
        published: overrides every document's own date (as ``--published`` does).
    """
    path = Path(name)
    kind = SUPPORTED.get(path.suffix.lower())
    doc_id = doc_id or path.stem or "upload"
    if kind is None:
        items: Iterator[Item] = iter([Problem(
            code="W305", stage="ingest", doc_id=doc_id,
            message=f"unknown file type {path.suffix or '(none)'!r} for {name}; skipped. "
                    f"Use one of {', '.join(sorted(SUPPORTED))}")])
    elif kind == "jsonl":
        import io

        items = _read_jsonl(io.BytesIO(data), path.name, path.stem, name)
    elif len(data) > MAX_FILE_BYTES:
        items = iter([Problem(code="W306", stage="ingest", doc_id=doc_id,
                              message=f"{name} is {len(data) / 1e6:.1f} MB, over the {MAX_FILE_BYTES // 2**20} MB "
                                      "limit for one article. Split it into articles")])
    else:
        items = _read_document(kind, doc_id, data, name)
    for item in items:
        if isinstance(item, Article) and published:
            item.published, item.published_from = published, "cli"
        yield item


def _read_jsonl(fh, name: str, stem: str, path: str) -> Iterator[Item]:
    """Documents of a JSONL stream (binary), one a line; ``name:LINE`` names a line that is no document."""
    n = 0
    while line := fh.readline(MAX_LINE_BYTES + 1):  # bounded: a line with no end never sits whole in memory
        n += 1
        where = f"{name}:{n}"
        if len(line) > MAX_LINE_BYTES:
            size = len(line)
            while not line.endswith(b"\n") and (line := fh.readline(1 << 20)):
                size += len(line)
            yield Problem(code="W306", stage="ingest", doc_id=where,
                          message=f"line is {size / 1e6:.1f} MB, over the {MAX_LINE_BYTES // 2**20} MB "
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
        removed = 0
        if isinstance(obj, dict):
            # JSON may spell NUL and other controls as \u0000: they go, as from a file.
            for key, value in obj.items():
                if isinstance(value, str):
                    obj[key], k = clean_text(value)
                    removed += k
        try:
            article = article_from_json(obj, fallback_id=f"{stem}-{n}", path=path)
        except ValueError as e:
            given = " ".join(str(obj.get("id") or "").split()) if isinstance(obj, dict) else ""
            doc_id = given if given and len(given) <= MAX_ID_CHARS else where
            yield Problem(code="W309", stage="ingest", doc_id=doc_id, message=f"{where}: {e}")
            continue
        if removed:
            yield _controls_warning(article.doc_id, removed)
        yield from _checked(article)
