"""Rapid reviews and practice reviews: the 15-working-day clock from notification (bank holidays do not
count), recommendations and actions tracked to completion, bad input refused, and the board pack's counts
reproduced exactly from generated reviews."""

# shifted-clocks: pinned

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError

from mace.accounts.models import Agency, Role
from mace.core import clocks
from mace.core.audit import Actor
from mace.improvement.reviews import clock, selectors, services
from mace.improvement.reviews.models import Review, ReviewAction, ReviewActionUpdate

from ...factories import AgencyFactory, PartnershipFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db
NOW = datetime(2027, 2, 1, 10, 0, tzinfo=UTC)
TODAY = NOW.date()


@pytest.fixture(autouse=True)
def now() -> Iterator[datetime]:
    with time_machine.travel(NOW, tick=False):
        yield NOW


@pytest.fixture
def partnership() -> Any:
    return PartnershipFactory()


@pytest.fixture
def manager(partnership: Any) -> Any:
    board = AgencyFactory(kind=Agency.Kind.PARTNERSHIP, partnerships=[partnership])
    return UserFactory(team=TeamFactory(agency=board, partnership=partnership), roles=[Role.BUSINESS_MANAGER])


def _review(partnership: Any, by: Any, notified: date, ref: str = "RR 2026/01", **kw: Any) -> Review:
    return services.review_create(
        partnership=partnership,
        kind=kw.get("kind", "rapid"),
        reference=ref,
        summary="",
        notified_on=notified,
        themes=kw.get("themes", ["exploitation"]),
        by=by,
    )


def test_the_rapid_review_is_due_fifteen_working_days_after_notification_skipping_christmas() -> None:
    # Thursday 10 December 2026: Christmas Day and the Boxing Day substitute (Monday 28) and New Year's Day
    # are not working days, so the fifteenth working day is Tuesday 5 January 2027.
    assert clock.rapid_review_due(date(2026, 12, 10)) == date(2027, 1, 5)
    assert clock.rapid_review_due(date(2026, 11, 2)) == date(2026, 11, 23)


def test_completion_on_the_due_day_is_on_time_and_the_day_after_is_late() -> None:
    on_time = clock.timeliness(date(2026, 12, 10), date(2027, 1, 5), TODAY)
    late = clock.timeliness(date(2026, 12, 10), date(2027, 1, 6), TODAY)
    assert on_time.on_time is True and on_time.working_days == 15
    assert late.on_time is False and late.working_days == 16
    assert late.text == "Completed in 16 working days: late (due 5 January 2027)"


def test_an_open_review_past_its_due_day_is_overdue() -> None:
    t = clock.timeliness(date(2026, 12, 10), None, date(2027, 1, 6))
    assert t.on_time is False and t.text.startswith("Overdue: due 5 January 2027")
    assert (
        clock.timeliness(date(2027, 1, 25), None, TODAY).text == "Due 15 February 2027: 10 working days left"
    )


def test_a_review_is_tracked_to_completion(partnership: Any, manager: Any) -> None:
    review = _review(partnership, manager, date(2026, 12, 10))
    rec = services.recommendation_add(
        review=review, text="Share ED attendances with the front door", by=manager
    )
    action = services.action_add(
        recommendation=rec,
        text="Daily ED list to the front door",
        owner="Named nurse",
        due=date(2027, 3, 1),
        by=manager,
    )
    assert selectors.row(selectors.review_for(manager, review.pk)).status.startswith("In progress")
    services.action_update(action=action, on=TODAY, text="Live since January", completed=True, by=manager)
    services.review_complete(review=review, completed_on=date(2027, 1, 5), by=manager)
    services.learning_share(
        review=review, learning="Information sharing", shared_on=TODAY, how="Learning week", by=manager
    )
    row = selectors.row(selectors.review_for(manager, review.pk))
    assert row.complete and row.status == "Complete"
    assert row.timeliness is not None and row.timeliness.on_time
    assert ReviewAction.objects.get().completed_on == TODAY


