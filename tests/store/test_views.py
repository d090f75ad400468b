"""The database as SQL readers see it: the acled_events/acled_reports views are ACLED's export row for
row, and every report's incident exists (a foreign key, checked at commit)."""
from __future__ import annotations

import pytest

from eventcoder.records import ACLED_COLUMNS, stored_acled_values

from .conftest import make_event, make_record


def _blank(v):
    return "" if v is None else v


@pytest.fixture
def filled(store):
    store.add_records([make_record(f"d{i}", [make_event(f"d{i}", k, country=c, iso=iso, inter1=k + 1, inter2=i % 3,
                                                        flags=[["low_type_margin", "crowd size=hundreds"], [],
                                                               ["crowd size=no report"]][(i + k) % 3])
                                             for k in range(2)])
                       for i, (c, iso) in enumerate([("Syria", 760), ("Iraq", 368), ("Yemen", None)])])
    return store


def test_the_views_are_acleds_export_row_for_row(filled):
    for view, table, key in (("acled_events", "incidents", "incident_id"), ("acled_reports", "events", "event_id")):
        got = filled.db.query(f"SELECT * FROM {view} ORDER BY {key}")
        rows = filled.db.query(f"SELECT * FROM {table} ORDER BY {key}")
        assert len(got) == len(rows) > 0
        for g, row in zip(got, rows):
            expected = dict(zip(ACLED_COLUMNS, stored_acled_values(row)))
            assert list(g)[:len(ACLED_COLUMNS)] == list(ACLED_COLUMNS)
            assert {c: _blank(g[c]) for c in ACLED_COLUMNS} == {c: _blank(expected[c]) for c in ACLED_COLUMNS}
    tags = {r["tags"] for r in filled.db.query("SELECT tags FROM acled_reports")}
    assert tags == {"crowd size=hundreds", "", "crowd size=no report"}  # ACLED's tags; no review flag
    yemen = filled.db.query_one("SELECT region, event_id_cnty FROM acled_reports WHERE country = 'Yemen' LIMIT 1")
    assert yemen["region"] == "Middle East" and yemen["event_id_cnty"].startswith("YEM")  # by name: no iso


def test_a_report_cannot_name_a_missing_incident(filled):
    with pytest.raises(Exception, match="(?i)foreign key"):
        with filled.db.transaction():
            filled.db.execute("UPDATE events SET incident_id = 'Inope' WHERE event_id = 'd0-e0'")
    assert filled.get_event("d0-e0").incident_id is not None
