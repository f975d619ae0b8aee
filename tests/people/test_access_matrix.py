"""Every role against every route and relationship class, from one policy table.

The expectations below are written out independently of `mace.core.access.POLICY`: if the code's
policy drifts from what the partnership agreed, these tests fail. Zero unexpected allows.
"""

# shifted-clocks: pinned (every test runs from the fixed instant NOW below: what is tested is who may
# open what, and the few dates it writes, plan actions and reviews, are relative to that instant)

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from mace.accounts.models import Role
from mace.accounts.services import token_create
from mace.core.audit import Actor
from mace.core.models import AccessLogEntry
from mace.people.models import Involvement
from tests.versions import saved_version

from ..conftest import sign_in
from ..factories import (
    AgencyFactory,
    InvolvementFactory,
    LiveBreakGlassFactory,
    PersonFactory,
    RestrictedAccessFactory,
    RestrictedPersonFactory,
    TeamFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 12, 2, 11, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _pinned_now() -> Iterator[None]:
    with time_machine.travel(NOW, tick=True):
        yield


RECORD_ROLES = {
    Role.FRONT_DOOR_WORKER,
    Role.FRONT_DOOR_MANAGER,
    Role.SOCIAL_WORKER,
    Role.TEAM_MANAGER,
    Role.EARLY_HELP_PRACTITIONER,
    Role.POLICE_OFFICER,
    Role.ED_CLINICIAN,
    Role.HEALTH_SAFEGUARDING_LEAD,
    Role.EDUCATION_OFFICER,
    Role.RHI_WORKER,
}
BREAK_GLASS_ROLES = RECORD_ROLES - {Role.RHI_WORKER}
ACCESS_LOG_REVIEWERS = {Role.HEALTH_SAFEGUARDING_LEAD}
FRONT_DOOR_ROLES = {Role.FRONT_DOOR_WORKER, Role.FRONT_DOOR_MANAGER}
# The morning list is shared by the front door and the police, who also report and return children.
MISSING_LIST_ROLES = FRONT_DOOR_ROLES | {Role.POLICE_OFFICER}
# Strategy meetings, MACE panels and plan reviews are arranged by social care, early help and police.
MEETING_ROLES = MISSING_LIST_ROLES | {Role.SOCIAL_WORKER, Role.TEAM_MANAGER, Role.EARLY_HELP_PRACTITIONER}
AGGREGATE_ROLES = {
    Role.FRONT_DOOR_MANAGER,
    Role.TEAM_MANAGER,
    Role.HEALTH_SAFEGUARDING_LEAD,
    Role.PARTNERSHIP_ANALYST,
    Role.BUSINESS_MANAGER,
    Role.EXECUTIVE,
    Role.SCRUTINEER,
    Role.ADMINISTRATOR,
}
# Run the partnership's improvement plans (capability manage_improvement).
IMPROVEMENT_ROLES = {Role.FRONT_DOOR_MANAGER, Role.TEAM_MANAGER, Role.BUSINESS_MANAGER, Role.ADMINISTRATOR}
AGREE_ROLES = {Role.FRONT_DOOR_MANAGER, Role.TEAM_MANAGER, Role.HEALTH_SAFEGUARDING_LEAD}
SCREENING_ROLES = RECORD_ROLES  # any agency's practitioner working with the child
ED_ROLES = {Role.ED_CLINICIAN, Role.HEALTH_SAFEGUARDING_LEAD}
# Those who hold a child's one plan; every other practitioner working with the child reads it.
PLAN_ROLES = {Role.SOCIAL_WORKER, Role.TEAM_MANAGER, Role.EARLY_HELP_PRACTITIONER}

# relationship class -> which roles may open the record
POLICY_TABLE: dict[str, set[str]] = {
    "own_team": RECORD_ROLES,
    "own_team_ended": set(),
    "other_team_same_agency": set(),
    "other_agency": set(),
    "restricted_not_named": set(),
    "restricted_named": RECORD_ROLES,
    "no_relationship": set(),
    "break_glass": BREAK_GLASS_ROLES,
    "break_glass_expired": set(),
    "archived": set(),
}
ROUTES = [
    "record_page",
    "record_api",
    "search_page",
    "search_api",
    "meeting_api",
    "access_log_page",
    "screening_page",
    "plan_page",
    "plan_edit_page",
    "casework_page",
    "timetable_page",
    "visit_page",
    "supervision_page",
    "plan_edit_api",
    "plan_versions_api",
    "plan_review_api",
    "plan_acknowledge_api",
    "visit_api",
    "attendance_api",
    "session_api",
    "supervision_api",
    "assessment_wait_page",
    "assessment_outcome_page",
    "assessment_wait_api",
]
VISIT_ROLES = {Role.SOCIAL_WORKER, Role.TEAM_MANAGER, Role.EARLY_HELP_PRACTITIONER}
# Those who plan a child's activity timetable and record its attendance: the school's officer too.
TIMETABLE_ROLES = VISIT_ROLES | {Role.EDUCATION_OFFICER}
SUPERVISE_ROLES = {Role.TEAM_MANAGER}
# Who records a child's referral for an autism or ADHD assessment and its outcome (health waits, 3.4).
HEALTH_WAIT_ROLES = VISIT_ROLES | {Role.HEALTH_SAFEGUARDING_LEAD}


def _setup(role: str, relationship: str) -> tuple[Any, Any]:
    team = TeamFactory()
    user = UserFactory(team=team, roles=[role])
    person = RestrictedPersonFactory() if relationship.startswith("restricted") else PersonFactory()
    if relationship in ("own_team", "restricted_not_named", "restricted_named"):
        InvolvementFactory(person=person, team=team, kind=Involvement.Kind.ALLOCATED)
    elif relationship == "own_team_ended":
        InvolvementFactory(person=person, team=team, ended_at="2024-01-01T00:00:00Z")
    elif relationship == "other_team_same_agency":
        InvolvementFactory(person=person, team=TeamFactory(agency=team.agency))
    elif relationship == "other_agency":
        InvolvementFactory(person=person, team=TeamFactory(agency=AgencyFactory()))
    elif relationship == "break_glass":
        LiveBreakGlassFactory(user=user, person=person)
    elif relationship == "break_glass_expired":
        LiveBreakGlassFactory(user=user, person=person, expires_at="2024-01-01T00:00:00Z")
    elif relationship == "archived":
        InvolvementFactory(person=person, team=team)
        person.archived_at = "2024-01-01T00:00:00Z"
        person.save()
    if relationship == "restricted_named":
        RestrictedAccessFactory(person=person, user=user)
    return user, person


def _expected(role: str, relationship: str, route: str) -> bool:
    allowed = role in POLICY_TABLE[relationship]
    if route == "access_log_page":
        return allowed and (relationship in ("own_team", "restricted_named") or role in ACCESS_LOG_REVIEWERS)
    if route == "screening_page":
        return allowed and role in SCREENING_ROLES
    if route in ("plan_edit_page", "plan_edit_api", "plan_review_api"):
        return allowed and role in PLAN_ROLES
    if route in ("visit_page", "visit_api"):
        return allowed and role in VISIT_ROLES
    if route in ("attendance_api", "session_api"):
        return allowed and role in TIMETABLE_ROLES
    if route in ("supervision_page", "supervision_api"):
        return allowed and role in SUPERVISE_ROLES
    if route == "meeting_api":
        return allowed and role in MEETING_ROLES
    if route.startswith("assessment_"):
        return allowed and role in HEALTH_WAIT_ROLES
    return allowed


CASEWORK_PAGES = {
    "casework_page": "/casework/children/{}/",
    "timetable_page": "/casework/children/{}/timetable/",
    "visit_page": "/casework/children/{}/visits/new/",
    "supervision_page": "/casework/children/{}/supervision/new/",
}


def _plan(person: Any, by: Any) -> None:
    from mace.plans import services as plans

    data = plans.PlanIn(
        plan_type="child_in_need",
        reason="",
        agree=True,
        needs_and_risks="Going missing.",
        outcomes="No missing episodes.",
        contingency="A strategy meeting within 24 hours.",
        actions=[plans.ActionIn(text="Direct work", owner="Sam Worker", due=date(2026, 12, 15))],
    )
    plans.plan_save(person=person, data=data, by=by, version=0)


def _api_write(client: Client, person: Any, route: str) -> Any:
    """A valid change through the API (the records it needs made by the system first): 200 or 201."""
    from mace.casework import services as casework

    system = Actor.system("test")
    today = timezone.localdate()
    child = f"/api/v1/casework/children/{person.pk}"
    if route == "plan_edit_api":
        body = {
            "plan_type": "early_help",
            "actions": [{"text": "Mentoring", "owner": "Jo", "due": "2026-12-15"}],
        }
        return client.put(f"/api/v1/plans/{person.pk}", body, content_type="application/json")
    if route.startswith("plan_"):
        _plan(person, system)
    if route == "plan_versions_api":
        return client.get(f"/api/v1/plans/{person.pk}/versions")
    if route == "plan_review_api":
        body = {
            "held_on": today.isoformat(),
            "attendees": "Social worker, school",
            "progress": "Attending school.",
            "contingency_needed": False,
            "contingency_used": False,
            "child_safer": "yes",
            "decision": "continue",
        }
        return client.post(f"/api/v1/plans/{person.pk}/reviews", body, content_type="application/json")
    if route == "plan_acknowledge_api":
        return client.post(
            f"/api/v1/plans/{person.pk}/acknowledge", {"version": 1}, content_type="application/json"
        )
    if route == "visit_api":
        body = {
            "visited_on": today.isoformat(),
            "seen": True,
            "seen_alone": True,
            "place": "Home",
            "observations": "Well.",
        }
        return client.post(f"{child}/visits", body, content_type="application/json")
    if route == "attendance_api":
        week = today - timedelta(days=today.weekday() + 7)  # last week's Monday
        data = casework.SessionIn(0, time(9), time(12), "tuition", "Home Tuition", week - timedelta(weeks=1))
        session = casework.session_add(person=person, data=data, by=system)
        body = {"marks": [{"session_id": session.pk, "attended": True}]}
        return client.post(
            f"{child}/timetable/weeks/{week.isoformat()}", body, content_type="application/json"
        )
    if route == "assessment_wait_api":
        body = {"person_id": person.pk, "kind": "adhd", "referred_on": today.isoformat()}
        return client.post("/api/v1/assessment-waits", body, content_type="application/json")
    if route == "session_api":
        body = {
            "weekday": 0,
            "starts_at": "09:00",
            "ends_at": "12:00",
            "kind": "education",
            "provider": "Pupil Referral Unit",
            "active_from": today.isoformat(),
        }
        return client.post(f"{child}/timetable/sessions", body, content_type="application/json")
    # Supervision is of the child's allocated worker: give the child one, in a team unrelated to the user.
    InvolvementFactory(person=person, worker=UserFactory(), kind=Involvement.Kind.ALLOCATED)
    body = {
        "held_on": today.isoformat(),
        "attendees": "Manager, worker",
        "reflection": "Settled.",
        "safer": "yes",
        "analysis": "Safer because the plan's disruption worked.",
    }
    return client.post(f"{child}/supervisions", body, content_type="application/json")


def _actual(user: Any, person: Any, route: str) -> bool:
    client = Client()
    if route.endswith("_api"):
        raw = token_create(user=user, by=Actor.system("test")).raw
        headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
        if route == "record_api":
            return client.get(f"/api/v1/people/{person.pk}", **headers).status_code == 200
        if route == "meeting_api":
            body = {
                "kind": "strategy",
                "scheduled_at": "2026-11-20T14:00:00+00:00",
                "purpose": "Decide on section 47",
                "child_ids": [person.pk],
            }
            response = client.post("/api/v1/meetings", body, content_type="application/json", **headers)
            if response.status_code == 422:  # a meeting role that may not see the child
                assert [p["field"] for p in response.json()["detail"]] == ["child_ids"]
            assert response.status_code in (201, 403, 422), response.status_code
            return response.status_code == 201
        if route != "search_api":
            status = _api_write(Client(**headers), person, route).status_code
            assert status in (200, 201, 403, 404), status  # never a validation problem in this setup
            return status in (200, 201)
        response = client.get("/api/v1/people", {"q": person.family_name}, **headers)
        return response.status_code == 200 and person.pk in [r["id"] for r in response.json()["results"]]
    sign_in(client, user)
    if route == "record_page":
        return client.get(f"/people/{person.pk}/").status_code == 200
    if route == "access_log_page":
        return client.get(f"/people/{person.pk}/access-log/").status_code == 200
    if route == "screening_page":
        return client.get(f"/screening/new/?person={person.pk}").status_code == 200
    if route == "plan_page":
        return client.get(f"/plans/children/{person.pk}/").status_code == 200
    if route == "plan_edit_page":
        return client.get(f"/plans/children/{person.pk}/edit/").status_code == 200
    if route in CASEWORK_PAGES:
        return client.get(CASEWORK_PAGES[route].format(person.pk)).status_code == 200
    if route == "assessment_wait_page":
        return client.get(f"/health/children/{person.pk}/assessment-waits/new/").status_code == 200
    if route == "assessment_outcome_page":
        from mace.health import services as health

        data = health.WaitIn(kind="autism", referred_on=date(2026, 6, 1))
        wait = health.assessment_wait_record(person=person, data=data, by=Actor.system("test"))
        return (
            client.get(f"/health/children/{person.pk}/assessment-waits/{wait.pk}/outcome/").status_code == 200
        )
    response = client.get("/people/", {"q": person.family_name})
    return response.status_code == 200 and f"/people/{person.pk}/" in response.content.decode()


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("relationship", list(POLICY_TABLE))
@pytest.mark.parametrize("role", list(Role.values))
def test_access_matches_the_policy_table(role: str, relationship: str, route: str) -> None:
    user, person = _setup(role, relationship)
    assert _actual(user, person, route) is _expected(role, relationship, route)


@pytest.mark.parametrize("role", list(Role.values))
def test_a_denied_record_read_is_logged(role: str) -> None:
    user, person = _setup(role, "no_relationship")
    client = Client()
    sign_in(client, user)
    client.get(f"/people/{person.pk}/")
    assert AccessLogEntry.objects.filter(actor=user, action="deny", object_id=str(person.pk)).exists()


def _page_shape(html: str, person_id: int) -> str:
    """The page with what differs per request (nonce, CSRF token) and the requested ID blanked."""
    html = re.sub(r'nonce="[^"]+"', "", html)
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
    return html.replace(f"/people/{person_id}/", "/people/ID/")


def test_forbidden_and_missing_records_look_the_same() -> None:
    user, person = _setup(Role.SOCIAL_WORKER, "no_relationship")
    client = Client()
    sign_in(client, user)
    forbidden = client.get(f"/people/{person.pk}/")
    missing = client.get(f"/people/{person.pk + 100000}/")
    assert forbidden.status_code == missing.status_code == 404
    assert _page_shape(forbidden.content.decode(), person.pk) == _page_shape(
        missing.content.decode(), person.pk + 100000
    )


def test_forbidden_and_missing_look_the_same_in_the_api() -> None:
    user, person = _setup(Role.SOCIAL_WORKER, "no_relationship")
    raw = token_create(user=user, by=Actor.system("test")).raw
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    forbidden = client.get(f"/api/v1/people/{person.pk}")
    missing = client.get(f"/api/v1/people/{person.pk + 100000}")
    assert (
        (forbidden.status_code, forbidden.json())
        == (missing.status_code, missing.json())
        == (404, {"detail": "Not found"})
    )


@pytest.mark.parametrize(
    ("route", "roles"),
    [
        (
            "/people/new/",
            {Role.FRONT_DOOR_WORKER, Role.FRONT_DOOR_MANAGER, Role.POLICE_OFFICER, Role.ED_CLINICIAN},
        ),
        ("/access/break-glass/", {Role.HEALTH_SAFEGUARDING_LEAD, Role.ADMINISTRATOR}),
        ("/people/", RECORD_ROLES),
        ("/front-door/", FRONT_DOOR_ROLES),
        ("/front-door/matching/", FRONT_DOOR_ROLES),
        ("/people/duplicates/", FRONT_DOOR_ROLES),
        ("/front-door/meetings/daily/", FRONT_DOOR_ROLES),
        ("/front-door/meetings/weekly/", FRONT_DOOR_ROLES),
        ("/front-door/contacts/new/", RECORD_ROLES),
        ("/front-door/performance/", FRONT_DOOR_ROLES | AGGREGATE_ROLES),
        ("/report-a-concern/", set(Role.values)),
        ("/missing/", RECORD_ROLES),
        ("/missing/report/", MISSING_LIST_ROLES),
        ("/missing/identify/", MISSING_LIST_ROLES),
        ("/missing/interviews/", MISSING_LIST_ROLES | {Role.RHI_WORKER}),
        ("/missing/patterns/", MISSING_LIST_ROLES | AGGREGATE_ROLES),
        ("/missing/reports/monthly/", MISSING_LIST_ROLES | AGGREGATE_ROLES),
        ("/missing/reports/drivers/", MISSING_LIST_ROLES | AGGREGATE_ROLES),
        ("/missing/workload/", MISSING_LIST_ROLES | AGGREGATE_ROLES),
        ("/meetings/", RECORD_ROLES),
        ("/meetings/new/", MEETING_ROLES),
        ("/meetings/rota/", MEETING_ROLES),
        ("/meetings/minutes/", MEETING_ROLES | AGGREGATE_ROLES),
        ("/screening/agreements/", AGREE_ROLES),
        ("/screening/tools/", {Role.ADMINISTRATOR}),
        ("/screening/tools/new/", {Role.ADMINISTRATOR}),
        ("/health/ed/", ED_ROLES),
        ("/health/ed/attendances/new/", {Role.ED_CLINICIAN}),
        ("/health/discharge-reviews/", {Role.HEALTH_SAFEGUARDING_LEAD}),
        # ED audits are audits in the partnership's programme now: the old address redirects there.
        ("/plans/", RECORD_ROLES),
        ("/casework/supervision/", {Role.TEAM_MANAGER} | AGGREGATE_ROLES),
        ("/casework/caseloads/", {Role.TEAM_MANAGER} | AGGREGATE_ROLES),
        (
            "/oversight/",
            {Role.FRONT_DOOR_MANAGER, Role.TEAM_MANAGER, Role.HEALTH_SAFEGUARDING_LEAD} | AGGREGATE_ROLES,
        ),
        ("/exports/", {Role.PARTNERSHIP_ANALYST}),
        ("/exports/mappings/", {Role.PARTNERSHIP_ANALYST}),
        # The partnership's action plans are partnership business: every signed-in role reads them.
        ("/improvement/", set(Role.values)),
        # Training is partnership business too: every signed-in role reads compliance (no child named).
        ("/improvement/training/", set(Role.values)),
        ("/improvement/training/teams/", set(Role.values)),
        # Adding a course is a trainer's (business manager, health safeguarding lead, administrator).
        (
            "/improvement/training/courses/new/",
            {Role.BUSINESS_MANAGER, Role.HEALTH_SAFEGUARDING_LEAD, Role.ADMINISTRATOR},
        ),
        ("/improvement/governance/", set(Role.values)),
        # Thematic reports carry figures and children's (anonymised) words: the roles that see figures.
        ("/improvement/thematic/", AGGREGATE_ROLES),
        ("/improvement/thematic/voice/", AGGREGATE_ROLES),
        # Audits and reviews are partnership business too; whoever runs the plans (and, for ED audits of
        # their trust, the safeguarding lead) draws dip samples; whoever runs the plans records reviews.
        ("/improvement/audits/", set(Role.values)),
        ("/improvement/audits/new/", IMPROVEMENT_ROLES | {Role.HEALTH_SAFEGUARDING_LEAD}),
        ("/improvement/reviews/", set(Role.values)),
        ("/improvement/reviews/new/", IMPROVEMENT_ROLES),
        # The network: police intelligence roles work it; readers of figures see its counts only.
        ("/network/", {Role.POLICE_OFFICER} | AGGREGATE_ROLES),
        ("/network/proposals/", {Role.POLICE_OFFICER}),
        ("/network/subjects/new/", {Role.POLICE_OFFICER}),
        # Context assessments: whoever works with records or intelligence lists those they may see;
        # readers of figures see counts by step.
        ("/network/context/", RECORD_ROLES | AGGREGATE_ROLES),
    ],
)
@pytest.mark.parametrize("role", list(Role.values))
def test_role_pages_open_only_to_their_roles(role: str, route: str, roles: set[str]) -> None:
    client = Client()
    sign_in(client, UserFactory(roles=[role]))
    status = client.get(route).status_code
    assert (status == 200) is (role in roles), status


def _contact_about(person: Any, partnership: Any) -> Any:
    from mace.frontdoor.models import Contact

    return Contact.objects.create(
        partnership=partnership,
        kind="vpa",
        route="api",
        received_at="2026-11-02T09:00:00Z",
        review_due_at="2026-11-03T09:00:00Z",
        decision_due_at="2026-11-02T17:00:00Z",
        subject={"family_name": "X"},
        person=person,
        match_status="matched",
        summary="Concern",
    )


@pytest.mark.parametrize(
    "relationship",
    [
        "own_team",
        "other_agency",
        "no_relationship",
        "front_door_same_area",
        "front_door_other_area",
        "submitter",
    ],
)
@pytest.mark.parametrize("role", list(Role.values))
def test_contact_access_matches_the_policy(role: str, relationship: str) -> None:
    """Front door roles see their partnership's contacts; teams see contacts about their children;
    a submitter sees what they sent; nobody else."""
    from ..factories import PartnershipFactory

    area = PartnershipFactory()
    other = PartnershipFactory(code="elsewhere", name="Elsewhere")
    team = TeamFactory(partnership=area)
    team.agency.partnerships.set([other if relationship == "front_door_other_area" else area])
    user = UserFactory(team=team, roles=[role])
    person = PersonFactory(partnership=area)
    contact = _contact_about(person, area)
    if relationship == "own_team":
        InvolvementFactory(person=person, team=team)
    elif relationship == "other_agency":
        InvolvementFactory(person=person, team=TeamFactory(agency=AgencyFactory()))
    elif relationship == "submitter":
        contact.submitted_by = user
        contact.save()
    expected = {
        "own_team": role in RECORD_ROLES or role in FRONT_DOOR_ROLES,
        "other_agency": False,
        "no_relationship": False,
        "front_door_same_area": role in FRONT_DOOR_ROLES,
        "front_door_other_area": False,
        "submitter": True,
    }[relationship]
    if relationship in ("other_agency", "no_relationship") and role in FRONT_DOOR_ROLES:
        expected = True  # the front door works every contact in its partnership
    client = Client()
    sign_in(client, user)
    status = client.get(f"/front-door/contacts/{contact.pk}/").status_code
    assert (status == 200) is expected, status


MEETING_API = ["held", "minutes", "share", "action", "complete"]


@pytest.mark.parametrize("endpoint", MEETING_API)
@pytest.mark.parametrize("role", list(Role.values))
def test_meeting_api_changes_open_only_to_meeting_roles(role: str, endpoint: str) -> None:
    """A meeting of the user's own team, about a child the team works with: only meeting roles change it."""
    from mace.meetings import services

    team = TeamFactory()
    chair = UserFactory(team=team, roles=[Role.TEAM_MANAGER])
    user = UserFactory(team=team, roles=[role])
    child = PersonFactory()
    InvolvementFactory(person=child, team=team, kind=Involvement.Kind.ALLOCATED)
    at = timezone.now() - timedelta(days=2)
    meeting = services.meeting_schedule(
        data=services.MeetingIn(kind="strategy", scheduled_at=at, purpose="Section 47?", children=[child]),
        partnership=team.partnership,
        team=team,
        by=chair,
    )
    if endpoint != "held":
        meeting = services.meeting_hold(
            meeting=meeting,
            data=services.HeldIn(held_at=at, attendance={}, decision="No s47", section_47=False),
            by=chair,
            version=saved_version(meeting),
        )
    if endpoint == "share":
        meeting = services.minutes_write(
            meeting=meeting, minutes="Minutes", by=chair, version=saved_version(meeting)
        )
    path, body = {
        "held": (
            f"{meeting.pk}/held",
            {
                "version": meeting.version,
                "held_at": at.isoformat(),
                "decision": "No s47",
                "section_47": False,
            },
        ),
        "minutes": (f"{meeting.pk}/minutes", {"version": meeting.version, "minutes": "Minutes"}),
        "share": (f"{meeting.pk}/minutes/share", {"user_ids": [chair.pk]}),
        "action": (
            f"{meeting.pk}/actions",
            {"description": "Visit", "owner_id": chair.pk, "due_on": "2026-12-01"},
        ),
        "complete": ("", {}),
    }[endpoint]
    if endpoint == "complete":
        action = services.action_add(
            meeting=meeting, description="Visit", owner=chair, due_on=at.date(), by=chair
        )
        path = f"actions/{action.pk}/complete"
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token_create(user=user, by=Actor.system('test')).raw}")
    send = client.put if endpoint == "minutes" else client.post
    status = send(f"/api/v1/meetings/{path}", body, content_type="application/json").status_code
    assert (status in (200, 201)) is (role in MEETING_ROLES), status


