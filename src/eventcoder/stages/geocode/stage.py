"""The geocode stage: toponyms -> chains and mentions -> candidates and the document's country -> places -> event
locations."""
from __future__ import annotations

from ...config import GeocodeSettings
from ...gazetteer import Gazetteer, default_gazetteer
from ...knowledge.clauses import Lexicon
from ...registry import stage
from ...types import PlaceMention, Record, validated
from .chains import ChainLinker
from .choose import Chooser
from .country import CountryVotes
from .link import STAGE, Linker
from .mentions import MentionReader
from .places import PlaceReader, place_of
from .resolve import Resolver
from .ties import TiedPlaces
from .toponyms import Toponym, ToponymFinder
from .words import GeoWords


@stage(STAGE, requires=("record.sentences", "record.entities", "record.actors", "record.events"),
       assigns=("record.places", "annotations.geo_country", "event.location", "event.admin1", "event.admin2",
                "event.country", "event.iso", "event.latitude", "event.longitude", "event.geo_precision",
                "event.geonameid", "event.provenance", "event.flags"))
class Geocoder:
    """Finds the places a document names and gives each event its location.

    Reads the article's text and source, the nlp stage's sentences and entities, the actors stage's actors
    and the classify stage's events; writes ``record.places``, ``record.annotations["geo_country"]`` (ISO
    alpha-2 code of the document's country, or "") and each event's location fields, their provenance and
    its ``geo_*`` flags.
    """

    def __init__(self, settings: GeocodeSettings | None = None, gazetteer: Gazetteer | None = None):
        self.settings = settings or GeocodeSettings()
        # Builds the index into the user cache on first use (about 30 s, once).
        self.gazetteer = gazetteer or default_gazetteer(self.settings.index_path)
        self.words = GeoWords.load()
        self.lexicon = Lexicon.load()
        self.finder = ToponymFinder(self.words)
        self.chains = ChainLinker(self.words)
        self.mentions = MentionReader(self.words)
        self.votes = CountryVotes(self.words, self.gazetteer)
        self.resolver = Resolver(self.words, self.gazetteer, self.settings, self.votes,
                                 Chooser(self.words, self.gazetteer), self.mentions)
        places = PlaceReader(self.words)
        self.linker = Linker(self.settings, self.gazetteer, places, TiedPlaces(self.lexicon, places), self.votes)

    def places_in(self, text: str, entities: list | None = None, source: str = "") -> list[Toponym]:
        """Resolve every toponym of a text (without events): the regression suite's entry point."""
        record = Record.model_validate({"article": {"doc_id": "_", "text": text, "source": source}})
        if entities:
            record.entities = entities
        return self.resolve(record)[0]

    def __call__(self, records: list[Record]) -> list[Record]:
        for record in records:
            toponyms, country = self.resolve(record)
            record.annotations["geo_country"] = country
            # models straight from their validators (types.validated): many places per batch
            record.places = [validated(PlaceMention, {"span": t.span_of(record.text),
                                                      "place": place_of(t) if t.chosen else None,
                                                      "score": round(t.score, 3), "reason": t.reason})
                             for t in toponyms]
            memo: dict = {}  # per document: the toponyms' starts (see Linker.link)
            for ev in record.events:
                self.linker.link(record, ev, toponyms, country, memo)
        return records

    def toponyms(self, record: Record) -> list[Toponym]:
        """The toponyms of the record's text (up to ``max_chars``), linked into chains, not yet resolved."""
        text = record.text[: self.settings.max_chars]
        toponyms = self.finder.find(text, record.entities)
        self.chains.link(text, toponyms)
        self.mentions.mark(text, toponyms)
        return toponyms

    def resolve(self, record: Record) -> tuple[list[Toponym], str]:
        """The record's toponyms, each with its place or the reason it has none, and the document's country
        (ISO alpha-2, or "")."""
        toponyms = self.toponyms(record)
        return toponyms, self.resolver.resolve(record, toponyms)
