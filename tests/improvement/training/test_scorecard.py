"""The scorecard counts training: the compliance measure is the training page's figure on the period's
last day, and the follow-up measure counts follow-ups held in the period."""

# shifted-clocks: pinned

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from mace.improvement.training import selectors, services
from mace.improvement.training.models import TrainingBooking, TrainingFollowUp
from mace.oversight import sources
from mace.oversight.periods import Period
from mace.oversight.sources import Scope

from .conftest import NOW, SYSTEM, register

pytestmark = pytest.mark.django_db


def test_the_compliance_measure_is_the_training_pages_figure_on_the_periods_last_day(
    session: Any, partnership: Any, ed: Any
) -> None:
    people = register(partnership, ed, 7)
    for p in people[:5]:
        b = services.booking_add(session=session, practitioner=p, by=SYSTEM)
        b.status = TrainingBooking.Status.ATTENDED
        b.save(update_fields=["status"])
    figure = sources.compute(
        "training_compliance", Scope((partnership.pk,), Period.parse("month:2023-02"), now=NOW), {}
    )
    page = selectors.compliance_in([partnership.pk], date(2023, 2, 28))
    assert (figure.numerator, figure.denominator) == (page.trained, page.counted) == (5, 7)
    before = sources.compute(
        "training_compliance", Scope((partnership.pk,), Period.parse("month:2022-10"), now=NOW), {}
    )
    assert (before.numerator, before.denominator) == (0, 7)  # the session was on 29 November 2022


def test_the_follow_up_measure_counts_follow_ups_held_in_the_period(
    session: Any, partnership: Any, ed: Any
) -> None:
    people = register(partnership, ed, 3)
    for p, (on, changed) in zip(
        people,
        [(date(2023, 2, 1), "yes"), (date(2023, 2, 27), "partly"), (date(2023, 3, 1), "yes")],
        strict=True,
    ):
        b = services.booking_add(session=session, practitioner=p, by=SYSTEM)
        b.status = TrainingBooking.Status.ATTENDED
        b.save(update_fields=["status"])
        services.follow_up_record(
            booking=b,
            on=on,
            attendee_says="a",
            manager_name="m",
            manager_says="b",
            changed=changed,
            by=SYSTEM,
        )
    assert TrainingFollowUp.objects.count() == 3
    figure = sources.compute(
        "training_practice_changed", Scope((partnership.pk,), Period.parse("month:2023-02"), now=NOW), {}
    )
    assert (figure.numerator, figure.denominator) == (1, 2)


def test_the_pack_carries_training_compliance_by_agency_for_the_quarterly_meeting(
    session: Any, partnership: Any, ed: Any
) -> None:
    from mace.oversight import pack as packs

    from ...factories import UserFactory

    people = register(partnership, ed, 10)
    for p in people[:7]:
        b = services.booking_add(session=session, practitioner=p, by=SYSTEM)
        b.status = TrainingBooking.Status.ATTENDED
        b.save(update_fields=["status"])
    executive = UserFactory(roles=["executive"], team=ed)
    built = packs.build_pack(executive, Period.parse("quarter:2022-10"), kind="quarterly")
    section = next(s for s in built.sections if s.code == "training")
    assert "7 of 10 (70%)" in section.html
    assert "0 of 10 (0%)" in section.html  # on 30 September 2022, before the session
    assert any("Emergency Department (70%)" in d for d in section.decisions)
