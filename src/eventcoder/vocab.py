"""The ACLED vocabulary of SPEC.md §2-3, as data: taxonomy, actor kinds, precisions, certainty."""
from __future__ import annotations

from enum import Enum, IntEnum


class DisorderType(str, Enum):
    POLITICAL_VIOLENCE = "Political violence"
    DEMONSTRATIONS = "Demonstrations"
    VIOLENCE_AND_DEMONSTRATIONS = "Political violence; Demonstrations"
    STRATEGIC_DEVELOPMENTS = "Strategic developments"


class EventType(str, Enum):
    BATTLES = "Battles"
    EXPLOSIONS = "Explosions/Remote violence"
    VIOLENCE_AGAINST_CIVILIANS = "Violence against civilians"
    PROTESTS = "Protests"
    RIOTS = "Riots"
    STRATEGIC_DEVELOPMENTS = "Strategic developments"


# event type -> its sub-event types, spelled exactly as SPEC.md §3.
TAXONOMY: dict[str, tuple[str, ...]] = {
    "Battles": ("Armed clash", "Government regains territory", "Non-state actor overtakes territory"),
    "Explosions/Remote violence": (
        "Chemical weapon", "Air/drone strike", "Suicide bomb", "Shelling/artillery/missile attack",
        "Remote explosive/landmine/IED", "Grenade",
    ),
    "Violence against civilians": ("Sexual violence", "Attack", "Abduction/forced disappearance"),
    "Protests": ("Peaceful protest", "Protest with intervention", "Excessive force against protesters"),
    "Riots": ("Violent demonstration", "Mob violence"),
    "Strategic developments": (
        "Agreement", "Arrests", "Change to group/activity", "Disrupted weapons use",
        "Headquarters or base established", "Looting/property destruction",
        "Non-violent transfer of territory", "Other",
    ),
}

SUB_EVENT_TO_EVENT: dict[str, str] = {sub: ev for ev, subs in TAXONOMY.items() for sub in subs}

DISORDER_OF_EVENT: dict[str, str] = {
    "Battles": DisorderType.POLITICAL_VIOLENCE.value,
    "Explosions/Remote violence": DisorderType.POLITICAL_VIOLENCE.value,
    "Violence against civilians": DisorderType.POLITICAL_VIOLENCE.value,
    "Protests": DisorderType.DEMONSTRATIONS.value,
    "Riots": DisorderType.DEMONSTRATIONS.value,
    "Strategic developments": DisorderType.STRATEGIC_DEVELOPMENTS.value,
}

# ACLED's codebook: violence against demonstrators is both political violence and a demonstration event
DISORDER_OF_SUB_EVENT: dict[str, str] = {
    "Excessive force against protesters": DisorderType.VIOLENCE_AND_DEMONSTRATIONS.value,
}

SUB_EVENT_TYPES: tuple[str, ...] = tuple(SUB_EVENT_TO_EVENT)


class Inter(IntEnum):
    """ACLED actor kinds (inter1/inter2). 0 means no actor."""

    NONE = 0
    STATE_FORCES = 1
    REBEL_GROUP = 2
    POLITICAL_MILITIA = 3
    IDENTITY_MILITIA = 4
    RIOTERS = 5
    PROTESTERS = 6
    CIVILIANS = 7
    EXTERNAL_OTHER = 8


class GeoPrecision(IntEnum):
    TOWN = 1  # the named town itself
    NEAR = 2  # a nearby or part-of place ("outskirts of", "the Aleppo front")
    REGION = 3  # only a region or province


class TimePrecision(IntEnum):
    DAY = 1
    WEEK = 2  # e.g. "last weekend"
    MONTH = 3


class Certainty(str, Enum):
    ASSERTED = "asserted"
    REPORTED = "reported"
    CLAIMED = "claimed"
    UNCONFIRMED = "unconfirmed"
    DENIED = "denied"


CIVILIAN_TARGETING = "Civilian targeting"


def event_type_of(sub_event_type: str) -> str:
    """The event type a sub-event type belongs to (KeyError names the unknown value)."""
    return SUB_EVENT_TO_EVENT[sub_event_type]


def disorder_type_of(event_type: str, sub_event_type: str = "") -> str:
    """ACLED's disorder type of an event: by its sub-event type where that decides (Excessive force against
    protesters), else by its event type."""
    return DISORDER_OF_SUB_EVENT.get(sub_event_type) or DISORDER_OF_EVENT[event_type]
