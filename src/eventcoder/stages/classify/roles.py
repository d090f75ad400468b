"""Who is actor1, actor2 and the associated actors of an event, step by step (the module docstring of
``stages/classify`` states the conventions; ``data/roles.json`` holds them by type).

A type coded by convention (protests to the protesters, riots to the rioters, old ordnance to whoever laid it,
displacement to the displaced) takes its sides by kind. Any other type reads them from the text: a state force
where the type is a state's act, "it is unclear who" for an unidentified group, a group's own weapon, then the
grammar ("by X", the subject before the trigger), a named group elsewhere in the report, the group the text was
just about, and last the default for the type.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Optional

from ...config import ClassifySettings
from ...knowledge.actornames import actor_kind, fill_name
from ...knowledge.roles import DOCUMENT_COUNTRY_NOTE
from ...types import ActorMention, Event, Span
from .reading import STAGE, Reading
from .words import RoleRules

VAC_TYPES = {"Attack", "Abduction/forced disappearance", "Sexual violence"}
REMOTE_VIOLENCE = "Explosions/Remote violence"

# one of the parties "between" whom fighting broke out ("clashes between X and Y") drives no one out
_BETWEEN = re.compile(r"\bbetween\b(?:(?!\b(?:and|,)\b)[^.;])*(?:\b(?:and)\b[^.;]{0,40})?$", re.I)


@dataclass
class RoleContext:
    """One event's roles in the making: where they are read, and the candidates read so far."""

    doc: Reading
    ev: Event
    scope: Span  # where actors are looked for: the clause, or a note's whole text
    clause: Span
    trigger: Span  # the cue's span, or the clause when the model typed it without one
    note: bool = False
    header: bool = False  # typed by a coder's label, which names no one
    # the actors that may take a role: in the scope, past a coder's label ("Change to armed group: ..." names a
    # kind of event, not its actors), not the source of the report ("according to a military spokesman")
    actors: list[ActorMention] = field(init=False)
    in_clause: list[ActorMention] = field(init=False)
    passive: bool = field(init=False)
    # read by RoleReader._gather for a type read from the text
    pool: list[ActorMention] = field(init=False, default_factory=list)
    by: list[ActorMention] = field(init=False, default_factory=list)
    by_in_clause: list[ActorMention] = field(init=False, default_factory=list)
    before: list[ActorMention] = field(init=False, default_factory=list)
    cueless: bool = field(init=False, default=False)
    victims: set[int] = field(init=False, default_factory=set)  # ids of the actors acted upon

    def __post_init__(self) -> None:
        doc, scope, clause = self.doc, self.scope, self.clause
        self.actors = [a for a in doc.actors_in(scope.start, scope.end)
                       if a.span.start >= doc.label_end and doc.may_act(a)]
        self.in_clause = [a for a in self.actors if clause.start <= a.span.start < clause.end]
        self.passive = doc.is_passive(clause)

    @property
    def text(self) -> str:
        return self.doc.text

    @property
    def sub(self) -> str:
        return self.ev.sub_event_type

    @property
    def country(self) -> str:
        return self.doc.country


