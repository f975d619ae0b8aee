"""The shared pager: server-side pages whose links keep the list's filters, with GOV.UK ellipses."""

from __future__ import annotations

from django.test import RequestFactory

from mace.core.ui import Pager, pager


def _pager(query: str, total: int, size: int = 50) -> Pager:
    return pager(RequestFactory().get("/list/" + query), total, size)


def test_pages_far_from_the_current_one_are_left_out_behind_an_ellipsis() -> None:
    assert _pager("?page=5", total=1000).numbers() == [1, None, 4, 5, 6, None, 20]


def test_a_gap_of_one_page_shows_that_page_instead_of_an_ellipsis() -> None:
    assert _pager("?page=5", total=400).numbers() == [1, None, 4, 5, 6, 7, 8]


def test_the_govuk_component_gets_an_ellipsis_item_for_each_gap() -> None:
    items = _pager("?page=10", total=1000).govuk["items"]  # type: ignore[index]
    assert [i.get("number") for i in items] == [1, None, 9, 10, 11, None, 20]
    assert items[1] == {"ellipsis": True}


def test_next_and_page_links_keep_every_filter() -> None:
    p = _pager("?kind=vpa&page=2&team=3&team=4", total=500)
    assert p.govuk["next"]["href"] == "?kind=vpa&team=3&team=4&page=3"  # type: ignore[index]
    assert p.govuk["previous"]["href"] == "?kind=vpa&team=3&team=4&page=1"  # type: ignore[index]


def test_a_page_beyond_the_last_shows_the_last_page() -> None:
    p = _pager("?page=99", total=120)
    assert (p.number, p.start, p.end) == (3, 100, 150)


def test_a_page_that_is_not_a_number_shows_the_first() -> None:
    assert _pager("?page=x2", total=120).number == 1


def test_a_list_that_fits_on_one_page_has_no_pagination() -> None:
    p = _pager("", total=50)
    assert p.govuk is None and p.showing == ""


def test_the_pager_says_which_rows_are_shown() -> None:
    assert _pager("?page=2", total=120).showing == "Showing 51 to 100 of 120"
