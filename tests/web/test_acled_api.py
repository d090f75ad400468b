"""ACLED's API conventions: region and interaction filters, country names in any case, event_id_cnty like
SYR1234 (assigned once, stable), and the deleted endpoint."""
from __future__ import annotations

import csv
import io
import re
import time

import pytest

from eventcoder.store.countries import region_of

from .conftest import add_users, make_record
from .test_app import client


@pytest.fixture
def api(any_store):
    # make_record spreads events over Syria, Iraq and Afghanistan; every third is state forces (1) vs rebels (2)
    recs = [make_record(i, n_events=2) for i in range(12)]
    for r in recs:
        for k, e in enumerate(r.events):
            e.inter1, e.inter2 = (2, 1) if k == 0 and int(r.article.doc_id[3:]) % 3 == 0 else (1, 0)
    any_store.add_records(recs)
    add_users(any_store.db)
    from eventcoder.web.app import create_app

    c = client(create_app(any_store))
    c.store = any_store
    c.headers["Authorization"] = f"Bearer {any_store.create_token('vic')[1]}"
    return c


def rows(c, query: str) -> list[dict]:
    r = c.get(f"/api/events?limit=5000&{query}")
    assert r.status_code == 200, r.text
    return r.json()["data"]


def test_region_is_a_filter(api):
    every = rows(api, "")
    middle_east = rows(api, "region=Middle East")
    assert middle_east and {r["country"] for r in middle_east} == {"Syria", "Iraq"}  # was a 400 before
    outside = rows(api, "region=Middle East&region_where=!=")
    assert len(middle_east) + len(outside) == len(every) and {r["country"] for r in outside} == {"Afghanistan"}
    assert {region_of("AFG")} == {r["region"] for r in rows(api, f"fields=region&country=Afghanistan")}
    bad = api.get("/api/events?region=Atlantis")
    assert bad.status_code == 400 and "Middle East" in bad.json()["detail"]
    assert api.get("/api/incidents?region=Middle East").json()["total_count"] > 0


def test_interaction_is_a_filter_of_reports_and_incidents(api):
    twelve = rows(api, "interaction=12")
    assert twelve and all(sorted((r["inter1"], r["inter2"])) == [1, 2] for r in twelve)
    assert all(r["interaction"] == 10 for r in rows(api, "interaction=10"))
    assert len(rows(api, "interaction=10|12")) == len(rows(api, ""))
    assert len(rows(api, "interaction=11&interaction_where=>")) == len(twelve)
    incidents = api.get("/api/incidents?interaction=12&limit=5000").json()["data"]
    assert incidents and all(i["interaction"] == 12 for i in incidents)


def test_country_names_match_in_any_case(api):
    syria = rows(api, "country=Syria")
    assert syria and rows(api, "country=syria") == syria == rows(api, "country=SYRIA")  # 0 rows before
    assert len(rows(api, "country=syria|iraq")) == len(syria) + len(rows(api, "country=Iraq"))
    assert not [r for r in rows(api, "country=syria&country_where=!=") if r["country"] == "Syria"]


def test_event_id_cnty_is_acleds_and_stays(api):
    store = api.store
    reports = rows(api, "fields=event_id|event_id_cnty|country")
    ids = [r["event_id_cnty"] for r in reports]
    assert all(re.fullmatch(r"(SYR|IRQ|AFG)\d+", i) for i in ids) and len(set(ids)) == len(ids)
    assert {i[:3] for i in ids if True} == {"SYR", "IRQ", "AFG"}
    assert all(r["event_id_cnty"].startswith({"Syria": "SYR", "Iraq": "IRQ", "Afghanistan": "AFG"}[r["country"]])
               for r in reports)
    before = {r["event_id"]: r["event_id_cnty"] for r in reports}
    # stable: a re-extraction of a document that keeps its events, a full rebuild of the incidents, a review
    again = make_record(3, n_events=2, text="Report 3. Fighters clashed with army units near the town on the "
                                            "third day. Two people died. Updated.")
    store.add_records([again])
    store.rebuild_incidents()
    store.set_review_status("ev000005-0", "accepted", "rita")
    after = {r["event_id"]: r["event_id_cnty"] for r in rows(api, "fields=event_id|event_id_cnty")}
    assert after == before
    # in the CSV too, and on incidents (their smallest report's)
    table = list(csv.DictReader(io.StringIO(api.get("/api/events.csv?limit=5000").text)))
    assert {r["event_id_cnty"] for r in table} == set(ids)
    for inc in api.get("/api/incidents?limit=5000").json()["data"]:
        assert inc["event_id_cnty"] == before[min(inc["reports"])]
    # a new report takes the next number of its country
    n = max(int(i[3:]) for i in ids if i.startswith("SYR"))
    store.add_records([make_record(500, n_events=1)])  # doc 500: place 500 % 5 = Syria (Aleppo)
    assert store.get_event_row("ev000500-0")["event_id_cnty"] == f"SYR{n + 1}"


def test_deleted_lists_what_went_since_a_time(api):
    store = api.store
    t0 = int(time.time())
    row = store.get_event_row("ev000004-0")
    incident = store.get_incident(row["incident_id"], raw=True)
    store.delete_event("ev000004-0", "ann")
    reports = api.get(f"/api/deleted?timestamp={t0}&level=reports").json()
    assert reports["success"] and {"event_id_cnty": row["event_id_cnty"], "deleted_timestamp": reports["data"][0]["deleted_timestamp"]} in reports["data"]
    incidents = api.get(f"/api/deleted?timestamp={t0}").json()["data"]
    if incident["n_reports"] == 1:  # its only report gone: the incident is gone
        assert incident["event_id_cnty"] in {d["event_id_cnty"] for d in incidents}
    live = {i["event_id_cnty"] for i in api.get("/api/incidents?limit=5000").json()["data"]}
    assert not live & {d["event_id_cnty"] for d in incidents}
    assert api.get(f"/api/deleted?timestamp={t0 + 3600}").json()["data"] == []
    assert api.get("/api/deleted?timestamp=soon").status_code == 400
    assert api.get(f"/api/deleted?timestamp={t0}&level=everything").status_code == 400
    del api.headers["Authorization"]
    assert api.get(f"/api/deleted?timestamp={t0}").status_code == 401
