"""The one data model of eventcoder: articles in, events out (SPEC.md §1-2).

Every stage, the store, the exports, the API and the review app use these types. Spans are character
offsets into ``Article.text`` (the body), never spaCy objects, so records cross process boundaries.
"""
from __future__ import annotations

import hashlib
from datetime import date
from typing import Any, Literal, Optional, TypeVar

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from .vocab import SUB_EVENT_TO_EVENT, TAXONOMY, DisorderType, disorder_type_of

_DISORDER_TYPES = {d.value for d in DisorderType}

CertaintyValue = Literal["asserted", "reported", "claimed", "unconfirmed", "denied"]
M = TypeVar("M", bound=BaseModel)


def validated(model: type[M], values: dict[str, Any]) -> M:
    """``model(**values)``: the same validation and the same model, straight from the model's validator.
    BaseModel.__init__ is a Python frame around it that costs a third of a small model's 1 us, and the stages
    build about 100,000 models per 500 documents."""
    return model.__pydantic_validator__.validate_python(values)


class Span(BaseModel):
    """A stretch of the article body: ``text == body[start:end]``."""

    model_config = ConfigDict(frozen=True)

    start: int = Field(ge=0)
    end: int = Field(ge=0)
    text: str

    @model_validator(mode="after")
    def _ordered(self) -> "Span":
        if self.end < self.start:
            raise ValueError(f"span end {self.end} before start {self.start}")
        return self

    @classmethod
    def of(cls, body: str, start: int, end: int) -> "Span":
        """The span ``body[start:end]``."""
        return validated(cls, {"start": start, "end": end, "text": body[start:end]})

    def strip(self) -> "Span":
        """The same span without leading and trailing whitespace."""
        lead = len(self.text) - len(self.text.lstrip())
        trail = len(self.text) - len(self.text.rstrip())
        if not lead and not trail:
            return self
        if lead == len(self.text):
            return validated(Span, {"start": self.start, "end": self.start, "text": ""})
        return validated(Span, {"start": self.start + lead, "end": self.end - trail, "text": self.text.strip()})

    def contains(self, other: "Span") -> bool:
        return self.start <= other.start and other.end <= self.end

    def overlaps(self, other: "Span") -> bool:
        return self.start < other.end and other.start < self.end


class FieldEvidence(BaseModel):
    """Why a field has its value: the span it came from, the stage that set it and a 0..1 score."""

    evidence: Optional[Span] = None
    stage: str
    score: float = Field(default=1.0, ge=0.0, le=1.0)
    note: str = ""


class Article(BaseModel):
    """One input document, its body stripped of header lines and page furniture."""

    doc_id: str
    text: str = Field(description="the body; every span's offsets point into it")
    title: str = ""
    published: Optional[date] = None
    published_from: Literal["cli", "document", "header", "none"] = "none"
    url: str = ""
    source: str = Field(default="", description="the publisher, when known")
    author: str = ""
    language: str = "en"
    path: str = Field(default="", description="the file it was read from, when any")
    raw: str = Field(default="", description="the text as read, before header lines were removed")

    @property
    def content_hash(self) -> str:
        """sha256 of the body and the metadata that change an extraction."""
        parts = (self.text, self.title, str(self.published or ""), self.source, self.url)
        # Read three times per document (the run's duplicate check, the resume check, the store): kept with the
        # parts it was made from, beside the fields (pydantic compares and dumps fields only), and made again
        # when one of them has changed.
        known = self.__dict__.get("_content_hash")
        if known is not None and known[0] == parts:
            return known[1]
        h = hashlib.sha256()
        for part in parts:
            h.update(part.encode("utf-8"))
            h.update(b"\x00")
        digest = h.hexdigest()
        self.__dict__["_content_hash"] = (parts, digest)
        return digest


class Problem(BaseModel):
    """Per-document trouble: recorded, reported, and the batch goes on."""

    code: str
    stage: str
    doc_id: str = ""
    message: str
    severity: Literal["error", "warning"] = Field(
        default="error", description="error: the document (or a stage on it) failed; warning: it was processed")

    def __str__(self) -> str:
        where = f"{self.doc_id}: " if self.doc_id else ""
        return f"{where}[{self.code}] {self.message} ({self.stage})"


