from __future__ import annotations

import json
from datetime import date

import pytest

from eventcoder import ingest
from eventcoder.ingest import article_from_text, read_inputs
from eventcoder.types import Article, Problem

ARTICLE = """2 min read

Rebels shell regime posts in Hama countryside

Fighters say the offensive is the largest this year […]


5 March 2019

Rebel factions shelled army positions near Morek on Monday, a commander told reporters.

Share this article!
"""


def items(paths, **kw):
    return list(read_inputs(paths, **kw))


def test_text_header_and_furniture_stay_out_of_the_body():
    art = article_from_text("a", ARTICLE)
    assert art.title == "Rebels shell regime posts in Hama countryside"
    assert art.published == date(2019, 3, 5) and art.published_from == "header"
    assert art.text.startswith("Rebel factions shelled")
    assert "Share this article" not in art.text and "min read" not in art.text
    assert art.text.endswith("told reporters.")


def test_body_is_left_alone_when_there_is_no_header():
    text = "Police arrested five protesters in Nairobi on Friday, witnesses said."
    art = article_from_text("b", text)
    assert art.text == text and art.published is None and art.published_from == "none"


def test_published_precedence_cli_then_document_then_header(tmp_path):
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    feed = tmp_path / "feed.jsonl"
    feed.write_text(json.dumps({"id": "j1", "text": "Clashes in Sirte.\n5 March 2019", "published": "2020-01-02"}) + "\n")
    by_id = {a.doc_id: a for a in items([tmp_path])}
    assert by_id["a"].published == date(2019, 3, 5)
    assert by_id["j1"].published == date(2020, 1, 2) and by_id["j1"].published_from == "document"
    cli = {a.doc_id: a for a in items([tmp_path], published=date(2021, 6, 1))}
    assert {a.published for a in cli.values()} == {date(2021, 6, 1)}
    assert {a.published_from for a in cli.values()} == {"cli"}


def test_jsonl_bad_lines_are_problems_and_the_rest_is_read(tmp_path):
    feed = tmp_path / "feed.jsonl"
    feed.write_text("\n".join([
        json.dumps({"id": "ok1", "text": "Army retook Palmyra on Sunday."}),
        "{not json",
        json.dumps({"id": "empty", "text": "  "}),
        json.dumps({"id": "baddate", "text": "x", "published": "someday"}),
        json.dumps(["a", "list"]),
        json.dumps({"id": "ok2", "text": "Protest in Basra.", "source": "Wire", "title": "T"}),
    ]) + "\n")
    got = items([feed])
    arts = [g for g in got if isinstance(g, Article)]
    probs = [g for g in got if isinstance(g, Problem)]
    assert [a.doc_id for a in arts] == ["ok1", "ok2"]
    assert arts[1].source == "Wire" and arts[1].title == "T"
    assert [p.code for p in probs] == ["W308", "W309", "W309", "W309"]
    assert probs[0].doc_id == "feed.jsonl:2" and "JSON" in probs[0].message
    assert "published" in probs[2].message and "YYYY-MM-DD" in probs[2].message


def test_empty_binary_unknown_and_missing_files_are_problems(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"  \n")
    (tmp_path / "blob.txt").write_bytes(b"\x89PNG\r\n\x00\x00\x00IHDR" * 20)
    (tmp_path / "notes.docx").write_bytes(b"PK\x03\x04")
    (tmp_path / "good.txt").write_text("Gunmen abducted a journalist in Aden on Tuesday.")
    got = items([tmp_path / "empty.txt", tmp_path / "blob.txt", tmp_path / "notes.docx",
                 tmp_path / "missing.txt", tmp_path / "good.txt"])
    codes = [(g.doc_id, g.code) for g in got if isinstance(g, Problem)]
    assert codes == [("empty", "W302"), ("blob", "W303"), ("notes", "W305"), (str(tmp_path / "missing.txt"), "W301")]
    assert [g.doc_id for g in got if isinstance(g, Article)] == ["good"]


def test_windows_1252_text_is_read_with_a_warning(tmp_path):
    (tmp_path / "cp.txt").write_bytes("Clashes in Sana\u2019a \u2013 residents said.".encode("cp1252"))
    got = items([tmp_path / "cp.txt"])
    assert isinstance(got[0], Problem) and got[0].code == "W304" and got[0].severity == "warning"
    assert isinstance(got[1], Article) and "Sana\u2019a" in got[1].text


def test_huge_file_is_refused_with_the_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(ingest, "MAX_FILE_BYTES", 1000)
    (tmp_path / "big.txt").write_text("Shelling in Homs. " * 200)
    (prob,) = items([tmp_path / "big.txt"])
    assert prob.code == "W306" and "limit" in prob.message