# Training (issue 12, item 5): every signed-in member of the partnership reads; only trainers write.
TRAINER_ROLES = {Role.BUSINESS_MANAGER, Role.HEALTH_SAFEGUARDING_LEAD, Role.ADMINISTRATOR}
TRAINING_ROUTES = [
    "team",
    "course",
    "session",
    "booking",
    "attendance",
    "book",
    "evaluation",
    "follow-up",
    "schedule",
    "teams",
    "register",
    "course-new",
    "register-add",
    "requirement",
    "left",
]


@pytest.mark.parametrize("route", TRAINING_ROUTES)
@pytest.mark.parametrize("role", list(Role.values))
def test_training_pages_open_to_the_partnership_and_writes_only_to_trainers(role: str, route: str) -> None:
    from mace.improvement.training import services as training
    from mace.improvement.training.models import TrainingBooking, TrainingEvaluation, TrainingFollowUp

    system = Actor.system("test")
    team = TeamFactory()
    training.requirement_set(team=team, level=2, by=system)
    course = training.course_create(
        partnership=team.partnership, code="c", title="Course", level=2, multi_agency=True, by=system
    )
    session = training.session_schedule(course=course, on=date(2026, 11, 20), venue="Online", by=system)
    a, b = (
        training.practitioner_add(partnership=team.partnership, team=team, name=n, by=system) for n in "AB"
    )
    booking = training.booking_add(session=session, practitioner=a, by=system)
    training.attendance_record(session=session, statuses={booking.pk: "attended"}, version=1, by=system)
    client = Client()
    sign_in(client, UserFactory(team=TeamFactory(partnership=team.partnership), roles=[role]))
    base = "/improvement/training"
    reads = {
        "team": f"{base}/teams/{team.pk}/",
        "course": f"{base}/courses/{course.pk}/",
        "session": f"{base}/sessions/{session.pk}/",
        "booking": f"{base}/bookings/{booking.pk}/",
        "teams": f"{base}/teams/",
        "register": f"{base}/teams/{team.pk}/practitioners/",
    }
    if route in reads:
        assert client.get(reads[route]).status_code == 200
        return
    from mace.improvement.training.models import Practitioner, TrainingCourse, TrainingRequirement

    trainer_only = {
        "course-new": f"{base}/courses/new/",
        "requirement": f"{base}/teams/{team.pk}/requirement/",
        "left": f"{base}/practitioners/{b.pk}/left/",
    }
    if route in trainer_only:
        opened = client.get(trainer_only[route]).status_code
        assert opened == (200 if role in TRAINER_ROLES else 404), opened
    path, body, written = {
        "attendance": (
            f"{base}/sessions/{session.pk}/attendance/",
            {"version": 2, f"booking_{booking.pk}": "absent"},
            lambda: TrainingBooking.objects.filter(status="absent").exists(),
        ),
        "book": (
            f"{base}/sessions/{session.pk}/bookings/",
            {"practitioner": b.pk},
            lambda: TrainingBooking.objects.filter(practitioner=b).exists(),
        ),
        "evaluation": (
            f"{base}/bookings/{booking.pk}/evaluation/",
            {"confidence_before": "2", "confidence_after": "4", "will_do": "Screen"},
            lambda: TrainingEvaluation.objects.exists(),
        ),
        "schedule": (
            f"{base}/courses/{course.pk}/sessions/",
            {"on_day": "14", "on_month": "1", "on_year": "2027", "venue": "Online", "capacity": "20"},
            lambda: course.sessions.count() == 2,
        ),
        "follow-up": (
            f"{base}/bookings/{booking.pk}/follow-up/",
            {
                "on_day": "1",
                "on_month": "12",
                "on_year": "2026",
                "attendee_says": "a",
                "manager_name": "m",
                "manager_says": "b",
                "changed": "yes",
            },
            lambda: TrainingFollowUp.objects.exists(),
        ),
        "course-new": (
            f"{base}/courses/new/",
            {"title": "New course", "level": "1", "delivery": "multi"},
            lambda: TrainingCourse.objects.filter(title="New course").exists(),
        ),
        "register-add": (
            f"{base}/teams/{team.pk}/practitioners/",
            {"name": "C"},
            lambda: Practitioner.objects.filter(name="C").exists(),
        ),
        "requirement": (
            f"{base}/teams/{team.pk}/requirement/",
            {"level": "3"},
            lambda: TrainingRequirement.objects.get(team=team).level == 3,
        ),
        "left": (
            f"{base}/practitioners/{b.pk}/left/",
            {"left_on_day": "20", "left_on_month": "11", "left_on_year": "2026"},
            lambda: Practitioner.objects.get(pk=b.pk).left_on is not None,
        ),
    }[route]
    status = client.post(path, body).status_code
    allowed = role in TRAINER_ROLES
    assert status == (302 if allowed else 404), status
    assert written() is allowed


