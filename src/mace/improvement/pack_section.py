"""The action plan's section of the board pack (page and PDF): for each plan of the pack's partnerships,
the RAG now and a month before, what moved, the areas signed off, the reds nobody has updated and the
greens with no evidence. Its headlines and decisions feed the pack's summary. Partnership business: no
child is named, and counts of actions are not personal data, so none is withheld."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from mace.oversight.pack import SectionOmitted, register_section

from . import presenters, rag, selectors
from .models import ActionPlan


def _as_at(period: Any) -> date:
    return min(period.end - timedelta(days=1), timezone.localdate())


def build(user: Any, period: Any, partnership_ids: list[int]) -> dict[str, Any]:
    plans = list(ActionPlan.objects.filter(partnership_id__in=partnership_ids).select_related("partnership"))
    if not plans:
        raise SectionOmitted("No action plan of these partnerships is in MACE.")
    on = _as_at(period)
    headlines: list[str] = []
    decisions: list[str] = []
    blocks = []
    for plan in plans:
        review = selectors.monthly_review(user, plan, on)
        view = selectors.plan_view(user, plan, on=on)
        rows = [r for b in view.areas for r in b.rows]
        moved = [c for c in review.changes if c.moved]
        to_red = [c for c in moved if c.row.judgement.colour == rag.RED]
        no_evidence = [
            r for r in rows if any(f.startswith("Green with no evidence") for f in r.judgement.flags)
        ]
        ready = [
            b.area
            for b in view.areas
            if not b.area.signed_off and all(r.judgement.colour == rag.GREEN for r in b.rows)
        ]
        headlines.append(
            f"{plan.title}: {presenters.counts_text(review.counts_now)} of {len(rows)} actions"
            + (f"; {len(to_red)} turned red in the month" if to_red else "")
            + "."
        )
        if review.quiet_red:
            decisions.append(
                f"{len(review.quiet_red)} red actions have had no update for a month: "
                + ", ".join(r.action.ref for r in review.quiet_red[:12])
                + ("…" if len(review.quiet_red) > 12 else "")
            )
        if ready:
            decisions.append(
                "Every action is complete in "
                + ", ".join(a.number for a in ready)
                + ": may the improvement board agree they are fully addressed, and how will they be"
                " monitored?"
            )
        fallen = selectors.falls(user, plan)
        for fell_area, watch in fallen:
            signed = rag._day(fell_area.signed_off_on) if fell_area.signed_off_on else ""
            decisions.append(
                f"{fell_area.number} was signed off on {signed} but {watch.title} has fallen "
                f"({watch.baseline}: {watch.then}; {watch.latest}: {watch.now}): is it still addressed?"
            )
        blocks.append(
            {
                "plan": plan,
                "on": on,
                "since": review.since,
                "now": presenters.counts_text(review.counts_now),
                "before": presenters.counts_text(review.counts_before),
                "moved": [
                    {
                        "ref": c.row.action.ref,
                        "before": rag.LABELS[c.before.colour],
                        "now": rag.LABELS[c.row.judgement.colour],
                        "reason": c.row.judgement.reason,
                    }
                    for c in moved
                ],
                "signed_off": review.signed_off,
                "quiet_red": [r.action.ref for r in review.quiet_red],
                "no_evidence": len(no_evidence),
                "ready": [f"{a.number} {a.title}" for a in ready],
                "fallen": [f"{a.number}: {w.title}" for a, w in fallen],
            }
        )
    return {"plans": blocks, "headlines": headlines, "decisions": decisions}


register_section(
    "action-plan",
    "The action plan",
    85,
    "improvement/_pack_action_plan.html",
    build,
    kinds=("board",),
)
from .reviews import pack_section as _reviews_pack  # noqa: E402, F401 - registers the reviews section
