# shifted-clocks: pinned
from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.test import Client

from mace.core.models import AccessLogEntry
from mace.network import services
from mace.network.models import Association, Handling, Link, Proposal, SubjectMerge

from ..conftest import sign_in
from .conftest import NOW, episode, record

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    c = Client()
    sign_in(c, user)
    return c


def _link(area, subject) -> Association:
    return services.association_record(
        partnership=area.partnership,
        data=services.LinkIn(kind=Link.SEEN_WITH, person=area.child, subject=subject),
        by=area.officer,
    )


def test_a_social_worker_sees_that_an_adult_of_concern_is_linked_but_not_who(area) -> None:
    _link(area, record(area, handling=Handling.POLICE))
    page = _client(area.social_worker).get(f"/network/children/{area.child.pk}/").content.decode()
    assert "An adult of concern" in page
    assert "Darren Mole" not in page and "B21" not in page


def test_a_social_worker_sees_an_adult_the_handling_code_shares_with_partners(area) -> None:
    _link(area, record(area, handling=Handling.PARTNERS))
    page = _client(area.social_worker).get(f"/network/children/{area.child.pk}/").content.decode()
    assert "Darren Mole" in page


def test_a_social_worker_cannot_open_a_police_only_adult_and_the_denial_is_logged(area) -> None:
    adult = record(area, handling=Handling.POLICE)
    assert _client(area.social_worker).get(f"/network/subjects/{adult.pk}/").status_code == 404
    assert AccessLogEntry.objects.filter(
        actor=area.social_worker, action="deny", object_type="network_subject", object_id=str(adult.pk)
    ).exists()


def test_the_childs_record_shows_the_network_section_without_the_intelligence(area) -> None:
    _link(area, record(area, handling=Handling.POLICE))
    page = _client(area.social_worker).get(f"/people/{area.child.pk}/").content.decode()
    assert "Police hold intelligence about 1 of these links" in page and "Darren Mole" not in page