# Governance (issue 12, item 7): every signed-in member of the partnership reads; managers record.
IMPROVEMENT_ROLES = {Role.FRONT_DOOR_MANAGER, Role.TEAM_MANAGER, Role.BUSINESS_MANAGER, Role.ADMINISTRATOR}


@pytest.mark.parametrize("route", ["meeting", "new", "attendance", "decision", "lead"])
@pytest.mark.parametrize("role", list(Role.values))
def test_governance_pages_open_to_the_partnership_and_records_only_to_improvement_roles(
    role: str, route: str
) -> None:
    from mace.improvement.governance import services as governance
    from mace.improvement.governance.models import (
        GovernanceAttendance,
        GovernanceDecision,
        GovernanceMeeting,
        LeadProfessional,
    )

    team = TeamFactory()
    meeting = governance.meeting_record(
        partnership=team.partnership,
        kind="quarterly",
        held_on=date(2026, 11, 20),
        chair="Chair",
        by=Actor.system("test"),
    )
    client = Client()
    sign_in(client, UserFactory(team=team, roles=[role]))
    base = "/improvement/governance"
    if route == "meeting":
        assert client.get(f"{base}/meetings/{meeting.pk}/").status_code == 200
        return
    path, body, written = {
        "new": (
            f"{base}/meetings/",
            {"kind": "pan_area", "held_day": "1", "held_month": "12", "held_year": "2026", "chair": "Police"},
            lambda: GovernanceMeeting.objects.count() == 2,
        ),
        "attendance": (
            f"{base}/meetings/{meeting.pk}/attendance/",
            {"attendee": "A", "status": "present"},
            lambda: GovernanceAttendance.objects.exists(),
        ),
        "decision": (
            f"{base}/meetings/{meeting.pk}/decisions/",
            {"text": "Decided"},
            lambda: GovernanceDecision.objects.exists(),
        ),
        "lead": (
            f"{base}/lead-professionals/",
            {
                "agency": team.agency_id,
                "name": "L",
                "since_day": "1",
                "since_month": "12",
                "since_year": "2026",
            },
            lambda: LeadProfessional.objects.exists(),
        ),
    }[route]
    status = client.post(path, body).status_code
    allowed = role in IMPROVEMENT_ROLES
    assert status == (302 if allowed else 404), status
    assert written() is allowed


