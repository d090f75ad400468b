"""Exports read back by the tools analysts use: pandas (ACLED CSV), a GeoJSON validator, duckdb (Parquet)."""
from __future__ import annotations

import re

import csv
import json

import duckdb
import geojson
import pandas as pd
import pytest
from typer.testing import CliRunner

from eventcoder.cli import app
from eventcoder.export import ACLED_COLUMNS, parse_filter, parse_since, write_export
from eventcoder.store import EventQuery, QueryError, open_store
from eventcoder.types import Event

from store.conftest import make_event, make_record


@pytest.fixture
def db_path(tmp_path):
    path = tmp_path / "events.db"
    store = open_store(path)
    store.add_records([
        # two reports of one clash in Aleppo, one in Mosul, one protest with no coordinates
        make_record("a", [make_event("a", fatalities=3, source="Agency A", notes='He said "stop", then, fled.')]),
        make_record("b", [make_event("b", fatalities=5, source="Agency B", event_date="2015-10-13")]),
        make_record("c", [make_event("c", event_date="2016-01-05", country="Iraq", iso=368, admin1="Ninewa",
                                     location="Mosul", latitude=36.335, longitude=43.1189, fatalities=20)]),
        make_record("d", [make_event("d", event_date="2016-01-07", event_type="Protests",
                                     sub_event_type="Peaceful protest", actor1="Protesters (Iraq)", inter1=6,
                                     actor2="", inter2=0, country="Iraq", iso=368, location="Basra",
                                     latitude=None, longitude=None, geo_precision=None, fatalities=0)]),
    ])
    store.close()
    return path


def export(db_path, fmt, out, **kw):
    store = open_store(db_path)
    try:
        return write_export(store, fmt, out, kw.pop("query", None), **kw)
    finally:
        store.close()


def test_acled_csv_reads_back_in_pandas_with_the_standard_columns(db_path, tmp_path):
    stats = export(db_path, "acled-csv", tmp_path / "out.csv")
    df = pd.read_csv(tmp_path / "out.csv", keep_default_na=False)
    assert list(df.columns) == list(ACLED_COLUMNS) and len(ACLED_COLUMNS) == 31
    assert stats.rows == len(df) == 3  # a and b are one incident
    aleppo = df[df.location == "Aleppo"].iloc[0]
    assert aleppo.fatalities == 5 and aleppo.source == "Agency A; Agency B"
    assert aleppo.iso == 760 and aleppo.region == "Middle East" and re.fullmatch(r"SYR\d+", aleppo.event_id_cnty)
    assert aleppo.interaction == 12 and aleppo.year == 2015
    assert set(df.country) == {"Syria", "Iraq"}
    assert df[df.location == "Basra"].iloc[0].latitude == ""  # not geocoded: empty, not 0
    per_report = export(db_path, "acled-csv", tmp_path / "reports.csv", per_report=True)
    assert per_report.rows == len(pd.read_csv(tmp_path / "reports.csv")) == 4


def test_geojson_is_valid_rfc7946(db_path, tmp_path):
    export(db_path, "geojson", tmp_path / "out.geojson")
    text = (tmp_path / "out.geojson").read_text()
    fc = geojson.loads(text)
    assert fc.is_valid, fc.errors()
    assert fc["type"] == "FeatureCollection" and len(fc["features"]) == 3
    mosul = next(f for f in fc["features"] if f["properties"]["location"] == "Mosul")
    assert mosul["geometry"]["coordinates"] == [43.1189, 36.335]  # RFC 7946: longitude first
    basra = next(f for f in fc["features"] if f["properties"]["location"] == "Basra")
    assert basra["geometry"] is None
    assert "crs" not in json.loads(text)  # RFC 7946 §4: WGS84 only, no crs member
    aleppo = next(f for f in fc["features"] if f["properties"]["location"] == "Aleppo")
    assert aleppo["properties"]["reports"] == ["a-e0", "b-e0"]


