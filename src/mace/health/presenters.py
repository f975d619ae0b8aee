"""What the health pages show, built in Python so templates only print it: the child's record section
for waits for an autism or ADHD assessment (action 3.4)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.urls import reverse
from django.utils import timezone

from mace.core.access import capabilities
from mace.core.ui import link, uk_date

from . import selectors
from .models import AssessmentWait


def weeks_text(weeks: int) -> str:
    return "1 week" if weeks == 1 else f"{weeks} weeks"


@dataclass(frozen=True)
class WaitsSection:
    person: Any
    rows: list[list[dict[str, Any]]]
    waiting: int
    longest: int | None  # weeks, of those still waiting
    can_record: bool
    new_href: str


def wait_rows(waits: list[AssessmentWait], today: date, *, can_record: bool) -> list[list[dict[str, Any]]]:
    rows = []
    for w in waits:
        weeks = weeks_text(w.wait_weeks(today))
        if w.waiting:
            status: dict[str, Any] = {"text": f"Waiting: {weeks} so far"}
            if can_record:
                href = reverse("health:wait-outcome", args=[w.person_id, w.pk])
                status = {
                    "html": f"Waiting: {weeks} so far. "
                    + link(href, "Record the outcome", f" of the {w.get_kind_display()} referral")
                }
        else:
            status = {
                "text": f"{w.get_outcome_display()}, {uk_date(w.assessed_on, '%-d %b %Y')}: waited {weeks}"
            }
        rows.append(
            [
                {"text": w.get_kind_display()},
                {"text": uk_date(w.referred_on, "%-d %b %Y")},
                {"text": ("Yes: " + w.fast_track_reason) if w.fast_track else "No"},
                {"text": w.provider or "Not recorded"},
                status,
            ]
        )
    return rows


def record_section(person: Any, user: Any) -> dict[str, Any] | None:
    """The section of the child's record: shown once a referral is recorded, or to a role that records
    them (so the first can be added)."""
    can_record = bool(capabilities(user).health_waits)
    waits = selectors.waits_of(person)
    if not waits and not can_record:
        return None
    today = timezone.localdate()
    still = [w.wait_weeks(today) for w in waits if w.waiting]
    return {
        "s": WaitsSection(
            person=person,
            rows=wait_rows(waits, today, can_record=can_record),
            waiting=len(still),
            longest=max(still) if still else None,
            can_record=can_record,
            new_href=reverse("health:wait-new", args=[person.pk]),
        ),
        "weeks_text": weeks_text,
    }
