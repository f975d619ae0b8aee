"""Leaders see numbers, not children: counts of 1 to 4 are 'fewer than 5' for aggregate-only readers."""

from __future__ import annotations

import pytest
from django.test import override_settings

from mace.accounts.models import Role
from mace.oversight import disclosure

from ..factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def executive():  # type: ignore[no-untyped-def]
    return UserFactory(roles=[Role.EXECUTIVE])


@pytest.fixture
def manager():  # type: ignore[no-untyped-def]
    return UserFactory(roles=[Role.TEAM_MANAGER])


@pytest.mark.parametrize("count", [1, 2, 3, 4])
def test_an_executive_sees_a_small_count_as_fewer_than_5(executive, count: int) -> None:  # type: ignore[no-untyped-def]
    assert disclosure.count_text(count, executive) == "fewer than 5"


@pytest.mark.parametrize(("count", "shown"), [(0, "0"), (5, "5"), (1234, "1,234")])
def test_an_executive_sees_zero_and_counts_of_5_or_more(executive, count: int, shown: str) -> None:  # type: ignore[no-untyped-def]
    assert disclosure.count_text(count, executive) == shown


def test_a_manager_who_works_with_records_sees_the_exact_small_count(manager) -> None:  # type: ignore[no-untyped-def]
    assert disclosure.count_text(3, manager) == "3"


def test_neither_side_of_a_rate_shown_to_an_executive_is_a_small_count(executive) -> None:  # type: ignore[no-untyped-def]
    assert disclosure.rate_text(3, 120, executive) == "fewer than 5 of 120"
    assert disclosure.rate_text(118, 120, executive) == "more than 115 of 120"
    assert disclosure.rate_text(4, 4, executive) == "fewer than 5"
    assert disclosure.rate_text(60, 120, executive) == "60 of 120 (50%)"


def test_an_empty_period_says_so_rather_than_0_percent(executive) -> None:  # type: ignore[no-untyped-def]
    assert disclosure.rate_text(0, 0, executive) == "Nothing in the period"


def test_the_analyst_sees_pseudonymised_rows_only_where_the_deployment_says_so() -> None:
    analyst = UserFactory(roles=[Role.PARTNERSHIP_ANALYST])
    assert not disclosure.rows_allowed(analyst)
    with override_settings(MACE_ANALYST_SEES_ROWS=True):
        assert disclosure.rows_allowed(analyst)
    assert not disclosure.names_allowed(analyst)