def test_parquet_is_partitioned_by_year_and_month_and_reads_in_duckdb(db_path, tmp_path):
    out = tmp_path / "pq"
    assert export(db_path, "parquet", out).rows == 3
    assert sorted({p.relative_to(out).parts[:2] for p in out.rglob("*.parquet")}) == [
        ("year=2015", "month=10"), ("year=2016", "month=1")]
    rows = duckdb.sql(f"SELECT location, fatalities, year, month FROM read_parquet('{out}/**/*.parquet', "
                      "hive_partitioning = true) ORDER BY location").fetchall()
    assert rows == [("Aleppo", 5, 2015, 10), ("Basra", 0, 2016, 1), ("Mosul", 20, 2016, 1)]


def test_jsonl_per_report_round_trips_the_events(db_path, tmp_path):
    export(db_path, "jsonl", tmp_path / "r.jsonl", per_report=True)
    lines = [json.loads(x) for x in (tmp_path / "r.jsonl").read_text().splitlines()]
    store = open_store(db_path)
    for rec in lines:
        extras = {k: rec.pop(k) for k in ("incident_id", "interaction", "review_status", "timestamp")}
        assert Event.model_validate(rec) == store.get_event(rec["event_id"]).event
        assert extras["incident_id"] == store.get_event(rec["event_id"]).incident_id
    store.close()
    export(db_path, "jsonl", tmp_path / "i.jsonl")
    incidents = [json.loads(x) for x in (tmp_path / "i.jsonl").read_text().splitlines()]
    assert sorted(len(i["reports"]) for i in incidents) == [1, 1, 2]


def test_since_exports_only_changes_and_the_deletions(db_path, tmp_path):
    store = open_store(db_path)
    with store.db.transaction():
        store.db.execute("UPDATE incidents SET timestamp = 100")
        store.db.execute("UPDATE events SET timestamp = 100")
    # document c is edited: its event goes, another comes
    store.add_records([make_record("c", [make_event("c", 1, event_date="2016-01-06", country="Iraq", iso=368,
                                                    location="Mosul", latitude=36.335, longitude=43.1189)],
                                   text="Edited.")])
    store.close()
    export(db_path, "jsonl", tmp_path / "since.jsonl", since=101)
    lines = [json.loads(x) for x in (tmp_path / "since.jsonl").read_text().splitlines()]
    assert [x["reports"] for x in lines if "deleted" not in x] == [["c-e1"]]
    assert [x["deleted"]["entity"] for x in lines if "deleted" in x] == ["incident"]
    export(db_path, "acled-csv", tmp_path / "since.csv", since=101)
    assert len(pd.read_csv(tmp_path / "since.csv")) == 1
    with open(tmp_path / "since.deleted.csv") as fh:
        assert [r["entity"] for r in csv.DictReader(fh)] == ["incident"]


def test_filters_and_parsing(db_path, tmp_path):
    q = EventQuery(filters=[parse_filter("country=Iraq"), parse_filter("fatalities>=1")])
    assert export(db_path, "acled-csv", tmp_path / "f.csv", query=q).rows == 1
    q = EventQuery(filters=[parse_filter("event_date=2016-01-01..2016-12-31"), parse_filter("location~bas%")])
    assert export(db_path, "jsonl", tmp_path / "f.jsonl", query=q).rows == 1
    assert parse_since("1700000000") == 1700000000
    assert parse_since("2023-11-14T22:13:20Z") == 1700000000
    with pytest.raises(QueryError, match="neither unix seconds"):
        parse_since("last week")
    with pytest.raises(QueryError, match="cannot read the filter"):
        parse_filter("country")
    with pytest.raises(QueryError, match="unknown export format"):
        export(db_path, "xlsx", tmp_path / "x")


def test_cli_export(db_path, tmp_path):
    runner = CliRunner()
    out = tmp_path / "cli.csv"
    result = runner.invoke(app, ["export", "--db", str(db_path), "--format", "acled-csv", "--out", str(out),
                                 "--filter", "country=Syria|Iraq", "--filter", "year=2016"])
    assert result.exit_code == 0, result.output
    assert sorted(pd.read_csv(out, keep_default_na=False).location) == ["Basra", "Mosul"]
    bad = runner.invoke(app, ["export", "--db", str(db_path), "--filter", "fatalities>=many"])
    assert bad.exit_code == 2 and "not a whole number" in bad.output