class RoleReader:
    """Reads and sets the roles of events (``read``)."""

    def __init__(self, rules: RoleRules, settings: ClassifySettings, periods: dict[str, str]):
        self.rules = rules
        self.settings = settings
        self.periods = periods

    def read(self, ctx: RoleContext) -> None:
        """Set actor1, actor2 and assoc_actor_1 of ``ctx.ev`` (with their inter codes and flags)."""
        coded, remnant = self._convention(ctx)
        assoc: list[ActorMention] = []
        if coded:
            # protests are coded to the protesters, riots to the rioters, the force used on them as actor2
            # (data/roles.json "coded_to"); old ordnance to whoever laid it ("remnants")
            actor1, actor2 = self._coded_sides(ctx, coded, remnant)
        else:
            self._gather(ctx)
            actor1 = self._actor1(ctx)
            actor2, assoc = self._others(ctx, actor1)
        self._assign(ctx.ev, actor1, actor2, assoc)

    # -- by convention ---------------------------------------------------------------------------
    def _convention(self, ctx: RoleContext) -> tuple[Optional[dict], bool]:
        """The convention the event's sides are coded by, if any, and whether it is that of old ordnance."""
        rules, sub = self.rules, ctx.sub
        coded = rules.coded_to.get(sub)
        remnant = coded is None and sub in rules.remnants.get("types", ()) and rules.remnant_cue is not None \
            and bool(ctx.doc.search(rules.remnant_cue, ctx.scope))
        if remnant:
            return rules.remnants, True
        if coded is None and sub in rules.displaced.get("types", ()) and self._displaced(ctx.text, ctx.scope, ctx.actors):
            return rules.displaced, False
        return coded, False

    def _coded_sides(self, ctx: RoleContext, coded: dict, remnant: bool) -> tuple[ActorMention, Optional[ActorMention]]:
        wanted = coded["actor1"]
        actor1 = next((a for a in ctx.actors if actor_kind(a.name) == wanted), None)
        if remnant and self._interstate_war(ctx.text):
            # a mine of a war between states was laid by one of their armies, which the text cannot tell
            actor1 = ActorMention(span=ctx.ev.evidence, name=self.rules.remnants["interstate_actor1"], inter=8,
                                  country="", known=True, score=0.4)
        if actor1 is None:
            actor1 = self.default(wanted, ctx.country, ctx.ev.evidence)
        sides = [a for a in ctx.actors if actor_kind(a.name) in coded["actor2"] and a.name != actor1.name]
        if coded.get("actor2_by_preference"):
            # the kind that intervenes, whatever the text names first ("civilians were hurt as police
            # dispersed the protesters": the police); stable, so text order breaks ties of a kind
            sides.sort(key=lambda a: coded["actor2"].index(actor_kind(a.name)))
        actor2 = sides[0] if sides else None
        if actor2 is None and coded.get("actor2_default"):
            actor2 = self.default(coded["actor2_default"], ctx.country, ctx.ev.evidence)
        return actor1, actor2

    def _interstate_war(self, text: str) -> bool:
        """Does the text name a war fought between states ("the Iran-Iraq War": both names countries; a
        World War)? (roles.json "remnants" "interstate")"""
        if self.rules.interstate_war is None:
            return False
        for m in self.rules.interstate_war.finditer(text):
            if m.group("a") is None or (m.group("a") in self.periods and m.group("b") in self.periods):
                return True
        return False

    def _displaced(self, text: str, scope: Span, actors: list[ActorMention]) -> bool:
        """Does the text tell of civilians displaced (roles.json "displaced"), with no side named in it that
        drives them out ("militiamen raided the village and forced residents to flee")? One of the parties
        "between" whom fighting broke out drives no one."""
        rules = self.rules
        if rules.displaced_cue is None or not rules.displaced_cue.search(text, scope.start, scope.end):
            return False
        for a in actors:
            if actor_kind(a.name) == "civilians" or _BETWEEN.search(text[max(scope.start, a.span.start - 60):a.span.start]):
                continue
            if rules.displacer is not None and rules.displacer.match(text[a.span.end:scope.end]):
                return False
        return True

    # -- from the text ---------------------------------------------------------------------------
    def _gather(self, ctx: RoleContext) -> None:
        """The candidates of a type read from the text: the clause's actors (or the scope's), those after
        "by", those before the trigger, those acted upon."""
        text, scope, trigger, clause = ctx.text, ctx.scope, ctx.trigger, ctx.clause
        ctx.pool = pool = ctx.in_clause or ctx.actors
        ctx.by = [a for a in ctx.actors if self.rules.after_by(text[max(scope.start, a.span.start - 30):a.span.start])]
        ctx.by_in_clause = [a for a in ctx.by if a in ctx.in_clause]
        ctx.before = [a for a in pool if a.span.start < trigger.start]
        if ctx.header:
            # typed by a coder's label ("Non-violent activity: the government released 50 prisoners"): the
            # label names no one, the note's own sentence does, its subject first
            # ("52 soldiers were released from rebel prisons": the subject of a passive is acted upon)
            ctx.before = [a for a in pool if a.span.start >= trigger.end
                          and not self.rules.passive_subject.match(text[a.span.end:])]
        ctx.cueless = (trigger.start, trigger.end) == (clause.start, clause.end) and not ctx.header and bool(ctx.in_clause)
        if ctx.cueless:
            # typed by the model from the clause as a whole (no cue word, "troops fired BMPs at trenches of X"):
            # the clause's actors in their order, its subject first (dev: 4 notes right, none lost)
            ctx.before = list(pool)
        ctx.victims = {id(a) for a in ctx.actors if ctx.doc.acted_upon(a)}

    def _actor1(self, ctx: RoleContext) -> ActorMention:
        """The side that acts, the first step that names one."""
        actor1 = self._state_actor(ctx)
        if actor1 is None and self.rules.unknown_perpetrator is not None \
                and ctx.doc.search(self.rules.unknown_perpetrator, ctx.scope):
            # "it remains unknown which group fired": whoever the text names was hit, not the one who acted
            actor1 = self.default("unidentified", ctx.country, ctx.ev.evidence)
        if actor1 is None and ctx.sub in self.rules.own_weapon_types:
            # no force seized it: the named group whose members carried or planted the weapon when it went
            # off is coded, although its members are the ones hurt (data/roles.json "own_weapon_types")
            actor1 = next((a for a in ctx.pool if actor_kind(a.name) == "group"), None)
        if actor1 is None:
            actor1 = self._grammatical_agent(ctx)
        if actor1 is None and ctx.by:
            actor1 = ctx.by[0]
        if actor1 is None:
            actor1 = self._named_elsewhere(ctx)
        if actor1 is None and not any(actor_kind(a.name) != "civilians" for a in ctx.in_clause):
            actor1 = self._from_context(ctx)
        if actor1 is None:
            actor1 = self.default(self.rules.default_actor_kind.get(ctx.sub, "unidentified"), ctx.country,
                                  ctx.ev.evidence)
            ctx.ev.flag("actor1_default")
        return actor1

    def _state_actor(self, ctx: RoleContext) -> Optional[ActorMention]:
        """The side that arrests, retakes ground or seizes weapons is a state force; the side acted upon (the
        arrested, the owner of the weapons) is actor2 (data/roles.json "state_acts")."""
        where = self.rules.state_acts.get(ctx.sub)
        if not where:
            return None
        looked = ctx.before if where == "before_trigger" else ctx.by_in_clause + ctx.pool
        text, owner = ctx.text, self.rules.owner
        return next((a for a in looked if actor_kind(a.name) in self.rules.state_kinds and id(a) not in ctx.victims
                     and not (where == "by_or_clause_not_owner"
                              and owner.search(text[max(0, a.span.start - 30):a.span.start]))), None)

    def _grammatical_agent(self, ctx: RoleContext) -> Optional[ActorMention]:
        """The planter of a bomb, the "by X" of the clause, or the subject before the trigger."""
        text, scope = ctx.text, ctx.scope
        planters = [a for a in ctx.by if self.rules.owner.search(text[max(scope.start, a.span.start - 30):a.span.start])]
        if planters and ctx.ev.event_type == REMOTE_VIOLENCE:
            # "the device was likely planted by X": X set the bomb off, whoever hit it
            return planters[0]
        if ctx.by_in_clause:
            return ctx.by_in_clause[0]
        if ctx.before and not (ctx.passive and self._victim_first(text, ctx.before[0], ctx.trigger)):
            # a note names the actor first ("On 3 May, Taliban militants attacked..."); an article's clause
            # may open with a subordinate phrase, so there the actor nearest the trigger acts
            order = ctx.before if ctx.note or ctx.header or ctx.cueless else list(reversed(ctx.before))
            return next((a for a in order if actor_kind(a.name) != "civilians" and id(a) not in ctx.victims), None)
        return None

    def _victim_first(self, text: str, first: ActorMention, trigger: Span) -> bool:
        """In a passive clause, is the first actor the one acted upon ("soldiers were killed by ...")?"""
        between = text[first.span.end:trigger.end]
        return bool(self.rules.victim_first_auxiliary.search(between))

    def _named_elsewhere(self, ctx: RoleContext) -> Optional[ActorMention]:
        """A named group anywhere in the report ("Al Shabaab claimed the attack") before a generic actor in the
        clause; never the side that was hit."""
        cands = [a for a in ctx.actors if actor_kind(a.name) != "civilians" and id(a) not in ctx.victims]
        if ctx.ev.event_type == REMOTE_VIOLENCE:
            # "a car bomb exploded at an army checkpoint": a side named after an agentless blast is
            # where it hit, not who set it off
            text, trigger, clause, hit_place = ctx.text, ctx.trigger, ctx.clause, self.rules.hit_place
            cands = [a for a in cands if not (trigger.end <= a.span.start < clause.end and actor_kind(a.name) != "group"
                                              and hit_place.search(text[max(0, a.span.start - 40):a.span.start]))]
        named = [a for a in cands if actor_kind(a.name) == "group"]
        in_pool = [a for a in cands if a in ctx.pool]
        # a note may name the side that acts in another sentence than the trigger's
        return (named or in_pool or (cands if ctx.note else []) or [None])[0]

    def _from_context(self, ctx: RoleContext) -> Optional[ActorMention]:
        """"They also made an announcement...": the group the previous sentences were about."""
        clause = ctx.clause
        earlier = [a for a in ctx.doc.actors_in(clause.start - self.settings.lookback_chars, clause.start)
                   if actor_kind(a.name) == "group"]
        if not earlier:
            return None
        ctx.ev.flag("actor1_from_context")
        return earlier[-1]

    def _others(self, ctx: RoleContext, actor1: ActorMention) -> tuple[Optional[ActorMention], list[ActorMention]]:
        """actor2, the side acted upon, and the actors associated with actor1 ("X and Y attacked", "X backed by
        Y")."""
        text, trigger = ctx.text, ctx.trigger
        rest = [a for a in ctx.pool if a is not actor1 and a.name != actor1.name]
        assoc = [a for a in rest if actor1.span.end < a.span.start < trigger.start
                 and self.rules.associates.match(text[actor1.span.end:a.span.start])]
        targets = [a for a in rest if a not in assoc]
        if ctx.passive:
            targets.sort(key=lambda a: (a.span.start >= trigger.start, a.span.start))
        else:
            targets.sort(key=lambda a: (a.span.start < trigger.start, a.span.start))
        actor2 = targets[0] if targets else None
        if actor2 is None and ctx.sub in VAC_TYPES:
            actor2 = self.default("civilians", ctx.country, ctx.ev.evidence)
        return actor2, assoc

    # -- setting them ----------------------------------------------------------------------------
    def default(self, kind: str, country: str, evidence: Span) -> ActorMention:
        """The actor a default kind names in ``country`` (data/roles.json "default_actors")."""
        named = self.rules.default_actors
        entry = named.get(kind, named["unidentified"])
        name = fill_name(entry["name"], country, self.periods.get(country, ""))
        return ActorMention(span=evidence, name=name, inter=entry["inter"], country=country, known=True, score=0.4,
                            from_document=True)

    def _assign(self, ev: Event, actor1: Optional[ActorMention], actor2: Optional[ActorMention],
                assoc: list[ActorMention]) -> None:
        self._set_actor(ev, "actor1", "inter1", actor1)
        if actor1 is not None and not actor1.known:
            ev.flag("actor_not_in_dictionary")
        if actor2 is not None and actor1 is not None and actor2.name != actor1.name:
            self._set_actor(ev, "actor2", "inter2", actor2)
        if assoc:
            names = "; ".join(dict.fromkeys(a.name for a in assoc if a.name not in (ev.actor1, ev.actor2)))
            if names:
                ev.set("assoc_actor_1", names, stage=STAGE, evidence=assoc[0].span, score=0.6)

    @staticmethod
    def _set_actor(ev: Event, field_name: str, inter_field: str, actor: Optional[ActorMention]) -> None:
        if actor is None:
            return
        ev.set(field_name, actor.name, stage=STAGE, evidence=actor.span, score=round(min(1.0, actor.score), 3),
               note=DOCUMENT_COUNTRY_NOTE if actor.from_document else "")
        ev.set(inter_field, actor.inter, stage=STAGE, evidence=actor.span, score=round(min(1.0, actor.score), 3))
