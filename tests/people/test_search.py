from __future__ import annotations

from datetime import date

import pytest

from mace.accounts.models import Role
from mace.core.models import AccessLogEntry
from mace.people import selectors
from mace.people.keys import name_key
from mace.people.models import Identifier, PersonName

from ..factories import InvolvementFactory, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def worker(make_user):
    return make_user(Role.SOCIAL_WORKER)


def _known(worker, **kwargs):
    person = PersonFactory(**kwargs)
    InvolvementFactory(person=person, team=worker.team)
    return person


def test_search_by_full_name(worker) -> None:
    person = _known(worker, given_names="Kayden Lee", family_name="O'Brien")
    assert selectors.search_people(worker, "kayden obrien")[0] == [person]


def test_search_by_family_name_then_given_name(worker) -> None:
    person = _known(worker, given_names="Kayden", family_name="Moss")
    assert selectors.search_people(worker, "Moss Kayden")[0] == [person]


def test_search_by_nhs_number_with_spaces(worker) -> None:
    person = _known(worker)
    Identifier.objects.create(person=person, scheme="nhs", value="9434765919")
    assert selectors.search_people(worker, "943 476 5919")[0] == [person]


def test_search_by_date_of_birth(worker) -> None:
    person = _known(worker, date_of_birth=date(2011, 3, 27))
    _known(worker, date_of_birth=date(2011, 3, 28))
    assert selectors.search_people(worker, "27/03/2011")[0] == [person]


def test_search_finds_alias_names(worker) -> None:
    person = _known(worker, given_names="Thomas", family_name="Hughes")
    PersonName.objects.create(
        person=person,
        kind="alias",
        given_names="Tommy",
        family_name="Hewes",
        family_key=name_key("Hewes"),
        given_key="tommy",
    )
    assert selectors.search_people(worker, "tommy hewes")[0] == [person]


def test_search_never_shows_people_without_a_relationship(worker) -> None:
    PersonFactory(family_name="Moss")
    assert selectors.search_people(worker, "moss")[0] == []


def test_search_is_logged_with_what_it_showed(worker) -> None:
    person = _known(worker, family_name="Moss")
    selectors.search_people(worker, "moss")
    entry = AccessLogEntry.objects.get(action="search")
    assert entry.detail["results"] == [person.pk] and entry.actor == worker


def test_search_reports_more_results_than_shown(worker) -> None:
    for _ in range(selectors.SEARCH_LIMIT + 1):
        _known(worker, family_name="Moss")
    results, more = selectors.search_people(worker, "moss")
    assert len(results) == selectors.SEARCH_LIMIT and more


def test_search_by_council_identifier(worker) -> None:
    person = _known(worker)
    Identifier.objects.create(person=person, scheme="la_child", value="LA123456")
    assert selectors.search_people(worker, "la123456")[0] == [person]