def test_an_action_without_an_owner_or_due_date_is_refused(partnership: Any, manager: Any) -> None:
    review = _review(partnership, manager, date(2026, 12, 10))
    rec = services.recommendation_add(review=review, text="R1", by=manager)
    with pytest.raises(ValidationError) as refused:
        services.action_add(recommendation=rec, text="Do it", owner=" ", due=None, by=manager)
    assert set(refused.value.message_dict) == {"owner", "due"}
    assert not ReviewAction.objects.exists()


def test_progress_dated_before_the_action_existed_is_refused(partnership: Any, manager: Any) -> None:
    review = _review(partnership, manager, date(2026, 12, 10))
    rec = services.recommendation_add(review=review, text="R1", by=manager)
    action = services.action_add(
        recommendation=rec, text="Do it", owner="Chair", due=date(2027, 3, 1), by=manager
    )
    with pytest.raises(ValidationError):
        services.action_update(action=action, on=date(2027, 1, 1), text="Early", completed=False, by=manager)
    assert not ReviewActionUpdate.objects.exists()


def test_a_notification_in_the_future_is_refused(partnership: Any, manager: Any) -> None:
    with pytest.raises(ValidationError):
        _review(partnership, manager, TODAY + timedelta(days=1))
    assert not Review.objects.exists()


def test_only_whoever_runs_the_plans_records_reviews(partnership: Any) -> None:
    executive = UserFactory(roles=[Role.EXECUTIVE], team__partnership=partnership)
    with pytest.raises(PermissionError):
        _review(partnership, executive, date(2026, 12, 10))
    assert not Review.objects.exists()


def test_timeliness_counts_are_reproduced_exactly_from_generated_reviews(partnership: Any) -> None:
    """Forty rapid reviews notified in 2026, each completed a known number of working days later (or not
    yet): the summary's counts equal the counts made from how each was generated."""
    rng = random.Random(12)
    actor = Actor.system("test")
    taken: list[int | None] = []
    for n in range(40):
        notified = date(2026, 1, 1) + timedelta(days=rng.randrange(300))
        days = rng.choice([None, *range(5, 25)])
        completed = clocks.add_working_days(notified, days) if days is not None else None
        if completed is not None and completed > TODAY:
            completed = None
            days = None
        review = _review(partnership, actor, notified, ref=f"RR {n}")
        if completed is not None:
            services.review_complete(review=review, completed_on=completed, by=actor)
        taken.append(days)
    s = selectors.summary([partnership.pk], date(2026, 1, 1), date(2026, 12, 31), TODAY)
    assert s.rapid == 40
    assert s.rapid_done == sum(1 for d in taken if d is not None)
    assert s.rapid_on_time == sum(1 for d in taken if d is not None and d <= 15)


def test_the_board_pack_carries_counts_only(partnership: Any, manager: Any) -> None:
    from mace.oversight import pack as packs
    from mace.oversight.periods import Period

    for n, notified in enumerate([date(2026, 12, 1), date(2026, 12, 10)]):
        review = _review(partnership, manager, notified, ref=f"Child {'RS'[n]}")
        services.review_complete(
            review=review, completed_on=clocks.add_working_days(notified, 14 + n * 3), by=manager
        )
        rec = services.recommendation_add(review=review, text="Secret words of the review", by=manager)
        services.action_add(recommendation=rec, text="Act", owner="Chair", due=date(2026, 12, 20), by=manager)
    executive = UserFactory(roles=[Role.EXECUTIVE], team=manager.team)
    built = packs.build_pack(executive, Period.parse("month:2026-12", today=TODAY), kind="board")
    section = next(s for s in built.sections if s.code == "practice-reviews")
    assert section.context is not None
    figures = dict(section.context["figures"])
    assert figures["Rapid reviews notified in the period"] == "fewer than 5"
    assert figures["Their actions overdue"] == "2"
    assert "Secret words" not in section.html and "Child R" not in section.html
