"""A partnership whose records are made one by one, so that each return's rows can be worked out by hand.
"Now" is pinned to 2 December 2026 (the 2027 collection year, April 2026 to March 2027, is in progress)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from itertools import count
from typing import Any

import pytest
import time_machine
from django.conf import settings

from mace.accounts.models import Partnership, Role, User
from mace.frontdoor.models import Contact
from mace.meetings.models import Meeting
from mace.missing.models import MissingEpisode, ReturnInterview
from mace.people.models import Identifier, Person
from mace.plans.models import Plan, PlanReview, PlanVersion
from mace.screening.models import Screening, ToolVersion

from ..factories import AgencyFactory, PartnershipFactory, PersonFactory, TeamFactory, UserFactory

NOW = datetime(2026, 12, 2, 10, 0, tzinfo=UTC)
_refs = count(1)


def at(y: int, m: int, d: int, hour: int = 11) -> datetime:
    return datetime(y, m, d, hour, 0, tzinfo=UTC)


@pytest.fixture
def now() -> Iterator[datetime]:
    with time_machine.travel(NOW, tick=False):
        yield NOW


@pytest.fixture(autouse=True)
def _exports_dir(tmp_path: Any) -> Iterator[None]:
    old = getattr(settings, "MACE_EXPORTS_DIR", "")
    settings.MACE_EXPORTS_DIR = str(tmp_path / "exports")
    yield
    settings.MACE_EXPORTS_DIR = old


class World:
    """Makes the records the returns read, with only the fields that matter to them."""

    def __init__(self) -> None:
        self.partnership: Partnership = PartnershipFactory()
        self.police = AgencyFactory(kind="police", partnerships=[self.partnership])
        self.school = AgencyFactory(kind="education", partnerships=[self.partnership])
        team = TeamFactory(partnership=self.partnership)
        self.team = team
        self.chair = UserFactory(team=team, roles=[Role.TEAM_MANAGER])
        self.analyst: User = UserFactory(team=team, roles=[Role.PARTNERSHIP_ANALYST])

    def child(self, *, la: str = "", upn: str = "", **kw: Any) -> Person:
        kw.setdefault("date_of_birth", date(2011, 5, 14))
        kw.setdefault("ethnicity", "White - English, Welsh, Scottish, Northern Irish or British")
        person = PersonFactory(partnership=self.partnership, **kw)
        if la:
            Identifier.objects.create(person=person, scheme="la_child", value=la)
        if upn:
            Identifier.objects.create(person=person, scheme="upn", value=upn)
        return person

    def contact(
        self,
        person: Person,
        *,
        on: datetime,
        decision: str = "referral",
        concerns: list[str] | None = None,
        agency: Any = None,
    ) -> Contact:
        return Contact.objects.create(
            partnership=self.partnership,
            kind=Contact.Kind.PROFESSIONAL,
            route=Contact.Route.WEB,
            source_agency=agency if agency is not None else self.police,
            received_at=on - timedelta(hours=3),
            review_due_at=on + timedelta(hours=24),
            decision_due_at=on + timedelta(hours=8),
            person=person,
            match_status=Contact.Match.MATCHED,
            summary="test",
            concerns=concerns or [],
            decided_at=on if decision else None,
            decision=decision,
            status=Contact.Status.CLOSED if decision else Contact.Status.OPEN,
            allocated_team=self.team,
        )

    def screening(self, person: Person, *, on: datetime, agreed: datetime | None = None) -> Screening:
        return Screening.objects.create(
            partnership=self.partnership,
            tool_version=ToolVersion.objects.filter(status="active").first(),
            person=person,
            answers={},
            analysis="test",
            score=10,
            level=2,
            judgement=2,
            judgement_reason="test",
            status=Screening.Status.COMPLETE,
            completed_by_label="test",
            completed_at=on,
            agreed_at=agreed,
        )

    def strategy(self, person: Person, *, held: datetime, section_47: bool = True) -> Meeting:
        meeting = Meeting.objects.create(
            partnership=self.partnership,
            kind=Meeting.Kind.STRATEGY,
            purpose="test",
            scheduled_at=held,
            team=self.team,
            chair=self.chair,
            status=Meeting.Status.HELD,
            held_at=held,
            section_47=section_47,
        )
        meeting.children.add(person)
        return meeting

    def plan(self, person: Person, *versions: tuple[datetime, str, str]) -> Plan:
        """versions: (saved at, plan type, status) in order."""
        first = versions[0][0]
        plan = Plan.objects.create(
            person=person,
            partnership=self.partnership,
            created_at=first,
            updated_at=versions[-1][0],
            plan_type=versions[-1][1],
            status=versions[-1][2],
            version=len(versions),
        )
        for n, (saved, plan_type, status) in enumerate(versions, 1):
            PlanVersion.objects.create(
                plan=plan,
                number=n,
                created_at=saved,
                created_by_label="test",
                reason="test",
                plan_type=plan_type,
                status=status,
            )
        return plan

    def review(self, plan: Plan, *, on: date) -> PlanReview:
        return PlanReview.objects.create(
            plan=plan,
            reviewed_version=plan.version,
            held_on=on,
            attendees="test",
            progress="test",
            contingency_needed=False,
            contingency_used=False,
            child_safer="yes",
            decision="continue",
            recorded_at=datetime(on.year, on.month, on.day, 12, tzinfo=UTC),
            recorded_by_label="test",
        )

    def episode(
        self,
        person: Person,
        *,
        seen: datetime,
        back: datetime | None,
        category: str = "missing",
        setting: str = "care",
        offered: datetime | None = None,
        response: str = "pending",
    ) -> MissingEpisode:
        episode = MissingEpisode.objects.create(
            partnership=self.partnership,
            police_ref=f"MFH-X-{next(_refs)}",
            route="web",
            match_status=MissingEpisode.Match.MATCHED,
            person=person,
            category=category,
            setting=setting,
            risk=MissingEpisode.Risk.MEDIUM,
            reported_at=seen + timedelta(hours=1),
            last_seen_at=seen,
            last_seen_place="test",
            circumstances="test",
            strategy_due_at=seen + timedelta(hours=48),
            status=MissingEpisode.Status.RETURNED if back else MissingEpisode.Status.MISSING,
            returned_at=back,
        )
        if back is not None:
            ReturnInterview.objects.create(
                episode=episode,
                partnership=self.partnership,
                created_at=back,
                offer_due_at=back + timedelta(hours=72),
                offered_at=offered,
                response=response,
            )
        return episode


@pytest.fixture
def world(db: Any, now: datetime) -> World:
    return World()
