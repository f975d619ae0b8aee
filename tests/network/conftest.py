from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import time_machine

from mace.accounts.models import Agency, Role
from mace.missing.models import MissingEpisode
from mace.network import services
from mace.network.models import Subject
from mace.people.models import Involvement

from ..factories import (
    AgencyFactory,
    InvolvementFactory,
    PartnershipFactory,
    PersonFactory,
    TeamFactory,
    UserFactory,
)

NOW = datetime(2026, 11, 18, 10, 0, tzinfo=UTC)  # a Wednesday
TODAY = date(2026, 11, 18)


@pytest.fixture(autouse=True)
def at_now() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def area() -> Any:
    """A partnership with a police hub, a social work team (allocated the child), an executive."""

    class Area:
        partnership = PartnershipFactory()
        police = AgencyFactory(
            kind=Agency.Kind.POLICE, code="shire-police", name="Shire Police", partnerships=[partnership]
        )
        council = AgencyFactory(kind=Agency.Kind.CHILDRENS_SOCIAL_CARE, partnerships=[partnership])
        social_work = TeamFactory(agency=council, partnership=partnership, name="Exploitation Team")
        police_team = TeamFactory(agency=police, partnership=partnership, name="Vulnerability Hub")
        officer = UserFactory(team=police_team, agency=police, roles=[Role.POLICE_OFFICER])
        social_worker = UserFactory(team=social_work, agency=council, roles=[Role.SOCIAL_WORKER])
        executive = UserFactory(team=social_work, agency=council, roles=[Role.EXECUTIVE])
        child = PersonFactory(partnership=partnership, given_names="Kayla", family_name="Brookes")

    InvolvementFactory(
        person=Area.child, team=Area.social_work, worker=Area.social_worker, kind=Involvement.Kind.ALLOCATED
    )
    return Area


def subject_in(
    kind: str = "adult", name: str = "Darren Mole", handling: int = 1, **kw: Any
) -> services.SubjectIn:
    values: dict[str, Any] = {
        "kind": kind,
        "name": name,
        "source": "Intelligence report 12/26",
        "source_reliability": "B",
        "information_assessment": 2,
        "handling_code": handling,
    }
    values.update(kw)
    return services.SubjectIn(**values)


def record(
    area: Any, kind: str = "adult", name: str = "Darren Mole", handling: int = 1, **kw: Any
) -> Subject:
    return services.subject_record(
        partnership=area.partnership, data=subject_in(kind, name, handling, **kw), by=area.officer
    )


def episode(area: Any, ref: str = "MFH-1", person: Any = None, **kw: Any) -> MissingEpisode:
    seen = NOW - timedelta(days=3)
    values: dict[str, Any] = {
        "partnership": area.partnership,
        "police_ref": ref,
        "route": "web",
        "subject": {},
        "person": person or area.child,
        "match_status": "matched",
        "category": "missing",
        "setting": "home",
        "risk": 2,
        "reported_at": seen + timedelta(hours=1),
        "last_seen_at": seen,
        "last_seen_place": "Halbury bus station",
        "circumstances": "Did not come home after school.",
        "status": "returned",
        "returned_at": seen + timedelta(hours=20),
        "strategy_due_at": seen + timedelta(hours=48),
    }
    values.update(kw)
    return MissingEpisode.objects.create(**values)
