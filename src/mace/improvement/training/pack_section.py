"""Training's section of the pack (the board, the quarterly multi-agency meeting and the pan-area
meeting, which considers "the provision of training"): compliance by agency on the period's last day,
against the day before the period, and the follow-ups held in it. Staff figures, no child named."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from mace.oversight.pack import SectionOmitted, register_section

from . import presenters, selectors

LOW = 80.0  # below this a team is brought to the meeting (the scorecard measure's amber threshold)


def build(user: Any, period: Any, partnership_ids: list[int]) -> dict[str, Any]:
    on = period.end - timedelta(days=1)
    now = selectors.compliance_in(partnership_ids, on)
    if not now.agencies:
        raise SectionOmitted("No team of these partnerships has a required level of training in MACE.")
    before = selectors.compliance_in(partnership_ids, period.start - timedelta(days=1))
    was = {a.agency.pk: a for a in before.agencies}
    rows = []
    for a in now.agencies:
        old = was.get(a.agency.pk)
        rows.append(
            [
                {"text": a.agency.name},
                {"text": presenters.rate(a.trained, a.counted)},
                {"text": presenters.rate(old.trained, old.counted) if old else "No staff counted"},
            ]
        )
    low = [
        f"{t.team.name} ({presenters.percent(t.percent)})"
        for a in now.agencies
        for t in a.teams
        if t.percent is not None and t.percent < LOW
    ]
    changed, followed = selectors.practice_changed_in(partnership_ids, period.start, period.end)
    headlines = [
        f"Staff trained to their team's required level: {presenters.rate(now.trained, now.counted)}"
        f" (was {presenters.rate(before.trained, before.counted)})."
    ]
    decisions = [f"Teams below {LOW:.0f}% trained: {', '.join(low)}. What will be done?"] if low else []
    return {
        "on": on,
        "since": period.start - timedelta(days=1),
        "total": presenters.rate(now.trained, now.counted),
        "rows": rows,
        "low": low,
        "follow_ups": presenters.rate(changed, followed) if followed else "",
        "headlines": headlines,
        "decisions": decisions,
    }


register_section(
    "training", "Training on exploitation", 86, "improvement/training/_pack_training.html", build
)
