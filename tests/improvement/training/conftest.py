"""A partnership with two emergency departments that must be trained to level 3, a register of their
staff, a trainer (the business manager) and a level 3 course; "now" pinned to 3 March 2023."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest
import time_machine

from mace.accounts.models import Agency, Role
from mace.core.audit import Actor
from mace.improvement.training import services
from mace.improvement.training.models import Level

from ...factories import AgencyFactory, PartnershipFactory, TeamFactory, UserFactory

NOW = datetime(2023, 3, 3, 10, 0, tzinfo=UTC)
TODAY = date(2023, 3, 3)
SYSTEM = Actor.system("test")


@pytest.fixture
def now() -> Iterator[datetime]:
    with time_machine.travel(NOW, tick=False):
        yield NOW


@pytest.fixture
def partnership() -> Any:
    return PartnershipFactory()


@pytest.fixture
def trust(partnership: Any) -> Any:
    return AgencyFactory(name="East Shire NHS Trust", kind=Agency.Kind.HEALTH, partnerships=[partnership])


@pytest.fixture
def ed(trust: Any, partnership: Any) -> Any:
    team = TeamFactory(agency=trust, partnership=partnership, name="Emergency Department")
    services.requirement_set(team=team, level=Level.SPECIALIST, reason="Sees exploited children", by=SYSTEM)
    return team


@pytest.fixture
def trainer(partnership: Any, trust: Any) -> Any:
    team = TeamFactory(agency=trust, partnership=partnership, name="Partnership business unit")
    return UserFactory(team=team, roles=[Role.BUSINESS_MANAGER], first_name="Tara", last_name="Trainer")


@pytest.fixture
def course(partnership: Any, trust: Any) -> Any:
    return services.course_create(
        partnership=partnership,
        code="l3-ed",
        title="Level 3 safeguarding: exploitation in the ED",
        level=Level.SPECIALIST,
        multi_agency=False,
        agency=trust,
        by=SYSTEM,
    )


@pytest.fixture
def session(now: datetime, course: Any) -> Any:
    return services.session_schedule(
        course=course, on=date(2022, 11, 29), venue="Education centre", by=SYSTEM
    )


def register(partnership: Any, team: Any, n: int, prefix: str = "Nurse") -> list[Any]:
    return [
        services.practitioner_add(
            partnership=partnership,
            team=team,
            name=f"{prefix} {i:02d}",
            manager_name="Sister Ward",
            by=SYSTEM,
        )
        for i in range(n)
    ]
