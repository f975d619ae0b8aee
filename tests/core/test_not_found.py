"""One "not available" page for every module: a 404 that says the same for forbidden and missing."""
# shifted-clocks: pinned

from __future__ import annotations

from django.test import RequestFactory

from mace.core import ui
from tests.factories import UserFactory


def _request(db) -> object:
    request = RequestFactory().get("/")
    request.user = UserFactory()
    return request


def test_the_page_names_the_kind_of_record(db) -> None:
    response = ui.not_found(_request(db), "contact")
    assert response.status_code == 404
    assert "Contact not available" in response.content.decode()
    assert "There is no contact here that you can open." in response.content.decode()


def test_without_a_kind_the_page_says_nothing_is_here(db) -> None:
    response = ui.not_found(_request(db))
    assert response.status_code == 404
    assert "There is nothing here that you can open." in response.content.decode()
