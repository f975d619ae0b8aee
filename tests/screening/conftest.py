from __future__ import annotations

from typing import Any

import pytest

from mace.accounts.models import Agency, Role
from mace.screening import selectors as screening_selectors
from mace.screening import services as screening_services

from ..factories import (
    AgencyFactory,
    InvolvementFactory,
    PartnershipFactory,
    PersonFactory,
    TeamFactory,
    UserFactory,
)


@pytest.fixture
def ed_area() -> Any:
    """A partnership with a front door, a hospital trust (ED and safeguarding team), another trust,
    a school, and a child the ED and the school both know."""

    class Area:
        partnership = PartnershipFactory()
        council = AgencyFactory(kind=Agency.Kind.CHILDRENS_SOCIAL_CARE, partnerships=[partnership])
        front_door = TeamFactory(agency=council, partnership=partnership, front_door=True, name="Front Door")
        trust = AgencyFactory(
            kind=Agency.Kind.HEALTH, partnerships=[partnership], name="Mid Shire Hospitals NHS FT"
        )
        ed = TeamFactory(agency=trust, partnership=partnership, name="Emergency Department (Leighton)")
        safeguarding = TeamFactory(agency=trust, partnership=partnership, name="Safeguarding Children Team")
        other_trust = AgencyFactory(
            kind=Agency.Kind.HEALTH, partnerships=[partnership], name="East Shire NHS Trust"
        )
        other_ed = TeamFactory(
            agency=other_trust, partnership=partnership, name="Emergency Department (Macclesfield)"
        )
        school = AgencyFactory(
            kind=Agency.Kind.EDUCATION, partnerships=[partnership], name="Eastshire Education"
        )
        inclusion = TeamFactory(agency=school, partnership=partnership, name="Inclusion")
        nurse = UserFactory(team=ed, roles=[Role.ED_CLINICIAN], first_name="Aisha")
        other_nurse = UserFactory(team=other_ed, roles=[Role.ED_CLINICIAN])
        lead = UserFactory(team=safeguarding, roles=[Role.HEALTH_SAFEGUARDING_LEAD], first_name="Fiona")
        other_lead = UserFactory(
            team=TeamFactory(agency=other_trust, partnership=partnership),
            roles=[Role.HEALTH_SAFEGUARDING_LEAD],
        )
        education = UserFactory(team=inclusion, roles=[Role.EDUCATION_OFFICER])
        front_door_worker = UserFactory(team=front_door, roles=[Role.FRONT_DOOR_WORKER])
        manager = UserFactory(team=front_door, roles=[Role.FRONT_DOOR_MANAGER], first_name="Gareth")
        admin = UserFactory(
            team=TeamFactory(agency=council, partnership=partnership), roles=[Role.ADMINISTRATOR]
        )
        child = PersonFactory(partnership=partnership, given_names="Kayden", family_name="Moss")

    InvolvementFactory(person=Area.child, team=Area.inclusion)
    return Area


def screening_in(**overrides: Any) -> screening_services.ScreeningIn:
    """A complete, valid screening: two indicators with evidence, judged at the indicators' level."""
    values: dict[str, Any] = {
        "tool_version": screening_selectors.active_tool_version(),
        "answers": {
            "cce_missing": "Missing three nights in October, returned with new trainers.",
            "cce_gang": "Says he 'works for the lads' from the estate.",
        },
        "analysis": "Emerging criminal exploitation: repeat missing with a group known for supply.",
        "judgement": 1,
        "judgement_reason": "Two indicators, no evidence yet of harm; school and police to share more.",
        "child_voice": "They're my mates, they look after me.",
    }
    values.update(overrides)
    return screening_services.ScreeningIn(**values)
