"""Police trigger plans for children who keep going missing, and the monthly workload scrutiny (5.4g)."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone

from mace.accounts.models import Role, Team
from mace.accounts.services import token_create
from mace.core.audit import Actor
from mace.core.conflict import Conflict
from mace.core.models import AccessLogEntry, Notification
from mace.demo.generate import generate
from mace.missing import reports, selectors, services
from mace.missing.models import MissingEpisode, TriggerPlan
from mace.people.models import ChronologyEvent
from tests.versions import saved_version

from ..conftest import sign_in
from .conftest import report, return_in

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


def plan_in(**kw: Any) -> services.TriggerPlanIn:
    values = {
        "triggers": "Arguments about curfew; messages from older males.",
        "places": "Halbury bus station; 14 Mill Lane.",
        "associates": "Older males from the Eastfield estate",
        "actions": "Grade medium at least; check Mill Lane within the hour; call the allocated worker.",
    }
    values.update(kw)
    return services.TriggerPlanIn(**values)


def _save(area: Any, **kw: Any) -> TriggerPlan:
    plan, _ = services.trigger_plan_save(person=area.child, data=plan_in(**kw), by=area.officer)
    return plan


def test_a_trigger_plan_is_written_with_a_review_date(area: Any) -> None:
    plan = _save(area)
    assert plan.version == 1
    assert plan.review_due_on == timezone.localdate() + timedelta(days=90)


def test_writing_a_plan_tells_the_allocated_team_and_the_chronology(area: Any) -> None:
    _save(area)
    assert Notification.objects.filter(user=area.social_worker, title__contains="trigger plan").exists()
    assert ChronologyEvent.objects.filter(person=area.child, title="Police trigger plan written").exists()
    assert AccessLogEntry.objects.filter(object_type="trigger_plan", action="create").exists()


def test_saving_again_revises_the_same_plan_as_a_new_version(area: Any) -> None:
    first = _save(area)
    second, created = services.trigger_plan_save(
        person=area.child, data=plan_in(places="The retail park"), by=area.officer, version=first.version
    )
    assert (second.pk, second.version, created) == (first.pk, 2, False)
    assert TriggerPlan.objects.filter(person=area.child).count() == 1


def test_a_stale_save_is_a_conflict_and_keeps_the_first_change(area: Any) -> None:
    first = _save(area)
    services.trigger_plan_save(
        person=area.child, data=plan_in(places="The retail park"), by=area.officer, version=first.version
    )
    with pytest.raises(Conflict):
        services.trigger_plan_save(
            person=area.child, data=plan_in(places="Somewhere else"), by=area.officer, version=first.version
        )
    assert TriggerPlan.objects.get(pk=first.pk).places == "The retail park"


@pytest.mark.parametrize("name", ["triggers", "places", "actions"])
def test_a_plan_without_a_required_part_is_refused_naming_it(area: Any, name: str) -> None:
    with pytest.raises(ValidationError) as exc:
        _save(area, **{name: "  "})
    assert list(exc.value.message_dict) == [name]


def test_only_the_police_write_trigger_plans(area: Any) -> None:
    with pytest.raises(PermissionError):
        services.trigger_plan_save(person=area.child, data=plan_in(), by=area.social_worker)


def test_a_child_has_one_live_plan_at_most(area: Any) -> None:
    plan = _save(area)
    duplicate = TriggerPlan(
        person=area.child,
        partnership=area.partnership,
        triggers="x",
        places="x",
        actions="x",
        created_at=plan.created_at,
        created_by_label="x",
        updated_at=plan.created_at,
        updated_by_label="x",
        review_due_on=plan.review_due_on,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()


def test_an_ended_plan_needs_a_reason_and_a_new_one_can_follow(area: Any) -> None:
    plan = _save(area)
    with pytest.raises(ValidationError):
        services.trigger_plan_end(plan=plan, reason="", by=area.officer, version=saved_version(plan))
    services.trigger_plan_end(
        plan=plan, reason="Not missing for six months", by=area.officer, version=saved_version(plan)
    )
    assert selectors.live_trigger_plan(area.child) is None
    assert _save(area).pk != plan.pk


def test_the_morning_list_links_a_missing_child_to_their_plan(area: Any) -> None:
    _save(area)
    report(area, seen=timezone.now() - timedelta(hours=2))
    rows = selectors.morning_list(area.worker).rows
    assert [r.trigger_plan for r in rows] == [True]


def test_the_record_names_a_repeat_missing_child_without_a_plan(area: Any) -> None:
    now = timezone.now()
    for n, days in enumerate([40, 25, 10]):
        episode = report(area, f"MFH-{n}", seen=now - timedelta(days=days))
        services.episode_return(
            episode=episode,
            data=return_in(now - timedelta(days=days - 1)),
            by=area.officer,
            version=saved_version(episode),
        )
    client = _signed_in(area.social_worker)
    page = client.get(f"/people/{area.child.pk}/").content.decode()
    assert "No police trigger plan" in page


def test_a_social_worker_reads_the_plan_but_cannot_edit_it(area: Any) -> None:
    _save(area)
    client = _signed_in(area.social_worker)
    page = client.get(f"/missing/children/{area.child.pk}/trigger-plan/")
    assert page.status_code == 200 and "Mill Lane" in page.content.decode()
    assert client.get(f"/missing/children/{area.child.pk}/trigger-plan/edit/").status_code == 404


def test_someone_without_a_relationship_cannot_read_the_plan(
    area: Any, client: Client, make_user: Any
) -> None:
    _save(area)
    client = _signed_in(make_user(Role.SOCIAL_WORKER))
    assert client.get(f"/missing/children/{area.child.pk}/trigger-plan/").status_code == 404


def test_an_officer_writes_a_plan_in_the_browser_form(known: Any) -> None:
    area = known
    client = _signed_in(area.officer)
    body = {"version": "", "triggers": "Curfew rows", "places": "The park", "actions": "Check the park first"}
    response = client.post(f"/missing/children/{area.child.pk}/trigger-plan/edit/", body)
    assert response.status_code == 302
    assert selectors.live_trigger_plan(area.child).places == "The park"  # type: ignore[union-attr]


def test_the_form_names_a_missing_part(known: Any) -> None:
    area = known
    client = _signed_in(area.officer)
    body = {"version": "", "triggers": "Curfew rows", "places": "The park", "actions": ""}
    response = client.post(f"/missing/children/{area.child.pk}/trigger-plan/edit/", body)
    assert response.status_code == 400
    assert "Say what to do at once" in response.content.decode()


def test_a_stale_form_shows_the_conflict_page_with_both_versions(known: Any) -> None:
    area = known
    plan = _save(area)
    services.trigger_plan_save(
        person=area.child, data=plan_in(places="The retail park"), by=area.officer, version=plan.version
    )
    client = _signed_in(area.officer)
    body = {"version": plan.version, "triggers": "t", "places": "Mine", "actions": "a"}
    response = client.post(f"/missing/children/{area.child.pk}/trigger-plan/edit/", body)
    assert response.status_code == 409
    assert "Mine" in response.content.decode() and "The retail park" in response.content.decode()


@pytest.fixture
def known(area: Any) -> Any:
    """The police know the child: they reported an episode, so the Vulnerability Hub is involved."""
    episode = report(area, seen=timezone.now() - timedelta(days=3))
    services.episode_return(
        episode=episode,
        data=return_in(timezone.now() - timedelta(days=2)),
        by=area.officer,
        version=saved_version(episode),
    )
    return area


def _signed_in(user: Any) -> Client:
    client = Client()
    sign_in(client, user)
    return client


def _api(user: Any) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {token_create(user=user, by=Actor.system('test')).raw}")


API_BODY = {"triggers": "Curfew rows", "places": "The park", "actions": "Check the park first"}


def test_a_plan_is_written_and_read_through_the_api(known: Any) -> None:
    area = known
    path = f"/api/v1/trigger-plans/{area.child.pk}"
    created = _api(area.officer).put(path, API_BODY, content_type="application/json")
    assert created.status_code == 201, created.json()
    read = _api(area.social_worker).get(path)
    assert read.status_code == 200 and read.json()["places"] == "The park"


def test_a_stale_api_save_is_a_conflict(known: Any) -> None:
    area = known
    path = f"/api/v1/trigger-plans/{area.child.pk}"
    client = _api(area.officer)
    first = client.put(path, API_BODY, content_type="application/json").json()
    client.put(path, {**API_BODY, "version": first["version"]}, content_type="application/json")
    stale = client.put(path, {**API_BODY, "version": first["version"]}, content_type="application/json")
    assert stale.status_code == 409 and stale.json()["current_version"] == 2


def test_a_social_worker_cannot_write_a_plan_through_the_api(area: Any) -> None:
    path = f"/api/v1/trigger-plans/{area.child.pk}"
    assert _api(area.social_worker).put(path, API_BODY, content_type="application/json").status_code == 403


def test_an_api_plan_without_actions_is_refused_naming_the_field(known: Any) -> None:
    area = known
    path = f"/api/v1/trigger-plans/{area.child.pk}"
    response = _api(area.officer).put(path, {**API_BODY, "actions": ""}, content_type="application/json")
    assert response.status_code == 422
    assert [p["field"] for p in response.json()["detail"]] == ["actions"]


# The workload figures, reproduced from a generated partnership by a plain second computation.


def _month_bounds(first: date) -> tuple[datetime, datetime]:
    nxt = date(first.year + (first.month == 12), first.month % 12 + 1, 1)
    return (
        datetime(first.year, first.month, 1, tzinfo=LONDON).astimezone(UTC),
        datetime(nxt.year, nxt.month, 1, tzinfo=LONDON).astimezone(UTC),
    )


def test_the_workload_figures_are_reproduced_from_generated_records(db: Any, make_user: Any) -> None:
    generate(children=800, seed=5)
    team = Team.objects.get(code="eastshire-business")
    analyst = make_user(Role.PARTNERSHIP_ANALYST, team=team, agency=team.agency)
    now = timezone.now()
    last = timezone.localdate(now).replace(day=1)
    w = reports.workload(analyst, last_month=last, now=now)
    assert TriggerPlan.objects.exists() and len(w.months) == 12
    episodes = list(MissingEpisode.objects.all())
    plans = list(TriggerPlan.objects.all())
    for row in w.months:
        start, end = _month_bounds(row.month)
        month = [e for e in episodes if start <= e.last_seen_at < end]
        assert row.episodes == len(month)
        assert row.children == len({e.person_id for e in month if e.person_id})
        assert row.high_risk == len([e for e in month if e.risk == 3])
        assert row.over_48_hours == len(
            [e for e in month if (e.returned_at or now) - e.last_seen_at > timedelta(hours=48)]
        )
        counts = Counter(
            e.person_id for e in episodes if e.person_id and end - timedelta(days=90) <= e.last_seen_at < end
        )
        repeat = {p for p, n in counts.items() if n >= 3}
        live = {
            p.person_id for p in plans if p.created_at < end and (p.ended_at is None or p.ended_at >= end)
        }
        assert (row.repeat_children, row.repeat_with_plan) == (len(repeat), len(repeat & live))
    assert any(row.repeat_with_plan for row in w.months)
    assert w.names is False  # an analyst sees figures, not names