def test_folder_is_read_recursively_and_lists_the_other_files_as_skipped(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "one.txt").write_text("Airstrike on Raqqa.")
    (tmp_path / "two.txt").write_text("Shelling on Hama.")
    (tmp_path / "README.md").write_text("# not an article")
    (tmp_path / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")  # hidden: passed over
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    got = items([tmp_path])
    assert sorted(a.doc_id for a in got if isinstance(a, Article)) == ["one", "two"]
    (skipped,) = [p for p in got if isinstance(p, Problem)]
    assert (skipped.code, skipped.doc_id, skipped.severity) == ("W305", "README", "error")
    assert "README.md; skipped. Use one of .htm, .html" in skipped.message


HTML = """<!doctype html><html><head><title>Clash in Marib | Desk</title>
<meta property="og:site_name" content="Yemen Desk">
<meta property="article:published_time" content="2018-05-06T10:00:00Z"></head>
<body><nav>Home | World | Sport</nav><article><h1>Clash in Marib</h1>
<p>Houthi fighters clashed with government troops in Sirwah district of Marib governorate on Saturday, killing four fighters, tribal sources said.</p>
<p>The fighting lasted several hours and ended when reinforcements arrived from the city, the sources added.</p>
</article><footer>Subscribe to our newsletter</footer></body></html>"""


def test_html_main_text_and_metadata(tmp_path):
    (tmp_path / "marib.html").write_text(HTML)
    (art,) = items([tmp_path / "marib.html"])
    assert art.title == "Clash in Marib"
    assert art.published == date(2018, 5, 6) and art.source == "Yemen Desk"
    assert art.text.startswith("Houthi fighters clashed")
    assert "Subscribe" not in art.text and "Home | World" not in art.text


def test_samples_all_read_with_a_publication_date(samples_dir):
    got = items([samples_dir])
    arts = [a for a in got if isinstance(a, Article)]
    assert len(arts) >= 8
    assert all(a.published and a.text for a in arts)
    assert [(p.code, p.doc_id) for p in got if isinstance(p, Problem)] == [("W305", "README")]  # README.md


# --- files the system will not read, and things that are no files -------------------------------------------
GOOD = "Gunmen abducted a journalist in Aden on Tuesday, residents said."


def unprivileged(argv: list[str]) -> list[str]:
    """``argv`` as a process that file permissions apply to: as root (which reads any file), with the two
    capabilities that let root ignore them dropped."""
    import os
    import shutil

    if os.geteuid() != 0:
        return argv
    if shutil.which("setpriv") is None:
        pytest.skip("running as root without setpriv (util-linux): cannot make a file unreadable to root")
    caps = "-dac_override,-dac_read_search"
    return ["setpriv", f"--inh-caps={caps}", f"--bounding-set={caps}", *argv]


READ_AND_PRINT = """
import json, sys
from eventcoder.ingest import read_inputs
from eventcoder.types import Problem
for item in read_inputs(sys.argv[1:]):
    print(json.dumps([item.code, item.doc_id, item.severity, item.message] if isinstance(item, Problem)
                     else ["article", item.doc_id, "", item.text]), flush=True)
"""


def read_elsewhere(*paths) -> list[list[str]]:
    """read_inputs in a separate, unprivileged process (bounded: a FIFO read by mistake would block it)."""
    import subprocess
    import sys
    from pathlib import Path

    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(Path(__file__).resolve().parents[1] / "src")}
    out = subprocess.run(unprivileged([sys.executable, "-c", READ_AND_PRINT, *map(str, paths)]), env=env,
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0 and "Traceback" not in out.stderr, out.stderr
    return [json.loads(line) for line in out.stdout.splitlines()]


def hostile_folder(d):
    """A folder of one good document among every kind of entry the system refuses to read as one."""
    import os
    import socket

    d.mkdir()
    (d / "good.txt").write_text(GOOD)
    (d / "locked.txt").write_text(GOOD)
    (d / "locked.txt").chmod(0)
    (d / "closed").mkdir()
    (d / "closed" / "inside.txt").write_text(GOOD)
    (d / "closed").chmod(0)
    os.mkfifo(d / "pipe.txt")  # a reader would wait for a writer for ever
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(d / "socket.txt"))
    (d / "null.txt").symlink_to("/dev/null")  # a character device
    (d / "loop.txt").symlink_to("loop.txt")
    (d / "gone.txt").symlink_to("no-such-file.txt")
    (d / "eio.txt").symlink_to("/proc/self/mem")  # a regular file whose read fails: EIO, even for root
    (d / "report.txt").mkdir()  # a folder named like a document
    (d / "elsewhere").symlink_to(d / "closed")
    (d / "notes.md").write_text("not an article")
    (d / "z-good.txt").write_text(GOOD.replace("Aden", "Taiz"))
    return server


