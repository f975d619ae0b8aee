from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from mace.accounts.models import Role
from mace.plans.models import Plan, PlanReceipt, PlanVersion

from ..conftest import sign_in
from ..factories import UserFactory
from .conftest import save

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    sign_in(client, user)
    return client


def _form(version: int, **kw: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "version": version,
        "plan_type": "child_in_need",
        "reason": "",
        "needs_and_risks": "Missing with older males.",
        "outcomes": "Back in school.",
        "child_views": "Leave me alone.",
        "family_views": "",
        "contingency": "Strategy meeting within 24 hours if missing again.",
        "agree": "yes",
        "action_rows": 3,
        "action_text_1": "Direct work",
        "action_owner_1": "Sam Worker",
        "action_due_1": "2026-12-15",
    }
    data.update(kw)
    return data


def test_a_social_worker_starts_and_agrees_a_plan(area: Any) -> None:
    response = _client(area.social_worker).post(f"/plans/children/{area.child.pk}/edit/", _form(0))
    assert response.status_code == 302
    assert Plan.objects.get(person=area.child).status == "agreed"


def test_agreeing_without_a_contingency_shows_the_reason(area: Any) -> None:
    response = _client(area.social_worker).post(
        f"/plans/children/{area.child.pk}/edit/", _form(0, contingency="")
    )
    assert response.status_code == 400
    assert "cannot be agreed without a contingency plan" in response.content.decode()


def test_an_action_without_an_owner_is_refused_on_the_page(area: Any) -> None:
    response = _client(area.social_worker).post(
        f"/plans/children/{area.child.pk}/edit/", _form(0, action_owner_1="")
    )
    assert response.status_code == 400
    assert "give the action an owner" in response.content.decode()


def test_the_second_saver_sees_a_conflict_page_with_both_versions(area: Any) -> None:
    save(area)
    first, second = _client(area.social_worker), _client(area.colleague)
    # Both open the form on version 1; the first saves, then the second.
    assert first.get(f"/plans/children/{area.child.pk}/edit/").status_code == 200
    assert second.get(f"/plans/children/{area.child.pk}/edit/").status_code == 200
    ok = first.post(
        f"/plans/children/{area.child.pk}/edit/",
        _form(1, reason="Mine", outcomes="Outcome from the first saver"),
    )
    assert ok.status_code == 302
    clash = second.post(
        f"/plans/children/{area.child.pk}/edit/",
        _form(1, reason="Theirs", outcomes="Outcome from the second saver"),
    )
    page = clash.content.decode()
    assert clash.status_code == 409
    assert "Someone else changed this plan" in page
    assert "Outcome from the first saver" in page and "Outcome from the second saver" in page
    assert PlanVersion.objects.get(number=2).outcomes == "Outcome from the first saver"
    assert not PlanVersion.objects.filter(number=3).exists()


def test_an_involved_professional_sees_what_changed(area: Any) -> None:
    save(area)
    save(area, version=1, reason="New school", outcomes="Settled at Halbury Academy.")
    page = _client(area.teacher).get(f"/plans/children/{area.child.pk}/versions/2/").content.decode()
    assert "What changed from version 1" in page and "Settled at Halbury Academy." in page


def test_opening_the_plan_records_the_version_seen_and_acknowledging_confirms_it(area: Any) -> None:
    save(area)
    client = _client(area.teacher)
    client.get(f"/plans/children/{area.child.pk}/")
    client.post(f"/plans/children/{area.child.pk}/acknowledge/", {"number": 1})
    receipt = PlanReceipt.objects.get(user=area.teacher)
    assert receipt.number == 1 and receipt.acknowledged_at is not None


def test_the_plan_page_shows_who_has_not_seen_the_latest(area: Any) -> None:
    save(area)
    page = _client(area.social_worker).get(f"/plans/children/{area.child.pk}/").content.decode()
    assert "1 of 3 professionals involved have opened version 1" in page
    assert "Has not seen the plan" in page


def test_a_review_needing_the_contingency_but_not_using_it_says_why(area: Any) -> None:
    save(area)
    response = _client(area.social_worker).post(
        f"/plans/children/{area.child.pk}/reviews/new/",
        {
            "version": 1,
            "held_on_day": "1",
            "held_on_month": "11",
            "held_on_year": "2026",
            "attendees": "Everyone",
            "progress": "Some",
            "contingency_needed": "yes",
            "contingency_used": "no",
            "child_safer": "unclear",
            "decision": "continue",
        },
    )
    assert response.status_code == 400
    assert "say why it was not used" in response.content.decode()


def test_the_childs_record_shows_the_plan_summary(area: Any) -> None:
    save(area)
    page = _client(area.teacher).get(f"/people/{area.child.pk}/").content.decode()
    assert f"/plans/children/{area.child.pk}/" in page and "Child in need" in page
    assert "1 of 3 professionals involved have opened version 1" in page


def test_a_plan_without_a_relationship_is_not_found(area: Any) -> None:
    save(area)
    stranger = UserFactory(roles=[Role.SOCIAL_WORKER])
    assert _client(stranger).get(f"/plans/children/{area.child.pk}/").status_code == 404
    assert _client(stranger).get(f"/plans/children/{area.child.pk}/versions/1/").status_code == 404


def test_my_plans_lists_a_new_version_to_read(area: Any) -> None:
    save(area)
    page = _client(area.officer).get("/plans/").content.decode()
    assert "New version to read" in page and area.child.display_name in page


def test_a_problem_in_an_action_is_shown_on_the_row_it_was_typed_in(area: Any) -> None:
    form = _form(0, action_text_1="", action_owner_1="", action_due_1="")
    form.update({"action_text_2": "Tuition", "action_due_2": "2026-12-01"})
    page = _client(area.social_worker).post(f"/plans/children/{area.child.pk}/edit/", form).content.decode()
    assert "Action 2: give the action an owner" in page and 'href="#id_action_2"' in page


def test_an_unreadable_date_is_reported_with_every_other_problem(area: Any) -> None:
    page = (
        _client(area.social_worker)
        .post(f"/plans/children/{area.child.pk}/edit/", _form(0, action_due_1="15/12", contingency=""))
        .content.decode()
    )
    assert "Action 1: enter dates like 2026-12-15" in page
    assert "cannot be agreed without a contingency plan" in page


def test_a_held_review_meeting_leads_to_recording_the_review_with_it(area: Any) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from .test_reviews import _review_meeting

    save(area, at=timezone.now() - timedelta(days=30))
    meeting = _review_meeting(area)
    client = _client(area.social_worker)
    detail = client.get(f"/meetings/{meeting.pk}/").content.decode()
    assert f"/plans/children/{area.child.pk}/reviews/new/?meeting={meeting.pk}" in detail
    form = client.get(f"/plans/children/{area.child.pk}/reviews/new/?meeting={meeting.pk}").content.decode()
    assert "Which review meeting was this?" in form
    body = {
        "version": "1",
        "meeting": str(meeting.pk),
        "progress": "Attending school.",
        "contingency_needed": "no",
        "contingency_used": "no",
        "child_safer": "yes",
        "decision": "continue",
    }
    assert client.post(f"/plans/children/{area.child.pk}/reviews/new/", body).status_code == 302
    assert Plan.objects.get(person=area.child).reviews.get().meeting_id == meeting.pk
    plan_page = client.get(f"/plans/children/{area.child.pk}/").content.decode()
    assert f"/meetings/{meeting.pk}/" in plan_page
