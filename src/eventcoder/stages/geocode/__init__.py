"""Places: toponyms in the text -> gazetteer candidates -> one place per toponym -> each event's location.

One registered stage (``Geocoder``, stage.py) over components, each with the docstring of its own algorithm:

- ``words.py``: the stage's word lists (``data/gazetteer``), read once when the stage is built;
- ``toponyms.py``: the capitalised phrases that may be places, and what the words around each say (kind,
  precision, "near", "from", part of an organisation's name);
- ``chains.py``: nested names, "X (Y, Z)", "X area of Y district": each toponym's container and other name;
- ``country.py``: the document's country, from its toponyms, publisher, demonyms and actors;
- ``resolve.py``: each toponym's gazetteer candidates, then its place, containers first, and the document's
  passes over doubtful choices;
- ``choose.py``: ranking one toponym's candidates, and the evidence a choice needs;
- ``places.py``: the place a group of toponyms gives an event, its precision and Place record;
- ``ties.py``: a place another clause ties to events of the event's type and actors;
- ``link.py``: each event's place, from its own text outwards, else the capital of the document's country.

``record.places`` lists every toponym with its place or the reason it has none;
``record.annotations["geo_country"]`` is the ISO alpha-2 code of the document's country, or "".
"""
from .stage import Geocoder
from .toponyms import Toponym

__all__ = ["Geocoder", "Toponym"]
