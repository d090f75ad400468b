"""The role conventions (``data/roles.json``) and the words roles are read by (``data/role_words.json``),
compiled once per classifier, and the predicates over a stretch of text that use them: is a mention the
agent of a "by" phrase, is it acted upon.
"""
from __future__ import annotations

import re
from typing import Optional

from ...errors import ResourceError
from ...knowledge.clauses import lower_literals
from ...knowledge.resources import data_path, read_json
from ...knowledge.roles import load_roles
from ...matching import caseless_gate
from ...types import ActorMention

WORDS_FILE = "role_words.json"

_GLOSS = re.compile(r"[ \t]*\([^()\n]{1,40}\)")  # "CV (Red Command)": a name's gloss or acronym in brackets
_GLOSS_END = re.compile(r"[^()\n]{0,40}?\)")  # the rest of the brackets a mention stands in


def _without_case(rx: re.Pattern) -> re.Pattern:
    """``rx``, a case-blind pattern with no letter class nor inline flag, for the lower case of an ASCII text: its
    literals lower-cased, without re.I (about half the time of CPython's re on such a pattern;
    docs/performance.md#classify)."""
    return re.compile(lower_literals(rx.pattern), rx.flags & ~re.I)


def _read_words() -> dict:
    """data/role_words.json, each group without its ``_doc`` note."""
    try:
        raw = read_json(WORDS_FILE)
    except ValueError as e:
        raise ResourceError(f"role words {data_path(WORDS_FILE)} could not be read ({e}); "
                            f"restore it from the repository") from e
    return {k: {w: v for w, v in group.items() if not w.startswith("_")}
            for k, group in raw.items() if not k.startswith("_")}


def _any(words: list[str]) -> str:
    """An alternation of ``words`` in their order (the first that matches wins)."""
    return "(?:" + "|".join(words) + ")"