@pytest.mark.parametrize("role", list(Role.values))
def test_audit_and_review_pages_follow_the_policy(role: str) -> None:
    """An audit and a review of the user's partnership: every role reads them (partnership business, no
    child named); a record of the audit opens to answer only for whoever may answer a part of it (here,
    with nobody assigned: a member of a social care agency who runs the plans); a review's forms post only
    for whoever runs the plans; the old ED audit address redirects."""
    from mace.improvement.audits import services as audits
    from mace.improvement.reviews import services as reviews
    from mace.improvement.reviews.models import Recommendation

    user = UserFactory(roles=[role])
    partnership = user.team.partnership
    person = PersonFactory(partnership=partnership)
    contact = _contact_about(person, partnership)
    contact.decided_at = NOW - timedelta(days=3)
    contact.save()
    audit = audits.audit_draw(
        partnership=partnership,
        rule=audits.Rule(
            tool_code="front_door",
            period_start=(NOW - timedelta(days=10)).date(),
            period_end=NOW.date(),
            size=None,
            seed=1,
        ),
        by=Actor.system("test"),
    )
    record = audit.records.get()
    review = reviews.review_create(
        partnership=partnership,
        kind="rapid",
        reference="RR 1",
        summary="",
        notified_on=date(2026, 11, 2),
        themes=[],
        by=Actor.system("test"),
    )
    client = Client()
    sign_in(client, user)
    assert client.get(f"/improvement/audits/{audit.pk}/").status_code == 200
    assert client.get(f"/improvement/reviews/{review.pk}/").status_code == 200
    answers = client.get(f"/improvement/audits/{audit.pk}/records/{record.pk}/").status_code
    assert (answers == 200) is (role in IMPROVEMENT_ROLES), answers
    posted = client.post(f"/improvement/audits/{audit.pk}/records/{record.pk}/", {"decided_in_time": "yes"})
    assert (posted.status_code == 302) is (role in IMPROVEMENT_ROLES), posted.status_code
    assert record.answers.exists() is (role in IMPROVEMENT_ROLES)
    for what in ("assign", "learning"):
        refused = client.post(
            f"/improvement/audits/{audit.pk}/{what}/", {"agency_kind": "csc", "learning": "x"}
        )
        assert refused.status_code in (302, 404)
    client.post(f"/improvement/reviews/{review.pk}/recommendation/", {"text": "Share"})
    assert Recommendation.objects.filter(review=review).exists() is (role in IMPROVEMENT_ROLES)
    assert client.get("/health/ed-audits/").status_code == 302
    from mace.improvement.audits.models import AuditProgramme

    client.post("/improvement/audits/programme/", {"year": "2026", "title": "Programme"})
    assert AuditProgramme.objects.exists() is (role in IMPROVEMENT_ROLES)
    opened = client.get("/improvement/audits/programme/").status_code
    assert (opened == 200) is (role in IMPROVEMENT_ROLES), opened
    programme = audits.programme_create(
        partnership=partnership, year=2027, title="Next", agreed_on=None, agreed_by="", by=Actor.system("t")
    )
    assert client.get(f"/improvement/audits/programme/{programme.pk}/").status_code == 200
    edit = client.get(f"/improvement/audits/programme/{programme.pk}/edit/").status_code
    assert (edit == 200) is (role in IMPROVEMENT_ROLES), edit
    agreed = {"version": "1", "agreed_by": "Executive"}
    agreed |= {"agreed_on_day": "1", "agreed_on_month": "12", "agreed_on_year": "2026"}
    client.post(f"/improvement/audits/programme/{programme.pk}/", agreed)
    programme.refresh_from_db()
    assert (programme.agreed_on is not None) is (role in IMPROVEMENT_ROLES)
    # Reassigning a record: whoever runs the audit (a front door audit: whoever runs the plans).
    reassign = client.get(f"/improvement/audits/{audit.pk}/records/{record.pk}/assign/").status_code
    assert (reassign == 200) is (role in IMPROVEMENT_ROLES), reassign