class Mention(BaseModel):
    """An entity found in the text: spaCy's or a ruler's label."""

    span: Span
    label: str
    source: str = "spacy"


class ActorMention(BaseModel):
    """A mention resolved to an actor of the dictionary, or kept as written when unknown."""

    span: Span
    name: str = Field(description="canonical name, e.g. 'Islamic State'")
    inter: int = Field(default=0, ge=0, le=8)
    country: str = ""
    known: bool = True
    score: float = 1.0
    from_document: bool = Field(default=False, description="the country in the name is the document's inferred "
                                "country (a generic actor: 'Protesters (Kenya)', 'soldiers'), not one the mention names")


class Place(BaseModel):
    """A gazetteer entry chosen for a toponym."""

    geonameid: Optional[int] = None
    location: str
    admin1: str = ""
    admin2: str = ""
    country: str = ""
    iso: Optional[int] = None
    latitude: float
    longitude: float
    geo_precision: int = Field(default=1, ge=1, le=3)
    feature: str = ""
    population: int = 0


class PlaceMention(BaseModel):
    span: Span
    place: Optional[Place] = None
    score: float = 0.0
    reason: str = ""


class DateMention(BaseModel):
    span: Span
    value: Optional[date] = None
    time_precision: int = Field(default=1, ge=1, le=3)
    score: float = 1.0
    kind: str = ""


class Event(BaseModel):
    """One event record of SPEC.md §2 (ACLED field names), with eventcoder's evidence fields."""

    model_config = ConfigDict(validate_assignment=False)

    doc_id: str
    event_id: str = ""
    event_date: Optional[str] = None
    time_precision: Optional[int] = Field(default=None, ge=1, le=3)
    disorder_type: str = ""
    event_type: str
    sub_event_type: str
    actor1: str = ""
    assoc_actor_1: str = ""
    inter1: int = Field(default=0, ge=0, le=8)
    actor2: str = ""
    assoc_actor_2: str = ""
    inter2: int = Field(default=0, ge=0, le=8)
    civilian_targeting: Literal["Civilian targeting", ""] = ""
    country: str = ""
    iso: Optional[int] = None
    admin1: str = ""
    admin2: str = ""
    location: str = ""
    latitude: Optional[float] = None
    longitude: Optional[float] = None
    geo_precision: Optional[int] = Field(default=None, ge=1, le=3)
    fatalities: int = Field(default=0, ge=0)
    source: str = ""
    notes: str = ""
    certainty: CertaintyValue = "asserted"
    attribution: Optional[str] = None
    evidence: Span
    confidence: float = Field(default=0.5, ge=0.0, le=1.0)
    geonameid: Optional[int] = None
    # eventcoder's own: why each field has its value, and what a reviewer should look at.
    provenance: dict[str, FieldEvidence] = Field(default_factory=dict)
    flags: list[str] = Field(default_factory=list)

    @field_validator("sub_event_type")
    @classmethod
    def _known_sub_event(cls, v: str) -> str:
        if v not in SUB_EVENT_TO_EVENT:
            raise ValueError(f"unknown sub_event_type {v!r}; expected one of SPEC.md §3")
        return v

    @model_validator(mode="after")
    def _consistent_types(self) -> "Event":
        expected = SUB_EVENT_TO_EVENT[self.sub_event_type]
        if self.event_type != expected:
            raise ValueError(f"sub_event_type {self.sub_event_type!r} belongs to {expected!r}, not {self.event_type!r}")
        # derived from the types, never trusted as given: a record stored before a codebook rule changed
        # (excessive force became "Political violence; Demonstrations") reads back right
        if self.disorder_type and self.disorder_type not in _DISORDER_TYPES:
            raise ValueError(f"disorder_type {self.disorder_type!r} is not one of {sorted(_DISORDER_TYPES)}")
        self.disorder_type = disorder_type_of(self.event_type, self.sub_event_type)
        return self

    def __setattr__(self, name: str, value: Any) -> None:
        # An event's fields are assigned about 60,000 times per 500 documents (Event.set, finalize, geocode).
        # Assignments are not validated (validate_assignment=False), and pydantic then stores a field in
        # __dict__ and marks it set, through two more calls (0.37 -> 0.26 us); this does the same in one. Any
        # other name, and any subclass (it may validate assignments), goes through pydantic.
        if name in _EVENT_FIELDS and type(self) is Event:
            self.__dict__[name] = value
            self.__pydantic_fields_set__.add(name)
        else:
            super().__setattr__(name, value)

    def set(self, field: str, value: Any, *, stage: str, evidence: Optional[Span] = None,
            score: float = 1.0, note: str = "") -> None:
        """Set a field and record its provenance in one step."""
        setattr(self, field, value)
        self.provenance[field] = validated(FieldEvidence, {"evidence": evidence, "stage": stage, "score": score,
                                                           "note": note})

    def flag(self, name: str) -> None:
        if name not in self.flags:
            self.flags.append(name)

    def spec_dict(self) -> dict[str, Any]:
        """The JSONL record of SPEC.md §2, plus provenance and flags."""
        return self.model_dump(mode="json")