class RoleRules:
    """The conventions and phrases of the roles, compiled from the two data files (or the dicts given)."""

    def __init__(self, roles: Optional[dict] = None, words: Optional[dict] = None):
        self.roles = load_roles() if roles is None else roles
        words = _read_words() if words is None else words
        try:
            self._conventions(self.roles)
        except KeyError as e:
            raise ResourceError(f"role conventions {data_path('roles.json')} lack the entry {e}; "
                                f"restore the file from the repository") from e
        try:
            self._agents(words)
            self._targets(words)
        except KeyError as e:
            raise ResourceError(f"role words {data_path(WORDS_FILE)} lack the list {e}; "
                                f"restore the file from the repository") from e

    def _conventions(self, roles: dict) -> None:
        self.state_kinds = tuple(roles["state_kinds"])
        self.coded_to: dict = roles["coded_to"]
        self.state_acts: dict = roles["state_acts"]
        self.own_weapon_types = roles["own_weapon_types"]
        # who acts when the text names nobody, by type: the kinds ACLED's coders default to, and the actor of each
        self.default_actor_kind: dict = roles["default_actor_kind"]
        self.default_actors: dict = roles["default_actors"]
        self.retype_by_sides: dict = roles.get("retype_by_sides", {})
        # displacement notes ("300 families fled the fighting") are coded to the civilians displaced
        self.displaced: dict = roles.get("displaced", {})
        self.displaced_cue = re.compile(self.displaced["cue"], re.I) if self.displaced.get("cue") else None
        self.displacer = re.compile(self.displaced["displacer"], re.I) if self.displaced.get("displacer") else None
        # explosive remnants of war are coded to whoever laid them, long ago
        self.remnants: dict = roles.get("remnants", {})
        self.remnant_cue = re.compile(self.remnants["cue"], re.I) if self.remnants.get("cue") else None
        # (capitals as written: "the Iran-Iraq War")
        self.interstate_war = re.compile(self.remnants["interstate"]) if self.remnants.get("interstate") else None
        # "it is unclear who planted the bomb": the text says the side that acted is unknown
        unknown = roles.get("unknown_perpetrator")
        self.unknown_perpetrator = re.compile(unknown["cue"], re.I) if unknown else None
        # The caseless gates of the patterns searched in each event's scope: a document whose lower case holds none
        # of a gate's strings cannot match, and is not searched event by event (few documents hold one;
        # docs/performance.md#classify). Keyed by id: a compiled pattern hashes its whole code at each lookup.
        self.scope_gates = {id(rx): caseless_gate(rx) for rx in (self.remnant_cue, self.unknown_perpetrator)
                            if rx is not None}

    def _agents(self, words: dict) -> None:
        """The phrases that name the side that acts, or one beside it."""
        by = words["agent_by"]
        self.agent_by = re.compile("".join(rf"(?<!\b{w} )" for w in by["not_after"])
                                   + r"\bby\s+(?:the\s+|an?\s+|some\s+)?(?:" + _any(by["hedges"]) + r"\s+)?$", re.I)
        self.associates = re.compile(r"^\s*" + _any(words["associates"]["links"]) + r"\s+(?:the\s+)?$", re.I)
        owner = words["owner"]
        self.owner = re.compile(r"\b(?:" + _any(owner["verbs"]) + r"\s+by|" + "|".join(owner["phrases"])
                                + r")\s+(?:the\s+)?$", re.I)
        self.counted = re.compile(r"\b" + _any(words["counted"]["numbers"]) + r"\s+(?:[\w'-]+\s+)?$", re.I)
        self.hit_place = re.compile(r"\b" + _any(words["hit_place"]["words"]) + r"\s+(?:an?\s+|the\s+)?"
                                    r"(?:[\w'-]+\s+){0,2}$", re.I)
        self.only_auxiliary = re.compile(r"^\s*" + _any(words["only_auxiliary"]["auxiliaries"]) + r"\s+(?:\w+ly\s+)?$",
                                         re.I)
        self.victim_first_auxiliary = re.compile(r"\b" + _any(words["victim_first"]["auxiliaries"]) + r"\b")

    def _targets(self, words: dict) -> None:
        """The phrases that make a mention the side acted upon."""
        self.passive_subject = re.compile(r"^\s*(?:[\w'-]+\s+){0,2}?" + _any(words["passive_subject"]["auxiliaries"])
                                          + r"\s+\w+(?:ed|en|ne)\b", re.I)
        self.modifies_noun = re.compile(r"-" + _any(words["modifies_noun"]["participles"]) + r"\b", re.I)
        hit = words["vehicle_hit"]
        self.vehicle_hit = re.compile(r"^\s*(?:[\w'-]+\s+){0,2}?" + _any(hit["vehicles"]) + r"\s+(?:\w+ly\s+)?"
                                      + _any(hit["verbs"]) + r"\b", re.I)
        obj = words["object_of_verb"]
        self.object_of_verb = re.compile(r"\b" + _any(obj["verbs"]) + r"\s+(?:(?!" + _any(obj["clause_openers"])
                                         + r"\b)[\w'-]+\s+){0,3}$", re.I)
        self.object_of_verb_lower = _without_case(self.object_of_verb)
        subject = words["subject_of_passive"]
        self.subject_of_passive = re.compile(r"^\s*(?:[\w'-]+\s+){0,3}?(?:" + _any(subject["auxiliaries"])
                                             + r"\s+(?:\w+\s+)?" + _any(subject["verbs"]) + r"|"
                                             + _any(subject["dying"]) + r"\b)", re.I)

    def after_by(self, before: str) -> bool:
        """Does ``before`` end in "by (the)" ("killed by the ...")? The pattern's look-behinds try every
        position, so a window without the word skips it (docs/performance.md#classify)."""
        return "by" in before.lower() and self.agent_by.search(before) is not None

    def acted_upon(self, text: str, actor: ActorMention, lower: Optional[str] = None) -> bool:
        """Is this mention the target: the object of a violent verb ("killed 3 soldiers") or the
        subject of a passive one ("2 policemen were killed")? ``lower``: the lower case of an ASCII ``text``."""
        # a gloss in brackets is part of the name: "the CV (Red Command) died" is said of the CV, whichever of
        # the two names the mention is
        opened = text.rfind("(", max(0, actor.span.start - 40), actor.span.start)
        inside = opened >= 0 and ")" not in text[opened:actor.span.start]
        gloss = (_GLOSS_END if inside else _GLOSS).match(text, actor.span.end)
        after_at = gloss.end() if gloss else actor.span.end
        after = text[after_at:after_at + 40]
        if self.modifies_noun.match(after):
            return False
        if self.vehicle_hit.match(after):
            return True
        # (the window cut out, not searched in place: its first word need not start one in the text)
        before_at = max(0, actor.span.start - 40)
        if lower is not None:
            object_of_verb = self.object_of_verb_lower.search(lower[before_at:actor.span.start])
        else:
            object_of_verb = self.object_of_verb.search(text[before_at:actor.span.start])
        return bool(object_of_verb or self.subject_of_passive.match(after))
