"""``eventcoder gazetteer import``: GeoNames dumps, written here a dozen rows at a time, merged into a copy of a
tiny bundled index by geonameid; the default index untouched; idempotent; malformed rows counted; missing
files named with the fix; and, when ../shared is there, the real per-country files."""
from __future__ import annotations

import hashlib
import json
import sqlite3
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from eventcoder import gazetteer as gz
from eventcoder.errors import ConfigError, ResourceError
from eventcoder.gazetteer import Gazetteer
from eventcoder.gazetteer.dumps import FeatureCodes
from eventcoder.gazetteer.importer import import_dumps

DATA = Path(__file__).parent / "data" / "geo"
SHARED_GEONAMES = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "geonames"


def row(gid: int, name: str, fclass: str = "P", fcode: str = "PPL", cc: str = "SY", lat: float = 36.2,
        lon: float = 37.1, alts: str = "", ascii: str | None = None, a1: str = "", a2: str = "", pop: int = 0) -> str:
    """One line of a GeoNames dump, its 19 columns as GeoNames' readme.txt lists them."""
    cols = [str(gid), name, name if ascii is None else ascii, alts, f"{lat:.5f}", f"{lon:.5f}", fclass, fcode, cc,
            "", a1, a2, "", "", str(pop), "", "", "", "2024-03-05"]
    return "\t".join(cols) + "\n"


SY_ROWS = [
    row(170063, "Aleppo", fcode="PPLA", a1="09", alts="Halab Ash Shahba,Beroea", pop=2098210),  # bundled
    row(163345, "Tall Rifat", a1="09", a2="SY0201", lat=36.46979, lon=37.09701, alts="Tell Rifaat,Tal Refaat"),
    row(900000001, "Jabal Saman District", "A", "ADM2", a1="09", a2="SY0201", alts="Mintaqat Jabal Saman"),
    row(900000002, "Kuweires Airbase", "S", "AIRB", a1="09", lat=36.187, lon=37.583, alts="Kweiris Airport"),
    row(900000003, "Jabal Sim'an", "T", "MT", a1="09", alts="Mount Simeon"),
    row(900000004, "Nahr Quwayq", "H", "STM", a1="09"),                          # a stream: not kept
    row(900000005, "Somewhere at sea", "T", "MT", cc=""),                        # no country: not kept
    "900000006\tbroken row\n",                                                   # malformed: 2 columns
    row(900000007, "Bad Point", lat=136.0),                                      # malformed: latitude
    row(900000008, "Тест", ascii="Test Selo", cc="UA", a1="07"),                 # Cyrillic name, ASCII form
]
IQ_ROWS = [row(900000101, "Tall Afar Village", cc="IQ", a1="15", lat=36.37, lon=42.45, alts="Talafar Qaryat")]


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Path:
    rows = json.loads((DATA / "tiny_gazetteer.json").read_text(encoding="utf-8"))
    return gz.build(tmp_path_factory.mktemp("bundled") / "tiny.sqlite", cities=rows["cities"],
                    countries=rows["countries"])


def write(path: Path, rows: list[str]) -> Path:
    path.write_text("".join(rows), encoding="utf-8")
    return path


