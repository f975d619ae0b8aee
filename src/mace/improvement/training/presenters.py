"""Training as GOV.UK components: compliance tables, session and booking rows. Built here so the
templates only print them."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from markupsafe import Markup

from mace.core.ui import link, uk_date, url

from . import selectors
from .models import TrainingBooking, TrainingSession


def _whole(value: float | Decimal) -> int:
    """Whole percent, halves rounded up (as people do, and as the audits do: 5 of 8 is 63%)."""
    return int(Decimal(str(value)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def percent(value: float | None) -> str:
    return "No staff counted" if value is None else f"{_whole(value)}%"


def rate(trained: int, counted: int) -> str:
    """'34 of 40 (85%)'. Staff counts are not about children: no small-number suppression applies."""
    if not counted:
        return "No staff counted"
    return f"{trained:,} of {counted:,} ({_whole(Decimal(trained) * 100 / Decimal(counted))}%)"


AGENCY_HEAD = [{"text": "Agency"}, {"text": "Teams"}, {"text": "Trained to the required level"}]
TEAM_HEAD = [
    {"text": "Team"},
    {"text": "Agency"},
    {"text": "Required level"},
    {"text": "Trained"},
    {"text": "Not trained"},
]


def agency_rows(found: selectors.Compliance) -> list[list[dict[str, Any]]]:
    return [
        [{"text": a.agency.name}, {"text": str(len(a.teams))}, {"text": rate(a.trained, a.counted)}]
        for a in found.agencies
    ]


def team_rows(found: selectors.Compliance, on_query: str = "") -> list[list[dict[str, Any]]]:
    rows: list[list[dict[str, Any]]] = []
    for a in found.agencies:
        for t in a.teams:
            href = url("improvement:training-team", t.team.pk) + on_query
            rows.append(
                [
                    {"html": link(href, t.team.name)},
                    {"text": a.agency.name},
                    {"text": t.level_label},
                    {"text": rate(t.trained, t.counted)},
                    {"text": str(len(t.untrained))},
                ]
            )
    return rows


UNTRAINED_HEAD = [{"text": "Name"}, {"text": "Job title"}, {"text": "Manager"}, {"text": "Last training"}]


def untrained_rows(
    team: selectors.TeamCompliance, history: list[TrainingBooking]
) -> list[list[dict[str, Any]]]:
    last: dict[int, TrainingBooking] = {}
    for b in history:  # latest first
        if b.status == TrainingBooking.Status.ATTENDED and b.practitioner_id not in last:
            last[b.practitioner_id] = b
    rows: list[list[dict[str, Any]]] = []
    for p in team.untrained:
        seen = last.get(p.pk)
        rows.append(
            [
                {"text": p.name},
                {"text": p.job_title or "Not recorded"},
                {"text": p.manager_name or "Not recorded"},
                {
                    "text": f"{seen.session.course.get_level_display()}, {uk_date(seen.session.on)}"
                    if seen
                    else "None recorded"
                },
            ]
        )
    return rows


SESSION_HEAD = [
    {"text": "Date"},
    {"text": "Course"},
    {"text": "Level"},
    {"text": "Venue"},
    {"text": "Booked"},
]


def session_rows(sessions: list[TrainingSession]) -> list[list[dict[str, Any]]]:
    rows: list[list[dict[str, Any]]] = []
    for s in sessions:
        booked = sum(1 for b in s.bookings.all() if b.status != TrainingBooking.Status.CANCELLED)
        rows.append(
            [
                {"html": link(url("improvement:training-session", s.pk), uk_date(s.on), f"{s.course.title}")},
                {"text": s.course.title},
                {"text": s.course.get_level_display()},
                {"text": s.venue},
                {"text": f"{booked} of {s.capacity}"},
            ]
        )
    return rows


FOLLOW_UP_HEAD = [{"text": "Attendee"}, {"text": "Team"}, {"text": "Course"}, {"text": "Follow-up due"}]


def follow_up_rows(rows: list[selectors.FollowUpRow]) -> list[list[dict[str, Any]]]:
    return [
        [
            {"html": link(url("improvement:training-booking", r.booking.pk), r.booking.practitioner.name)},
            {"text": r.booking.practitioner.team.name},
            {"text": f"{r.booking.session.course.title}, {uk_date(r.booking.session.on)}"},
            {"text": uk_date(r.due)},
        ]
        for r in rows
    ]


BOOKING_HEAD = [
    {"text": "Attendee"},
    {"text": "Team"},
    {"text": "Status"},
    {"text": "Evaluation"},
    {"text": "Follow-up"},
]


def booking_rows(session: TrainingSession) -> list[list[dict[str, Any]]]:
    rows: list[list[dict[str, Any]]] = []
    for b in session.bookings.all():
        rows.append(
            [
                {"html": link(url("improvement:training-booking", b.pk), b.practitioner.name)},
                {"text": b.practitioner.team.name},
                {"text": b.get_status_display()},
                {"text": "Recorded" if selectors.has_evaluation(b) else "Not yet"},
                {
                    "text": f"{b.follow_up.get_changed_display()} ({uk_date(b.follow_up.on)})"
                    if selectors.has_follow_up(b)
                    else (
                        f"Due {uk_date(selectors.follow_up_due(b))}"
                        if b.status == TrainingBooking.Status.ATTENDED
                        else "Not applicable"
                    )
                },
            ]
        )
    return rows


REGISTER_TEAM_HEAD = [
    {"text": "Team"},
    {"text": "Agency"},
    {"text": "Required level"},
    {"text": "On the register", "format": "numeric"},
]


def register_team_rows(
    teams: list[Any], requirements: dict[int, Any], counts: dict[int, int]
) -> list[list[dict[str, Any]]]:
    rows: list[list[dict[str, Any]]] = []
    for t in teams:
        required = requirements.get(t.pk)
        rows.append(
            [
                {"html": link(url("improvement:training-practitioners", t.pk), t.name)},
                {"text": t.agency.name},
                {
                    "html": link(url("improvement:training-team", t.pk), required.get_level_display())
                    if required
                    else "None set"
                },
                {"text": str(counts.get(t.pk, 0)), "format": "numeric"},
            ]
        )
    return rows


REGISTER_HEAD = [{"text": "Name"}, {"text": "Job title"}, {"text": "Manager"}, {"text": "In the team"}]


def register_rows(found: list[Any], *, can_manage: bool = False) -> list[list[dict[str, Any]]]:
    """The register's rows; a trainer also gets a "Record leaving" link on each current member."""

    def since(p: Any) -> dict[str, Any]:
        if p.left_on:
            return {"text": f"Left {uk_date(p.left_on)}"}
        text = f"Since {uk_date(p.joined_on)}" if p.joined_on else "Yes"
        if not can_manage:
            return {"text": text}
        leaving = link(url("improvement:training-practitioner-left", p.pk), "Record leaving", f"of {p.name}")
        return {"html": Markup("{}<br>{}").format(text, leaving)}

    return [
        [
            {"text": p.name + (" (has a MACE account)" if p.user_id else "")},
            {"text": p.job_title or "Not given"},
            {"text": p.manager_name or "Not given"},
            since(p),
        ]
        for p in found
    ]
