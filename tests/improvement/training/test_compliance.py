"""Compliance by agency and team against the required level, reproduced exactly from generated records:
an independent count over the generated register and attendance must equal what MACE computes."""

# shifted-clocks: pinned

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

import pytest

from mace.accounts.models import Agency
from mace.improvement.training import presenters, selectors, services
from mace.improvement.training.models import Level, TrainingBooking

from ...factories import AgencyFactory, TeamFactory
from .conftest import SYSTEM, TODAY, register

pytestmark = pytest.mark.django_db
ATTENDED = TrainingBooking.Status.ATTENDED


def _attend(session: Any, practitioners: list[Any], status: str = ATTENDED) -> None:
    for p in practitioners:
        booking = services.booking_add(session=session, practitioner=p, by=SYSTEM)
        booking.status = status
        booking.save(update_fields=["status"])


def test_the_seeds_ed_figures_85_and_83_percent(now: Any, partnership: Any, trust: Any, ed: Any) -> None:
    """2.2a: "As of 30 November 2022, ECT staff are at 85% compliance and MCHFT are at 83%"."""
    other = AgencyFactory(name="Mid Shire Hospitals", kind=Agency.Kind.HEALTH, partnerships=[partnership])
    ed2 = TeamFactory(agency=other, partnership=partnership, name="Emergency Department (Leighton)")
    services.requirement_set(team=ed2, level=Level.SPECIALIST, by=SYSTEM)
    course = services.course_create(
        partnership=partnership,
        code="l3",
        title="Level 3",
        level=Level.SPECIALIST,
        multi_agency=True,
        by=SYSTEM,
    )
    session = services.session_schedule(
        course=course, on=date(2022, 10, 1), venue="Online", capacity=100, by=SYSTEM
    )
    first, second = register(partnership, ed, 40), register(partnership, ed2, 30, "Doctor")
    _attend(session, first[:34] + second[:25])
    found = selectors.compliance_in([partnership.pk], date(2022, 11, 30))
    rates = {a.agency.name: presenters.rate(a.trained, a.counted) for a in found.agencies}
    assert rates == {"East Shire NHS Trust": "34 of 40 (85%)", "Mid Shire Hospitals": "25 of 30 (83%)"}
    assert [p.name for p in found.team(ed.pk).untrained] == [f"Nurse {i:02d}" for i in range(34, 40)]  # type: ignore[union-attr]


def test_a_lower_level_course_does_not_count_for_a_level_3_team(
    now: Any, partnership: Any, ed: Any, session: Any
) -> None:
    awareness = services.course_create(
        partnership=partnership,
        code="l1",
        title="Awareness",
        level=Level.AWARENESS,
        multi_agency=True,
        by=SYSTEM,
    )
    (a, b) = register(partnership, ed, 2)
    _attend(services.session_schedule(course=awareness, on=date(2023, 1, 5), venue="Online", by=SYSTEM), [a])
    _attend(session, [b])
    row = selectors.compliance_in([partnership.pk], TODAY).team(ed.pk)
    assert row is not None and (row.trained, row.counted, [p.name for p in row.untrained]) == (1, 2, [a.name])


def test_training_older_than_three_years_has_lapsed(now: Any, partnership: Any, ed: Any, course: Any) -> None:
    (a,) = register(partnership, ed, 1)
    _attend(services.session_schedule(course=course, on=date(2020, 3, 2), venue="Online", by=SYSTEM), [a])
    assert selectors.compliance_in([partnership.pk], date(2023, 3, 1)).trained == 1
    assert selectors.compliance_in([partnership.pk], date(2023, 3, 2)).trained == 0


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_compliance_is_reproduced_exactly_from_generated_records(
    now: Any, partnership: Any, seed: int
) -> None:
    rng = random.Random(seed)
    agencies = [AgencyFactory(partnerships=[partnership]) for _ in range(3)]
    teams = []
    for agency in agencies:
        for _ in range(rng.randint(1, 3)):
            team = TeamFactory(agency=agency, partnership=partnership)
            services.requirement_set(team=team, level=rng.choice(Level.values), by=SYSTEM)
            teams.append(team)
    untracked = TeamFactory(agency=agencies[0], partnership=partnership)  # no requirement: not counted
    courses = {
        level: services.course_create(
            partnership=partnership,
            code=f"c{level}",
            title=f"Course {level}",
            level=level,
            multi_agency=True,
            by=SYSTEM,
        )
        for level in Level.values
    }
    on = date(2023, 3, 1)
    sessions = [
        services.session_schedule(
            course=courses[rng.choice(Level.values)],
            on=on - timedelta(days=rng.randint(-60, 1400)),
            venue="Online",
            capacity=500,
            by=SYSTEM,
        )
        for _ in range(12)
    ]
    people = []
    for team in [*teams, untracked]:
        for i in range(rng.randint(0, 12)):
            p = services.practitioner_add(
                partnership=partnership, team=team, name=f"P{team.pk}-{i}", by=SYSTEM
            )
            if rng.random() < 0.15:
                p.joined_on = on + timedelta(days=rng.randint(-30, 30))
            if rng.random() < 0.15:
                p.left_on = on + timedelta(days=rng.randint(-30, 30))
            p.save()
            people.append(p)
    for p in people:
        for s in rng.sample(sessions, rng.randint(0, 3)):
            b = services.booking_add(session=s, practitioner=p, by=SYSTEM)
            b.status = rng.choice(TrainingBooking.Status.values)
            b.save(update_fields=["status"])

    # The independent count: plain loops over what was generated.
    required = {t.pk: selectors.TrainingRequirement.objects.get(team=t).level for t in teams}  # type: ignore[attr-defined]
    expected: dict[int, tuple[int, int]] = {}
    for team in teams:
        counted = trained = 0
        for p in people:
            if p.team_id != team.pk:
                continue
            if (p.joined_on and p.joined_on > on) or (p.left_on and p.left_on <= on):
                continue
            counted += 1
            levels = [
                b.session.course.level
                for b in TrainingBooking.objects.filter(practitioner=p, status=ATTENDED).select_related(
                    "session__course"
                )
                if b.session.on <= on and b.session.on > date(on.year - 3, on.month, on.day)
            ]
            if levels and max(levels) >= required[team.pk]:
                trained += 1
        expected[team.pk] = (trained, counted)
    found = selectors.compliance_in([partnership.pk], on)
    got = {t.team.pk: (t.trained, t.counted) for a in found.agencies for t in a.teams}
    assert got == expected
    by_agency = {a.agency.pk: (a.trained, a.counted) for a in found.agencies}
    for agency in agencies:
        mine = [expected[t.pk] for t in teams if t.agency_id == agency.pk]
        assert by_agency[agency.pk] == (sum(m[0] for m in mine), sum(m[1] for m in mine))
    assert untracked.pk not in got
