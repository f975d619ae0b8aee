"""The synthetic partnership's governance (called by the demo's improvement step): a lead professional
for each agency of the main partnership, the last two quarterly multi-agency meetings and the last
pan-area meeting with attendance and decisions. The shipped action plan is left as the inspection wrote
it, so the demo adds no action to it."""

from __future__ import annotations

import random
from datetime import date, timedelta

from mace.accounts.models import Partnership
from mace.core import audit
from mace.oversight.periods import latest_complete

from . import services
from .models import GovernanceMeeting, LeadProfessional

LEADS = {
    "police": ("DI Rachel Moss", "Detective Inspector, child exploitation"),
    "health": ("Fiona Grant", "Named nurse for safeguarding children"),
    "csc": ("Daniel Okafor", "Team manager, exploitation and missing"),
    "early_help": ("Chloe Bennett", "Early help locality manager"),
    "education": ("Marek Nowak", "Head of inclusion"),
    "commissioned": ("Jade Thompson", "Service manager"),
    "partnership": ("Helen Marsh", "Partnership business manager (the board's lead professional)"),
}


def generate(
    *, partnership: Partnership, rng: random.Random, today: date, actor: audit.Actor
) -> dict[str, int]:
    """Idempotent: a partnership with governance meetings already is left as it is."""
    if GovernanceMeeting.objects.filter(partnership=partnership).exists():
        return {"Governance meetings": GovernanceMeeting.objects.filter(partnership=partnership).count()}
    agencies = list(partnership.agencies.order_by("name"))
    for agency in agencies:
        if LeadProfessional.objects.filter(partnership=partnership, agency=agency).exists():
            continue
        name, title = LEADS.get(agency.kind, ("Lead professional", ""))
        services.lead_professional_set(
            partnership=partnership,
            agency=agency,
            name=name,
            job_title=title,
            since=today - timedelta(days=rng.randint(90, 700)),
            by=actor,
        )
    quarter = latest_complete("quarter", today=today)
    meetings = []
    # The meetings held in the last complete quarter and the one before (all before today).
    for kind, held_on, chair in [
        (
            "quarterly",
            quarter.previous.start + timedelta(days=20),
            "Helen Marsh, partnership business manager",
        ),
        ("pan_area", quarter.start + timedelta(days=10), "Det Supt Alan Price, Shire Constabulary"),
        ("quarterly", quarter.start + timedelta(days=20), "Helen Marsh, partnership business manager"),
    ]:
        if held_on > today:
            continue
        meeting = services.meeting_record(
            partnership=partnership, kind=kind, held_on=held_on, chair=chair, by=actor
        )
        for agency in agencies[:8]:
            lead = LeadProfessional.objects.filter(
                partnership=partnership, agency=agency, until__isnull=True
            ).first()
            status = rng.choices(["present", "apologies", "absent"], weights=[80, 15, 5])[0]
            services.attendance_add(
                meeting=meeting,
                name=lead.name if lead else agency.name,
                agency=agency,
                status=status,
                by=actor,
            )
        services.decision_add(
            meeting=meeting,
            text="The pack was reviewed: county lines contacts from two schools are noted for disruption.",
            by=actor,
        )
        meetings.append(meeting)
    if meetings:
        # The shipped plan stays the inspection's own (1.1a to 6.3a): the demo's decision names the action
        # already in the plan rather than adding one (a meeting's action goes in through `action_add`).
        services.decision_add(
            meeting=meetings[-1],
            text="Training compliance by agency to come to every quarterly meeting (action plan 5.1e).",
            by=actor,
        )
    return {"Lead professionals": len(agencies), "Governance meetings": len(meetings)}
