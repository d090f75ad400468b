"""ACLED's role conventions by event type (``data/roles.json``): who is actor1 when the text leaves it open,
which kinds are state forces, who a displacement or an arrest is coded to. The classify and finalize stages
read the same table.
"""
from __future__ import annotations

from functools import lru_cache

from ..errors import ResourceError
from .resources import data_path, read_json

# provenance note of an actor named for the document's inferred country (the finalize stage may move it to the
# country the geocoder placed the event in)
DOCUMENT_COUNTRY_NOTE = "country of the document"


@lru_cache(maxsize=1)
def load_roles() -> dict:
    """The role conventions of ``data/roles.json``, without their ``_doc`` notes (read once per process)."""
    try:
        raw = read_json("roles.json")
    except (ResourceError, ValueError) as e:
        raise ResourceError(f"role conventions {data_path('roles.json')} could not be read ({e}); "
                            f"restore it from the repository") from e
    strip = lambda d: {k: v for k, v in d.items() if not k.startswith("_")}  # noqa: E731
    return {k: strip(v) if isinstance(v, dict) else v for k, v in strip(raw).items()}


def state_kinds() -> tuple[str, ...]:
    """The actor kinds that are state forces (roles.json "state_kinds")."""
    return tuple(load_roles()["state_kinds"])
