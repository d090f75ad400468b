"""From a record's clauses and their cues to its events: a short note is one event typed on its whole text (and
an event for each further clause of another kind); an article has an event per reporting clause, one real event
per clause (``subsumes``), and no event for a sentence that only adds the casualties of the one before."""
from __future__ import annotations

from bisect import bisect_right
from typing import Optional

from ...config import ClassifySettings
from ...knowledge.clauses import Cue, Lexicon, clauses
from ...types import Event, Record, Span
from ...vocab import SUB_EVENT_TO_EVENT
from .build import EventBuilder
from .casualties import FollowOn, set_fatalities
from .features import model_features
from .reading import Reading
from .subtype import TypeChooser, TypePick

PROTEST_TYPES = {"Peaceful protest", "Protest with intervention", "Excessive force against protesters"}
RIOT_TYPES = {"Violent demonstration", "Mob violence"}

Unit = tuple[Span, list[Cue], Optional[str]]  # a clause, its cues, and why it reports no event (None: it may)


class EventFinder:
    """The events of a record, read clause by clause (``events``)."""

    def __init__(self, settings: ClassifySettings, lexicon: Lexicon, chooser: TypeChooser, builder: EventBuilder,
                 follow_on: FollowOn):
        self.settings = settings
        self.lexicon = lexicon
        self.chooser = chooser
        self.builder = builder
        self.follow_on = follow_on

    # -- clauses and cues ------------------------------------------------------------------------
    def units(self, record: Record) -> list[Unit]:
        """Each clause of the record with its cues and, when it reports no event, why (the non-event cue)."""
        text = record.text
        sentences = record.sentences or [Span.of(text, 0, len(text))]
        units: list[Unit] = []
        for sent in sentences:
            for clause in clauses(text, sent):
                cues = self.lexicon.find(text, clause.start, clause.end)
                why = None
                if cues:
                    # every cue of the clause governed by a non-event cue (a plan, an appeal...): no event;
                    # else the governed cues report nothing and are dropped ("IS is trying to advance while
                    # rebels are preoccupied fighting the Russians": the advance, no battle of the rebels)
                    blocked = self.lexicon.governing(text, clause, cues)
                    if all(blocked):
                        why = blocked[0]
                    else:
                        cues = [c for c, b in zip(cues, blocked) if not b]
                units.append((clause, cues, why))
        return units

    def note_cues(self, record: Record, units: Optional[list[Unit]] = None) -> list[Cue]:
        """The cues a note is classified on: those of its event clauses, plus a coder's header label."""
        units = self.units(record) if units is None else units
        all_cues = [c for _, cues, why in units if not why for c in cues]
        header = self.lexicon.header(record.text)
        if header:
            all_cues.append(header)
        return all_cues

    @staticmethod
    def _evidence_clause(units: list[Unit], cue: Optional[Cue], text: str) -> Span:
        if cue is not None and not cue.header:
            for clause, _, _ in units:
                if clause.start <= cue.start < clause.end:
                    return clause
        for clause, cues, why in units:
            if cues and not why:
                return clause
        return units[0][0] if units else Span.of(text, 0, len(text))

    @staticmethod
    def _same_actors(a: Event, b: Event) -> bool:
        """Are two events of one clause coded to the same side (an actor left to the default matches any;
        protesters and rioters are the same crowd, named by what it did)?"""
        crowd = PROTEST_TYPES | RIOT_TYPES
        if a.sub_event_type in crowd and b.sub_event_type in crowd:
            return True
        return a.actor1 == b.actor1 or "actor1_default" in a.flags or "actor1_default" in b.flags

    # -- per record ------------------------------------------------------------------------------
    def events(self, doc: Reading) -> list[Event]:
        """The events of the record ``doc`` reads."""
        record = doc.record
        sentences = record.sentences or [Span.of(doc.text, 0, len(doc.text))]
        units = self.units(record)
        is_note, all_cues, note_ranked = self._as_note(record, sentences, units)
        if is_note:
            return self._note_events(doc, units, all_cues, note_ranked)
        return self._article_events(doc, sentences, units)

    def _as_note(self, record: Record, sentences: list[Span], units: list[Unit]) \
            -> tuple[bool, Optional[list[Cue]], Optional[list[tuple[str, float]]]]:
        """Is the record one note, and, when that took them, the note's cues and the model's reading of it?
        (made once: the same features twice before; docs/performance.md#classify)"""
        text = record.text
        if not (len(sentences) <= self.settings.note_max_sentences and len(text) <= self.settings.note_max_chars):
            return False, None, None
        # a short text whose clauses report events of different kinds is typed clause by clause...
        kinds = {SUB_EVENT_TO_EVENT[max(cues, key=lambda c: c.weight).sub_event_type]
                 for _, cues, why in units if cues and not why and max(c.weight for c in cues) >= 0.9}
        if kinds & {"Protests", "Riots"}:
            kinds.discard("Strategic developments")  # protesters detained: an intervention, not arrests
        if len(kinds) < 2:
            return True, None, None
        model = self.chooser.model
        if model is None:
            return False, None, None
        # unless the model, reading the whole note, is sure of one type: coders type a note by its main report,
        # and a side clause ("police later arrested two") only adds to it
        all_cues = self.note_cues(record, units)
        note_ranked = model.predict(model_features(text, all_cues, record.actors))
        return note_ranked[0][1] >= self.settings.note_model_confidence, all_cues, note_ranked

    # -- a note ----------------------------------------------------------------------------------
    def _note_events(self, doc: Reading, units: list[Unit], all_cues: Optional[list[Cue]],
                     note_ranked: Optional[list[tuple[str, float]]]) -> list[Event]:
        record, text = doc.record, doc.text
        if all_cues is None:
            all_cues = self.note_cues(record, units)
        out: list[Event] = []
        blocked_all = all(why for _, cues, why in units if cues) and any(cues for _, cues, _ in units)
        strong = any(c.weight >= self.lexicon.min_trigger for c in all_cues)
        if not blocked_all and (strong or self.chooser.model is not None):
            pick = self.chooser.classify_text(text, all_cues, record.actors, note_ranked)
            # (no absorbing promotion here: the model learnt a note's type from coders' notes, which it
            # follows better than the cue ranking; only further clauses are absorbed below)
            if strong or pick.probability >= self.settings.min_note_probability:
                clause = self._evidence_clause(units, pick.cue, text)
                ev = self.builder.build(doc, clause, pick, all_cues, note=True)
                if ev is not None:
                    out.append(ev)
        primary = {e.sub_event_type for e in out}
        for clause, cues, why in units:
            if why or not cues:
                continue
            found = self._further_event(doc, clause, cues, out, primary)
            if found is not None:
                self._add_to_note(doc, clause, found, out, all_cues)
        return out

    def _further_event(self, doc: Reading, clause: Span, cues: list[Cue], out: list[Event],
                       primary: set[str]) -> Optional[tuple[Event, TypePick]]:
        """The event of a further clause of a note that reports a type not yet coded (added to ``primary``),
        with its type; None when it reports none."""
        top = max(cues, key=lambda c: c.weight)
        if top.weight < 0.8 or top.sub_event_type in primary or (out and out[0].evidence.overlaps(clause)):
            return None
        pick = self.chooser.classify_text(clause.text, cues, doc.actors_in(clause.start, clause.end))
        sub = pick.sub_event_type
        if sub in primary or top.sub_event_type != sub and top.sub_event_type not in primary:
            # the model and the clause's own cue disagree: the cue names this clause's report
            pick = TypePick(top.sub_event_type, 0.6 * top.weight, 0.0, top)
            sub = pick.sub_event_type
        if sub in primary:
            return None
        primary.add(sub)
        ev = self.builder.build(doc, clause, pick, cues)
        return None if ev is None else (ev, pick)

    def _add_to_note(self, doc: Reading, clause: Span, found: tuple[Event, TypePick], out: list[Event],
                     all_cues: list[Cue]) -> None:
        """A note reports one event: a further clause of a kind the note's event absorbs ("Police intervened."
        after the protest it broke up) is that event; one that absorbs the note's event makes it more specific;
        any other is an event of its own."""
        ev, pick = found
        sub = pick.sub_event_type
        absorbed = [i for i, o in enumerate(out)
                    if sub != o.sub_event_type and o.sub_event_type in self.lexicon.absorbs.get(sub, ())
                    and self._same_actors(o, ev)]
        into = [] if absorbed else \
            [o for o in out if self.lexicon.absorbed(sub, o.sub_event_type) and self._same_actors(o, ev)]
        if into:
            # its clause reports the event too (the protest's place is named with the protest)
            o = into[0]
            o.evidence = Span.of(doc.text, min(o.evidence.start, clause.start), max(o.evidence.end, clause.end))
            return
        if absorbed:
            i = absorbed[0]
            # the place and date are read from the clause that reports the event, kept as it was
            note_ev = self.builder.build(doc, out[i].evidence, pick, all_cues, note=i == 0)
            if note_ev is not None:
                out[i] = note_ev
                return
        out.append(ev)

    # -- an article ------------------------------------------------------------------------------
    def _article_events(self, doc: Reading, sentences: list[Span], units: list[Unit]) -> list[Event]:
        starts = [s.start for s in sentences]
        out: list[Event] = []
        last: Optional[tuple[Event, int, Span]] = None  # the last event, its sentence, its clause
        for clause, cues, why in units:
            live = [c for c in cues if c.weight >= self.lexicon.min_trigger]
            if not why and last is not None and self.follow_on.adds_to(doc, starts, last, clause, live):
                # "A roadside bomb struck a convoy. The army reported two soldiers wounded.": the sentence
                # after an event that only gives its casualties is no event of its own; its dead are that event's
                set_fatalities(doc, last[0], clause, only_more=True)
                continue
            if why or not live:
                continue
            ev = self._clause_event(doc, clause, cues, live)
            if ev is None:
                continue
            out.append(ev)
            last = (ev, bisect_right(starts, clause.start) - 1, clause)
            self._further_reports(doc, clause, ev, live, out)
        return out

    def _clause_event(self, doc: Reading, clause: Span, cues: list[Cue], live: list[Cue]) -> Optional[Event]:
        """The event an article's clause reports, of the most specific type it cues."""
        pick = self.chooser.classify_text(clause.text, cues, doc.actors_in(clause.start, clause.end))
        top = max(live, key=lambda c: c.weight)
        if not any(c.sub_event_type == pick.sub_event_type for c in live):
            # the model learnt from monitors' notes; in an article's clause a type no cue supports is a
            # guess, and the clause's own strongest cue the better one
            pick = TypePick(top.sub_event_type, 0.6 * top.weight, 0.0, top)
        for _ in range(3):
            # one clause, one real event: the most specific type cued absorbs the others (shelling that
            # kills civilians is no Attack besides; a protest the police disperse no Peaceful protest)
            over = self.lexicon.absorber(pick.sub_event_type, live)
            if over is None:
                break
            pick = TypePick(over.sub_event_type, max(pick.probability, 0.6 * over.weight), 0.0, over)
        return self.builder.build(doc, clause, pick, cues)

    def _further_reports(self, doc: Reading, clause: Span, ev: Event, live: list[Cue], out: list[Event]) -> None:
        """One clause, several reports ("intensifying its car-bomb operations ... and trying to advance"): each
        further defining cue of another event type is an event of its own, unless the event already coded
        absorbs it for the same actors."""
        seen_types = {ev.sub_event_type}
        for other in sorted(live, key=lambda c: c.start):
            other_type = other.sub_event_type
            if other.weight < 0.9 or other_type in seen_types:
                continue
            seen_types.add(other_type)
            extra = self.builder.build(doc, clause, TypePick(other_type, 0.5 * other.weight, 0.0, other), [other])
            if extra is None:
                continue
            if any(self.lexicon.absorbed(other_type, e.sub_event_type) and self._same_actors(e, extra)
                   for e in out if e.evidence == ev.evidence):
                continue
            extra.flag("split_from_clause")
            out.append(extra)
