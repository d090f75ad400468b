"""The gazetteer: name folding and transliteration keys, the SQLite index, lookups, the check probe, and the
regression suite of name variants (tests/data/geo/name_variants.tsv) against the full GeoNames index."""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from eventcoder import gazetteer as gz
from eventcoder.errors import ResourceError
from eventcoder.gazetteer import DATA_DIR, Gazetteer, fold, skeleton

DATA = Path(__file__).parent / "data" / "geo"


# ------------------------------------------------------------------------------------- name keys

@pytest.mark.parametrize("raw, folded", [
    ("Ḩalab", "halab"),
    ("Deir ez-Zor", "deir ez zor"),
    ("Ma'arrat al-Nu'man", "maarrat al numan"),
    ("A‘zāz", "azaz"),
    ("  São   Paulo ", "sao paulo"),
])
def test_fold(raw, folded):
    assert fold(raw) == folded


@pytest.mark.parametrize("a, b", [
    ("A-Raqqa", "Ar Raqqah"),
    ("Al-Raqqa", "Raqqa"),
    ("Deir e-Zor", "Deir ez-Zor"),
    ("Deir Ezzor", "Dayr az Zawr"),
    ("Kharkov", "Kharkiv"),
    ("Qunduz", "Kunduz"),
    ("Idleb", "Edlib"),
    ("Khost", "Host"),
    ("Mazar-i-Sharif", "Mazar-e Sharif"),
])
def test_skeleton_joins_transliterations(a, b):
    assert skeleton(a) == skeleton(b)


@pytest.mark.parametrize("a, b", [("Homs", "Hama"), ("Aleppo", "Idlib"), ("Kabul", "Kirkuk")])
def test_skeleton_keeps_different_places_apart(a, b):
    assert skeleton(a) != skeleton(b)


# --------------------------------------------------------------------------------- a tiny index

@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> Gazetteer:
    rows = json.loads((DATA / "tiny_gazetteer.json").read_text(encoding="utf-8"))
    path = gz.build(tmp_path_factory.mktemp("gaz") / "tiny.sqlite", cities=rows["cities"],
                    countries=rows["countries"])
    return Gazetteer(path)


def test_exact_alternate_name(tiny):
    best = tiny.lookup("Raqqa")[0]
    assert (best.name, best.country_code, best.matched) == ("Ar Raqqah", "SY", "exact")
    assert best.admin1  # the admin1 name comes from our data file, not a code


def test_transliteration_scores_below_exact(tiny):
    best = tiny.lookup("Deir e-Zor")[0]
    assert best.name == "Deir ez-Zor"
    assert best.matched == "skeleton" and 0.5 < best.score < 1.0


def test_fuzzy_needs_a_country(tiny):
    assert tiny.lookup("Mogadisku", fuzzy=True) == []  # never fuzzy over the whole world
    best = tiny.lookup("Mogadisku", country="SO")[0]
    assert best.name == "Mogadishu" and best.matched == "fuzzy" and best.score <= 0.85


def test_country_restricts(tiny):
    assert {c.country_code for c in tiny.lookup("Tripoli")} == {"LB", "LY"}
    assert [c.country_code for c in tiny.lookup("Tripoli", country="LB")] == ["LB"]


def test_country_name_is_the_country(tiny):
    best = tiny.lookup("Syria")[0]
    assert best.kind == "country" and best.country_code == "SY"
    assert best.name == "Syria"
    # placed at its capital
    assert abs(best.latitude - 33.5) < 0.2 and abs(best.longitude - 36.3) < 0.2


def test_unknown_name_gives_nothing(tiny):
    assert tiny.lookup("Qwertyville") == []
    assert tiny.lookup("") == []


def test_search_finds_prefixes(tiny):
    names = [c.name for c in tiny.search("Kis")]
    assert "Kismayo" in names and "Kisumu" in names


def test_missing_index_names_the_fix(tmp_path):
    with pytest.raises(ResourceError, match="eventcoder gazetteer build"):
        Gazetteer(tmp_path / "nope.sqlite")


def test_stale_index_is_refused(tmp_path, tiny):
    old = tmp_path / "old.sqlite"
    old.write_bytes(Path(tiny.path).read_bytes())
    con = sqlite3.connect(old)
    con.execute("UPDATE meta SET value = '0' WHERE key = 'version'")
    con.commit()
    con.close()
    with pytest.raises(ResourceError, match="Rebuild it"):
        Gazetteer(old)