@pytest.mark.parametrize("role", list(Role.values))
def test_an_actions_owner_is_set_only_by_whoever_runs_the_plans(role: str) -> None:
    from mace.improvement.models import Action, ActionPlan, PriorityArea

    user = UserFactory(roles=[role])
    partnership = user.team.partnership
    plan = ActionPlan.objects.create(
        partnership=partnership,
        title="Plan",
        kind="inspection",
        starts=date(2026, 1, 1),
        created_at=NOW,
        created_by_label="test",
    )
    area = PriorityArea.objects.create(plan=plan, section=1, section_title="S", number="1.1", title="A")
    action = Action.objects.create(
        area=area, ref="1.1a", text="Do", owner="Group", owner_rag="amber", opened_on=date(2026, 1, 1)
    )
    client = Client()
    sign_in(client, user)
    url = f"/improvement/plans/{plan.pk}/actions/1.1a/owner/"
    allowed = role in IMPROVEMENT_ROLES
    assert (client.get(url).status_code == 200) is allowed
    client.post(url, {"version": "1", "owner": "", "owner_user": user.pk})
    action.refresh_from_db()
    assert (action.owner_user == user) is allowed


@pytest.mark.parametrize("role", list(Role.values))
def test_only_the_front_door_dismisses_a_likely_duplicate(role: str) -> None:
    from mace.people.models import LikelyDuplicate

    user = UserFactory(roles=[role])
    partnership = user.agency.partnerships.first() if user.agency_id else None
    a = PersonFactory(partnership=partnership) if partnership else PersonFactory()
    b = PersonFactory(partnership=a.partnership)
    pair = LikelyDuplicate.objects.create(
        partnership=a.partnership,
        person_a=min(a, b, key=lambda p: p.pk),
        person_b=max(a, b, key=lambda p: p.pk),
        probability=0.99,
        mace_probability=0.9,
        engine="duckdb",
        run_label="test",
        found_at=NOW,
    )
    client = Client()
    sign_in(client, user)
    client.post(f"/people/duplicates/{pair.pk}/dismiss/", {"reason": "Different schools and parents"})
    pair.refresh_from_db()
    assert (pair.status == "dismissed") is (role in FRONT_DOOR_ROLES)


