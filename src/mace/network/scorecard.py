"""The network's scorecard figures, registered with `core.figures` so oversight counts them without
importing this module. Each takes the partnerships and the period [start, end)."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from mace.core import clocks
from mace.core.figures import Figure

from .models import Breach, Disruption, NrmReferral

NRM_REASONABLE_WORKING_DAYS = 5  # the Home Office aims to decide reasonable grounds within 5 working days
NRM_CONCLUSIVE_DAYS = 183  # about six months from the referral


def _days(start: datetime, end: datetime) -> tuple:
    return timezone.localtime(start).date(), timezone.localtime(end).date()


def disruptions_served(pids: tuple[int, ...], start: datetime, end: datetime, now: datetime) -> tuple:
    a, b = _days(start, end)
    qs = Disruption.objects.filter(partnership_id__in=pids, served_on__gte=a, served_on__lt=b)
    return qs.count(), None, None


def breaches(pids: tuple[int, ...], start: datetime, end: datetime, now: datetime) -> tuple:
    a, b = _days(start, end)
    qs = Breach.objects.filter(disruption__partnership_id__in=pids, on__gte=a, on__lt=b)
    return qs.count(), None, None


def nrm_referrals(pids: tuple[int, ...], start: datetime, end: datetime, now: datetime) -> tuple:
    a, b = _days(start, end)
    people = frozenset(
        NrmReferral.objects.filter(
            partnership_id__in=pids, referred_on__gte=a, referred_on__lt=b
        ).values_list("person_id", flat=True)
    )
    return len(people), None, people


def nrm_reasonable_on_time(pids: tuple[int, ...], start: datetime, end: datetime, now: datetime) -> tuple:
    """Of the reasonable-grounds decisions made in the period, those within 5 working days of the referral."""
    a, b = _days(start, end)
    rows = NrmReferral.objects.filter(
        partnership_id__in=pids, reasonable_grounds_on__gte=a, reasonable_grounds_on__lt=b
    ).values_list("person_id", "referred_on", "reasonable_grounds_on")
    met = {
        p
        for p, ref, rg in rows
        if rg is not None and rg <= clocks.add_working_days(ref, NRM_REASONABLE_WORKING_DAYS)
    }
    return len(met), len(rows), frozenset(met)


def nrm_conclusive_in_six_months(
    pids: tuple[int, ...], start: datetime, end: datetime, now: datetime
) -> tuple:
    """Of the conclusive-grounds decisions made in the period, those within about six months of referral."""
    a, b = _days(start, end)
    rows = NrmReferral.objects.filter(
        partnership_id__in=pids, conclusive_grounds_on__gte=a, conclusive_grounds_on__lt=b
    ).values_list("person_id", "referred_on", "conclusive_grounds_on")
    met = {p for p, ref, cg in rows if cg is not None and (cg - ref).days <= NRM_CONCLUSIVE_DAYS}
    return len(met), len(rows), frozenset(met)


FIGURES = [
    Figure("network_disruptions_served", "count", disruptions_served, people="disruptions"),
    Figure("network_breaches", "count", breaches, people="breaches"),
    Figure("network_nrm_referrals", "count", nrm_referrals, kind="distinct"),
    Figure("network_nrm_reasonable_on_time", "percent", nrm_reasonable_on_time),
    Figure("network_nrm_conclusive_six_months", "percent", nrm_conclusive_in_six_months),
]