def test_one_acled_builder_for_stored_rows_and_records(db_path):
    """acled-csv builds its rows from stored rows, the API and GeoJSON from records: the same values."""
    from eventcoder.records import acled_row, event_row_record, incident_record, report_record, stored_acled_values

    store = open_store(db_path)
    try:
        events = list(store.iter_event_rows(EventQuery()))
        incidents = list(store.iter_incidents(EventQuery()))
        assert events and incidents
        for row in events:
            values = stored_acled_values(row)
            assert len(values) == len(ACLED_COLUMNS)
            assert values == list(acled_row(event_row_record(row)).values())
            assert values == list(acled_row(report_record(store.get_event(row["event_id"]))).values())
        for row in incidents:
            assert stored_acled_values(row) == list(acled_row(incident_record(row)).values())
    finally:
        store.close()


@pytest.mark.parametrize("event_date, year", [
    ("2015-10-12", 2015), (None, None), ("", None), ("2015", 2015),
    ("12 Oct 2015", "12 O"), ("0999-01-01", "0999")])  # typed by a reviewer: the CSV shows what it says
def test_acled_year(event_date, year):
    from eventcoder.records import acled_year

    assert acled_year(event_date) == year
    assert str(year if year is not None else "") == (event_date or "")[:4]


# --- nothing overwritten but an export, nothing half written ------------------------------------------------
def test_out_naming_the_database_or_any_sqlite_file_is_refused(db_path, tmp_path):
    other = tmp_path / "other.db"
    open_store(other).close()
    runner = CliRunner()
    for fmt in ("jsonl", "acled-csv", "csv", "geojson", "parquet"):
        for target in (db_path, other, db_path.with_name(db_path.name + "-wal")):
            before = target.read_bytes() if target.exists() else None
            result = runner.invoke(app, ["export", "--db", str(db_path), "--format", fmt, "--out", str(target)])
            assert result.exit_code == 2, (fmt, target, result.output)
            assert "[E124]" in result.output and str(target) in result.output and "new file name" in result.output
            assert (target.read_bytes() if target.exists() else None) == before  # before: the database truncated
    assert export(db_path, "jsonl", tmp_path / "after.jsonl").rows == 3  # the store still reads


def test_out_of_the_wrong_kind_is_refused_with_the_fix(db_path, tmp_path):
    folder, notes = tmp_path / "folder", tmp_path / "notes.txt"
    folder.mkdir()
    notes.write_text("mine\n")
    with pytest.raises(QueryError, match=r"\[E126\].*is a folder, and jsonl writes one file.*events\.jsonl"):
        export(db_path, "jsonl", folder)
    with pytest.raises(QueryError, match=r"\[E126\].*is a file, and parquet writes a folder"):
        export(db_path, "parquet", notes)
    for fmt in ("jsonl", "parquet"):  # a folder that cannot be made: under a file
        with pytest.raises(QueryError, match=r"\[E103\] cannot write --out .*notes\.txt/x.*folder exists and is writable"):
            export(db_path, fmt, notes / "x")
    assert notes.read_text() == "mine\n"


def test_a_file_export_appears_whole_or_not_at_all(tmp_path):
    from eventcoder.export import _open_out

    out = tmp_path / "events.jsonl"
    out.write_text("the last export\n")
    with _open_out(out) as fh:
        fh.write("half of the ")
        assert out.read_text() == "the last export\n"  # a reader meanwhile sees the old file
        fh.write("next export\n")
    assert out.read_text() == "half of the next export\n"
    with pytest.raises(RuntimeError):
        with _open_out(out) as fh:
            fh.write("an export that fails")
            raise RuntimeError("the store went away")
    assert out.read_text() == "half of the next export\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["events.jsonl"]  # no temporary file left