# The network (docs/decisions/0030): a subject by its handling code; a child's network by the child's rule,
# or for police intelligence roles any child of their partnership; an NRM referral form for first responders.
NETWORK_PARTNER_ROLES = RECORD_ROLES | {Role.POLICE_OFFICER}
NRM_ROLES = {Role.POLICE_OFFICER, Role.SOCIAL_WORKER, Role.TEAM_MANAGER} | FRONT_DOOR_ROLES


def _network_subject(handling: int, by: Any) -> Any:
    from mace.network import services

    return services.subject_record(
        partnership=by.team.partnership,
        data=services.SubjectIn(
            kind="adult",
            name="Darren Mole",
            source="Intelligence report",
            source_reliability="B",
            information_assessment=2,
            handling_code=handling,
        ),
        by=by,
    )


@pytest.mark.parametrize("handling", [1, 2, 4, 5])
@pytest.mark.parametrize("role", list(Role.values))
def test_network_subject_opens_only_as_its_handling_code_allows(role: str, handling: int) -> None:
    officer = UserFactory(roles=[Role.POLICE_OFFICER])
    subject = _network_subject(handling, officer)
    user = UserFactory(roles=[role])
    client = Client()
    sign_in(client, user)
    status = client.get(f"/network/subjects/{subject.pk}/").status_code
    expected = {1: {Role.POLICE_OFFICER}, 2: NETWORK_PARTNER_ROLES, 4: {Role.POLICE_OFFICER}, 5: set()}[
        handling
    ]
    assert (status == 200) is (role in expected), status
    assert AccessLogEntry.objects.filter(
        actor=user, object_type="network_subject", action="view" if status == 200 else "deny"
    ).exists()


