"""Governance reads, for a reader: the lead professionals of the reader's partnerships (and the agencies
that have none), the governance meetings with their attendance and decisions, and each meeting's pack."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from mace.accounts.models import Agency, Partnership
from mace.oversight.periods import Period, latest_complete

from ..models import PriorityArea
from ..selectors import NotFound, partnership_ids
from .models import GovernanceMeeting, LeadProfessional

__all__ = ["NotFound"]


@dataclass(frozen=True)
class AgencyLead:
    agency: Agency
    lead: LeadProfessional | None


def leads_for(user: Any) -> list[AgencyLead]:
    """Every agency of the reader's partnerships with its lead professional now (None: nobody named)."""
    ids = partnership_ids(user)
    current = {
        (lp.partnership_id, lp.agency_id): lp
        for lp in LeadProfessional.objects.filter(partnership_id__in=ids, until__isnull=True).select_related(
            "agency"
        )
    }
    out = []
    for agency in Agency.objects.filter(partnerships__in=ids).distinct().order_by("name"):
        named = [current[(p, agency.pk)] for p in ids if (p, agency.pk) in current]
        if not named:
            out.append(AgencyLead(agency, None))
        out.extend(AgencyLead(agency, lead) for lead in named)
    return out


def home_partnership(user: Any) -> Partnership | None:
    """The partnership a reader records governance for: their team's, else the first they work in."""
    team = getattr(user, "team", None)
    if team is not None and team.partnership_id:
        return team.partnership
    ids = partnership_ids(user)
    return Partnership.objects.filter(pk__in=ids).order_by("pk").first()


def agencies_for(user: Any) -> QuerySet[Agency]:
    return Agency.objects.filter(partnerships__in=partnership_ids(user)).distinct().order_by("name")


def meetings_for(user: Any) -> QuerySet[GovernanceMeeting]:
    return GovernanceMeeting.objects.filter(partnership_id__in=partnership_ids(user)).select_related(
        "partnership"
    )


def meeting_for(user: Any, pk: int) -> GovernanceMeeting:
    found = (
        meetings_for(user)
        .filter(pk=pk)
        .prefetch_related("attendance__agency", "decisions__action__area")
        .first()
    )
    if found is None:
        raise NotFound(pk)
    return found


def pack_period(meeting: GovernanceMeeting) -> Period:
    """The period the meeting's pack reads: the last quarter ended by the meeting (the pan-area pack
    widens it to the 12 months to the same month: `oversight.pack.pack_period`)."""
    return latest_complete("quarter", today=meeting.held_on)


def areas_for(user: Any) -> list[PriorityArea]:
    """The priority areas of the reader's action plans, where a meeting's action can go."""
    return list(
        PriorityArea.objects.filter(plan__partnership_id__in=partnership_ids(user))
        .select_related("plan")
        .order_by("plan__title", "section", "number")
    )
