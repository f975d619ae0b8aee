"""Minutes compliance reproduced from the generated year by a plain second computation."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from mace.accounts.models import Role, Team
from mace.demo.generate import generate
from mace.meetings import selectors
from mace.meetings.models import Meeting

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def manager(db: Any, make_user: Any) -> Any:
    generate(children=600, seed=4)
    team = Team.objects.get(code="eastshire-ce")
    return make_user(Role.TEAM_MANAGER, team=team, agency=team.agency)


def test_minutes_compliance_by_team_is_reproduced_from_the_records(manager: Any) -> None:
    now = timezone.now()
    until = now.astimezone(LONDON).date()
    since = until - timedelta(days=300)
    c = selectors.minutes_compliance(manager, since=since, until=until, now=now)
    start = datetime.combine(since, datetime.min.time(), tzinfo=LONDON)
    end = datetime.combine(until + timedelta(days=1), datetime.min.time(), tzinfo=LONDON)
    expected: dict[str, list[bool]] = {}
    for m in Meeting.objects.filter(status="held", held_at__gte=start, held_at__lt=end).select_related(
        "team"
    ):
        due = m.minutes_due_at  # ten days on: checked against the calendar in the next test
        shared = [i.minutes_shared_at for i in m.invitations.all()]
        if all(shared) and max(shared) <= due:  # type: ignore[type-var]
            expected.setdefault(m.team.name, []).append(True)
        elif now > due:
            expected.setdefault(m.team.name, []).append(False)
    got = {team: (r.met, r.total) for team, r in c.by_team}
    assert got == {team: (sum(oks), len(oks)) for team, oks in expected.items()}
    assert sum(r.total for _, r in c.by_month) == c.overall.total > 0
    rates = [r.percent for _, r in c.by_team]
    assert max(rates) - min(rates) > 10  # teams differ, as inspectors found


def test_every_held_meetings_minutes_are_due_ten_days_later(manager: Any) -> None:
    for m in Meeting.objects.filter(status="held")[:50]:
        local_held, local_due = m.held_at.astimezone(LONDON), m.minutes_due_at.astimezone(LONDON)
        assert local_due.date() - local_held.date() == timedelta(days=10)
        assert local_due.time() == local_held.time()


def test_strategy_meetings_invite_the_police_officer_on_the_rota(manager: Any) -> None:
    strategy = Meeting.objects.filter(kind="strategy", police_attendee__isnull=False)
    assert strategy.exists()
    for m in strategy[:30]:
        assert m.invitations.filter(user=m.police_attendee).exists()
