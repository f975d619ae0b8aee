"""The front door queue (order, pages, filters, links, navigation) and the performance figures."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client

from mace.core.audit import Actor
from mace.frontdoor import selectors, services
from mace.frontdoor.models import Contact

from ..conftest import sign_in

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 18, 10, 0, tzinfo=UTC)  # a Wednesday


def _contact(area: Any, name: str = "Amy", *, kind: str = "public", **due: Any) -> Contact:
    contact = services.contact_receive(
        data=services.ContactIn(
            kind=kind,
            received_at=NOW - timedelta(hours=1),
            summary="Seen with older men.",
            subject={"given_names": name, "family_name": "Zed", "date_of_birth": "2012-01-02"},
        ),
        partnership=area.partnership,
        route="public",
        by=Actor.system("public-form"),
    )[0]
    if due:
        Contact.objects.filter(pk=contact.pk).update(**due)
    return contact


def _queue(user: Any, query: str = "") -> str:
    return sign_in(Client(), user).get("/front-door/" + query).content.decode()


@time_machine.travel(NOW, tick=False)
def test_the_queue_puts_the_nearest_deadline_of_either_clock_first(area: Any) -> None:
    review_soon = _contact(
        area, "Review", review_due_at=NOW + timedelta(hours=5), decision_due_at=NOW + timedelta(hours=30)
    )
    decision_sooner = _contact(
        area, "Decision", review_due_at=NOW + timedelta(hours=20), decision_due_at=NOW + timedelta(hours=2)
    )
    contacts, _ = selectors.front_door_queue(area.worker, selectors.QueueFilters())
    assert [c.pk for c in contacts] == [decision_sooner.pk, review_soon.pk]


@time_machine.travel(NOW, tick=False)
def test_a_decided_contact_is_ordered_by_its_review_clock_alone(area: Any) -> None:
    decided = _contact(
        area,
        "Decided",
        review_due_at=NOW + timedelta(hours=4),
        decision_due_at=NOW - timedelta(hours=10),
        decided_at=NOW - timedelta(hours=11),
        status=Contact.Status.AWAITING_APPROVAL,
    )
    fourteen = _contact(
        area, "Open", review_due_at=NOW + timedelta(hours=14), decision_due_at=NOW + timedelta(hours=14)
    )
    contacts, _ = selectors.front_door_queue(area.worker, selectors.QueueFilters())
    assert [c.pk for c in contacts] == [decided.pk, fourteen.pk]


@time_machine.travel(NOW, tick=False)
def test_next_page_of_the_queue_keeps_the_filters(area: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(selectors, "QUEUE_PAGE", 1)
    for name in ("Ann", "Bea"):
        _contact(area, name)
    html = _queue(area.worker, "?kind=public&status=open")
    assert 'href="?kind=public&amp;status=open&amp;page=2"' in html
    assert "Showing 1 to 1 of 2" in html


@time_machine.travel(NOW, tick=False)
def test_a_long_queue_shows_an_ellipsis_between_distant_pages(
    area: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(selectors, "QUEUE_PAGE", 1)
    for i in range(6):
        _contact(area, f"Child{i}")
    html = _queue(area.worker)
    assert "govuk-pagination__item--ellipsis" in html
    assert 'aria-label="Page 6"' in html and 'aria-label="Page 4"' not in html


@time_machine.travel(NOW, tick=False)
def test_the_childs_name_in_the_queue_links_to_their_record(area: Any) -> None:
    contact = _contact(area, "Kayden")
    assert contact.person_id is not None
    html = _queue(area.worker)
    assert (
        f'<a class="govuk-link" href="/people/{contact.person_id}/">{contact.person.display_name}</a>' in html
    )


@time_machine.travel(NOW, tick=False)
def test_an_unmatched_child_in_the_queue_is_named_without_a_link(area: Any) -> None:
    contact = _contact(area, "Nobody")
    Contact.objects.filter(pk=contact.pk).update(person=None, match_status=Contact.Match.NEEDS_REVIEW)
    html = _queue(area.worker)
    assert "(not matched)" in html and "/people/" not in html.split("<main")[1]


@time_machine.travel(NOW, tick=False)
def test_the_front_door_queue_is_in_the_top_navigation_for_those_who_work_it(area: Any) -> None:
    nav = '<a class="govuk-service-navigation__link" href="/front-door/"'
    assert nav in _queue(area.worker)
    home = sign_in(Client(), area.social_worker).get("/").content.decode()
    assert nav not in home


@time_machine.travel(NOW, tick=False)
def test_performance_counts_only_contacts_whose_clock_is_due(area: Any) -> None:
    _contact(area, "Within")  # received an hour ago: inside both clocks, neither on time nor late
    _contact(
        area,
        "OnTime",
        review_due_at=NOW - timedelta(hours=1),
        decision_due_at=NOW - timedelta(hours=2),
        approved_at=NOW - timedelta(hours=3),
        decided_at=NOW - timedelta(hours=3),
        status=Contact.Status.CLOSED,
    )
    _contact(area, "Late", review_due_at=NOW - timedelta(hours=1), decision_due_at=NOW - timedelta(hours=2))
    p = selectors.performance(area.manager, date(2026, 11, 1), date(2026, 11, 30), now=NOW)
    assert (p.reviewed_24h.met, p.reviewed_24h.total) == (1, 2)
    assert (p.decided_on_time.met, p.decided_on_time.total) == (1, 2)
    assert p.by_month[0][1] == 3  # all three were received in the month


@time_machine.travel(NOW, tick=False)
def test_the_contact_page_names_both_clocks(area: Any) -> None:
    contact = _contact(
        area,
        "Clocks",
        review_due_at=NOW - timedelta(hours=3),
        decision_due_at=NOW - timedelta(hours=20),
        decided_at=NOW - timedelta(hours=21),
        status=Contact.Status.AWAITING_APPROVAL,
    )
    html = sign_in(Client(), area.worker).get(f"/front-door/contacts/{contact.pk}/").content.decode()
    assert "Review (24 hours)" in html and "Not yet reviewed, overdue by 3 hours" in html
    assert "Decision (same working day)" in html and "Decided on time, 17 Nov 2026 13:00" in html


@time_machine.travel(NOW, tick=False)
def test_the_contacts_behind_a_figure_are_paged_and_say_which_are_not_yet_due(
    area: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("mace.core.ui.PAGE_SIZE", 1)
    _contact(area, "Older", review_due_at=NOW - timedelta(hours=1))
    _contact(area, "Newer")  # inside its 24 hours
    client = sign_in(Client(), area.manager)
    first = client.get("/front-door/contacts/?since=2026-11-01&until=2026-11-30").content.decode()
    assert "Showing 1 to 1 of 2" in first and "Not yet due" in first
    assert 'href="?since=2026-11-01&amp;until=2026-11-30&amp;page=2"' in first


# Partner exports (issue #14, item 6) ---------------------------------------------------------------------


def _export(user: Any, query: str) -> Any:
    return sign_in(Client(), user).get("/front-door/" + query)


def _csv_rows(response: Any) -> list[list[str]]:
    import csv
    import io

    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


@time_machine.travel(NOW, tick=False)
def test_the_queue_downloads_every_row_the_filters_select_in_the_pages_order(
    area: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import io

    from openpyxl import load_workbook

    from mace.core.models import AccessLogEntry
    from mace.frontdoor import presenters

    monkeypatch.setattr(selectors, "QUEUE_PAGE", 1)  # the page shows one; the download has them all
    later = _contact(area, "Later", review_due_at=NOW + timedelta(hours=9))
    sooner = _contact(area, "Sooner", review_due_at=NOW + timedelta(hours=3))
    _contact(area, "Professional", kind="professional", review_due_at=NOW + timedelta(hours=1))
    html = _queue(area.worker, "?kind=public&page=1")
    assert (
        'href="/front-door/?kind=public&amp;format=csv"' in html and "Download as spreadsheet (xlsx)" in html
    )

    wanted = [
        presenters.queue_export_row(c, NOW)
        for c in selectors.front_door_queue_rows(area.worker, selectors.QueueFilters(kind="public"))
    ]
    assert [row[0] for row in wanted] == [sooner.pk, later.pk]
    response = _export(area.worker, "?kind=public&format=csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = _csv_rows(response)
    assert rows[0] == presenters.QUEUE_HEAD
    assert [r[:8] for r in rows[1:]] == [[str(v) for v in row[:8]] for row in wanted]
    assert rows[1][1] == "Sooner Zed (not matched)" and rows[1][2] == "Public concern"
    entry = AccessLogEntry.objects.filter(action=AccessLogEntry.Action.EXPORT).latest("pk")
    assert entry.object_type == "contact"
    assert entry.detail == {"format": "csv", "rows": 2, "filters": {"kind": "public"}}

    sheet = load_workbook(io.BytesIO(_export(area.worker, "?kind=public&format=xlsx").content)).active
    assert sheet is not None
    values = [[c.value for c in r] for r in sheet.iter_rows()]
    assert values[0] == presenters.QUEUE_HEAD and [v[:8] for v in values[1:]] == [w[:8] for w in wanted]
    assert values[1][8] == NOW.replace(tzinfo=None) - timedelta(hours=1)  # received, a date, UK time
    assert len(_csv_rows(_export(area.worker, "?format=csv"))) == 1 + 3  # no filter: all three


@time_machine.travel(NOW, tick=False)
def test_a_role_without_the_queue_gets_no_download(area: Any) -> None:
    from mace.core.models import AccessLogEntry

    _contact(area, "Amy")
    for user in (area.social_worker, area.officer):
        assert _export(user, "?format=csv").status_code == 404
    assert not AccessLogEntry.objects.filter(action=AccessLogEntry.Action.EXPORT).exists()
    assert _export(area.worker, "?format=ods").status_code == 404