@pytest.mark.parametrize("relationship", ["own_team", "no_relationship"])
@pytest.mark.parametrize("role", list(Role.values))
def test_network_child_page_follows_the_record_or_police_intelligence(role: str, relationship: str) -> None:
    user, person = _setup(role, relationship)
    client = Client()
    sign_in(client, user)
    status = client.get(f"/network/children/{person.pk}/").status_code
    expected = role in RECORD_ROLES if relationship == "own_team" else role == Role.POLICE_OFFICER
    assert (status == 200) is expected, status
    nrm = client.get(f"/network/children/{person.pk}/nrm/new/").status_code
    assert (nrm == 200) is (expected and role in NRM_ROLES), nrm


# Contextual safeguarding: an assessment of a place whose handling code partners share (2) is read by
# every role that works with records; its steps, conference, plan and reviews are written by those who
# arrange and chair MACE panels; readers of figures never open one (they see counts on /network/context/).
def _context_assessment(by: Any) -> tuple[Any, Any]:
    from mace.network import services

    place = services.subject_record(
        partnership=by.team.partnership,
        data=services.SubjectIn(
            kind="place",
            name="Kebab Palace",
            place_kind="takeaway",
            source="MACE panel",
            source_reliability="B",
            information_assessment=2,
            handling_code=2,
        ),
        by=by,
    )
    a = services.context_start(
        subject=place, data=services.TriggerIn("Children found there", date(2026, 11, 20)), by=by
    )
    return place, a


