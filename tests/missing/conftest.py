from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine

from mace.accounts.models import Agency, Role
from mace.missing import services
from mace.missing.models import MissingEpisode
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


# What the services' clock reads while these tests run: six days after NOW (Tuesday 24 November), so that
# events set at NOW + 73 hours have happened, a meeting at NOW + 30 days is still to come and minutes of a
# meeting held at NOW - 2 days are shared within their 10 days. Before this, the tests mixed NOW with the
# real clock and began to fail ten days after NOW.
CLOCK = NOW + timedelta(days=6)


@pytest.fixture(autouse=True)
def at_now() -> Iterator[None]:
    with time_machine.travel(CLOCK, tick=True):
        yield


@pytest.fixture
def area() -> Any:
    """A partnership with police, a front door, a social work team, a return home service, and a child."""

    class Area:
        partnership = PartnershipFactory()
        police = AgencyFactory(
            kind=Agency.Kind.POLICE, code="shire-police", name="Shire Police", partnerships=[partnership]
        )
        council = AgencyFactory(kind=Agency.Kind.CHILDRENS_SOCIAL_CARE, partnerships=[partnership])
        rhi_service = AgencyFactory(kind=Agency.Kind.COMMISSIONED, name="Compass", partnerships=[partnership])
        front_door = TeamFactory(agency=council, partnership=partnership, front_door=True, name="Front Door")
        social_work = TeamFactory(agency=council, partnership=partnership, name="Exploitation Team")
        police_team = TeamFactory(agency=police, partnership=partnership, name="Vulnerability Hub")
        rhi_team = TeamFactory(agency=rhi_service, partnership=partnership, name="Return Home Interviews")
        officer = UserFactory(team=police_team, agency=police, roles=[Role.POLICE_OFFICER])
        worker = UserFactory(team=front_door, agency=council, roles=[Role.FRONT_DOOR_WORKER])
        social_worker = UserFactory(team=social_work, agency=council, roles=[Role.SOCIAL_WORKER])
        manager = UserFactory(team=social_work, agency=council, roles=[Role.TEAM_MANAGER])
        rhi_worker = UserFactory(team=rhi_team, agency=rhi_service, roles=[Role.RHI_WORKER])
        child = PersonFactory(partnership=partnership)

    InvolvementFactory(
        person=Area.child, team=Area.social_work, worker=Area.social_worker, kind=Involvement.Kind.ALLOCATED
    )
    return Area


def episode_in(
    area: Any, ref: str = "MFH-1", *, seen: datetime | None = None, **kw: Any
) -> services.EpisodeIn:
    seen = seen or NOW - timedelta(hours=3)
    values: dict[str, Any] = {
        "police_ref": ref,
        "category": MissingEpisode.Category.MISSING,
        "setting": MissingEpisode.Setting.HOME,
        "risk": MissingEpisode.Risk.MEDIUM,
        "reported_at": seen + timedelta(hours=1),
        "last_seen_at": seen,
        "last_seen_place": "Halbury bus station",
        "circumstances": "Did not come home after school.",
        "person": area.child,
    }
    values.update(kw)
    return services.EpisodeIn(**values)


def report(area: Any, ref: str = "MFH-1", **kw: Any) -> MissingEpisode:
    episode, _ = services.episode_report(
        data=episode_in(area, ref, **kw), partnership=area.partnership, route="web", by=area.officer
    )
    return episode


def return_in(at: datetime | None = None, **kw: Any) -> services.ReturnIn:
    values: dict[str, Any] = {
        "returned_at": at or NOW,
        "found_place": "Halbury bus station",
        "found_by": MissingEpisode.FoundBy.POLICE,
        "found_with": "Two older boys",
        "child_account": "I stayed at a friend's flat.",
    }
    values.update(kw)
    return services.ReturnIn(**values)