def test_check_probe(tmp_path, tiny):
    ok, message = gz.check(tmp_path / "absent.sqlite")
    assert ok and "not built yet" in message and "eventcoder gazetteer build" in message
    broken = tmp_path / "broken.sqlite"
    broken.write_bytes(b"not a database")
    ok, message = gz.check(broken)
    assert not ok and "Rebuild it" in message
    ok, message = gz.check(tiny.path)
    assert ok and "places" in message


# ------------------------------------------------------------- the full index: name variants

def _variants() -> list[tuple[str, str, int, str]]:
    rows = []
    for line in (DATA / "name_variants.tsv").read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        variant, cc, gid, name = line.split("\t")
        rows.append((variant, cc, int(gid), name))
    return rows


VARIANTS = _variants()


def test_regression_suite_size():
    assert len(VARIANTS) >= 150
    assert len({v for v, *_ in VARIANTS}) == len(VARIANTS)


@pytest.fixture(scope="module")
def full() -> Gazetteer:
    # built into the user cache on first use (about 30 s), then shared
    return gz.default_gazetteer()


@pytest.mark.slow
def test_name_variants_resolve(full):
    """Each spelling must find its GeoNames place first among populated places."""
    misses = []
    for variant, cc, gid, name in VARIANTS:
        found = [c for c in full.lookup(variant, country=cc or None) if c.kind in ("city", "extra")]
        if not found or found[0].geonameid != gid:
            misses.append(f"{variant!r} -> {found[0].name if found else None}, expected {name} ({gid})")
    assert not misses, "\n".join(misses)


@pytest.mark.slow
def test_full_index_loads_fast_and_is_compact(full):
    stats = full.stats()
    assert int(stats["places"]) > 200_000
    assert Path(full.path).stat().st_size < 150 * 2**20


@pytest.mark.slow
@pytest.mark.parametrize("name, cc, gid", [
    ("Saladin", "IQ", 91695),          # Salah ad Din
    ("Thi-Qar", "IQ", 97019),          # Dhi Qar
    ("Rural Damascus", "SY", 170652),  # Rif Dimashq
    ("Karen State", "MM", 1320233),    # Kayin
])
def test_province_names_reporting_uses(full, name, cc, gid):
    """admin_aliases.tsv: the province names ACLED prints that GeoNames lacks."""
    assert gid in [c.geonameid for c in full.lookup(name, country=cc) if c.kind == "adm1"]
    assert gid in [c.geonameid for c in full.lookup(name) if c.kind == "adm1"]  # world-wide too


# ------------------------------------------------- admin_points.tsv: districts with no town in cities500

@pytest.mark.parametrize("name, admin1, point", [
    ("Shah Wali Kot", "Kandahar", (32.14, 66.03)),
    ("Shahwali Kot", "Kandahar", (32.14, 66.03)),     # the spelling run together
    ("Ma'ruf", "Kandahar", (31.49, 67.27)),
    ("Chahar Bulak", "Balkh", (36.82, 66.60)),        # Bolak/Bulak
    ("Nazian", "Nangarhar", (34.06, 70.80)),          # GeoNames: Naziyan
    ("Wor Mamay", "Paktika", (31.96, 68.81)),         # GeoNames: Wur Mamay
])
def test_districts_without_a_town_are_placed_at_their_point(tiny, name, admin1, point):
    """The tiny index has no Afghan town, so these districts exist only through admin_points.tsv."""
    found = [c for c in tiny.lookup(name, country="AF") if c.kind == "adm2"]
    assert found, f"{name} not found"
    c = found[0]
    assert (c.country_code, c.admin1) == ("AF", admin1)
    assert gz.haversine_km(c.latitude, c.longitude, *point) < 5


def test_district_whose_source_point_failed_validation_stays_unplaced(tiny):
    # Khwaja Bahauddin (Takhar) has a 0,0 point in the source list: no point, so no place
    assert not [c for c in tiny.lookup("Khwaja Bahauddin", country="AF") if c.kind == "adm2"]


