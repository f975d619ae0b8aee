"""The profile of children at risk (6.2b): each figure worked out by hand from three children at risk and
two who are not, in November 2026 ("now" is pinned to 2 December 2026 by the `now` fixture)."""
# shifted-clocks: pinned (every test fixes the instants it reasons about)

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from mace.accounts.models import Role
from mace.casework.models import Placement, TimetableSession
from mace.missing.models import MissingEpisode, ReturnInterview
from mace.missing.services import place_key
from mace.oversight import profile
from mace.people.models import Flag, Person, Sex
from mace.plans.models import Plan, PlanStatus, PlanType, PlanVersion
from mace.screening.models import Level

from ..conftest import sign_in
from ..factories import InvolvementFactory, UserFactory
from .conftest import NOVEMBER, Records, at

POPULATION = {"eastshire": {"total": 30_000, "sex": {"F": 15_000, "M": 15_000}}}


def _found(episode: MissingEpisode, place: str) -> None:
    MissingEpisode.objects.filter(pk=episode.pk).update(found_place=place, found_place_key=place_key(place))


def _plan(person: Person, plan_type: str, status: str = PlanStatus.AGREED) -> None:
    plan = Plan.objects.create(
        person=person,
        partnership=person.partnership,
        created_at=at(1, month=10),
        updated_at=at(1, month=10),
        plan_type=plan_type,
        status=status,
    )
    PlanVersion.objects.create(
        plan=plan,
        number=1,
        created_at=at(1, month=10),
        created_by_label="test",
        reason="test",
        plan_type=plan_type,
        status=status,
    )


@pytest.fixture
def children(records: Records) -> dict[str, Person]:
    """Ada: CSE flag, cared-for plan, allocated, in foster care, on a timetable, missing and interviewed.
    Ben: CCE flag and a high screening with county lines, missing with Ada, no interview, nothing else.
    Cat: a medium screening with online CSE and gang indicators, a CP-IS looked-after flag.
    Dan: screened with no concerns. Eve: a CSE flag removed before the end of November."""
    ada = records.child(
        given_names="Ada",
        family_name="Zephyrine",
        sex=Sex.FEMALE,
        date_of_birth=date(2012, 6, 1),
        ethnicity="White British",
    )
    ben = records.child(
        given_names="Ben",
        family_name="Quorvale",
        sex=Sex.MALE,
        date_of_birth=date(2009, 1, 10),
        ethnicity="Mixed",
    )
    cat = records.child(
        given_names="Cat", family_name="Wyndlestrom", sex=Sex.FEMALE, date_of_birth=date(2015, 3, 3)
    )
    dan = records.child(given_names="Dan", family_name="Oxley", sex=Sex.MALE, date_of_birth=date(2011, 1, 1))
    eve = records.child(
        given_names="Eve", family_name="Pellow", sex=Sex.FEMALE, date_of_birth=date(2010, 1, 1)
    )
    records.flag(ada, Flag.Kind.CSE, set_at=at(1, month=10))
    records.flag(ben, Flag.Kind.CCE, set_at=at(1, month=10))
    records.screening(ben, judgement=Level.HIGH, completed_at=at(10), answers={"cce_county_lines": True})
    records.screening(
        cat, judgement=Level.MEDIUM, completed_at=at(12), answers={"cse_online": 1, "cce_gang": 1}
    )
    records.flag(cat, Flag.Kind.CPIS_LAC, set_at=at(1, month=9))
    records.screening(dan, judgement=Level.NONE, completed_at=at(12))
    records.flag(eve, Flag.Kind.CSE, set_at=at(1, month=10), removed_at=at(20))
    _plan(ada, PlanType.CARED_FOR)
    _plan(cat, PlanType.CHILD_IN_NEED, PlanStatus.DRAFT)
    InvolvementFactory(person=ada, started_at=at(1, month=10))
    Placement.objects.create(
        person=ada,
        kind=Placement.Kind.FOSTER,
        description="test",
        started_on=date(2026, 10, 1),
        recorded_by_label="t",
    )
    TimetableSession.objects.create(
        person=ada,
        weekday=0,
        starts_at="09:00",
        ends_at="12:00",
        kind=TimetableSession.Kind.EDUCATION,
        provider="test",
        active_from=date(2026, 10, 5),
        created_by_label="test",
    )
    first = records.episode(ada, last_seen_at=at(3, 18), returned_at=at(4, 9))
    second = records.episode(ben, last_seen_at=at(3, 20), returned_at=at(4, 10))
    _found(first, "Halbury Bus Station")
    _found(second, "halbury bus stn.")
    records.interview(
        first, offered_at=at(4, 12), completed_at=at(5), response=ReturnInterview.Response.ACCEPTED
    )
    records.interview(second)
    return {"ada": ada, "ben": ben, "cat": cat, "dan": dan, "eve": eve}


