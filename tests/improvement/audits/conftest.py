"""An area with an ED, a front door, police, and the partnership's business manager; "now" pinned."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine

from mace.accounts.models import Agency, Role
from mace.health import services as health_services

from ...factories import AgencyFactory, TeamFactory, UserFactory
from ...screening.conftest import ed_area

__all__ = ["area", "ed_area", "now", "record_attendance"]

NOW = datetime(2026, 11, 18, 14, 0, tzinfo=UTC)


@pytest.fixture
def now() -> Iterator[datetime]:
    with time_machine.travel(NOW, tick=False):
        yield NOW


@pytest.fixture
def area(ed_area: Any, now: datetime) -> Any:
    """The ED area with police and the business manager added."""
    police = AgencyFactory(kind=Agency.Kind.POLICE, partnerships=[ed_area.partnership], name="Shire Police")
    ed_area.police_team = TeamFactory(
        agency=police, partnership=ed_area.partnership, name="Child exploitation unit"
    )
    ed_area.officer = UserFactory(team=ed_area.police_team, roles=[Role.POLICE_OFFICER], first_name="Priya")
    board = AgencyFactory(
        kind=Agency.Kind.PARTNERSHIP, partnerships=[ed_area.partnership], name="Partnership"
    )
    ed_area.business_manager = UserFactory(
        team=TeamFactory(agency=board, partnership=ed_area.partnership),
        roles=[Role.BUSINESS_MANAGER],
        first_name="Bea",
    )
    ed_area.executive = UserFactory(
        team=TeamFactory(agency=board, partnership=ed_area.partnership), roles=[Role.EXECUTIVE]
    )
    return ed_area


def record_attendance(
    area: Any,
    index: int,
    *,
    cpis: bool = True,
    seen_alone: bool | None = True,
    nurse: Any = None,
    days_ago: int = 2,
) -> Any:
    arrived = NOW - timedelta(days=days_ago, hours=index)
    attendance, _ = health_services.attendance_record(
        data=health_services.AttendanceIn(
            arrived_at=arrived,
            presenting_complaint=f"Attendance {index}",
            subject={"given_names": f"Child{index}", "family_name": "Audit"},
            seen_alone=seen_alone,
            not_seen_alone_reason="" if seen_alone is not False else "Too young; parent present",
            cpis_checked=cpis,
            cpis_result="none" if cpis else "",
            exploitation_question_asked=True,
            discharged_at=arrived + timedelta(hours=1),
            discharge_plan="Home",
        ),
        by=nurse or area.nurse,
    )
    return attendance


def decided_contact(area: Any, *, team: Any, person: Any = None, days_ago: int = 20) -> Any:
    """A front door contact decided `days_ago` days before NOW (made directly: the audit reads only
    what a decided contact holds)."""
    from mace.frontdoor.models import Contact

    received = NOW - timedelta(days=days_ago, hours=3)
    return Contact.objects.create(
        partnership=area.partnership,
        kind=Contact.Kind.PROFESSIONAL,
        route=Contact.Route.WEB,
        received_at=received,
        review_due_at=received + timedelta(hours=4),
        decision_due_at=received + timedelta(hours=24),
        subject={"given_names": "Sam", "family_name": "Contact"},
        person=person,
        match_status=Contact.Match.MATCHED if person else Contact.Match.NEW,
        summary="Concern",
        status=Contact.Status.CLOSED,
        decision=Contact.Decision.REFERRAL,
        decided_at=received + timedelta(hours=2),
        allocated_team=team,
    )