@pytest.mark.parametrize("name, cc, admin1, point", [
    ("Kukawa", "NG", "Borno", (12.66, 13.59)),
    ("Ugwunagbo", "NG", "Abia", (5.11, 7.30)),
    ("Dala", "NG", "Kano", (12.01, 8.50)),                       # a Kano city LGA: the city counts elsewhere
    ("Al Wahdah", "YE", "Amanat al Asimah", (15.34, 44.19)),     # a district of Sanaa city
    ("Attyal", "YE", "Sana", (15.34, 44.55)),                    # source spelling: Al-Tayyal
    ("Hajjah", "YE", "Hajjah", (15.66, 43.55)),                  # the district, not 'Hajjah city'
])
def test_nigerian_and_yemeni_districts_without_a_town_are_placed(tiny, name, cc, admin1, point):
    found = [c for c in tiny.lookup(name, country=cc) if c.kind == "adm2"]
    assert found, f"{name} not found"
    c = found[0]
    assert (c.country_code, c.admin1) == (cc, admin1)
    assert gz.haversine_km(c.latitude, c.longitude, *point) < 5


@pytest.mark.parametrize("name", ["Buruku", "Bakassi", "Sokoto South"])
def test_nigerian_lgas_whose_source_point_failed_validation_stay_unplaced(tiny, name):
    # Buruku: the source point is 78 km from Buruku town; Bakassi: nearest town is Cameroonian;
    # Sokoto South: the same point as Sokoto North
    assert not [c for c in tiny.lookup(name, country="NG") if c.kind == "adm2"]


def test_admin_points_name_real_subdivisions():
    """Every code in admin_points.tsv is an admin2 code of subdivisions.tsv.gz, with a point in range."""
    import gzip
    with gzip.open(DATA_DIR / "subdivisions.tsv.gz", "rt", encoding="utf-8") as f:
        codes = {line.split("\t")[3] for line in f}
    points = gz._admin_points()
    assert len(points) >= 180
    assert {c[:2] for c in points} >= {"AF", "NG", "YE"}
    unknown = [c for c in points if c not in codes]
    assert not unknown, unknown
    assert all(-90 <= lat <= 90 and -180 <= lon <= 180 and (lat, lon) != (0.0, 0.0) for lat, lon in points.values())


@pytest.mark.parametrize("query, cc", [
    ("mogadisku", "SO"), ("aleppoo", "SY"), ("dayr ez zor", "SY"), ("kharkivv", "UA"), ("nairobbi", "KE"),
    ("kismayu", "SO"), ("benghazzi", "LY"), ("qwertyuiop", "SY"),
])
def test_fuzzy_finds_what_matching_every_name_of_the_country_finds(tiny, query, cc):
    # _fuzzy scores only the names whose length can reach the cutoff, from the country's stored name row
    from rapidfuzz import fuzz, process

    rows = tiny.con.execute("SELECT key, place FROM name WHERE cc = ? ORDER BY rowid", (cc,)).fetchall()
    hits = process.extract(query, [k for k, _ in rows], scorer=fuzz.ratio, score_cutoff=88, limit=5)
    expected = [(rows[i][1], round(0.5 + 0.35 * (ratio - 88) / 12, 3)) for _, ratio, i in hits]
    assert [(c.place_id, c.score) for c in tiny._fuzzy(query, cc)] == expected


def _misspell(name: str, rng) -> str:
    """``name`` with one to three random insertions, deletions, substitutions or swaps of letters."""
    chars = list(name)
    for _ in range(rng.randint(1, 3)):
        i = rng.randrange(len(chars) + 1)
        edit = rng.choice("idst")
        if edit == "i" or not chars:
            chars.insert(i, rng.choice("aeiouhnrstkly "))
        elif edit == "d" and i < len(chars):
            del chars[i]
        elif edit == "s" and i < len(chars):
            chars[i] = rng.choice("aeiouhnrstkly")
        elif i + 1 < len(chars):
            chars[i], chars[i + 1] = chars[i + 1], chars[i]
    return "".join(chars)


def test_char_masks_differ_in_no_more_bits_than_the_indel_distance():
    # the bound _fuzzy's filter rests on, for names of our own and misspellings of them (digits share a pair)
    import random

    from rapidfuzz.distance import Indel

    rng = random.Random(7)
    names = ["aleppo", "deir ez zor", "kharkiv", "ciudad juarez", "mazar i sharif", "kilometre 101", "aaa bbb",
             "ssss", "al hasakah", "nairobi", "zzz 9 9", "mogadishu"]
    pairs = [(a, b) for a in names for b in names] + [(a, _misspell(a, rng)) for a in names for _ in range(50)]
    for a, b in pairs:
        differing = bin(gz._char_mask(a) ^ gz._char_mask(b)).count("1")
        assert differing <= Indel.distance(a, b), (a, b)


