"""Events at the level of the clause: detection, the 25 sub-event types, actors in their roles, fatalities.

How an article becomes events:

1. Each sentence is cut into clauses (``clauses.py``) and the trigger cues of ``data/triggers.json`` are
   found in each. A clause with a cue at or above ``min_trigger`` reports an event unless a non-event cue
   governs the trigger: an appeal or call to act, a plan or intention, a hypothetical, a question (an
   interview's "Q:" line included), a generic or habitual statement.
2. The sub-event type of each event comes from the linear model of ``typemodel.py`` over the clause words
   and its cues; without the model artifact, from the strongest cue. A short report (a monitor's note of
   at most ``note_max_sentences`` sentences) is one event classified on its whole text, plus an event for
   any further clause that reports a different kind of event; a document that reports violence gets at
   least this best-guess event. A short text whose clauses cue several event types is typed clause by
   clause, unless the model reading it whole is sure of one type (``note_model_confidence``).
   The model's pick gives way to a type ACLED's definitions put first when the text cues it (``escalates`` in
   ``data/triggers.json``: a crowd that throws stones riots though the police disperse it; a roadside bomb with
   no fighting cued is remote violence), and, once the roles are read, to the type the sides define
   (``retype_by_sides`` in ``data/roles.json``: an attack on an armed force is a clash; rebels abduct, they do
   not arrest).
   One clause, one real event: when a clause cues several sub-types, the most specific absorbs the others
   for the same actors (``subsumes`` in ``data/triggers.json``: shelling that kills civilians is no Attack
   besides, a suicide car bomb no IED besides, a protest the police disperse no Peaceful protest besides, a
   town captured after fighting no Armed clash besides); types the table does not relate stay separate
   events. A sentence right after an event that only gives its casualties ("The army reported two soldiers
   wounded.", ``follow_on``) is no event of its own, and its dead count for that event.
3. Roles: actor1 is the side that acts. "by X" in a passive clause names it ("rebels were shelled by
   regime forces"); otherwise the first actor before the trigger, unless the clause is passive, where that
   actor is the target (a coder's label, "Non-violent activity:", names no one: the note's subject acts); a
   clause naming no actor takes the group the text was just about. The conventions by type are the data of
   ``data/roles.json``: protests (all three kinds, excessive force included) are coded to
   ``Protesters (country)`` with the force used on them as actor2 (excessive force dated before 2014 goes to
   the state force first: finalize, ``state_first_before``), riots to ``Rioters (country)``, as ACLED does;
   arrests, regained territory and seized weapons to the state force that acts; a group's own premature blast
   to the group; an unattributed attack to ``Unidentified Armed Group (country)``; an unattributed arrest to
   the country's police. actor2 is the side acted upon; other actors before the trigger joined by "and",
   "with" or "backed by" are associated actors.
4. Fatalities follow the convention in ``fatalities.py``; civilian targeting is set for violence against
   civilians and for remote violence whose target is civilians.

Review flags set on events: ``low_type_margin`` (the model's best two types are within
``ClassifySettings.low_margin``), ``conflicting_cues`` (the strongest cue points to another event type than
the model), ``actor_not_in_dictionary`` (actor1 kept as written), ``actor1_default`` (no actor named; the
default for the type was used), ``actor1_from_context`` (taken from an earlier sentence), ``split_from_clause``
(a further event of a clause that reports several), ``vague_fatalities``; finalize adds
``actor1_from_front_line`` (unclaimed fire on a front coded to the side facing the holder of the place).

Annotations read: ``record.annotations["country"]`` (set by the actors stage) names the country of default
actors ("Unidentified Armed Group (Kenya)").
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from pathlib import Path
from typing import Optional

from ..config import ClassifySettings
from ..literalgate import caseless_gate
from ..registry import stage
from ..types import ActorMention, Event, Record, Span
from ..vocab import CIVILIAN_TARGETING, DISORDER_OF_EVENT, SUB_EVENT_TO_EVENT
from ..knowledge.actornames import actor_kind, fill_name
from ..knowledge.clauses import Cue, Lexicon, clauses, lower_literals
from ..knowledge.fatalities import count_fatalities
from ..knowledge.resources import data_path, read_json
from ..knowledge.roles import DOCUMENT_COUNTRY_NOTE, load_roles
from ..knowledge.typemodel import TypeModel, entropy_margin, text_features

STAGE = "classify"
MODEL_FILE = "type_model.json.gz"

PROTEST_TYPES = {"Peaceful protest", "Protest with intervention", "Excessive force against protesters"}
RIOT_TYPES = {"Violent demonstration", "Mob violence"}
TERRITORY_TYPES = {"Government regains territory", "Non-state actor overtakes territory"}
VAC_TYPES = {"Attack", "Abduction/forced disappearance", "Sexual violence"}


ROLES = load_roles()
STATE_KINDS = tuple(ROLES["state_kinds"])
# who acts when the text names nobody, by type: the kinds ACLED's coders default to
DEFAULT_ACTOR_KIND = ROLES["default_actor_kind"]
# displacement notes ("300 families fled the fighting") are coded to the civilians displaced (roles.json "displaced")
DISPLACED = ROLES.get("displaced", {})
_DISPLACED_CUE = re.compile(DISPLACED["cue"], re.I) if DISPLACED.get("cue") else None
_DISPLACER = re.compile(DISPLACED["displacer"], re.I) if DISPLACED.get("displacer") else None
# explosive remnants of war are coded to whoever laid them, long ago (roles.json "remnants")
REMNANTS = ROLES.get("remnants", {})
_REMNANT_CUE = re.compile(REMNANTS["cue"], re.I) if REMNANTS.get("cue") else None
_INTERSTATE_WAR = re.compile(REMNANTS["interstate"]) if REMNANTS.get("interstate") else None  # capitals as written
# "it is unclear who planted the bomb": the text says the side that acted is unknown (roles.json)
_UNKNOWN_PERPETRATOR = re.compile(ROLES["unknown_perpetrator"]["cue"], re.I) if ROLES.get("unknown_perpetrator") else None
# The caseless gates of the patterns searched in each event's scope: a document whose lower case holds none of
# a gate's strings cannot match, and is not searched event by event (2,160 searches for an unknown perpetrator
# per 500 documents; 19 of the documents hold a gate string). Keyed by id: a compiled pattern hashes its whole
# code at each lookup.
_SCOPE_GATES = {id(rx): caseless_gate(rx) for rx in (_REMNANT_CUE, _UNKNOWN_PERPETRATOR) if rx is not None}
_BETWEEN = re.compile(r"\bbetween\b(?:(?!\b(?:and|,)\b)[^.;])*(?:\b(?:and)\b[^.;]{0,40})?$", re.I)
# "... killed by X": X acts. Not "accompanied by", "backed by": those name allies.
_BY = re.compile(r"(?<!\baccompanied )(?<!\bbacked )(?<!\bsupported )(?<!\bassisted )(?<!\baided )(?<!\bjoined )(?<!\bled )"
                 r"(?<!\breinforced )(?<!\bfollowed )(?<!\bescorted )\bby\s+(?:the\s+|an?\s+|some\s+)?"
                 # "kidnapped by suspected Al Shabaab": a hedge between "by" and the name
                 r"(?:(?:suspected|alleged|presumed|unidentified|unknown)\s+)?$", re.I)
_ASSOC = re.compile(r"^\s*(?:,|and|with|alongside|together with|backed by|supported by|with the support of|"
                    r"accompanied by|in coordination with|as well as)\s+(?:the\s+)?$", re.I)
# "planted by X", "belonging to X": X owns the weapon, it does not seize or defuse it; "a missile fired by X", "a drone
# operated by X": X owns what the other side shot down
_OWNER = re.compile(r"\b(?:(?:planted|laid|placed|left|hidden|owned|fired|launched|operated|flown)\s+by|belong(?:ing|ed|s)?\s+to|from|against)\s+(?:the\s+)?$", re.I)
# a number before a mention: "two soldiers wounded" counts the casualties, the soldiers do not act
_COUNTED = re.compile(r"\b(?:\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|several|some|"
                      r"dozens of|scores of|hundreds of|a few|many)\s+(?:[\w'-]+\s+)?$", re.I)
# "exploded at an army checkpoint", "struck a police station": the side named there is where a blast hit
_HIT_PLACE = re.compile(r"\b(?:at|near|outside|inside|targeting|targeted|hit|hitting|struck|striking)\s+(?:an?\s+|the\s+)?"
                        r"(?:[\w'-]+\s+){0,2}$", re.I)
TIE_MARGIN = 0.08  # probabilities this close are a tie the trigger cues break (0.05 before the balanced model, whose
# probabilities are flatter; held-out sub-event type 0.845 at 0.05, 0.846 at 0.08, 0.844 at 0.10)
_GLOSS = re.compile(r"[ \t]*\([^()\n]{1,40}\)")  # "CV (Red Command)": a name's gloss or acronym in brackets
_GLOSS_END = re.compile(r"[^()\n]{0,40}?\)")  # the rest of the brackets a mention stands in
_HEADER_ONLY = re.compile(r"^\s*[A-Z][\w /-]{2,40}:\s*")
# a mention followed by a passive auxiliary within two words: "soldiers were released", "the convoy was stopped"
_PASSIVE_SUBJECT = re.compile(r"^\s*(?:[\w'-]+\s+){0,2}?(?:was|were|had been|has been|have been|got)\s+\w+(?:ed|en|ne)\b", re.I)
# "hit a Taliban-planted bomb": the mention modifies the weapon or place; it is not the target
_MODIFIES_NOUN = re.compile(r"-(?:planted|laid|placed|made|claimed|led|backed|affiliated|linked|controlled|held|run|"
                            r"manned)\b", re.I)
# "a police truck hit a roadside bomb": the vehicle's side is hit
_VEHICLE_HIT = re.compile(r"^\s*(?:[\w'-]+\s+){0,2}?(?:vehicles?|convoys?|cars?|trucks?|patrols?|tanks?)\s+(?:\w+ly\s+)?"
                          r"(?:struck|hit|ran over|drove over|stepped on|triggered|detonated)\b", re.I)
# "killed 3 soldiers": the object of a violent verb, up to three words after it, none opening a new clause
_OBJECT_OF_VERB = re.compile(
    r"\b(?:killed|killing|kill|wounded|wounding|injured|injuring|targeted|targeting|attacked|attacking|"
    r"ambushed|shot|abducted|kidnapped|arrested|detained|against|hit|struck)\s+"
    r"(?:(?!(?:when|while|after|as|during|by|with|and|but|in|at|near|from|before|because)\b)"
    r"[\w'-]+\s+){0,3}$", re.I)
# "2 policemen were killed", "soldiers died": the subject of a passive violent verb or of dying
_SUBJECT_OF_PASSIVE = re.compile(
    r"^\s*(?:[\w'-]+\s+){0,3}?(?:(?:was|were|is|had been|have been|has been|got)\s+(?:\w+\s+)?"
    r"(?:killed|wounded|injured|shot|attacked|targeted|abducted|kidnapped|arrested|detained|hit|ambushed)|"
    r"(?:died|perished|lost (?:their|his|her) lives?)\b)", re.I)
_PASSIVE_AUXILIARY = re.compile(r"\b(?:was|were|been|being|got)\b")
_ONLY_AUXILIARY = re.compile(r"^\s*(?:were|was|are|is|have been|has been|had been|got)\s+(?:\w+ly\s+)?$", re.I)


def _without_case(rx: re.Pattern) -> re.Pattern:
    """``rx``, a case-blind pattern with no letter class nor inline flag, for the lower case of an ASCII text: its
    literals lower-cased, without re.I (half the time in CPython's re: _OBJECT_OF_VERB over 5,400 windows per
    500 documents, 0.014 -> 0.007 s)."""
    return re.compile(lower_literals(rx.pattern), rx.flags & ~re.I)


_OBJECT_OF_VERB_LOWER = _without_case(_OBJECT_OF_VERB)


def _after_by(before: str) -> bool:
    """Does ``before`` end in "by (the)" ("killed by the ...")? The pattern's ten look-behinds try every
    position, so a window without the word skips it (1.2% of the pipeline's time)."""
    return "by" in before.lower() and _BY.search(before) is not None


def cue_features(cues: list[Cue]) -> list[str]:
    """Features for the model from the cues of a text: which types are cued, and which most strongly."""
    feats = [f"CUE:{c.sub_event_type}" for c in cues]
    if cues:
        top = max(cues, key=lambda c: c.weight)
        feats.append(f"TOP:{top.sub_event_type}")
    feats += [f"HEAD:{c.sub_event_type}" for c in cues if c.header]
    return feats


def actor_features(actors: list[ActorMention], cues: list[Cue]) -> list[str]:
    """Which kinds of actor the text names, and on which side of the first strong cue (agent or target):
    the difference between a clash and an attack on civilians is who was hit.

    The same cue means another type by who acts, which a linear model cannot learn from the cue and the
    actor kinds apart: "took control of" by the army is a regain, by rebels an overtaking; "clashed with
    police" by a crowd is a riot, by a militia a battle. So each strongly cued type is also paired with the
    kind of the first-named actor (a note names the side that acts first). 5-fold held-out on dev
    (bench/eval_dev.py --cv 5), with the class balance of scripts/build_type_model.py: sub-event type 0.840
    -> 0.845, event type 0.896 -> 0.897; pairing the cue with every actor on either side of it instead
    gave 0.841 (too many sparse pairs for 1,500 notes)."""
    strong = [c for c in cues if c.weight >= 0.5 and not c.header]
    pivot = min(c.start for c in strong) if strong else None
    types = sorted({c.sub_event_type for c in strong})
    feats = []
    first = min(actors, key=lambda a: a.span.start, default=None)
    if first is not None:
        kind = actor_kind(first.name)
        feats.append(f"FIRST:{kind}")
        feats += [f"CUE_FIRST:{t}|{kind}" for t in types]
    for a in actors:
        kind = actor_kind(a.name)
        feats.append(f"ACT:{kind}")
        feats.append(f"INTER:{a.inter}")
        if pivot is not None:
            feats.append(f"{'AGENT' if a.span.start < pivot else 'TARGET'}:{kind}")
    return feats


def model_features(text: str, cues: list[Cue], actors: list[ActorMention] = ()) -> list[str]:
    return text_features(text) + cue_features(cues) + actor_features(list(actors), cues)


class _Reading:
    """A record as the events of its clauses read it. What depends on the record alone is worked out once here,
    not again for each event: the coder's label, which actors a role may go to (not a report's source), which are
    acted upon, which clauses are passive, the deaths a stretch reports (2,300 events of 500 documents, 10 actors
    a document)."""

    def __init__(self, record: Record, lexicon: Lexicon):
        self.record = record
        self.text = text = record.text
        self.actors = record.actors
        self.lexicon = lexicon
        self.lower = text.lower() if text.isascii() else None  # for the patterns of _without_case
        label = _HEADER_ONLY.match(text)
        self.label_end = label.end() if label else 0
        self._starts = [a.span.start for a in self.actors]
        self._in_order = all(a <= b for a, b in zip(self._starts, self._starts[1:]))
        self._whole: Optional[Span] = None
        self._may_act: dict[int, bool] = {}
        self._acted: dict[int, bool] = {}
        self._passive: dict[tuple[int, int], bool] = {}
        self._deaths: dict[tuple[int, int], tuple[int, Optional[Span], float]] = {}
        self._may_hold: dict[int, bool] = {}

    @property
    def whole(self) -> Span:
        if self._whole is None:
            self._whole = Span.of(self.text, 0, len(self.text))
        return self._whole

    def actors_in(self, start: int, end: int) -> list[ActorMention]:
        """The actors whose mention starts in [start, end), in the record's order (a slice when that order is
        the order of the text, as the actors stage gives them)."""
        if self._in_order:
            starts = self._starts
            return self.actors[bisect_left(starts, start):bisect_left(starts, end)]
        return [a for a in self.actors if start <= a.span.start < end]

    def may_act(self, actor: ActorMention) -> bool:
        """May ``actor`` take a role: a named group, or another actor that is not the source of the report
        ("according to a military spokesman")?"""
        known = self._may_act.get(id(actor))
        if known is None:
            known = self._may_act[id(actor)] = actor_kind(actor.name) == "group" or \
                not self.lexicon.is_source(self.text, actor.span.start, actor.span.end)
        return known

    def acted_upon(self, actor: ActorMention) -> bool:
        """EventClassifier._acted_upon, once per actor."""
        known = self._acted.get(id(actor))
        if known is None:
            known = self._acted[id(actor)] = EventClassifier._acted_upon(self.text, actor, self.lower)
        return known

    def search(self, rx: re.Pattern, scope: Span) -> Optional[re.Match]:
        """``rx.search`` over ``scope``, skipped where the text holds none of the strings of the pattern's gate
        (``_SCOPE_GATES``; an ASCII text only, as str.lower() folds other letters differently from re.I)."""
        may = self._may_hold.get(id(rx))
        if may is None:
            gate = _SCOPE_GATES.get(id(rx))
            may = self._may_hold[id(rx)] = self.lower is None or gate is None or \
                any(map(self.lower.__contains__, gate))
        return rx.search(self.text, scope.start, scope.end) if may else None

    def is_passive(self, clause: Span) -> bool:
        key = (clause.start, clause.end)
        known = self._passive.get(key)
        if known is None:
            known = self._passive[key] = self.lexicon.is_passive(self.text, clause.start, clause.end)
        return known

    def deaths(self, scope: Span) -> tuple[int, Optional[Span], float]:
        """count_fatalities over ``scope`` (a note's events all count the whole text)."""
        key = (scope.start, scope.end)
        known = self._deaths.get(key)
        if known is None:
            known = self._deaths[key] = count_fatalities(self.text[scope.start:scope.end], offset=scope.start)
        return known


class EventClassifier:
    """The rule and model layers together, independent of the pipeline (tests and training use it)."""

    def __init__(self, settings: ClassifySettings | None = None, lexicon: Lexicon | None = None,
                 model: TypeModel | None | str = "bundled"):
        self.settings = settings or ClassifySettings()
        self.lexicon = lexicon or Lexicon.load()
        if model == "bundled":
            path = Path(self.settings.model_path) if self.settings.model_path else data_path(MODEL_FILE)
            model = TypeModel.load(path) if path.exists() and self.settings.use_model else None
        self.model: Optional[TypeModel] = model  # type: ignore[assignment]
        countries = read_json("countries.json")
        self.periods = {c["name"]: c.get("period", "") for c in countries["countries"]}

    # -- typing ---------------------------------------------------------------------------------
    def classify_text(self, text: str, cues: list[Cue], actors: list[ActorMention] = (),
                      ranked: Optional[list[tuple[str, float]]] = None) -> tuple[str, float, float, Optional[Cue]]:
        """(sub-event type, probability, margin, the cue that supports it) for a clause or a note. ``ranked``: the
        model's prediction for these very text, cues and actors, when it was already made."""
        top = max(cues, key=lambda c: (c.weight, -c.start)) if cues else None
        if self.model is None:
            if top is None:
                return "Other", 0.2, 0.0, None
            scores: dict[str, float] = {}
            for c in cues:
                scores[c.sub_event_type] = max(scores.get(c.sub_event_type, 0.0), c.weight)
            ranked = sorted(scores.values(), reverse=True) + [0.0]
            support = [c for c in cues if c.sub_event_type == top.sub_event_type]
            cue = max(support, key=lambda c: (not c.header, c.weight))
            return top.sub_event_type, min(1.0, top.weight), ranked[0] - ranked[1], cue
        if ranked is None:
            ranked = self.model.predict(model_features(text, cues, actors))
        sub, p = ranked[0]
        cued = {c.sub_event_type for c in cues if not c.header}
        if sub not in cued and len(ranked) > 1 and ranked[1][0] in cued and p - ranked[1][1] < TIE_MARGIN:
            # the model hesitates between two types and the text cues only one of them: take that one
            sub, p = ranked[1]
        decisive = [c for c in cues if c.sub_event_type in self.lexicon.decisive and c.weight >= 1.0 and not c.header]
        forced = None
        if decisive and not any(c.sub_event_type == sub for c in decisive):
            # a type the notes hardly show (chemical attacks, suicide bombs, bases): its defining cue decides
            forced = min(decisive, key=lambda c: (self.lexicon.decisive[c.sub_event_type], c.start))
            sub, p = forced.sub_event_type, max(p, 0.6)
        esc = self.lexicon.escalates.get(sub)
        if esc is not None:
            # a crowd that throws stones or burns property riots, even when the police disperse it; soldiers
            # killed by a roadside bomb with no fighting cued are remote violence; a mob that kills a man
            # accused of rape is mob violence (data/triggers.json "escalates")
            present = {c.sub_event_type for c in cues if not c.header}
            marks = [c for to, w, unless, requires in esc
                     if requires <= present and not any(c.sub_event_type in unless and c.weight >= w for c in cues)
                     for c in cues if c.sub_event_type == to and c.weight >= w and not c.header]
            if marks:
                cue = max(marks, key=lambda c: (c.weight, -c.start))
                return cue.sub_event_type, p, 0.0, cue
        if forced is not None:
            return sub, p, 0.0, forced
        support = [c for c in cues if c.sub_event_type == sub]
        # a cue in the text beats a coder's header label ("Arrests: ..."): roles are read around it
        cue = max(support, key=lambda c: (not c.header, c.weight)) if support else top
        return sub, p, entropy_margin(ranked), cue

    # -- per record -------------------------------------------------------------------------------
    def units(self, record: Record) -> list[tuple[Span, list[Cue], Optional[str]]]:
        """Each clause of the record with its cues and, when it reports no event, why (the non-event cue)."""
        text = record.text
        sentences = record.sentences or [Span.of(text, 0, len(text))]
        units: list[tuple[Span, list[Cue], Optional[str]]] = []
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

    def note_cues(self, record: Record, units=None) -> list[Cue]:
        """The cues a note is classified on: those of its event clauses, plus a coder's header label."""
        units = self.units(record) if units is None else units
        all_cues = [c for _, cues, why in units if not why for c in cues]
        header = self.lexicon.header(record.text)
        if header:
            all_cues.append(header)
        return all_cues

    def events(self, record: Record) -> list[Event]:
        text = record.text
        sentences = record.sentences or [Span.of(text, 0, len(text))]
        units = self.units(record)
        doc = _Reading(record, self.lexicon)
        country = (record.annotations.get("country") or {}).get("name", "")
        is_note = len(sentences) <= self.settings.note_max_sentences and len(text) <= self.settings.note_max_chars
        # the cues and the model's reading of the whole note, made once: whether the text is one note and, if it
        # is, its type (the same features twice before: 15 of 2,056 predictions per 500 documents)
        all_cues: Optional[list[Cue]] = None
        note_ranked: Optional[list[tuple[str, float]]] = None
        if is_note:
            # a short text whose clauses report events of different kinds is typed clause by clause...
            kinds = {SUB_EVENT_TO_EVENT[max(cues, key=lambda c: c.weight).sub_event_type]
                     for _, cues, why in units if cues and not why and max(c.weight for c in cues) >= 0.9}
            if kinds & {"Protests", "Riots"}:
                kinds.discard("Strategic developments")  # protesters detained: an intervention, not arrests
            is_note = len(kinds) < 2
            if not is_note and self.model is not None:
                # unless the model, reading the whole note, is sure of one type: coders type a note by its
                # main report, and a side clause ("police later arrested two") only adds to it
                all_cues = self.note_cues(record, units)
                note_ranked = self.model.predict(model_features(text, all_cues, record.actors))
                is_note = note_ranked[0][1] >= self.settings.note_model_confidence
        out: list[Event] = []
        if is_note:
            if all_cues is None:
                all_cues = self.note_cues(record, units)
            blocked_all = all(why for _, cues, why in units if cues) and any(cues for _, cues, _ in units)
            strong = any(c.weight >= self.lexicon.min_trigger for c in all_cues)
            if not blocked_all and (strong or self.model is not None):
                sub, p, margin, cue = self.classify_text(text, all_cues, record.actors, note_ranked)
                # (no absorbing promotion here: the model learnt a note's type from coders' notes, which it
                # follows better than the cue ranking; only further clauses are absorbed below)
                if strong or p >= self.settings.min_note_probability:
                    clause = self._evidence_clause(units, cue, text)
                    ev = self._build(doc, clause, sub, p, margin, cue, all_cues, country, note=True)
                    if ev is not None:
                        out.append(ev)
            primary = {e.sub_event_type for e in out}
            for clause, cues, why in units:
                if why or not cues:
                    continue
                top = max(cues, key=lambda c: c.weight)
                if top.weight < 0.8 or top.sub_event_type in primary or (out and out[0].evidence.overlaps(clause)):
                    continue
                sub, p, margin, cue = self.classify_text(clause.text, cues, doc.actors_in(clause.start, clause.end))
                if sub in primary or top.sub_event_type != sub and top.sub_event_type not in primary:
                    # the model and the clause's own cue disagree: the cue names this clause's report
                    sub, p, margin, cue = top.sub_event_type, 0.6 * top.weight, 0.0, top
                if sub in primary:
                    continue
                primary.add(sub)
                ev = self._build(doc, clause, sub, p, margin, cue, cues, country)
                if ev is None:
                    continue
                # a note reports one event: a further clause of a kind the note's event absorbs ("Police
                # intervened." after the protest it broke up) is that event; one that absorbs the note's
                # event makes it more specific
                absorbed = [i for i, o in enumerate(out)
                            if sub != o.sub_event_type and o.sub_event_type in self.lexicon.absorbs.get(sub, ())
                            and self._same_actors(o, ev)]
                into = [] if absorbed else \
                    [o for o in out if self.lexicon.absorbed(sub, o.sub_event_type) and self._same_actors(o, ev)]
                if into:
                    # its clause reports the event too (the protest's place is named with the protest)
                    o = into[0]
                    o.evidence = Span.of(text, min(o.evidence.start, clause.start), max(o.evidence.end, clause.end))
                    continue
                if absorbed:
                    i = absorbed[0]
                    # the place and date are read from the clause that reports the event, kept as it was
                    note_ev = self._build(doc, out[i].evidence, sub, p, margin, cue, all_cues, country, note=i == 0)
                    if note_ev is not None:
                        out[i] = note_ev
                        continue
                out.append(ev)
            return out
        starts = [s.start for s in sentences]
        last: Optional[tuple[Event, int, Span]] = None  # the last event, its sentence, its clause
        for clause, cues, why in units:
            live = [c for c in cues if c.weight >= self.lexicon.min_trigger]
            if not why and last is not None and (not live or self.lexicon.casualty_only(live)) \
                    and self._follows(text, starts, last, clause) and not self._acts(doc, clause, live):
                # "A roadside bomb struck a convoy. The army reported two soldiers wounded.": the sentence
                # after an event that only gives its casualties is no event of its own; its dead are that event's
                self._set_fatalities(doc, last[0], clause, only_more=True)
                continue
            if why or not live:
                continue
            sub, p, margin, cue = self.classify_text(clause.text, cues, doc.actors_in(clause.start, clause.end))
            top = max(live, key=lambda c: c.weight)
            if not any(c.sub_event_type == sub for c in live):
                # the model learnt from monitors' notes; in an article's clause a type no cue supports is a
                # guess, and the clause's own strongest cue the better one
                sub, p, margin, cue = top.sub_event_type, 0.6 * top.weight, 0.0, top
            for _ in range(3):
                # one clause, one real event: the most specific type cued absorbs the others (shelling that
                # kills civilians is no Attack besides; a protest the police disperse no Peaceful protest)
                over = self.lexicon.absorber(sub, live)
                if over is None:
                    break
                sub, p, margin, cue = over.sub_event_type, max(p, 0.6 * over.weight), 0.0, over
            ev = self._build(doc, clause, sub, p, margin, cue, cues, country)
            if ev is None:
                continue
            out.append(ev)
            last = (ev, bisect_right(starts, clause.start) - 1, clause)
            # one clause, several reports ("intensifying its car-bomb operations ... and trying to
            # advance"): each further defining cue of another event type is an event of its own, unless the
            # event already coded absorbs it for the same actors
            seen_types = {ev.sub_event_type}
            for other in sorted(live, key=lambda c: c.start):
                other_type = other.sub_event_type
                if other.weight < 0.9 or other_type in seen_types:
                    continue
                seen_types.add(other_type)
                extra = self._build(doc, clause, other.sub_event_type, 0.5 * other.weight, 0.0, other,
                                    [other], country)
                if extra is None:
                    continue
                if any(self.lexicon.absorbed(other_type, e.sub_event_type) and self._same_actors(e, extra)
                       for e in out if e.evidence == ev.evidence):
                    continue
                extra.flag("split_from_clause")
                out.append(extra)
        return out

    def _acts(self, doc: _Reading, clause: Span, cues: list[Cue]) -> bool:
        """Does a side named before the clause's first cue act in it ("On the same day, X killed dozens"),
        rather than report it ("The army reported two soldiers wounded") or suffer it?"""
        if not cues:
            return False
        text = doc.text
        first = min(c.start for c in cues)
        for a in doc.actors_in(clause.start, clause.end):
            if a.span.start >= first or actor_kind(a.name) == "civilians":
                continue
            between = text[a.span.end:first]
            if self.lexicon.reporting is not None and self.lexicon.reporting.search(between):
                continue
            if _ONLY_AUXILIARY.match(between) or \
                    (not between.strip() and _COUNTED.search(text[max(0, a.span.start - 30):a.span.start])):
                continue  # "two soldiers wounded", "soldiers were killed": they suffer it ("forces killed" act)
            if doc.acted_upon(a):
                continue
            return True
        return False

    @staticmethod
    def _same_actors(a: Event, b: Event) -> bool:
        """Are two events of one clause coded to the same side (an actor left to the default matches any;
        protesters and rioters are the same crowd, named by what it did)?"""
        crowd = PROTEST_TYPES | RIOT_TYPES
        if a.sub_event_type in crowd and b.sub_event_type in crowd:
            return True
        return a.actor1 == b.actor1 or "actor1_default" in a.flags or "actor1_default" in b.flags

    @staticmethod
    def _follows(text: str, starts: list[int], last: tuple[Event, int, Span], clause: Span) -> bool:
        """Is ``clause`` in the sentence right after the last event's, in the same paragraph?"""
        _, sent, ev_clause = last
        return bisect_right(starts, clause.start) - 1 == sent + 1 and "\n\n" not in text[ev_clause.end:clause.start]

    @staticmethod
    def _set_fatalities(doc: _Reading, ev: Event, scope: Span, only_more: bool = False) -> None:
        """The deaths ``scope`` reports, with their span; ``only_more``: only when they exceed the event's."""
        n, fev, fscore = doc.deaths(scope)
        if only_more and n <= (ev.fatalities or 0):
            return
        ev.set("fatalities", n, stage=STAGE, evidence=fev, score=fscore)
        if fscore < 0.7:
            ev.flag("vague_fatalities")

    @staticmethod
    def _evidence_clause(units, cue: Optional[Cue], text: str) -> Span:
        if cue is not None and not cue.header:
            for clause, _, _ in units:
                if clause.start <= cue.start < clause.end:
                    return clause
        for clause, cues, why in units:
            if cues and not why:
                return clause
        return units[0][0] if units else Span.of(text, 0, len(text))

    def _build(self, doc: _Reading, clause: Span, sub: str, p: float, margin: float, cue: Optional[Cue],
               cues: list[Cue], country: str, note: bool = False) -> Optional[Event]:
        if p < self.settings.min_score:
            return None
        text = doc.text
        ev = Event(doc_id=doc.record.doc_id, event_type=SUB_EVENT_TO_EVENT[sub], sub_event_type=sub, evidence=clause)
        trigger = Span.of(text, cue.start, cue.end) if cue is not None else clause
        ev.set("event_type", ev.event_type, stage=STAGE, evidence=trigger, score=round(max(p, 0.05), 3))
        ev.set("sub_event_type", sub, stage=STAGE, evidence=trigger, score=round(max(p, 0.05), 3),
               note=f"margin {margin:.2f}")
        if margin < self.settings.low_margin:
            ev.flag("low_type_margin")
        if cues:
            top = max(cues, key=lambda c: c.weight)
            if SUB_EVENT_TO_EVENT[top.sub_event_type] != ev.event_type and top.weight >= 0.9:
                ev.flag("conflicting_cues")
        # roles: actors of the evidence clause first; a note may name them in another sentence
        scope = doc.whole if note else clause
        # a trigger inside a coder's label ("Non-violent activity: ...") names no one, as a header cue does not
        header = cue is not None and (cue.header or doc.label_end > 0 and cue.end <= doc.label_end)
        self._roles(doc, ev, scope, clause, trigger, country, note, header=header)
        flip = ROLES.get("retype_by_sides", {}).get(sub)
        if flip and ev.inter1 in flip["inter1"] and ev.inter2 in flip.get("inter2", (ev.inter2,)) and \
                not re.search(flip.get("unless", r"(?!)"), text[scope.start:scope.end], re.I):
            # types defined by the sides: violence against civilians hits the unarmed (an attack on an armed
            # force is a clash); an arrest is a state's (rebels abduct) (data/roles.json "retype_by_sides")
            ev.sub_event_type = sub = flip["to"]
            ev.event_type = SUB_EVENT_TO_EVENT[sub]
            ev.disorder_type = DISORDER_OF_EVENT[ev.event_type]  # an arrest is a strategic development, an abduction political violence
            ev.provenance["sub_event_type"].note += f"; -> {sub} by the sides' kinds"
        if sub in TERRITORY_TYPES:
            # territory changes hands: who takes it decides the sub-type (state forces regain it)
            taken = "Government regains territory" if ev.inter1 == 1 else "Non-state actor overtakes territory"
            if taken != sub:
                ev.sub_event_type = taken
                ev.provenance["sub_event_type"].note += f"; {sub} -> {taken} by actor1's kind"
        self._set_fatalities(doc, ev, scope)
        civ = sub in VAC_TYPES or (ev.event_type == "Explosions/Remote violence" and ev.inter2 == 7)
        ev.set("civilian_targeting", CIVILIAN_TARGETING if civ else "", stage=STAGE, evidence=trigger, score=0.8)
        return ev

    # -- roles ----------------------------------------------------------------------------------
    def _roles(self, doc: _Reading, ev: Event, scope: Span, clause: Span, trigger: Span, country: str,
               note: bool = False, header: bool = False) -> None:
        text = doc.text
        # "according to a military spokesman": the source of the report is no side of it
        # a coder's label ("Change to armed group: ...") names a kind of event, not its actors
        actors = [a for a in doc.actors_in(scope.start, scope.end) if a.span.start >= doc.label_end and doc.may_act(a)]
        in_clause = [a for a in actors if clause.start <= a.span.start < clause.end]
        sub = ev.sub_event_type
        passive = doc.is_passive(clause)
        actor1: Optional[ActorMention] = None
        actor2: Optional[ActorMention] = None
        assoc: list[ActorMention] = []
        coded = ROLES["coded_to"].get(sub)
        remnant = coded is None and sub in REMNANTS.get("types", ()) and _REMNANT_CUE is not None \
            and bool(doc.search(_REMNANT_CUE, scope))
        if remnant:
            coded = REMNANTS
        elif coded is None and sub in DISPLACED.get("types", ()) and self._displaced(text, scope, actors):
            coded = DISPLACED
        if coded:
            # protests are coded to the protesters, riots to the rioters, the force used on them as actor2
            # (data/roles.json "coded_to"); old ordnance to whoever laid it ("remnants")
            wanted = coded["actor1"]
            actor1 = next((a for a in actors if actor_kind(a.name) == wanted), None)
            if remnant and self._interstate_war(text):
                # a mine of a war between states was laid by one of their armies, which the text cannot tell
                actor1 = ActorMention(span=ev.evidence, name=REMNANTS["interstate_actor1"], inter=8, country="",
                                      known=True, score=0.4)
            if actor1 is None:
                actor1 = self._default(wanted, country, ev.evidence)
            actor2 = next((a for a in actors if actor_kind(a.name) in coded["actor2"] and a.name != actor1.name), None)
            if actor2 is None and coded.get("actor2_default"):
                actor2 = self._default(coded["actor2_default"], country, ev.evidence)
        else:
            pool = in_clause or actors
            by = [a for a in actors if _after_by(text[max(scope.start, a.span.start - 30):a.span.start])]
            by_in_clause = [a for a in by if a in in_clause]
            before = [a for a in pool if a.span.start < trigger.start]
            if header:
                # typed by a coder's label ("Non-violent activity: the government released 50 prisoners"): the
                # label names no one, the note's own sentence does, its subject first
                # ("52 soldiers were released from rebel prisons": the subject of a passive is acted upon)
                before = [a for a in pool if a.span.start >= trigger.end and not _PASSIVE_SUBJECT.match(text[a.span.end:])]
            cueless = (trigger.start, trigger.end) == (clause.start, clause.end) and not header and bool(in_clause)
            if cueless:
                # typed by the model from the clause as a whole (no cue word, "troops fired BMPs at trenches of X"):
                # the clause's actors in their order, its subject first (dev: 4 notes right, none lost)
                before = list(pool)
            victims = {id(a) for a in actors if doc.acted_upon(a)}
            where = ROLES["state_acts"].get(sub)
            if where:
                # the side that arrests, retakes ground or seizes weapons is a state force; the side acted upon
                # (the arrested, the owner of the weapons) is actor2 (data/roles.json "state_acts")
                looked = before if where == "before_trigger" else by_in_clause + pool
                actor1 = next((a for a in looked if actor_kind(a.name) in STATE_KINDS and id(a) not in victims
                               and not (where == "by_or_clause_not_owner"
                                        and _OWNER.search(text[max(0, a.span.start - 30):a.span.start]))), None)
            if actor1 is None and _UNKNOWN_PERPETRATOR is not None and doc.search(_UNKNOWN_PERPETRATOR, scope):
                # "it remains unknown which group fired": whoever the text names was hit, not the one who acted
                actor1 = self._default("unidentified", country, ev.evidence)
            if actor1 is None and sub in ROLES["own_weapon_types"]:
                # no force seized it: the named group whose members carried or planted the weapon when it went
                # off is coded, although its members are the ones hurt (data/roles.json "own_weapon_types")
                actor1 = next((a for a in pool if actor_kind(a.name) == "group"), None)
            planters = [a for a in by if _OWNER.search(text[max(scope.start, a.span.start - 30):a.span.start])]
            if actor1 is not None:
                pass
            elif planters and ev.event_type == "Explosions/Remote violence":
                # "the device was likely planted by X": X set the bomb off, whoever hit it
                actor1 = planters[0]
            elif by_in_clause:
                actor1 = by_in_clause[0]
            elif before and not (passive and self._victim_first(text, before[0], trigger)):
                # a note names the actor first ("On 3 May, Taliban militants attacked..."); an article's clause
                # may open with a subordinate phrase, so there the actor nearest the trigger acts
                order = before if note or header or cueless else list(reversed(before))
                actor1 = next((a for a in order if actor_kind(a.name) != "civilians" and id(a) not in victims), None)
            if actor1 is None and by:
                actor1 = by[0]
            if actor1 is None:
                # a named group anywhere in the report ("Al Shabaab claimed the attack") before a
                # generic actor in the clause; never the side that was hit
                cands = [a for a in actors if actor_kind(a.name) != "civilians" and id(a) not in victims]
                if ev.event_type == "Explosions/Remote violence":
                    # "a car bomb exploded at an army checkpoint": a side named after an agentless blast is
                    # where it hit, not who set it off
                    cands = [a for a in cands if not (trigger.end <= a.span.start < clause.end and actor_kind(a.name) != "group"
                                                      and _HIT_PLACE.search(text[max(0, a.span.start - 40):a.span.start]))]
                named = [a for a in cands if actor_kind(a.name) == "group"]
                in_pool = [a for a in cands if a in pool]
                # a note may name the side that acts in another sentence than the trigger's
                actor1 = (named or in_pool or (cands if note else []) or [None])[0]
            if actor1 is None and not any(actor_kind(a.name) != "civilians" for a in in_clause):
                # "They also made an announcement...": the group the previous sentences were about
                earlier = [a for a in doc.actors_in(clause.start - self.settings.lookback_chars, clause.start)
                           if actor_kind(a.name) == "group"]
                if earlier:
                    actor1 = earlier[-1]
                    ev.flag("actor1_from_context")
            if actor1 is None:
                actor1 = self._default(DEFAULT_ACTOR_KIND.get(sub, "unidentified"), country, ev.evidence)
                ev.flag("actor1_default")
            rest = [a for a in pool if a is not actor1 and a.name != actor1.name]
            for a in rest:
                if actor1.span.end < a.span.start < trigger.start and \
                        _ASSOC.match(text[actor1.span.end:a.span.start]):
                    assoc.append(a)
            targets = [a for a in rest if a not in assoc]
            if passive:
                targets.sort(key=lambda a: (a.span.start >= trigger.start, a.span.start))
            else:
                targets.sort(key=lambda a: (a.span.start < trigger.start, a.span.start))
            actor2 = targets[0] if targets else None
            if actor2 is None and sub in VAC_TYPES:
                actor2 = self._default("civilians", country, ev.evidence)
        self._set_actor(ev, "actor1", "inter1", actor1)
        if actor1 is not None and not actor1.known:
            ev.flag("actor_not_in_dictionary")
        if actor2 is not None and actor1 is not None and actor2.name != actor1.name:
            self._set_actor(ev, "actor2", "inter2", actor2)
        if assoc:
            names = "; ".join(dict.fromkeys(a.name for a in assoc if a.name not in (ev.actor1, ev.actor2)))
            if names:
                ev.set("assoc_actor_1", names, stage=STAGE, evidence=assoc[0].span, score=0.6)

    def _interstate_war(self, text: str) -> bool:
        """Does the text name a war fought between states ("the Iran-Iraq War": both names countries; a
        World War)? (roles.json "remnants" "interstate")"""
        if _INTERSTATE_WAR is None:
            return False
        for m in _INTERSTATE_WAR.finditer(text):
            if m.group("a") is None or (m.group("a") in self.periods and m.group("b") in self.periods):
                return True
        return False

    @staticmethod
    def _displaced(text: str, scope: Span, actors: list[ActorMention]) -> bool:
        """Does the text tell of civilians displaced (roles.json "displaced"), with no side named in it that
        drives them out ("militiamen raided the village and forced residents to flee")? One of the parties
        "between" whom fighting broke out drives no one."""
        if _DISPLACED_CUE is None or not _DISPLACED_CUE.search(text, scope.start, scope.end):
            return False
        for a in actors:
            if actor_kind(a.name) == "civilians" or _BETWEEN.search(text[max(scope.start, a.span.start - 60):a.span.start]):
                continue
            if _DISPLACER is not None and _DISPLACER.match(text[a.span.end:scope.end]):
                return False
        return True

    @staticmethod
    def _acted_upon(text: str, actor: ActorMention, lower: Optional[str] = None) -> bool:
        """Is this mention the target: the object of a violent verb ("killed 3 soldiers") or the
        subject of a passive one ("2 policemen were killed")? ``lower``: the lower case of an ASCII ``text``."""
        # a gloss in brackets is part of the name: "the CV (Red Command) died" is said of the CV, whichever of
        # the two names the mention is
        opened = text.rfind("(", max(0, actor.span.start - 40), actor.span.start)
        inside = opened >= 0 and ")" not in text[opened:actor.span.start]
        gloss = (_GLOSS_END if inside else _GLOSS).match(text, actor.span.end)
        after_at = gloss.end() if gloss else actor.span.end
        after = text[after_at:after_at + 40]
        if _MODIFIES_NOUN.match(after):
            return False
        if _VEHICLE_HIT.match(after):
            return True
        # (the window cut out, not searched in place: its first word need not start one in the text)
        before_at = max(0, actor.span.start - 40)
        if lower is not None:
            object_of_verb = _OBJECT_OF_VERB_LOWER.search(lower[before_at:actor.span.start])
        else:
            object_of_verb = _OBJECT_OF_VERB.search(text[before_at:actor.span.start])
        return bool(object_of_verb or _SUBJECT_OF_PASSIVE.match(after))

    @staticmethod
    def _victim_first(text: str, first: ActorMention, trigger: Span) -> bool:
        """In a passive clause, is the first actor the one acted upon ("soldiers were killed by ...")?"""
        between = text[first.span.end:trigger.end]
        return bool(_PASSIVE_AUXILIARY.search(between))

    def _default(self, kind: str, country: str, evidence: Span) -> ActorMention:
        names = {
            "protesters": ("Protesters ({country})", 6), "rioters": ("Rioters ({country})", 5),
            "civilians": ("Civilians ({country})", 7), "unidentified": ("Unidentified Armed Group ({country})", 3),
            "police": ("Police Forces of {country} ({period})", 1), "military": ("Military Forces of {country} ({period})", 1),
            "government": ("Government of {country} ({period})", 1),
        }
        template, inter = names.get(kind, names["unidentified"])
        name = self.fill(template, country)
        return ActorMention(span=evidence, name=name, inter=inter, country=country, known=True, score=0.4,
                            from_document=True)

    def fill(self, template: str, country: str) -> str:
        return fill_name(template, country, self.periods.get(country, ""))

    @staticmethod
    def _set_actor(ev: Event, field: str, inter_field: str, actor: Optional[ActorMention]) -> None:
        if actor is None:
            return
        ev.set(field, actor.name, stage=STAGE, evidence=actor.span, score=round(min(1.0, actor.score), 3),
               note=DOCUMENT_COUNTRY_NOTE if actor.from_document else "")
        ev.set(inter_field, actor.inter, stage=STAGE, evidence=actor.span, score=round(min(1.0, actor.score), 3))


@stage(STAGE, requires=("record.sentences", "record.actors"), assigns=("record.events",))
class EventTyper:
    """Creates the events of each record (see the module docstring)."""

    def __init__(self, settings: ClassifySettings | None = None, classifier: EventClassifier | None = None):
        self.settings = settings or ClassifySettings()
        self.classifier = classifier or EventClassifier(self.settings)

    def __call__(self, records: list[Record]) -> list[Record]:
        for record in records:
            record.events = self.classifier.events(record)
        return records
