"""The RAG of an action, computed, never typed in: the plan's own definitions (red: delayed or at risk of
not being achieved within timescale; amber: in progress and on track; green: completed), judged from the
due date, the owner's latest judgement and the last update, with the reason shown. Pure: no database,
no clock of its own ("today" is passed in), so the rules are property-tested.

Two flags say where a colour should not be trusted as it stands: a green with no evidence (completed is
not the same as made a difference), and a red with no update for a month (nobody is saying what is being
done about it)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from mace.core.clocks import add_calendar_months

RED, AMBER, GREEN = "red", "amber", "green"
COLOURS = (RED, AMBER, GREEN)
LABELS = {RED: "Red", AMBER: "Amber", GREEN: "Green"}


@dataclass(frozen=True)
class Judgement:
    colour: str
    reason: str
    flags: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return LABELS[self.colour]


def _day(d: date) -> str:
    return f"{d.day} {d:%B %Y}"


def judge(
    *,
    owner_rag: str,
    due: date | None,
    today: date,
    last_update: date | None,
    evidence: int,
    no_evidence_reason: str = "",
) -> Judgement:
    """Green only when the owner says the action is complete; red when the owner says so, or when it is
    past its due date and not complete; amber otherwise (in progress and on track)."""
    if owner_rag not in COLOURS:
        raise ValueError(f"the owner's RAG must be one of {', '.join(COLOURS)}, got {owner_rag!r}")
    if owner_rag == GREEN:
        colour, reason = GREEN, "Completed: the owner says the action is done"
    elif due is not None and due < today:
        colour = RED
        reason = f"Delayed: it was due by {_day(due)} and is not complete"
        if owner_rag == AMBER:
            reason += " (the owner still says amber)"
    elif owner_rag == RED:
        colour, reason = RED, "At risk: the owner says it may not be achieved within timescale"
    else:
        colour = AMBER
        reason = (
            f"In progress and on track: due by {_day(due)}"
            if due is not None
            else "In progress: the due date is still to be determined"
        )
    flags: list[str] = []
    if colour == GREEN and evidence == 0:
        flags.append(
            f"Green with no evidence (the owner's reason: {no_evidence_reason})"
            if no_evidence_reason
            else "Green with no evidence: completed is not the same as made a difference"
        )
    if colour == RED and (last_update is None or last_update <= add_calendar_months(today, -1)):
        since = f"since {_day(last_update)}" if last_update else "at all"
        flags.append(f"Red with no update for a month: none {since}")
    return Judgement(colour, reason, tuple(flags))
