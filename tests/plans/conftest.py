from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from mace.accounts.models import Agency, Role
from mace.people.models import Involvement
from mace.plans import services
from mace.plans.models import PlanType, PlanVersion

from ..factories import (
    AgencyFactory,
    InvolvementFactory,
    PartnershipFactory,
    PersonFactory,
    TeamFactory,
    UserFactory,
)


@pytest.fixture
def area() -> Any:
    """A child with an allocated social worker, a school and a police officer involved."""

    class Area:
        partnership = PartnershipFactory()
        council = AgencyFactory(
            kind=Agency.Kind.CHILDRENS_SOCIAL_CARE, name="Council", partnerships=[partnership]
        )
        school = AgencyFactory(kind=Agency.Kind.EDUCATION, name="Halbury Academy", partnerships=[partnership])
        police = AgencyFactory(kind=Agency.Kind.POLICE, name="Shire Police", partnerships=[partnership])
        social_work = TeamFactory(agency=council, partnership=partnership, name="Exploitation Team")
        school_team = TeamFactory(agency=school, partnership=partnership, name="Inclusion")
        police_team = TeamFactory(agency=police, partnership=partnership, name="Child Exploitation Unit")
        social_worker = UserFactory(team=social_work, agency=council, roles=[Role.SOCIAL_WORKER])
        colleague = UserFactory(team=social_work, agency=council, roles=[Role.TEAM_MANAGER])
        teacher = UserFactory(team=school_team, agency=school, roles=[Role.EDUCATION_OFFICER])
        officer = UserFactory(team=police_team, agency=police, roles=[Role.POLICE_OFFICER])
        child = PersonFactory(partnership=partnership)

    InvolvementFactory(
        person=Area.child, team=Area.social_work, worker=Area.social_worker, kind=Involvement.Kind.ALLOCATED
    )
    InvolvementFactory(
        person=Area.child, team=Area.school_team, worker=Area.teacher, kind=Involvement.Kind.INVOLVED
    )
    InvolvementFactory(
        person=Area.child, team=Area.police_team, worker=Area.officer, kind=Involvement.Kind.INVOLVED
    )
    return Area


def action(text: str = "Weekly direct work with the child", **kw: Any) -> services.ActionIn:
    values: dict[str, Any] = {"text": text, "owner": "Sam Worker", "due": date(2026, 12, 15)}
    values.update(kw)
    return services.ActionIn(**values)


def plan_in(**kw: Any) -> services.PlanIn:
    values: dict[str, Any] = {
        "plan_type": PlanType.CHILD_IN_NEED,
        "reason": "",
        "agree": True,
        "needs_and_risks": "Going missing with older males; not attending school.",
        "outcomes": "Back in school full time; no missing episodes.",
        "child_views": "I just want people to stop asking me where I was.",
        "family_views": "Mum wants help with boundaries.",
        "contingency": "If she goes missing again, a strategy meeting within 24 hours.",
        "actions": [action()],
    }
    values.update(kw)
    return services.PlanIn(**values)


def save(area: Any, version: int = 0, by: Any = None, at: Any = None, **kw: Any) -> PlanVersion:
    return services.plan_save(
        person=area.child, data=plan_in(**kw), by=by or area.social_worker, version=version, at=at
    )
