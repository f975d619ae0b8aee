"""Threshold guidance (action 3.3): which level of need the evidence meets, shown at the point of
decision, with the reasons. Pure: the evidence in, a level and its reasons out.

Levels follow the usual continuum of need: 1 universal, 2 early help, 3 child in need (statutory
assessment), 4 significant harm (strategy discussion, section 47). Exploitation and missing are
explicit: inspectors found the response to them was not rigorous enough.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

CONCERNS: dict[str, str] = {
    "missing": "Going missing",
    "sexual_exploitation": "Signs of sexual exploitation",
    "county_lines": "County lines or drug running",
    "older_associates": "Older associates or boyfriend/girlfriend",
    "unexplained_money": "Unexplained money, phones or gifts",
    "gang_association": "Gang association",
    "weapons": "Carrying or linked to weapons",
    "substance_misuse": "Substance misuse",
    "school_non_attendance": "Not attending school or excluded",
    "online_contact": "Online contact with unknown adults",
    "found_out_of_area": "Found out of area",
    "injuries": "Unexplained injuries",
    "sexual_health": "Sexual health concerns",
    "behaviour_change": "Change in behaviour",
    "trafficking": "Trafficking or modern slavery",
    "domestic_abuse": "Domestic abuse at home",
    "mental_health": "Emotional or mental health concerns",
}
# Any one of these, or high assessed risk, means significant harm may be happening.
HIGH_HARM = frozenset({"sexual_exploitation", "county_lines", "weapons", "trafficking", "injuries"})
EXPLOITATION = frozenset(
    {
        "sexual_exploitation",
        "county_lines",
        "older_associates",
        "unexplained_money",
        "gang_association",
        "found_out_of_area",
        "online_contact",
        "trafficking",
        "weapons",
    }
)
LEVELS = {
    1: "Level 1: universal services",
    2: "Level 2: early help",
    3: "Level 3: child in need (statutory assessment)",
    4: "Level 4: significant harm (strategy discussion)",
}
# The decisions that answer each level; a lower one needs a reason the manager sees.
EXPECTED_DECISIONS = {1: {"advice", "nfa"}, 2: {"early_help"}, 3: {"referral"}, 4: {"strategy", "referral"}}
DECISION_LEVEL = {"nfa": 1, "advice": 1, "early_help": 2, "referral": 3, "strategy": 4}


@dataclass(frozen=True)
class Threshold:
    level: int
    label: str
    reasons: tuple[str, ...]

    def below(self, decision: str) -> bool:
        """True when the decision answers a lower level than the evidence meets."""
        return (
            DECISION_LEVEL.get(decision, 0) < min(self.level, 4)
            and decision not in EXPECTED_DECISIONS[self.level]
        )


def assess(
    *, concerns: Iterable[str], risk: int = 0, flags: Iterable[str] = (), missing_episodes_90d: int = 0
) -> Threshold:
    """Risk: 0 not assessed, 1 low, 2 medium, 3 high. Flags: the child's active flags (cse, cce, …)."""
    concern_set = {c for c in concerns if c in CONCERNS}
    flag_set = set(flags)
    reasons: list[str] = []
    level = 1
    high = sorted(concern_set & HIGH_HARM)
    if high:
        level = 4
        reasons.append("High-harm indicators: " + ", ".join(CONCERNS[c].lower() for c in high))
    if risk >= 3:
        level = 4
        reasons.append("Assessed risk is high")
    if "missing" in concern_set and concern_set & EXPLOITATION:
        level = max(level, 4)
        reasons.append("Going missing together with signs of exploitation")
    if missing_episodes_90d >= 3:
        level = max(level, 3)
        reasons.append(f"{missing_episodes_90d} missing episodes in 90 days")
    exploitation = concern_set & EXPLOITATION
    if flag_set & {"cse", "cce"}:
        level = max(level, 3)
        reasons.append("Already flagged at risk of exploitation")
    if flag_set & {"cpis_cp", "cpis_lac"}:
        level = max(level, 3)
        reasons.append("Subject to a child protection plan or looked after (CP-IS)")
    if len(concern_set) >= 3 or risk == 2 or len(exploitation) >= 2:
        level = max(level, 3)
        reasons.append(f"{len(concern_set)} concerns, {len(exploitation)} of them about exploitation")
    elif concern_set and level < 2:
        level = 2
        reasons.append("Emerging concerns: " + ", ".join(CONCERNS[c].lower() for c in sorted(concern_set)))
    if not reasons:
        reasons.append("No concerns recorded that meet a higher level")
    return Threshold(level=level, label=LEVELS[level], reasons=tuple(reasons))
