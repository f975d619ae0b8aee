from __future__ import annotations

from typing import Any

import pytest

from mace.accounts.models import Agency, Role

from ..factories import AgencyFactory, PartnershipFactory, TeamFactory, UserFactory


@pytest.fixture
def area() -> Any:
    """A partnership with a police force, a front door team and a social work team."""

    class Area:
        partnership = PartnershipFactory()
        police = AgencyFactory(
            kind=Agency.Kind.POLICE, code="shire-police", name="Shire Police", partnerships=[partnership]
        )
        council = AgencyFactory(kind=Agency.Kind.CHILDRENS_SOCIAL_CARE, partnerships=[partnership])
        front_door = TeamFactory(agency=council, partnership=partnership, front_door=True, name="Front Door")
        social_work = TeamFactory(agency=council, partnership=partnership, name="Exploitation Team")
        police_team = TeamFactory(agency=police, partnership=partnership, name="Vulnerability Hub")
        officer = UserFactory(team=police_team, roles=[Role.POLICE_OFFICER])
        worker = UserFactory(team=front_door, roles=[Role.FRONT_DOOR_WORKER])
        manager = UserFactory(team=front_door, roles=[Role.FRONT_DOOR_MANAGER])
        social_worker = UserFactory(team=social_work, roles=[Role.SOCIAL_WORKER])

    return Area