def zipped(path: Path, rows: list[str]) -> Path:
    """``XX.zip`` holding ``XX.txt``, as GeoNames packs its downloads."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(path.stem + ".txt", "".join(rows))
    return path


def dump(path: Path) -> dict[str, list]:
    """The tables a lookup reads, in a comparable form."""
    con = sqlite3.connect(path)
    out = {t: con.execute(f"SELECT * FROM {t} ORDER BY rowid").fetchall()
           for t in ("place", "name", "country_names", "name_hashes", "import_place", "import_admin")}
    con.close()
    return out


def test_villages_are_added_and_bundled_places_merged_by_geonameid(tmp_path, base):
    index = tmp_path / "imported.sqlite"
    (report,) = import_dumps([zipped(tmp_path / "SY.zip", SY_ROWS)], index=index, base=base)
    assert (report.rows, report.new, report.merged, report.filtered, report.malformed) == (10, 5, 1, 2, 2)
    g = Gazetteer(index)
    village = g.lookup("Tal Refaat")[0]
    assert (village.geonameid, village.kind, village.country, village.main) == (163345, "city", "Syria", False)
    assert village.admin1 == g.lookup("Aleppo")[0].admin1  # the admin1 name from our subdivisions
    assert village.admin2 == "Jabal Saman District"        # named by an ADM2 row later in the file
    assert g.lookup("Tall Rifat", country="SY")[0].main
    # the dump's alternate name joins the bundled place: same geonameid, one place
    aleppo = [c for c in g.lookup("Halab Ash Shahba") if c.geonameid == 170063]
    assert len(aleppo) == 1 and aleppo[0].place_id == g.lookup("Aleppo")[0].place_id
    assert g.lookup("Kweiris Airport")[0].kind == "extra"
    assert g.lookup("Mount Simeon")[0].kind == "feature"
    assert g.lookup("Jabal Saman")[0].kind == "adm2"
    assert g.lookup("Test Selo")[0].name == "Test Selo"   # a Cyrillic name is shown in GeoNames' ASCII form
    assert g.lookup("Nahr Quwayq") == [] and g.lookup("Bad Point") == []
    assert Gazetteer(base).lookup("Tal Refaat") == []


def test_the_bundled_index_is_never_written(tmp_path, base):
    before = hashlib.sha256(base.read_bytes()).hexdigest()
    import_dumps([write(tmp_path / "SY.txt", SY_ROWS)], index=tmp_path / "imported.sqlite", base=base)
    assert hashlib.sha256(base.read_bytes()).hexdigest() == before
    with pytest.raises(ConfigError, match="would replace the bundled index"):
        import_dumps([tmp_path / "SY.txt"], index=base, base=base)


def test_importing_the_same_file_again_changes_nothing(tmp_path, base):
    index, sy = tmp_path / "imported.sqlite", write(tmp_path / "SY.txt", SY_ROWS)
    import_dumps([sy], index=index, base=base)
    first = dump(index)
    (again,) = import_dumps([sy], index=index, base=base)
    assert (again.new, again.merged, again.unchanged) == (0, 0, 6)
    assert dump(index) == first
    assert [d["name"] for d in Gazetteer(index).imports()] == ["SY.txt"]


def test_another_country_adds_to_the_import(tmp_path, base):
    index = tmp_path / "imported.sqlite"
    import_dumps([write(tmp_path / "SY.txt", SY_ROWS)], index=index, base=base)
    import_dumps([write(tmp_path / "IQ.txt", IQ_ROWS)], index=index, base=base)
    g = Gazetteer(index)
    assert g.lookup("Tal Refaat")[0].geonameid == 163345
    assert g.lookup("Talafar Qaryat", country="IQ")[0].geonameid == 900000101
    assert g.lookup("Talafar Qaryst", country="IQ")[0].matched == "fuzzy"  # the country's fuzzy keys grew
    assert sorted(d["name"] for d in g.imports()) == ["IQ.txt", "SY.txt"]
    # --clear starts again from the bundled index
    import_dumps([tmp_path / "IQ.txt"], index=index, base=base, clear=True)
    assert Gazetteer(index).lookup("Tal Refaat") == []


def test_a_changed_row_replaces_its_place(tmp_path, base):
    index = tmp_path / "imported.sqlite"
    import_dumps([write(tmp_path / "SY.txt", SY_ROWS)], index=index, base=base)
    newer = [row(163345, "Tall Rifaat New", a1="09", lat=36.47, lon=37.1)]
    (report,) = import_dumps([write(tmp_path / "SY2.txt", newer)], index=index, base=base)
    assert report.updated == 1
    g = Gazetteer(index)
    assert g.lookup("Tell Rifaat") == []
    assert [c.geonameid for c in g.lookup("Tall Rifaat New")] == [163345]


def test_bulk_and_incremental_writes_give_the_same_index(tmp_path, base):
    files = [write(tmp_path / "SY.txt", SY_ROWS), write(tmp_path / "IQ.txt", IQ_ROWS)]
    import_dumps(files, index=tmp_path / "bulk.sqlite", base=base, bulk=True)
    import_dumps(files, index=tmp_path / "rows.sqlite", base=base, bulk=False)
    assert dump(tmp_path / "bulk.sqlite") == dump(tmp_path / "rows.sqlite")


def test_malformed_rows_are_counted_and_skipped(tmp_path, base):
    (report,) = import_dumps([write(tmp_path / "SY.txt", SY_ROWS)], index=tmp_path / "i.sqlite", base=base)
    text = report.summary()
    assert "2 malformed rows skipped" in text and "2 columns, expected 19" in text
    assert "coordinates out of range" in text and "line 8" in text
    (junk,) = import_dumps([write(tmp_path / "admin1CodesASCII.txt", ["SY.09\tAleppo\tAleppo\t170062\n"])],
                           index=tmp_path / "j.sqlite", base=base)
    assert junk.malformed == 1 and "is it a GeoNames dump" in junk.summary()


def test_a_missing_file_is_named_with_the_fix_and_nothing_is_written(tmp_path, base):
    index = tmp_path / "imported.sqlite"
    with pytest.raises(ResourceError, match=r"\[E203\].*XX\.zip not found.*download\.geonames\.org"):
        import_dumps([write(tmp_path / "SY.txt", SY_ROWS), tmp_path / "XX.zip"], index=index, base=base)
    assert not index.exists() and not list(tmp_path.glob("*.tmp*"))
    (tmp_path / "bad.zip").write_bytes(b"not a zip")
    with pytest.raises(ResourceError, match=r"bad\.zip cannot be read"):
        import_dumps([tmp_path / "bad.zip"], index=index, base=base)


def test_feature_codes_are_configurable(tmp_path, base):
    codes = tmp_path / "codes.tsv"
    codes.write_text("# towns only\nP\t*\tcity\n", encoding="utf-8")
    (report,) = import_dumps([write(tmp_path / "SY.txt", SY_ROWS)], index=tmp_path / "i.sqlite", base=base,
                             codes=codes)
    assert report.new == 2  # the village and the Cyrillic one, not the airbase
    assert Gazetteer(tmp_path / "i.sqlite").lookup("Kweiris Airport") == []
    codes.write_text("P\t*\ttown\n", encoding="utf-8")
    with pytest.raises(ResourceError, match=r"\[E204\].*line 1"):
        FeatureCodes(codes)


def test_alternate_names_join_places_of_their_geonameid(tmp_path, base):
    index = tmp_path / "imported.sqlite"
    alternates = zipped(tmp_path / "alternateNamesV2.zip", [
        "1\t163345\ten\tTal Rifaat Town\t1\t\t\t\t\t\n",
        "2\t163345\tlink\thttps://en.wikipedia.org/wiki/Tell_Rifaat\t\t\t\t\t\t\n",
        "3\t170063\tfr\tAlep la Grise\t\t\t\t\t\t\n",
        "4\t999999999\ten\tNowhere Known\t\t\t\t\t\t\n",
        "5\tnot-a-number\ten\tBroken\n",
    ])
    reports = import_dumps([alternates, write(tmp_path / "SY.txt", SY_ROWS)], index=index, base=base)
    assert [r.name for r in reports] == ["SY.txt", "alternateNamesV2.zip"]  # dumps first
    assert (reports[1].names, reports[1].filtered, reports[1].malformed) == (2, 1, 1)
    g = Gazetteer(index)
    assert g.lookup("Tal Rifaat Town")[0].geonameid == 163345
    assert g.lookup("Alep la Grise")[0].geonameid == 170063
    (again,) = import_dumps([alternates], index=index, base=base)
    assert again.names == 0


def test_the_geocoder_reads_the_imported_index_when_there_is_one(tmp_path, base, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    default = gz.default_index_path()
    default.parent.mkdir(parents=True)
    default.write_bytes(base.read_bytes())
    assert gz.current_index_path() == default
    assert Gazetteer.open().lookup("Tal Refaat") == []
    import_dumps([write(tmp_path / "SY.txt", SY_ROWS)])
    assert gz.current_index_path() == gz.imported_index_path()
    assert Gazetteer.open().lookup("Tal Refaat")[0].geonameid == 163345
    ok, message = gz.check()
    assert ok and "SY.txt 10 rows" in message and "imported 20" in message


def test_cli_import_lookup_and_clear(tmp_path, base, monkeypatch):
    from eventcoder.cli import app

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(gz.lookup, "_DEFAULT", {})
    default = gz.default_index_path()
    default.parent.mkdir(parents=True)
    default.write_bytes(base.read_bytes())
    runner = CliRunner()
    res = runner.invoke(app, ["gazetteer", "import", str(zipped(tmp_path / "SY.zip", SY_ROWS))])
    assert res.exit_code == 0, res.output
    assert "SY.zip: 10 rows, 6 kept (5 new" in res.output and "2 malformed rows skipped" in res.output
    res = runner.invoke(app, ["gazetteer", "lookup", "Tal Refaat"])
    assert res.exit_code == 0 and "SY.zip 10 rows" in res.output and "geonameid=163345" in res.output
    res = runner.invoke(app, ["gazetteer", "import", str(tmp_path / "absent.zip")])
    assert res.exit_code == 2 and "absent.zip not found" in res.output
    res = runner.invoke(app, ["gazetteer", "import", "--clear"])
    assert res.exit_code == 0 and not gz.imported_index_path().exists()


@pytest.mark.skipif(not (SHARED_GEONAMES / "LY.zip").exists(),
                    reason=f"GeoNames-format test files not found at {SHARED_GEONAMES} (a clone without ../shared)")
def test_real_country_files(tmp_path, base):
    """Libya and Palestine as GeoNames packs them (840 and 1,238 rows): every row is read, none is malformed."""
    index = tmp_path / "imported.sqlite"
    reports = import_dumps([SHARED_GEONAMES / "LY.zip", SHARED_GEONAMES / "PS.zip"], index=index, base=base)
    assert [(r.rows, r.malformed) for r in reports] == [(840, 0), (1238, 0)]
    assert all(r.kept + r.filtered == r.rows for r in reports)
    g = Gazetteer(index)
    assert int(g.stats()["places"]) > int(Gazetteer(base).stats()["places"]) + 2000
    assert any(c.country_code == "PS" for c in g.lookup("Beit Hanoun"))