@pytest.mark.parametrize("role", list(Role.values))
def test_context_assessment_routes_open_only_to_their_roles(role: str) -> None:
    officer = UserFactory(roles=[Role.POLICE_OFFICER])
    place, a = _context_assessment(officer)
    user = UserFactory(roles=[role])
    client = Client()
    sign_in(client, user)
    routes = {
        f"/network/context/{a.pk}/": RECORD_ROLES,
        f"/network/subjects/{place.pk}/context/new/": MEETING_ROLES,
        f"/network/context/{a.pk}/scope/": MEETING_ROLES,
        f"/network/context/{a.pk}/observation/": MEETING_ROLES,
        f"/network/context/{a.pk}/weighing/": MEETING_ROLES,
        f"/network/context/{a.pk}/conference/": MEETING_ROLES,
        f"/network/context/{a.pk}/plan/": MEETING_ROLES,
        f"/network/context/{a.pk}/reviews/new/": MEETING_ROLES,
    }
    for route, roles in routes.items():
        status = client.get(route).status_code
        assert (status == 200) is (role in roles), (route, status)
    token = token_create(user=user, by=Actor.system("test")).raw
    api = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    status = api.get(f"/api/v1/network/context-assessments/{a.pk}").status_code
    assert (status == 200) is (role in RECORD_ROLES), status
    listed = api.get("/api/v1/network/context-assessments")
    assert (listed.status_code == 200 and len(listed.json()) == 1) is (role in RECORD_ROLES)
    posted = client.post(f"/network/context/{a.pk}/scope/", {"version": "1", "area": "The takeaway"})
    assert (posted.status_code == 200) is (role in MEETING_ROLES), posted.status_code  # refused: no children


# Merging two records of one adult of concern (and undoing it) is police intelligence work: only roles that
# record intelligence open the page or undo a merge; to every other role both are not found.
@pytest.mark.parametrize("role", list(Role.values))
def test_adult_merge_routes_open_only_to_intelligence_recorders(role: str) -> None:
    from mace.network import services
    from mace.network.models import SubjectMerge

    officer = UserFactory(roles=[Role.POLICE_OFFICER])

    def adult(name: str) -> Any:
        return services.subject_record(
            partnership=officer.team.partnership,
            data=services.SubjectIn(
                kind="adult",
                name=name,
                source="Intelligence report",
                source_reliability="B",
                information_assessment=2,
                handling_code=2,
            ),
            by=officer,
        )

    one, two = adult("Darren Mole"), adult("Daz Mole")
    merge = services.subject_merge(survivor=one, other=two, reason="Same phone", by=officer)
    # Same partnership, same agency: only the role differs.
    user = UserFactory(roles=[role], team=officer.team, agency=officer.agency)
    client = Client()
    sign_in(client, user)
    allowed = role == Role.POLICE_OFFICER
    assert (client.get(f"/network/subjects/{one.pk}/merge/").status_code == 200) is allowed
    undone = client.post(f"/network/merges/{merge.pk}/undo/").status_code
    assert (undone == 302) is allowed, undone
    assert (SubjectMerge.objects.get().undone_at is not None) is allowed