def test_an_executive_sees_only_counts(area) -> None:
    _link(area, record(area, handling=Handling.PARTNERS))
    response = _client(area.executive).get("/network/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Network figures" in page and "fewer than 5" in page.lower()
    assert "Darren Mole" not in page and area.child.given_names not in page
    assert _client(area.executive).get(f"/network/children/{area.child.pk}/").status_code == 404


def test_an_officer_views_a_subject_and_the_view_is_logged(area) -> None:
    adult = record(area)
    _link(area, adult)
    page = _client(area.officer).get(f"/network/subjects/{adult.pk}/").content.decode()
    assert "Darren Mole" in page and "Kayla Brookes" in page and "B21" in page
    assert AccessLogEntry.objects.filter(
        actor=area.officer, action="view", object_type="network_subject"
    ).exists()


def test_the_chart_data_and_the_table_hold_the_same_links(area) -> None:
    adult = record(area)
    _link(area, adult)
    _link(area, record(area, "place", "Kebab Palace", place_kind="takeaway"))
    page = _client(area.officer).get(f"/network/children/{area.child.pk}/").content.decode()
    data = json.loads(page.split('id="network-data"', 1)[1].split(">", 1)[1].split("</script>", 1)[0])
    edges = [e for e in data if "source" in e["data"]]
    table = page.split('id="network-table"', 1)[1].split("</table>", 1)[0]
    assert len(edges) == 2 == table.count('<tr class="govuk-table__row">') - 1


def test_the_filter_by_link_type_narrows_the_table(area) -> None:
    _link(area, record(area))
    page = _client(area.officer).get(f"/network/children/{area.child.pk}/?kind=peers").content.decode()
    assert "No links match these filters" in page


def test_the_export_is_followthemoney_json_lines_and_is_logged(area) -> None:
    adult = record(area)
    _link(area, adult)
    response = _client(area.officer).get(f"/network/subjects/{adult.pk}/network.jsonl")
    lines = [json.loads(line) for line in response.content.decode().splitlines()]
    assert {line["schema"] for line in lines} == {"Person", "Associate"}
    assert AccessLogEntry.objects.filter(actor=area.officer, action="export").exists()


def test_an_officer_confirms_a_proposed_link_on_the_page(area) -> None:
    record(area)
    episode(area, found_with="Darren Mole")
    services.proposals_make(partnership_id=area.partnership.pk, since=NOW - timedelta(days=30))
    proposal = Proposal.objects.get()
    c = _client(area.officer)
    assert "Darren Mole" in c.get("/network/proposals/").content.decode()
    c.post(f"/network/proposals/{proposal.pk}/", {"decision": "confirm"})
    assert Proposal.objects.get().status == "confirmed" and Association.objects.count() == 1


def test_an_officer_records_a_vehicle_and_a_bad_registration_is_shown_as_an_error(area) -> None:
    c = _client(area.officer)
    form = {
        "kind": "vehicle",
        "name": "NOT A REG",
        "source": "Stop check",
        "source_reliability": "B",
        "information_assessment": "2",
        "handling_code": "1",
    }
    page = c.post("/network/subjects/new/?kind=vehicle", form).content.decode()
    assert "Enter a UK registration in a valid format" in page
    form["name"] = "ab12 cde"
    assert c.post("/network/subjects/new/?kind=vehicle", form).status_code == 302


def test_an_officer_records_a_cawn_and_its_breach(area) -> None:
    adult = record(area)
    _link(area, adult)
    c = _client(area.officer)
    r = c.post(
        f"/network/subjects/{adult.pk}/disruptions/new/",
        {
            "disruption_kind": "cawn",
            "issuer": "PC Shaw",
            "served_on_day": "2",
            "served_on_month": "11",
            "served_on_year": "2026",
            "children": [str(area.child.pk)],
        },
    )
    assert r.status_code == 302
    d = adult.disruptions.get()
    assert list(d.children.all()) == [area.child]
    c.post(
        f"/network/disruptions/{d.pk}/",
        {"on_day": "10", "on_month": "11", "on_year": "2026", "details": "Seen at the flat"},
    )
    assert d.breaches.count() == 1


def test_an_officer_merges_two_records_of_one_adult_from_the_page_and_the_links_move(area) -> None:
    one = record(area, name="Darren Mole")
    two = record(area, name="Daz Mole", aliases="Daz")
    link = _link(area, two)
    client = _client(area.officer)
    page = client.get(f"/network/subjects/{one.pk}/merge/").content.decode()
    assert "Daz Mole" in page
    done = client.post(
        f"/network/subjects/{one.pk}/merge/", {"other": str(two.pk), "reason": "Same phone number"}
    )
    assert done.status_code == 302
    link.refresh_from_db()
    assert link.subject_id == one.pk
    assert SubjectMerge.objects.get().reason == "Same phone number"


def test_a_merge_without_a_reason_is_refused_and_nothing_moves(area) -> None:
    one = record(area, name="Darren Mole")
    two = record(area, name="Daz Mole")
    link = _link(area, two)
    refused = _client(area.officer).post(f"/network/subjects/{one.pk}/merge/", {"other": str(two.pk)})
    assert refused.status_code == 400
    assert "Say why they are the same person" in refused.content.decode()
    link.refresh_from_db()
    assert link.subject_id == two.pk and not SubjectMerge.objects.exists()


def test_an_officer_undoes_a_merge_from_the_page_and_the_links_move_back(area) -> None:
    one = record(area, name="Darren Mole")
    two = record(area, name="Daz Mole")
    link = _link(area, two)
    merge = services.subject_merge(survivor=one, other=two, reason="Same phone", by=area.officer)
    client = _client(area.officer)
    assert "Undo this merge" in client.get(f"/network/subjects/{one.pk}/merge/").content.decode()
    assert client.post(f"/network/merges/{merge.pk}/undo/").status_code == 302
    link.refresh_from_db()
    merge.refresh_from_db()
    assert link.subject_id == two.pk and merge.undone_at is not None


def test_a_social_worker_cannot_open_the_merge_page_or_undo_a_merge(area) -> None:
    one = record(area, name="Darren Mole", handling=Handling.PARTNERS)
    two = record(area, name="Daz Mole", handling=Handling.PARTNERS)
    merge = services.subject_merge(survivor=one, other=two, reason="Same phone", by=area.officer)
    client = _client(area.social_worker)
    assert client.get(f"/network/subjects/{one.pk}/merge/").status_code == 404
    assert client.post(f"/network/merges/{merge.pk}/undo/").status_code == 404
    merge.refresh_from_db()
    assert merge.undone_at is None


def test_a_place_cannot_be_merged_from_the_page(area) -> None:
    place = record(area, "place", "Kebab Palace", place_kind="takeaway")
    assert _client(area.officer).get(f"/network/subjects/{place.pk}/merge/").status_code == 404