# the fields Event.__setattr__ stores itself: none, should assignments ever be validated or events frozen
_EVENT_FIELDS = frozenset(Event.model_fields) if not (Event.model_config.get("validate_assignment")
                                                     or Event.model_config.get("frozen")) else frozenset()

# Public field order of the SPEC record, used by the JSONL and CSV writers.
SPEC_FIELDS: tuple[str, ...] = (
    "doc_id", "event_id", "event_date", "time_precision", "disorder_type", "event_type", "sub_event_type",
    "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2", "civilian_targeting",
    "country", "iso", "admin1", "admin2", "location", "latitude", "longitude", "geo_precision",
    "fatalities", "source", "notes", "certainty", "attribution", "evidence", "confidence", "geonameid",
)


class Record(BaseModel):
    """One article on its way through the pipeline: what each stage found, the events, the problems."""

    article: Article
    sentences: list[Span] = Field(default_factory=list)
    entities: list[Mention] = Field(default_factory=list)
    tokens: list[dict[str, Any]] = Field(default_factory=list,
                                         description="light token table from the nlp stage, when asked for")
    actors: list[ActorMention] = Field(default_factory=list)
    places: list[PlaceMention] = Field(default_factory=list)
    dates: list[DateMention] = Field(default_factory=list)
    events: list[Event] = Field(default_factory=list)
    problems: list[Problem] = Field(default_factory=list)
    # interview structure and attribution hints found by earlier stages, keyed by name.
    annotations: dict[str, Any] = Field(default_factory=dict)

    @property
    def doc_id(self) -> str:
        return self.article.doc_id

    @property
    def text(self) -> str:
        return self.article.text

    def problem(self, code: str, stage: str, message: str, severity: str = "warning") -> None:
        self.problems.append(Problem(code=code, stage=stage, doc_id=self.doc_id, message=message,
                                     severity=severity))

    def sentence_of(self, span: Span) -> Optional[Span]:
        """The sentence containing the start of ``span``."""
        for s in self.sentences:
            if s.start <= span.start < s.end:
                return s
        return None


_TAXONOMY_CHECK = sum(len(v) for v in TAXONOMY.values())
assert _TAXONOMY_CHECK == 25, "SPEC.md §3 has 25 sub-event types"


class StoredEvent(BaseModel):
    """An event as the store holds it: the record plus its review state."""

    event: Event
    review_status: Literal["pending", "accepted", "rejected", "edited"] = "pending"
    version: int = 1
    timestamp: int = 0
    incident_id: Optional[str] = None
    event_id_cnty: Optional[str] = None
    """ACLED's id of the report (ISO3 + a number per country, e.g. SYR1234), assigned once by the store"""