def parquet_rows(folder):
    return duckdb.sql(f"SELECT event_id_cnty, event_date, location, fatalities FROM read_parquet('{folder}/**/*.parquet',"
                      " hive_partitioning = true) ORDER BY event_id_cnty").fetchall()


def test_parquet_exported_twice_into_one_folder_holds_one_export(db_path, tmp_path):
    out = tmp_path / "pq"
    export(db_path, "parquet", out)
    once = parquet_rows(out)
    export(db_path, "parquet", out)
    assert parquet_rows(out) == once and len(once) == 3
    iraq = EventQuery(filters=[parse_filter("country=Iraq")])
    assert export(db_path, "parquet", out, query=iraq).rows == 2
    # replaced whole; before, the first export's year=2015 partition stayed: Aleppo read back with Iraq's rows
    assert sorted(r[2] for r in parquet_rows(out)) == ["Basra", "Mosul"]
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temporary folder left


def test_parquet_refuses_a_folder_holding_other_files(db_path, tmp_path):
    out = tmp_path / "reports"
    (out / "year=2015").mkdir(parents=True)
    (out / "year=2015" / "notes.txt").write_text("mine\n")
    with pytest.raises(QueryError, match=r"\[E125\].*not an eventcoder Parquet export.*new or empty folder"):
        export(db_path, "parquet", out)
    assert [p.name for p in out.rglob("*") if p.is_file()] == ["notes.txt"]


def test_parquet_event_date_is_a_date_column(db_path, tmp_path):
    import datetime

    import pyarrow.dataset as ds

    out = tmp_path / "pq"
    export(db_path, "parquet", out)
    assert str(ds.dataset(out, format="parquet", partitioning="hive").schema.field("event_date").type) == "date32[day]"
    described = duckdb.sql(f"DESCRIBE SELECT * FROM read_parquet('{out}/**/*.parquet', hive_partitioning = true)")
    assert dict(r[:2] for r in described.fetchall())["event_date"] == "DATE"  # before: VARCHAR
    assert {r[2]: r[1] for r in parquet_rows(out)}["Mosul"] == datetime.date(2016, 1, 5)
    assert duckdb.sql(f"SELECT COUNT(*) FROM read_parquet('{out}/**/*.parquet') "
                      "WHERE event_date BETWEEN DATE '2016-01-01' AND DATE '2016-12-31'").fetchall() == [(2,)]


def test_parquet_refuses_an_event_date_that_is_no_date_and_keeps_the_last_export(db_path, tmp_path):
    out = tmp_path / "pq"
    export(db_path, "parquet", out)
    once = parquet_rows(out)
    store = open_store(db_path)
    with store.db.transaction():
        store.db.execute("UPDATE incidents SET event_date = 'soon' WHERE location = 'Mosul'")
    store.close()
    with pytest.raises(QueryError, match=r"\[E127\].*'soon'.*not a date.*review app"):
        export(db_path, "parquet", out)
    assert parquet_rows(out) == once
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


FORMULAS = {"notes": "=HYPERLINK(\"http://evil.example\", \"click\")", "actor1": "@SUM(A1:A9)",
            "source": "+cmd|' /C calc'!A0", "location": "-2+3", "admin1": "\tTab", "admin2": "\rReturn"}


@pytest.mark.parametrize("fmt", ["acled-csv", "csv"])
def test_csv_cells_that_start_like_a_formula_are_escaped(tmp_path, fmt):
    db = tmp_path / "ev.db"
    store = open_store(db)
    store.add_records([make_record("f", [make_event("f", longitude=-73.5, latitude=-12.25, **FORMULAS)])])
    store.close()
    out = tmp_path / "out.csv"
    export(db, fmt, out, per_report=True)
    with open(out, newline="", encoding="utf-8") as fh:
        (row,) = list(csv.DictReader(fh))
    for column, value in FORMULAS.items():
        assert row[column] == "'" + value, column  # OWASP: a leading quote, shown as text
    assert row["longitude"] == "-73.5" and row["latitude"] == "-12.25"  # numbers stay numbers
    assert pd.read_csv(out).longitude.iloc[0] == -73.5
