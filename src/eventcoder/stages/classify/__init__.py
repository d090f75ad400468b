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
actors ("Unidentified Armed Group (Kenya)"); a record without it takes defaults of no country.

The components, one job each, behind the one registered stage (``EventTyper``):

- ``classifier.py``: ``EventClassifier``, which builds the others once (tests, training and the bench use it);
- ``events.py``: clauses and cues to events (a note, an article; one clause, one real event);
- ``subtype.py``: the sub-event type of a text (the model, its ties, ``decisive`` and ``escalates``);
- ``features.py``: the type model's features;
- ``build.py``: one event from its clause and type, and the types its sides define;
- ``roles.py``: actor1, actor2 and the associated actors, step by step;
- ``casualties.py``: the dead of an event, and the sentence that only adds them;
- ``reading.py``: what a record's events share, worked out once;
- ``words.py``: ``data/roles.json`` and ``data/role_words.json``, compiled once per classifier.
"""
from __future__ import annotations

from ...config import ClassifySettings
from ...registry import stage
from ...types import Record
from .classifier import MODEL_FILE, EventClassifier
from .features import actor_features, cue_features, model_features
from .reading import STAGE, Reading
from .subtype import TIE_MARGIN, TypePick
from .words import RoleRules

__all__ = ["EventTyper", "EventClassifier", "MODEL_FILE", "model_features", "actor_features", "cue_features",
           "Reading", "RoleRules", "TypePick", "TIE_MARGIN"]

# what classify sets on each event it creates (record.events)
EVENT_FIELDS = ("event.doc_id", "event.evidence", "event.event_type", "event.sub_event_type", "event.disorder_type",
                "event.actor1", "event.inter1", "event.actor2", "event.inter2", "event.assoc_actor_1", "event.fatalities",
                "event.civilian_targeting", "event.provenance", "event.flags")


@stage(STAGE, requires=("record.sentences", "record.actors", "annotations.country"),
       assigns=("record.events", *EVENT_FIELDS))
class EventTyper:
    """Creates the events of each record (see the module docstring)."""

    def __init__(self, settings: ClassifySettings | None = None, classifier: EventClassifier | None = None):
        self.settings = settings or ClassifySettings()
        self.classifier = classifier or EventClassifier(self.settings)

    def __call__(self, records: list[Record]) -> list[Record]:
        for record in records:
            record.events = self.classifier.events(record)
        return records