@pytest.fixture
def manager(db: Any) -> Any:
    return UserFactory(roles=[Role.TEAM_MANAGER])


@pytest.fixture
def executive(db: Any) -> Any:
    return UserFactory(roles=[Role.EXECUTIVE])


def _table(p: profile.Profile, code: str) -> dict[str, str]:
    return {line.label: line.text for t in p.tables if t.code == code for line in t.lines}


def test_the_children_at_risk_are_the_flagged_and_those_screened_at_risk(children: Any, manager: Any) -> None:
    facts = profile.facts([children["ada"].partnership_id], NOVEMBER)
    assert set(facts.at_risk) == {children["ada"].pk, children["ben"].pk, children["cat"].pk}


def test_levels_and_models_of_exploitation(children: Any, manager: Any) -> None:
    p = profile.build(manager, NOVEMBER)
    assert p.total_text == "3"
    assert _table(p, "levels") == {"High": "1", "Medium": "1", "Low": "0", "Flagged, not screened": "1"}
    assert _table(p, "models") == {
        "Sexual exploitation (CSE) only": "1",
        "Criminal exploitation (CCE) only": "1",
        "Both CSE and CCE": "1",
        "Neither CSE nor CCE identified": "0",
        "County lines or gangs": "2",
        "Online": "1",
        "Trafficking": "0",
    }


def test_characteristics_at_the_end_of_the_period(children: Any, manager: Any) -> None:
    p = profile.build(manager, NOVEMBER)
    age = _table(p, "age")
    assert (age["Under 10"], age["10 to 13"], age["14 to 15"], age["16 to 17"]) == ("0", "1", "1", "1")
    assert _table(p, "sex") == {"Female": "2", "Male": "1", "Other or not recorded": "0"}
    assert _table(p, "ethnicity") == {"Mixed": "1", "Not recorded": "1", "White British": "1"}
    assert _table(p, "cared-for") == {"Cared for": "2", "Not cared for": "1"}
    placement = _table(p, "placement")
    assert placement["Foster care"] == "1"
    assert placement["No placement recorded"] == "2"


def test_places_and_children_missing_together(children: Any, manager: Any) -> None:
    p = profile.build(manager, NOVEMBER)
    assert [(pl.label, pl.episodes, pl.children) for pl in p.places_found] == [
        ("Halbury Bus Station", "2", "2")
    ]
    assert p.recurring_places == "1"
    assert p.episodes == "2"
    assert (p.groups, p.grouped_children, p.grouped_at_risk) == ("1", "2", "2")
    assert dict(p.group_sizes)["2 children"] == "1"


def test_gaps_in_services(children: Any, manager: Any) -> None:
    gaps = {g.code: g for g in profile.build(manager, NOVEMBER).gaps}
    assert gaps["no-plan"].text == "2"  # Ben has none, Cat's is a draft
    assert gaps["no-return-interview"].text == "1"  # Ben's was never completed
    assert gaps["no-timetable"].text == "2"
    assert gaps["no-lead-professional"].text == "2"
    assert (
        gaps["autism-adhd"].text == "0"
    )  # nobody here is referred (tests/oversight/test_waits_and_found_outside.py)


