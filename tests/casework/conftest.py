from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from mace.accounts.models import Agency, Role
from mace.people.models import Involvement

from ..factories import (
    AgencyFactory,
    InvolvementFactory,
    PartnershipFactory,
    PersonFactory,
    TeamFactory,
    UserFactory,
)


@pytest.fixture(autouse=True)
def clock() -> Iterator[None]:
    """The area's history (allocated 200 days ago) and the tests' own instants (20 November 2026) are on
    one clock: a fixture that read the real clock made supervision compliance depend on the day it ran."""
    with time_machine.travel("2026-11-20T12:00:00+00:00", tick=True):
        yield


@pytest.fixture
def area() -> Any:
    """A social work team (worker and manager), an inclusion team (education officer), and a child
    allocated to the worker and known to the inclusion team."""

    class Area:
        partnership = PartnershipFactory()
        council = AgencyFactory(kind=Agency.Kind.CHILDRENS_SOCIAL_CARE, partnerships=[partnership])
        education = AgencyFactory(kind=Agency.Kind.EDUCATION, partnerships=[partnership])
        social_work = TeamFactory(agency=council, partnership=partnership, name="Exploitation Team")
        inclusion = TeamFactory(agency=education, partnership=partnership, name="Inclusion")
        worker = UserFactory(team=social_work, agency=council, roles=[Role.SOCIAL_WORKER])
        manager = UserFactory(team=social_work, agency=council, roles=[Role.TEAM_MANAGER])
        officer = UserFactory(team=inclusion, agency=education, roles=[Role.EDUCATION_OFFICER])
        analyst = UserFactory(team=None, agency=council, roles=[Role.PARTNERSHIP_ANALYST])
        child = PersonFactory(partnership=partnership, given_names="Kai", family_name="Rivers")

    InvolvementFactory(
        person=Area.child,
        team=Area.social_work,
        worker=Area.worker,
        kind=Involvement.Kind.ALLOCATED,
        started_at=timezone.now() - timedelta(days=200),
    )
    InvolvementFactory(person=Area.child, team=Area.inclusion, kind=Involvement.Kind.INVOLVED)
    return Area
