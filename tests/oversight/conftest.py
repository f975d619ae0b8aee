"""A small partnership whose records are made one by one, so that each scorecard figure can be worked out
by hand. "Now" is pinned to 2 December 2026; the period most tests read is November 2026."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from itertools import count
from typing import Any

import pytest
import time_machine

from mace.accounts.models import Partnership
from mace.frontdoor.models import Contact
from mace.missing.models import MissingEpisode, ReturnInterview, StrategyRequirement
from mace.oversight.periods import Period
from mace.people.models import Flag, Person
from mace.screening.models import Screening, ToolVersion

from ..factories import PartnershipFactory, PersonFactory

NOW = datetime(2026, 12, 2, 10, 0, tzinfo=UTC)
NOVEMBER = Period.parse("month:2026-11", today=date(2026, 12, 2))
_refs = count(1)


def at(day: int, hour: int = 12, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, 0, tzinfo=UTC)


@pytest.fixture
def now() -> Iterator[datetime]:
    with time_machine.travel(NOW, tick=False):
        yield NOW


class Records:
    """Makes the records the scorecard counts, with only the fields that matter to it."""

    def __init__(self, partnership: Partnership) -> None:
        self.partnership = partnership

    def child(self, **kw: Any) -> Person:
        return PersonFactory(partnership=self.partnership, **kw)

    def flag(
        self, person: Person, kind: str = Flag.Kind.CSE, *, set_at: datetime, removed_at: Any = None
    ) -> Flag:
        return Flag.objects.create(
            person=person, kind=kind, reason="test", set_by_label="test", set_at=set_at, removed_at=removed_at
        )

    def screening(
        self, person: Person | None, *, judgement: int, completed_at: datetime, answers: Any = None
    ) -> Screening:
        return Screening.objects.create(
            partnership=self.partnership,
            tool_version=ToolVersion.objects.filter(status="active").first(),
            person=person,
            answers=answers or {},
            analysis="test",
            score=judgement * 5,
            level=judgement,
            judgement=judgement,
            judgement_reason="test",
            status=Screening.Status.COMPLETE,
            completed_by_label="test",
            completed_at=completed_at,
        )

    def contact(
        self,
        person: Person | None,
        *,
        received_at: datetime,
        approved_at: datetime | None = None,
        decided_at: datetime | None = None,
        decision: str = "",
        kind: str = Contact.Kind.PROFESSIONAL,
        concerns: list[str] | None = None,
    ) -> Contact:
        return Contact.objects.create(
            partnership=self.partnership,
            kind=kind,
            route=Contact.Route.WEB,
            received_at=received_at,
            review_due_at=received_at + timedelta(hours=24),
            decision_due_at=received_at + timedelta(hours=8),
            person=person,
            match_status=Contact.Match.MATCHED,
            summary="test",
            concerns=concerns or [],
            approved_at=approved_at,
            decided_at=decided_at,
            decision=decision,
        )

    def episode(
        self,
        person: Person | None,
        *,
        last_seen_at: datetime,
        returned_at: datetime | None = None,
        category: str = MissingEpisode.Category.MISSING,
        setting: str = MissingEpisode.Setting.HOME,
    ) -> MissingEpisode:
        return MissingEpisode.objects.create(
            partnership=self.partnership,
            police_ref=f"MFH-{next(_refs)}",
            route="web",
            match_status=MissingEpisode.Match.MATCHED,
            person=person,
            category=category,
            setting=setting,
            risk=MissingEpisode.Risk.MEDIUM,
            reported_at=last_seen_at + timedelta(hours=1),
            last_seen_at=last_seen_at,
            last_seen_place="test",
            circumstances="test",
            strategy_due_at=last_seen_at + timedelta(hours=48),
            status=MissingEpisode.Status.RETURNED if returned_at else MissingEpisode.Status.MISSING,
            returned_at=returned_at,
        )

    def interview(
        self,
        episode: MissingEpisode,
        *,
        offered_at: datetime | None = None,
        completed_at: datetime | None = None,
        response: str = ReturnInterview.Response.PENDING,
    ) -> ReturnInterview:
        assert episode.returned_at is not None
        return ReturnInterview.objects.create(
            episode=episode,
            partnership=self.partnership,
            created_at=episode.returned_at,
            offer_due_at=episode.returned_at + timedelta(hours=72),
            offered_at=offered_at,
            completed_at=completed_at,
            response=response,
        )

    def strategy(self, episode: MissingEpisode, *, held_at: datetime | None) -> StrategyRequirement:
        return StrategyRequirement.objects.create(
            episode=episode,
            partnership=self.partnership,
            required_at=episode.strategy_due_at,
            held_at=held_at,
        )


@pytest.fixture
def records(db: Any, now: datetime) -> Records:
    return Records(PartnershipFactory())
