"""How sure the text is of each event, who says so, and the source in the ACLED manner.

Per event, from the clause that reports it (the evidence, narrowed to the trigger's clause) and its sentence:

- ``certainty``: ``denied`` (a denial governs the clause) > ``claimed`` (a claim cue, or a speaker who is a
  party to the event: "IS is saying that ...") > ``unconfirmed`` (a hedge in the clause: "reportedly",
  "I don't have any confirmed information about ...") > ``reported`` (a speaker or frame in the sentence:
  "X said", "according to X"; or an interview answer) > ``asserted``. A hedge reaches only its own clause.
- ``attribution``: the speaker as named ("Police", "local sources", "Mohammed al-Saleh, Raqqa is Being
  Slaughtered Silently (RBSS)"); in an interview answer the interviewee, and a speaker quoted inside an
  answer is followed by ", according to" the interviewee.
- ``source``: the publisher (the document's ``source``, else the outlet the text names: "tells Syria
  Direct") and the attributed organisation (else person), ``; ``-separated.

Annotations written on ``record.annotations``:

- ``"interview"``: ``{"interviewee", "organisation", "attribution", "questions": [[start, end], ...],
  "answers": [[start, end], ...]}`` when the text has Q:/A: blocks (question paragraphs start "Q:").
- ``"publisher"``: the outlet named in the text ("tells Syria Direct"), when any.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable, Optional

from ..config import AttributionSettings
from ..matching import CaselessPattern
from ..registry import stage
from ..types import Event, Record, Span
from ..knowledge.clauses import clause_of
from ..knowledge.interviews import qa_blocks
from ..knowledge.resources import read_json, read_lines

STAGE = "attribution"
_ARTICLES = {"a", "an", "the"}
_STOP_WORDS = {"and", "but", "however", "also", "as", "so", "then", "that", "which", "who",
               "it", "this", "there", "what", "when", "while", "meanwhile", "moreover", "furthermore", "yet"}
_AUXILIARIES = {"have", "has", "had", "also", "later", "earlier", "previously", "had", "would", "will", "recently"}
_NOT_IN_SUBJECT = {"have", "has", "had", "do", "does", "did", "don't", "doesn't", "didn't", "is", "are", "was", "were",
                   "be", "been", "will", "would", "can", "could", "not", "no", "never", "if", "because", "since",
                   "when", "where", "after", "before"}
_SUBJECT_BOUNDARY = re.compile(r"[”\";:()\[\]]|[’']\s*,|,\s*[’']|\b(?:who|whom|which|that|as|while|because|although|"
                               r"though|whereas|if|when|after|before|since|until)\b")
_PREPOSITIONS = {"with", "on", "in", "at", "to", "for", "from", "by", "of", "during", "after", "before", "into", "over",
                 "including", "under", "between", "against", "around", "near"}
_NOT_LAST = _PREPOSITIONS | {"the", "a", "an", "and", "or", "his", "her", "their", "its", "our", "being", "first", "most",
                             "least", "widely", "unconfirmed", "as"}
_APPOSITIVE = re.compile(r"^(?P<name>[^,]{2,80}?),\s+(?:(?:a|an|the)\s+)?(?P<role>[^,]*?)\b(?:of|for|with|at|from|in)\s+"
                         r"(?:the\s+)?(?P<org>[^,]{2,120}?)\s*,?\s*$")
# "reported to have been": a passive hedge; matched in place, not on a copy of the rest of the sentence
_TO_HAVE_BE = re.compile(r"\s+to\s+(?:have|be)\b")
_ROLE_ONLY = re.compile(r"^(?P<name>[^,]{2,80}?),\s+(?:a|an|the)\s+[^,]{2,80},?\s*$")


@lru_cache(maxsize=1)
def load_cues() -> dict:
    """The cue lexicon ``knowledge/data/certainty.json`` and the publisher names of ``publishers.txt``."""
    cues = read_json("certainty.json")
    cues["publishers"] = read_lines("publishers.txt")
    return cues


def _compile(patterns: list[str]) -> CaselessPattern:
    """One case-blind pattern of the cue phrases, gated by their first words: most clauses hold no claim,
    denial or hedge word, and the claim pattern's look-behinds made it try every position
    (docs/performance.md#attribution)."""
    return CaselessPattern(re.compile("|".join(f"(?:{p})" for p in patterns), re.I))


def normalise_quotes(text: str) -> str:
    """Curly apostrophes made straight, one character for one so offsets stay valid."""
    return text.replace("’", "'").replace("‘", "'")


@dataclass
class Speaker:
    """A source named in the text."""

    text: str
    span: Span
    person: str = ""
    organisation: str = ""
    pronoun: bool = False

    @property
    def label(self) -> str:
        if self.person and self.organisation:
            return f"{self.person}, {self.organisation}"
        return self.organisation or self.person or self.text


@dataclass
class Interview:
    """Q:/A: structure: question paragraphs, answer paragraphs (with and without their "A:" label)."""

    questions: list[tuple[int, int]]
    answers: list[tuple[int, int]]
    answer_paragraphs: list[tuple[int, int]]
    interviewee: Optional[Speaker]

    def in_answer(self, offset: int) -> bool:
        return any(s <= offset < e for s, e in self.answer_paragraphs)

    def in_question(self, offset: int) -> bool:
        return any(s <= offset < e for s, e in self.questions)


class SourceReader:
    """Finds speakers, reporting frames, hedges, claims and denials in text. Pure; built once per stage."""

    def __init__(self, settings: AttributionSettings | None = None):
        self.settings = settings or AttributionSettings()
        cues = load_cues()
        self.denials = _compile(cues["denials"])
        self.claims = _compile(cues["claims"])
        self.hedges = _compile(cues["hedges"])
        self.frames = _compile(cues["frames"])
        self.speech = _compile(cues["speech_verbs"])
        self.claim_verbs = _compile(cues["claim_verbs"])
        # gated: re finds no prefix after \b and tries the pattern at every place of every sentence, while few
        # sentences hold "according", "reported" or "citing"
        self.according = CaselessPattern(re.compile(
            r"\b(?:according\s+to|as\s+reported\s+by|citing)\s+(?P<np>[^,.;:()“”\"]{2,90})", re.I))
        self.said_after = re.compile(r"[”\",]\s*,?\s*(?:said|says|added|adds|explained|told\s+\w+)\s+"
                                     r"(?P<np>[A-Z][^,.;:()“”\"]{1,80}(?:,\s+(?:a|an|the)\s+[^,.;:“”\"]{2,80})?)")
        verbs = "|".join(r"\s+".join(re.escape(w) for w in v.split()) for v in cues["publisher_verbs"])
        self.to_publisher = re.compile(r"\b(?:" + verbs + r")\s+(?:the\s+)?(?P<pub>(?:[A-Z][\w&.\-]*|al|el)"
                                       r"(?:\s+(?:[A-Z][\w&.\-]*|al|el|of))*)(?P<poss>['’]s)?(?=[\s,.;:]|$)")
        # a sentence holds a publisher verb's longest word wherever to_publisher matches (case-sensitive like
        # the pattern, which opens with \b and is otherwise tried at every character of the lead)
        self.publisher_gate = tuple(sorted({max(v.split(), key=len) for v in cues["publisher_verbs"]}))
        self.publisher_names = set(cues["publishers"])
        self.publisher_words = set(cues["publisher_words"])
        self.pronouns = set(cues["pronouns"])
        self.non_speakers = set(cues["non_speakers"])
        self._memo_body: Optional[str] = None
        self._memo: dict[tuple[int, int], list[Speaker]] = {}
        self._cue_memo: dict[tuple[CaselessPattern, str], Optional[re.Match]] = {}

    # ---- certainty cues -------------------------------------------------------------------------------

    def hedged(self, text: str) -> Optional[re.Match]:
        return self._search(self.hedges, text)

    def denied(self, text: str) -> Optional[re.Match]:
        return self._search(self.denials, text)

    def claimed(self, text: str) -> Optional[re.Match]:
        return self._search(self.claims, text)

    def _search(self, cues: CaselessPattern, text: str) -> Optional[re.Match]:
        # Events of one clause share its text (docs/performance.md#attribution): each text is read once per
        # document for each kind of cue. Cleared with the speakers' memo, and when it grows large.
        key = (cues, text)
        if key in self._cue_memo:
            return self._cue_memo[key]
        if len(self._cue_memo) >= 4096:
            self._cue_memo.clear()
        found = self._cue_memo[key] = cues.search(normalise_quotes(text))
        return found

    # ---- speakers -------------------------------------------------------------------------------------

    def speakers(self, body: str, sentence: Span) -> list[Speaker]:
        """The sources a sentence names: "according to X", "X said", '..." said X', in text order."""
        # A sentence is read once per record and again for each event in it: remember the last body's
        # sentences (docs/performance.md#attribution). The spans are frozen and no caller changes a Speaker, so
        # sharing them is safe; each caller gets its own list.
        if self._memo_body is not body:
            self._memo_body, self._memo = body, {}
            self._cue_memo.clear()
        key = (sentence.start, sentence.end)
        found = self._memo.get(key)
        if found is None:
            found = self._memo[key] = self._read_speakers(body, sentence)
        return list(found)

    def _read_speakers(self, body: str, sentence: Span) -> list[Speaker]:
        text = normalise_quotes(body[sentence.start:sentence.end])
        found: list[Speaker] = []
        for m in self.according.finditer(text):
            np = _trim_np(m["np"])
            if np and np.split()[-1].lower() not in self.non_speakers:
                found.append(self._speaker(body, sentence.start + m.start("np"), np))
        for m in self.said_after.finditer(text):
            np = _trim_np(m["np"])
            if np:
                found.append(self._speaker(body, sentence.start + m.start("np"), np))
        for m in self.speech.finditer(text):
            if _TO_HAVE_BE.match(text, m.end()):
                continue  # "reported to have been": a passive hedge, no speaker
            subj = self._subject(text, m.start())
            if subj is None:
                continue
            start, np = subj
            if any(s.span.start <= sentence.start + start < s.span.end for s in found):
                continue
            found.append(self._speaker(body, sentence.start + start, np))
        # a source in brackets speaks to a detail ("3 killed (2 according to Taliban sources)"), not the event
        found = [s for s in found if not _in_brackets(text, s.span.start - sentence.start)]
        found.sort(key=lambda s: s.span.start)
        return found

    def _subject(self, text: str, verb_at: int) -> Optional[tuple[int, str]]:
        """The noun phrase before a speech verb: back to a closing quote, a semicolon or colon, the sentence
        start; an appositive ("Name, a member of X,") is kept whole, else the last comma chunk."""
        region_start = 0
        for m in _SUBJECT_BOUNDARY.finditer(text[:verb_at]):
            region_start = m.end()  # "militants who police said", "even as villagers said": the speaker follows
        region = text[region_start:verb_at]
        lead = len(region) - len(region.lstrip(" ,\n\t\r"))
        region_start += lead
        region = region.strip(" ,\n\t\r")
        if not region:
            return None
        appositive = _APPOSITIVE.match(region) or _ROLE_ONLY.match(region)
        if not (appositive and _looks_like_name(appositive["name"])) and "," in region:
            cut = region.rfind(",") + 1
            region_start += cut + (len(region[cut:]) - len(region[cut:].lstrip()))
            region = region[cut:].strip()
        words = region.split()
        if not words:
            return None
        if len(words) > 14 and not _APPOSITIVE.match(region):
            return None  # a whole clause, not a speaker
        # drop leading adverbs and conjunctions ("However, IS", "and police")
        while words and words[0].lower().strip(",") in _STOP_WORDS and len(words) > 1:
            skip = region.index(words[1], len(words[0]))
            region_start += skip
            region = region[skip:]
            words = words[1:]
        if words and words[0].lower() in ("as", "that", "which", "it"):
            return None
        # "Police have said": the auxiliary belongs to the verb; "I don't have any confirmed ...": no speaker
        while len(words) > 1 and words[-1].lower() in _AUXILIARIES:
            words.pop()
            region = region[: region.rstrip().rfind(" ")].rstrip()
        if words[-1].lower() in self.non_speakers:
            return None
        # a preposition first ("with further clashes being reported") or a function word last ("the most
        # reported") means the words before the verb are no noun phrase
        if (words[0].lower() in _PREPOSITIONS or words[-1].lower() in _NOT_LAST or "to" in words[1:]
                or (words[-1].islower() and words[-1].endswith("ing"))):
            return None
        head = region.split(",")[0].split()  # an appositive may hold anything ("Raqqa is Being ...")
        if any(w.lower() in _NOT_IN_SUBJECT and not w.isupper() for w in head):  # "IS" is a name
            return None
        return region_start, region

    def _speaker(self, body: str, start: int, np: str) -> Speaker:
        span = Span.of(body, start, start + len(np))
        if np.lower() in self.pronouns:
            return Speaker(text=np, span=span, pronoun=True)
        m = _APPOSITIVE.match(np)
        if m and _looks_like_name(m["name"]):
            org = _trim_org(m["org"])
            if org:
                return Speaker(text=np, span=span, person=m["name"].strip(), organisation=self._with_acronym(body, org))
        m = _ROLE_ONLY.match(np)
        if m and _looks_like_name(m["name"]):
            return Speaker(text=np, span=span, person=m["name"].strip())
        if _capitalised(np):
            return Speaker(text=np, span=span, organisation=np)
        return Speaker(text=np, span=span)

    @staticmethod
    def _with_acronym(body: str, org: str) -> str:
        """``org (ACRONYM)`` when the text also uses the initials of its capitalised words (RBSS)."""
        initials = "".join(w[0] for w in re.findall(r"[A-Za-z][\w\-]*", org) if w[0].isupper())
        if len(initials) >= 2 and re.search(rf"\b{re.escape(initials)}\b", body):
            return f"{org} ({initials})"
        return org

    def publisher_in(self, body: str, span: Span) -> Optional[str]:
        """The outlet a speaker talks to in ``span`` ("tells Syria Direct's", "told Reuters"), when named."""
        if not any(map(body[span.start:span.end].__contains__, self.publisher_gate)):
            return None
        for m in self.to_publisher.finditer(body, span.start, span.end):
            name = m["pub"].strip()
            if m["poss"] or name in self.publisher_names or name.split()[-1] in self.publisher_words:
                return name
        return None

    def interview(self, record: Record) -> Optional[Interview]:
        """Q:/A: structure: question paragraphs start with "Q:"; answers are the paragraphs until the next one.
        The interviewee is the speaker the lead (the text before the first question) names."""
        body = record.text
        questions, answers, answer_paragraphs, lead = qa_blocks(body)
        if not questions or not answers:
            return None
        interviewee = None
        for s, e in lead:
            for sentence in [x for x in record.sentences if s <= x.start < e] or [Span.of(body, s, e)]:
                for sp in self.speakers(body, sentence):
                    if not sp.pronoun and sp.person:
                        interviewee = sp
                        break
                if interviewee:
                    break
            if interviewee:
                break
        return Interview(questions=questions, answers=answers, answer_paragraphs=answer_paragraphs,
                         interviewee=interviewee)


_LATIN_WORD = re.compile(r"[A-Za-z][\w'\-]*")
_NOT_NAME_OPENERS = _STOP_WORDS | _ARTICLES


def _capitalised(text: str) -> bool:
    first = _LATIN_WORD.search(text)  # only the first word tells
    return first is not None and first[0][0].isupper() and first[0].lower() not in _NOT_NAME_OPENERS


_NAME_PARTICLES = {"al", "el", "bin", "ibn", "abu", "abd", "de", "da", "van", "von", "der", "la", "le", "du"}


def _looks_like_name(text: str) -> bool:
    """A proper name: one to six words, each capitalised or a particle ("Mohammed al-Saleh")."""
    words = text.split()
    return 0 < len(words) <= 6 and all(w[0].isupper() or w.split("-")[0].lower() in _NAME_PARTICLES for w in words)


_NP_END = re.compile(r"\s+(?:that|who|which|when|as|on|in\s+a|after|before)\s+")


def _trim_np(np: str) -> str:
    np = _NP_END.split(np.strip(), maxsplit=1)[0]
    return np.strip(" ,.;:")


def _trim_org(org: str) -> str:
    """The capitalised name of an organisation without the trailing common nouns ("media campaign")."""
    words = org.split()
    while words and not words[-1][0].isupper():
        words.pop()
    return " ".join(words)


@stage(STAGE, requires=("record.sentences", "record.actors", "record.events"),
       assigns=("event.certainty", "event.attribution", "event.source", "event.flags", "annotations.publisher",
                "annotations.interview"))
class Attributor:
    """Sets each event's ``certainty``, ``attribution`` and ``source``."""

    def __init__(self, settings: AttributionSettings | None = None):
        self.settings = settings or AttributionSettings()
        self.reader = SourceReader(self.settings)

    def __call__(self, records: list[Record]) -> list[Record]:
        for record in records:
            self.process(record)
        return records

    def process(self, record: Record) -> Record:
        """Read the interview structure and the publisher of one record, then attribute its events."""
        body = record.text
        interview = self.reader.interview(record)
        publisher = record.article.source.strip()
        outlet = None
        for sentence in record.sentences[: self.settings.lead_sentences] or [Span.of(body, 0, min(len(body), 2000))]:
            outlet = self.reader.publisher_in(body, sentence)
            if outlet:
                record.annotations["publisher"] = outlet
                break
        publisher = publisher or outlet or ""
        if interview:
            ie = interview.interviewee
            record.annotations["interview"] = {
                "interviewee": ie.person if ie else None,
                "organisation": ie.organisation if ie else None,
                "attribution": ie.label if ie else None,
                "questions": [list(q) for q in interview.questions],
                "answers": [list(a) for a in interview.answers],
            }
        found: list[list[Speaker]] = []

        def named() -> list[Speaker]:
            # the document's named speakers, read only when a pronoun speaks ("he said"): most events have
            # none, and a report's other sentences need no reading then
            if not found:
                found.append([sp for sentence in record.sentences for sp in self.reader.speakers(body, sentence)
                              if not sp.pronoun])
            return found[0]

        for event in record.events:
            self.attribute(record, event, interview, publisher, named)
        return record

    def attribute(self, record: Record, event: Event, interview: Optional[Interview], publisher: str,
                  named: Callable[[], list[Speaker]]) -> None:
        """Set certainty, attribution and source of one event."""
        body = record.text
        ev = event.evidence
        sentence = record.sentence_of(ev) or ev
        trigger = event.provenance.get("sub_event_type")
        point = trigger.evidence.start if trigger and trigger.evidence and ev.contains(trigger.evidence) else None
        if point is not None and ev.end - ev.start >= sentence.end - sentence.start - 1:
            lo, hi = clause_of(body, ev, point)
        else:
            lo, hi = ev.start, ev.end
        clause = Span.of(body, lo, hi)
        speakers = self._speakers_in_scope(body, sentence, clause)
        speaker = _resolve_pronoun(speakers[0], named) if speakers else None
        at = _content_start(body, ev)
        outer = interview.interviewee if interview and interview.in_answer(at) and interview.interviewee else None
        if speaker is not None and outer is not None and speaker.pronoun:
            speaker = outer  # "we noticed", "I know": the interviewee
        if speaker is not None and speaker.pronoun:
            speaker = None

        certainty, cue, score = "asserted", None, 0.6
        scope = _unbracketed(clause.text)  # "killing 3 soldiers (VoJ claimed 4)": the aside is about a detail
        if (m := self.reader.denied(scope)) is not None:
            certainty, cue, score = "denied", _cue_span(body, clause, m), 0.8
        elif (m := self.reader.claimed(scope)) is not None:
            certainty, cue, score = "claimed", _cue_span(body, clause, m), 0.8
        elif speaker is not None and self._is_party(record, event, speaker):
            certainty, cue, score = "claimed", speaker.span, 0.8
        elif (m := self.reader.hedged(scope)) is not None:
            certainty, cue, score = "unconfirmed", _cue_span(body, clause, m), 0.8
        elif interview and interview.in_question(at) and "?" in sentence.text:
            certainty, cue, score = "unconfirmed", sentence, 0.6  # a question asserts nothing
        elif speaker is not None or self.reader.frames.search(_unbracketed(sentence.text)) or outer is not None:
            certainty, cue, score = "reported", speaker.span if speaker else sentence, 0.8
        event.set("certainty", certainty, stage=STAGE, evidence=cue, score=score,
                  note="" if cue else "no reporting, hedge, claim or denial in the clause")
        if interview and interview.in_question(at):
            event.flag("from_question")

        label, evidence = None, None
        if speaker is not None:
            label, evidence = speaker.label, speaker.span
            if outer is not None and speaker is not outer and speaker.label != outer.label:
                label = f"{speaker.label}, according to {outer.label}"
        elif outer is not None:
            label, evidence = outer.label, outer.span
        if label:
            event.set("attribution", label, stage=STAGE, evidence=evidence, score=0.8)
        else:
            event.set("attribution", None, stage=STAGE, score=0.5, note="no source named")

        reporter = outer or speaker
        parts = [publisher] if publisher else []
        if reporter is not None:
            parts.append(_LEADING_ARTICLE.sub("", reporter.organisation or reporter.person or reporter.text))
        parts = list(dict.fromkeys(p for p in parts if p))
        if parts:
            event.set("source", "; ".join(parts), stage=STAGE, evidence=evidence, score=0.8)

    def _speakers_in_scope(self, body: str, sentence: Span, clause: Span) -> list[Speaker]:
        """Speakers of the event's clause; else a frame that opens the sentence ("According to X, ...",
        "Police said ...") or closes it ("..., police said."), which governs every clause of it."""
        found = self.reader.speakers(body, sentence)
        own = [s for s in found if clause.start <= s.span.start < clause.end]
        if own:
            return own
        opening = _content_start(body, sentence)
        tail = body[sentence.start:sentence.end].rstrip(" .!?\"”'’")
        end = sentence.start + len(tail)
        # 16 characters: room for "According to " before the speaker's name; a semicolon ends its reach
        return [s for s in found if (s.span.start < clause.start and s.span.start - opening <= 16
                                     and ";" not in body[s.span.end:clause.start])
                or (s.span.start >= clause.end and (end - s.span.end <= 25 or (
                    self._closes(body[s.span.end:end]) and ";" not in body[clause.end:s.span.start])))]

    def _closes(self, rest: str) -> bool:
        """Whether the words after a speaker who closes a sentence are only the speech verb and whom it is
        said to ('"...," Mohammed al-Saleh, a member of RBSS, tells Syria Direct's Noura al-Hourani.')."""
        rest = rest.lstrip(" ,")
        m = self.reader.speech.match(rest)
        return bool(m) and not re.search(r"[,;:“”\"]", rest[m.end():]) and len(rest) - m.end() <= 60

    @staticmethod
    def _is_party(record: Record, event: Event, speaker: Speaker) -> bool:
        """Whether the speaker is one of the event's actors (then its report is a claim)."""
        # the side that acts; in a battle both sides do. A victim's account ("Police say the blast killed 2
        # officers") is a report, not a claim.
        sides = [event.actor1, event.assoc_actor_1]
        if event.event_type == "Battles":
            sides += [event.actor2, event.assoc_actor_2]
        parties = {a.lower() for a in sides if a}
        if not parties:
            return False
        if speaker.text.lower() in parties or speaker.organisation.lower() in parties:
            return True
        start, end = speaker.span.start, speaker.span.end
        for mention in record.actors:  # Span.overlaps written out: a test per actor and speaker
            span = mention.span
            if span.start < end and start < span.end and mention.name.lower() in parties:
                return True
        return False


_BRACKETED = re.compile(r"\([^()]*\)|\[[^\[\]]*\]")


def _unbracketed(text: str) -> str:
    """The text with bracketed asides blanked out, offsets kept."""
    if "(" not in text and "[" not in text:
        return text  # most clauses have no aside: no substitution to make
    return _BRACKETED.sub(lambda m: " " * len(m.group()), text)


_LEADING_ARTICLE = re.compile(r"^(?:the|a|an)\s+(?=[A-Z])")


def _in_brackets(text: str, offset: int) -> bool:
    before = text[:offset]
    return before.count("(") > before.count(")") or before.count("[") > before.count("]")


def _content_start(body: str, span: Span) -> int:
    """The first non-blank offset of a span (sentences may start with the blank line before them)."""
    text = body[span.start:span.end]
    return span.start + (len(text) - len(text.lstrip()))


def _resolve_pronoun(speaker: Speaker, named: Callable[[], list[Speaker]]) -> Speaker:
    """"he said" is the last named person before it in the document (``named()``: the document's named
    speakers); "I" and "we" are left to the caller."""
    if not speaker.pronoun or speaker.text.lower() in ("i", "we"):
        return speaker
    earlier = [s for s in named() if s.span.start < speaker.span.start and s.person]
    return earlier[-1] if earlier else speaker


def _cue_span(body: str, clause: Span, m: re.Match) -> Span:
    return Span.of(body, clause.start + m.start(), clause.start + m.end())
