"""The pages: every signed-in member of the partnership reads the plan (the executive and the scrutineer
too) and no page names a child; the business manager adds an update with evidence and records the
board's sign-off; the executive cannot; the anonymous are sent to sign in; the plan exports as xlsx."""

# shifted-clocks: pinned (every test fixes the instants it reasons about)

from __future__ import annotations

import io
from datetime import date
from typing import Any

import pytest
from django.test import Client

from mace.accounts.models import Role
from mace.core.models import AccessLogEntry
from mace.improvement.models import Action, ActionPlan, PriorityArea, ProgressUpdate

from ..conftest import sign_in
from ..factories import PartnershipFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db


def _client(role: str, partnership: Any) -> tuple[Client, Any]:
    user = UserFactory(roles=[role], team__partnership=partnership, team__agency__partnerships=[partnership])
    return sign_in(Client(), user), user


def _update_form(version: int, **kw: str) -> dict[str, Any]:
    return {
        "version": str(version),
        "on_day": "2",
        "on_month": "1",
        "on_year": "2023",
        "text": "Guidance published.",
        "rag": "green",
        "evidence_kind": "document",
        "evidence_description": "The guidance on the child's voice",
        "evidence_link": "https://lscp.example/voice",
        **kw,
    }


@pytest.mark.parametrize("role", [Role.EXECUTIVE, Role.SCRUTINEER, Role.SOCIAL_WORKER, Role.BUSINESS_MANAGER])
def test_every_partnership_role_reads_the_plan_without_childrens_names(
    plan: ActionPlan, partnership: Any, role: str
) -> None:
    PersonFactory(partnership=partnership, given_names="Zebedee", family_name="Quillfeather")
    client, _ = _client(role, partnership)
    page = client.get(f"/improvement/plans/{plan.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "3.1a" in html and "Delayed: it was due by 13 July 2022" in html
    assert "Quillfeather" not in html
    for path in ("actions/2.2b/", "areas/2.3/", "review/"):
        other = client.get(f"/improvement/plans/{plan.pk}/{path}")
        assert other.status_code == 200 and "Quillfeather" not in other.content.decode()


def test_the_plan_list_opens_the_only_plan(plan: ActionPlan, partnership: Any) -> None:
    client, _ = _client(Role.EXECUTIVE, partnership)
    assert client.get("/improvement/").url == f"/improvement/plans/{plan.pk}/"


def test_another_partnerships_plan_is_not_found(plan: ActionPlan) -> None:
    elsewhere = PartnershipFactory(code="westshire", name="Westshire")
    client, _ = _client(Role.EXECUTIVE, elsewhere)
    assert client.get(f"/improvement/plans/{plan.pk}/").status_code == 404


def test_the_anonymous_are_sent_to_sign_in(plan: ActionPlan) -> None:
    page = Client().get(f"/improvement/plans/{plan.pk}/")
    assert page.status_code == 302 and "/sign-in" in page.url


def test_filters_by_rag_owner_and_area(plan: ActionPlan, partnership: Any) -> None:
    client, _ = _client(Role.EXECUTIVE, partnership)
    red = client.get(f"/improvement/plans/{plan.pk}/?rag=red").content.decode()
    assert "Showing 4 of 77 actions" in red and "3.1a" in red and "1.1a" not in red
    owner = client.get(
        f"/improvement/plans/{plan.pk}/", {"owner": "Detective Chief Inspector Littlewood"}
    ).content.decode()
    assert "Showing 5 of 77 actions" in owner
    area = client.get(f"/improvement/plans/{plan.pk}/?area=3.4").content.decode()
    assert "Showing 1 of 77 actions" in area and "3.4a" in area
    as_at = client.get(f"/improvement/plans/{plan.pk}/?on=2022-12-14&rag=red").content.decode()
    assert "Showing 1 of 77 actions" in as_at


def test_the_business_manager_adds_an_update_with_evidence(plan: ActionPlan, partnership: Any) -> None:
    client, _user = _client(Role.BUSINESS_MANAGER, partnership)
    page = client.post(f"/improvement/plans/{plan.pk}/actions/1.1b/updates/", _update_form(1))
    assert page.status_code == 302
    shown = client.get(page.url).content.decode()
    assert "Progress on 1.1b saved" in shown and "The guidance on the child&#39;s voice" in shown
    action = Action.objects.get(area__plan=plan, ref="1.1b")
    assert action.owner_rag == "green" and action.evidence.count() == 1


def test_an_update_dated_before_the_action_existed_is_refused_on_the_page(
    plan: ActionPlan, partnership: Any
) -> None:
    client, _ = _client(Role.BUSINESS_MANAGER, partnership)
    page = client.post(
        f"/improvement/plans/{plan.pk}/actions/1.1b/updates/", _update_form(1, on_day="1", on_year="2022")
    )
    assert page.status_code == 400
    assert "before the action existed" in page.content.decode()
    assert ProgressUpdate.objects.filter(action__ref="1.1b").count() == 1


def test_a_stale_update_shows_the_conflict_page(plan: ActionPlan, partnership: Any) -> None:
    client, _ = _client(Role.BUSINESS_MANAGER, partnership)
    client.post(f"/improvement/plans/{plan.pk}/actions/1.1b/updates/", _update_form(1))
    page = client.post(f"/improvement/plans/{plan.pk}/actions/1.1b/updates/", _update_form(1, text="Again"))
    html = page.content.decode()
    assert page.status_code == 409 and "Someone else changed this record" in html
    assert "2 January 2023, Green: Guidance published." in html and "2023-01-02" not in html


def test_the_executive_reads_but_cannot_update(plan: ActionPlan, partnership: Any) -> None:
    client, _ = _client(Role.EXECUTIVE, partnership)
    page = client.get(f"/improvement/plans/{plan.pk}/actions/1.1b/").content.decode()
    assert "Add a progress update" not in page
    assert (
        client.post(f"/improvement/plans/{plan.pk}/actions/1.1b/updates/", _update_form(1)).status_code == 404
    )
    assert ProgressUpdate.objects.filter(action__ref="1.1b").count() == 1


def test_the_business_manager_records_the_boards_sign_off(plan: ActionPlan, partnership: Any) -> None:
    client, _ = _client(Role.BUSINESS_MANAGER, partnership)
    form = client.get(f"/improvement/plans/{plan.pk}/areas/2.3/").content.decode()
    assert "Record the sign-off" in form
    page = client.post(
        f"/improvement/plans/{plan.pk}/areas/2.3/sign-off/",
        {
            "version": "1",
            "on_day": "20",
            "on_month": "12",
            "on_year": "2022",
            "note": "November audits: 91% had a safeguarding risk assessment.",
            "monitoring": "Quarterly at the trust's safeguarding assurance committee.",
        },
    )
    assert page.status_code == 302
    assert "signed off as fully addressed" in client.get(page.url).content.decode()
    assert PriorityArea.objects.get(plan=plan, number="2.3").signed_off


def test_no_sign_off_form_while_actions_are_open(plan: ActionPlan, partnership: Any) -> None:
    client, _ = _client(Role.BUSINESS_MANAGER, partnership)
    page = client.get(f"/improvement/plans/{plan.pk}/areas/1.1/").content.decode()
    assert "Record the sign-off" not in page and "every action must be complete" in page


def test_the_executive_cannot_sign_off(plan: ActionPlan, partnership: Any) -> None:
    client, _ = _client(Role.EXECUTIVE, partnership)
    assert (
        "Record the sign-off" not in client.get(f"/improvement/plans/{plan.pk}/areas/2.3/").content.decode()
    )
    page = client.post(
        f"/improvement/plans/{plan.pk}/areas/2.3/sign-off/",
        {"version": "1", "on_day": "20", "on_month": "12", "on_year": "2022", "note": "x", "monitoring": "y"},
    )
    assert page.status_code == 404 and not PriorityArea.objects.get(plan=plan, number="2.3").signed_off


def test_the_plan_exports_as_xlsx_and_the_export_is_logged(plan: ActionPlan, partnership: Any) -> None:
    from openpyxl import load_workbook

    client, user = _client(Role.EXECUTIVE, partnership)
    listed = client.get(f"/improvement/plans/{plan.pk}/?on=2022-12-14").content.decode()
    assert f'href="/improvement/plans/{plan.pk}/action-plan.xlsx?on=2022-12-14"' in listed
    page = client.get(f"/improvement/plans/{plan.pk}/action-plan.xlsx?on=2022-12-14")
    assert page["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(page.content)).active
    rows = list(sheet.iter_rows(min_row=5, values_only=True))
    assert len(rows) == 77
    first = next(r for r in rows if r[2] == "3.1a")
    assert first[6] == "Amber" and first[7] == "Red" and first[8].startswith("Delayed")
    assert AccessLogEntry.objects.filter(actor=user, action="export", object_type="action_plan").exists()


def test_the_monthly_review_page(plan: ActionPlan, partnership: Any) -> None:
    client, _ = _client(Role.EXECUTIVE, partnership)
    page = client.get(f"/improvement/plans/{plan.pk}/review/").content.decode()
    assert "The month from 3 December 2022 to 3 January 2023" in page
    assert "Actions that moved or were updated (77)" in page


def test_the_board_pack_carries_the_action_plan(plan: ActionPlan, partnership: Any) -> None:
    from mace.oversight import pack as packs
    from mace.oversight.periods import Period

    executive = UserFactory(
        roles=[Role.EXECUTIVE], team__partnership=partnership, team__agency__partnerships=[partnership]
    )
    built = packs.build_pack(executive, Period.parse("month:2022-12", today=date(2023, 1, 3)), kind="board")
    section = next(s for s in built.sections if s.code == "action-plan")
    assert section.context is not None
    # As at 31 December 2022 (3.2c, 4.3b and 4.4b are due that day, so still on track). A month before,
    # MACE had no update yet: the 23 actions already past due were red, and the plan's update of
    # 14 December moved them (and 12 more) to green.
    assert section.headlines == [f"{plan.title}: 1 red, 41 amber, 35 green of 77 actions."]
    assert section.context["plans"][0]["before"] == "23 red, 54 amber, 0 green"
    assert any("2.3" in d and "fully addressed" in d for d in section.decisions)
    assert "Actions whose RAG moved in the month" in section.html
    pdf = packs.render_pdf(built)
    assert pdf.content.startswith(b"%PDF") and pdf.pages > 1


def test_the_monthly_review_downloads_as_a_pdf_for_the_board_pack(plan: ActionPlan, partnership: Any) -> None:
    client, user = _client(Role.EXECUTIVE, partnership)
    page = client.get(f"/improvement/plans/{plan.pk}/review/?on=2022-12-14").content.decode()
    assert f"/improvement/plans/{plan.pk}/monthly-review.pdf?on=2022-12-14" in page
    pdf = client.get(f"/improvement/plans/{plan.pk}/monthly-review.pdf?on=2022-12-14")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert AccessLogEntry.objects.filter(actor=user, action="export", detail__format="pdf").exists()
