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


def test_folder_is_read_recursively_and_skips_other_files(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "one.txt").write_text("Airstrike on Raqqa.")
    (tmp_path / "two.txt").write_text("Shelling on Hama.")
    (tmp_path / "README.md").write_text("# not an article")
    assert sorted(a.doc_id for a in items([tmp_path])) == ["one", "two"]


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
    arts = items([samples_dir])
    assert len(arts) >= 8
    assert all(isinstance(a, Article) and a.published and a.text for a in arts)