@pytest.mark.slow
def test_fuzzy_finds_what_scanning_every_name_finds_for_misspelt_real_names(full):
    # _fuzzy scores only the names of a length and a character mask that can reach the cutoff: for 563
    # misspellings of real names of six countries (Ukraine's and Mexico's the most names), 311 of which find
    # something, its candidates are those of scoring every name of the country
    import random

    from rapidfuzz import fuzz, process

    rng = random.Random(2024)
    found = 0
    for cc in ("UA", "MX", "SY", "KE", "AF", "YE"):
        rows = full.con.execute("SELECT key, place FROM name WHERE cc = ? ORDER BY rowid", (cc,)).fetchall()
        keys = [k for k, _ in rows]
        for name in rng.sample(keys, 100):
            query = _misspell(name, rng).strip()
            if len(query) < 5:
                continue
            hits = process.extract(query, keys, scorer=fuzz.ratio, score_cutoff=88, limit=5)
            expected = [(rows[i][1], round(0.5 + 0.35 * (ratio - 88) / 12, 3)) for _, ratio, i in hits]
            assert [(c.place_id, c.score) for c in full._fuzzy(query, cc)] == expected, (query, cc)
            found += bool(expected)
    assert found > 250


def test_skeleton_matches_are_those_of_joining_every_namesake(tiny):
    # _skeleton_matches reads spellings from the covering index and only the passing places
    from rapidfuzz import fuzz

    keys = [k for (k,) in tiny.con.execute("SELECT DISTINCT key FROM name ORDER BY key")]
    assert len(keys) > 50
    for key in keys:
        sk = skeleton(key)
        for cc in (None, tiny.con.execute("SELECT cc FROM name WHERE key = ?", (key,)).fetchone()[0]):
            sql = ("SELECT n.spell, p.* FROM name n JOIN place p ON p.id = n.place WHERE n.skel = ?"
                   + (" AND p.cc = ?" if cc else "") + " ORDER BY n.rowid")
            best: dict[int, float] = {}
            for spell, pid, *_ in tiny.con.execute(sql, (sk, cc) if cc else (sk,)):
                r = fuzz.ratio(gz.spelling(key), spell)
                if r >= (80 if len(sk) >= 4 else 85) and r > best.get(pid, 0.0):
                    best[pid] = r
            expected = [(pid, round(0.9 * (0.85 + 0.15 * r / 100), 3)) for pid, r in best.items()]
            assert [(c.place_id, c.score) for c in tiny._skeleton_matches(key, sk, cc)] == expected, (key, cc)


def test_country_rows_kept_from_the_world_rows_are_the_country_query(tiny):
    # _query and _skeleton_rows answer a country's lookup from the world's rows when those were read first
    keys = [k for (k,) in tiny.con.execute("SELECT DISTINCT key FROM name ORDER BY key")]
    for key in keys:
        sk = skeleton(key)
        for cc in {c for (c,) in tiny.con.execute("SELECT cc FROM name WHERE key = ?", (key,))} | {"SY"}:
            fresh = Gazetteer(tiny.path)
            by_query = (fresh._query("key", key, cc), fresh._skeleton_rows(sk, cc))
            fresh._query("key", key, None), fresh._skeleton_rows(sk, None)
            assert (fresh._query("key", key, cc), fresh._skeleton_rows(sk, cc)) == by_query, (key, cc)
            fresh.close()


def test_name_hashes_rule_out_only_what_no_name_is(tiny):
    for key, skel in tiny.con.execute("SELECT key, skel FROM name"):
        assert tiny._may_name("key", key) and tiny._may_name("skel", skel)
    for made_up in ("qwertyville", "zzxqj", "deir ez zorx", "the"):
        if not tiny._may_name("key", made_up):
            assert not tiny.con.execute("SELECT 1 FROM name WHERE key = ?", (made_up,)).fetchall()
        if not tiny._may_name("skel", skeleton(made_up)):
            assert not tiny.con.execute("SELECT 1 FROM name WHERE skel = ?", (skeleton(made_up),)).fetchall()
    assert not tiny._may_name("key", "qwertyville")  # (a CRC-32 collision here would be 1 in 10,000)
