"""A professional's plans list: paged, filtered and sorted on the server, new versions to read first."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client

from mace.people.models import Involvement
from mace.plans import services
from mace.plans.models import Plan, PlanReceipt

from ..conftest import sign_in
from ..factories import InvolvementFactory, PersonFactory
from .conftest import plan_in

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 18, 10, 0, tzinfo=UTC)


def _plans(area: Any, names: list[str]) -> list[Any]:
    """A plan for each child, saved an hour apart (the last is the newest change)."""
    children = []
    for i, name in enumerate(names):
        child = PersonFactory(partnership=area.partnership, given_names=name, family_name="Test")
        InvolvementFactory(
            person=child, team=area.social_work, worker=area.social_worker, kind=Involvement.Kind.ALLOCATED
        )
        with time_machine.travel(NOW + timedelta(hours=i), tick=False):
            # Saved by a colleague, so the social worker has not yet opened it.
            services.plan_save(person=child, data=plan_in(), by=area.colleague, version=0)
        children.append(child)
    return children


def _page(area: Any, query: str = "") -> str:
    with time_machine.travel(NOW + timedelta(days=1), tick=False):
        return sign_in(Client(), area.social_worker).get("/plans/" + query).content.decode()


def _read(area: Any, child: Any) -> None:
    """The social worker opens the latest version of the child's plan."""
    plan = Plan.objects.get(person=child)
    PlanReceipt.objects.get_or_create(
        plan=plan, user=area.social_worker, number=plan.version, defaults={"seen_at": NOW}
    )


def test_my_plans_are_paged_and_the_next_page_keeps_the_filters(
    area: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("mace.core.ui.PAGE_SIZE", 2)
    _plans(area, ["Ann", "Bea", "Cat"])
    html = _page(area, "?sort=child&type=child_in_need")
    assert "Showing 1 to 2 of 3" in html
    assert 'href="?sort=child&amp;type=child_in_need&amp;page=2"' in html


def test_my_plans_show_every_plan_across_pages_not_only_the_first_200(
    area: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("mace.core.ui.PAGE_SIZE", 2)
    ann, _bea, cat = _plans(area, ["Ann", "Bea", "Cat"])
    html = _page(area, "?sort=child&page=2")
    assert cat.display_name in html and ann.display_name not in html


def test_a_new_version_to_read_comes_before_a_newer_change_already_read(area: Any) -> None:
    ann, bea = _plans(area, ["Ann", "Bea"])
    _read(area, bea)  # the newest change, but already opened
    html = _page(area)
    assert html.index(ann.display_name) < html.index(bea.display_name)


def test_the_your_copy_filter_shows_only_plans_with_a_version_not_opened(area: Any) -> None:
    ann, bea = _plans(area, ["Ann", "Bea"])
    _read(area, bea)
    html = _page(area, "?read=unread")
    assert ann.display_name in html and bea.display_name not in html
    assert "1 has a version you have not opened" in html


def test_my_plans_can_be_sorted_by_the_childs_name(area: Any) -> None:
    cat, ann = _plans(area, ["Cat", "Ann"])  # Ann's is the newest change
    _read(area, ann)
    html = _page(area, "?sort=child")
    assert html.index(ann.display_name) < html.index(cat.display_name)