def test_unreadable_and_special_entries_are_skipped_with_a_reason_and_the_rest_is_read(tmp_path):
    server = hostile_folder(tmp_path / "in")
    try:
        got = read_elsewhere(tmp_path / "in")
    finally:
        server.close()
    assert [doc for code, doc, _, _ in got if code == "article"] == ["good", "z-good"]
    problems = {doc: (code, severity, message) for code, doc, severity, message in got if code != "article"}
    assert {doc: code for doc, (code, _, _) in problems.items()} == {
        "closed": "W315", "eio": "W314", "elsewhere": "W316", "gone": "W314", "locked": "W314", "loop": "W314",
        "notes": "W305", "null": "W316", "pipe": "W316", "report": "W316", "socket": "W316"}
    assert all(severity == "error" for _, severity, _ in problems.values())
    expected = {"locked": ("Permission denied (EACCES)", "chmod a+r"), "closed": ("(EACCES)", "chmod a+rx"),
                "loop": ("(ELOOP)", "leads back to itself"), "gone": ("(ENOENT)", "does not exist"),
                "eio": ("(EIO)", "copy the file elsewhere"), "pipe": ("a named pipe (FIFO)", "never read"),
                "socket": ("a socket", "never read"), "null": ("a character device", "never read"),
                "report": ("a folder named like a document", "Rename it"),
                "elsewhere": ("a link to a folder", "Give the folder")}
    for doc, (reason, fix) in expected.items():
        assert reason in problems[doc][2] and fix in problems[doc][2], problems[doc][2]


def test_unreadable_or_special_inputs_named_on_the_command_line(tmp_path):
    import os

    (tmp_path / "locked.jsonl").write_text(json.dumps({"id": "j", "text": GOOD}) + "\n")
    (tmp_path / "locked.jsonl").chmod(0)
    os.mkfifo(tmp_path / "pipe.jsonl")
    (tmp_path / "good.txt").write_text(GOOD)
    got = read_elsewhere(tmp_path / "locked.jsonl", tmp_path / "pipe.jsonl", tmp_path / "good.txt")
    assert [(code, doc) for code, doc, _, _ in got] == [("W314", "locked"), ("W316", "pipe"), ("article", "good")]


@pytest.mark.parametrize("line, field", [
    ({"id": "a", "text": 5}, "'text' must be a string (the article's body), not a number (5)"),
    ({"id": "a", "text": ["Rebels", "shelled"]}, "'text' must be a string"),
    ({"id": "a", "text": GOOD, "published": []}, "'published' must be a date string, YYYY-MM-DD, not a list ([])"),
    ({"id": "a", "text": GOOD, "published": 20151013}, "'published' must be a date string"),
    ({"id": ["a"], "text": GOOD}, "'id' must be a string or a whole number, not a list"),
    ({"id": True, "text": GOOD}, "'id' must be a string or a whole number, not true/false"),
    ({"id": "a", "text": GOOD, "title": {"en": "Clash"}}, "'title' must be a string, not an object"),
    ({"id": "a", "text": GOOD, "source": 7}, "'source' must be a string"),
    (["a", "list"], "a JSONL line must be an object, not a list"),
    ("just a string", "a JSONL line must be an object, not a string"),
    (None, "a JSONL line must be an object, not NoneType"),
])
def test_jsonl_fields_of_the_wrong_type_name_the_field(tmp_path, line, field):
    feed = tmp_path / "feed.jsonl"
    feed.write_text(json.dumps(line) + "\n" + json.dumps({"id": "next", "text": GOOD}) + "\n")
    problem, article = items([feed])
    assert isinstance(problem, Problem) and problem.code == "W309" and field in problem.message, problem.message
    assert article.doc_id == "next"  # the batch goes on


def test_a_number_id_is_still_an_id(tmp_path):
    feed = tmp_path / "feed.jsonl"
    feed.write_text(json.dumps({"id": 42, "text": GOOD, "published": None, "title": None}) + "\n")
    (article,) = items([feed])
    assert article.doc_id == "42" and article.published is None


def test_text_that_is_not_english_is_read_with_a_warning(tmp_path):
    from test_language import FOREIGN

    feed = tmp_path / "feed.jsonl"
    feed.write_text("\n".join(json.dumps({"id": lang, "text": text, "language": "fr" if lang == "French" else None})
                              for lang, text in sorted(FOREIGN.items())) + "\n" +
                    json.dumps({"id": "english", "text": GOOD * 3}) + "\n", encoding="utf-8")
    got = items([feed])
    warned = {p.doc_id: p for p in got if isinstance(p, Problem)}
    assert set(warned) == set(FOREIGN) and all(p.code == "W317" and p.severity == "warning" for p in warned.values())
    assert "French" in warned["French"].message and "(marked 'fr')" in warned["French"].message
    assert "Arabic" in warned["Arabic"].message and "translation" in warned["Arabic"].message
    assert sorted(a.doc_id for a in got if isinstance(a, Article)) == sorted([*FOREIGN, "english"])  # still read
