"""What the missing module's services share: limits, push and pull factors, place keys, who acts."""

from __future__ import annotations

import re

from mace.core import services as core_services

MAX_TEXT = 20_000


MORNING_LIST_HOUR = 8  # London wall clock: the list goes out at 08:00 every day, weekends included


PUSH_FACTORS = {
    "conflict_home": "Conflict or arguments at home",
    "unhappy_placement": "Unhappy in their placement",
    "abuse_neglect": "Abuse or neglect at home",
    "bullying": "Bullying",
    "school": "Problems at school",
    "bereavement": "Bereavement or loss",
    "mental_health": "Mental health or emotional wellbeing",
    "boundaries": "Rules and boundaries",
}


PULL_FACTORS = {
    "friends": "To be with friends",
    "partner": "To be with a boyfriend or girlfriend",
    "older_associates": "Older associates",
    "family_elsewhere": "Family living elsewhere",
    "drugs_alcohol": "Drugs or alcohol",
    "money_gifts": "Money, gifts or somewhere to stay",
    "county_lines": "Criminal exploitation or county lines",
    "parties": "Parties",
}


def place_key(text: str) -> str:
    """Places as typed ("Halbury Bus Station", "halbury bus stn.") grouped for the patterns."""
    words = re.sub(r"[^a-z0-9 ]+", " ", (text or "").lower()).split()
    aliases = {"stn": "station", "st": "street", "rd": "road", "mcdonalds": "mcdonald s"}
    return " ".join(aliases.get(w, w) for w in words)[:200]


_actor = core_services.actor


_label = core_services.label


_require = core_services.require