@override_settings(MACE_CHILD_POPULATION=POPULATION)
def test_rates_per_10000_where_the_population_is_configured(children: Any, manager: Any) -> None:
    p = profile.build(manager, NOVEMBER)
    assert p.rate == "1.0"
    sex = next(t for t in p.tables if t.code == "sex")
    assert sex.compared
    assert {line.label: line.rate for line in sex.lines}["Female"] == "1.3"


@override_settings(MACE_CHILD_POPULATION={})
def test_no_population_means_no_rates_and_the_page_says_so(client: Any, children: Any, manager: Any) -> None:
    p = profile.build(manager, NOVEMBER)
    assert p.population is None and p.rate == ""
    assert all(not t.compared for t in p.tables)
    page = sign_in(client, manager).get("/oversight/profile/?period=month:2026-11").content.decode()
    assert "is not configured, so no rates per 10,000 children are shown" in page


def test_an_executive_sees_fewer_than_5_and_no_names_or_places(
    client: Any, children: Any, executive: Any
) -> None:
    page = sign_in(client, executive).get("/oversight/profile/?period=month:2026-11").content.decode()
    assert "fewer than 5" in page
    for text in ("Zephyrine", "Quorvale", "Wyndlestrom", "Halbury", "/oversight/profile/gaps/"):
        assert text not in page
    assert client.get("/oversight/profile/gaps/no-plan/?period=month:2026-11").status_code == 404


def test_an_analyst_opens_the_profile_page_for_the_latest_quarter(client: Any, children: Any) -> None:
    analyst = UserFactory(roles=[Role.PARTNERSHIP_ANALYST])
    response = sign_in(client, analyst).get("/oversight/profile/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "July to September 2026" in page
    assert "Gaps in services" in page and "Waiting for an autism or ADHD assessment" in page
    assert "MACE does not record whether a child is disabled yet" in page
    assert "<svg" not in page  # nothing at risk in that quarter: no chart to draw


def test_a_manager_lists_only_the_children_behind_a_gap_they_may_open(
    client: Any, children: Any, manager: Any
) -> None:
    InvolvementFactory(person=children["ben"], team=manager.team, kind="involved", started_at=at(1))
    page = (
        sign_in(client, manager).get("/oversight/profile/gaps/no-plan/?period=month:2026-11").content.decode()
    )
    assert "Ben Quorvale" in page
    assert "Wyndlestrom" not in page
    assert "1 more is a child you do not work with" in page


def test_a_social_worker_has_no_profile(client: Any, children: Any) -> None:
    worker = UserFactory(roles=[Role.SOCIAL_WORKER])
    assert sign_in(client, worker).get("/oversight/profile/").status_code == 404


def test_a_period_that_has_not_ended_is_refused(client: Any, children: Any, manager: Any) -> None:
    response = sign_in(client, manager).get("/oversight/profile/?period=month:2026-12")
    assert response.status_code == 400
    assert "has not ended yet" in response.content.decode()


def test_the_profile_reads_in_bulk_not_child_by_child(children: Any, manager: Any, records: Records) -> None:
    profile.build(manager, NOVEMBER)  # the reader's roles are read once and kept on the user
    with CaptureQueriesContext(connection) as few:
        profile.build(manager, NOVEMBER)
    for i in range(6):
        records.flag(records.child(family_name=f"More{i}"), Flag.Kind.CSE, set_at=at(2))
    with CaptureQueriesContext(connection) as more:
        profile.build(manager, NOVEMBER)
    assert len(more.captured_queries) == len(few.captured_queries)


def test_the_profile_body_renders_on_its_own_for_the_board_pack(children: Any, executive: Any) -> None:
    from django.template.loader import render_to_string

    context = profile.section_context(executive, NOVEMBER, [children["ada"].partnership_id])
    html = render_to_string("oversight/_profile.html", context)
    assert '<h3 class="govuk-heading-m">Gaps in services</h3>' in html
    assert "fewer than 5" in html and "Zephyrine" not in html and "Halbury" not in html
    assert "Without an agreed plan: fewer than 5." in context["headlines"]
