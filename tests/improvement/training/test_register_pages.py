"""The pages that set training up: adding a course, adding a practitioner to a team's register and setting
a team's required level. A trainer's input is saved and logged; refused input writes nothing and the form
comes back with its reasons; a reader who is not a trainer gets 404 and nothing is written."""

# shifted-clocks: pinned

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from mace.accounts.models import Role
from mace.core.models import AccessLogEntry
from mace.improvement.training.models import Practitioner, TrainingCourse, TrainingRequirement

from ...conftest import sign_in
from ...factories import AgencyFactory, PartnershipFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    sign_in(client, user)
    return client


def test_a_trainer_adds_a_single_agency_course(trainer: Any, trust: Any, partnership: Any, now: Any) -> None:
    client = _client(trainer)
    assert client.get("/improvement/training/courses/new/").status_code == 200
    response = client.post(
        "/improvement/training/courses/new/",
        {"title": "Level 3 safeguarding", "level": "3", "delivery": "single", "agency": trust.pk},
    )
    saved = TrainingCourse.objects.get()
    assert (
        response.status_code == 302 and response["Location"] == f"/improvement/training/courses/{saved.pk}/"
    )
    assert (saved.partnership, saved.code, saved.level, saved.multi_agency, saved.agency) == (
        partnership,
        "level-3-safeguarding",
        3,
        False,
        trust,
    )
    assert AccessLogEntry.objects.filter(object_type="training_course", object_id=str(saved.pk)).exists()


def test_a_second_course_with_the_same_title_gets_its_own_code(trainer: Any, now: Any) -> None:
    client = _client(trainer)
    for _ in range(2):
        client.post(
            "/improvement/training/courses/new/", {"title": "Awareness", "level": "1", "delivery": "multi"}
        )
    assert sorted(TrainingCourse.objects.values_list("code", flat=True)) == ["awareness", "awareness-2"]


def test_a_course_without_a_title_level_or_agency_is_refused_and_nothing_is_written(
    trainer: Any, now: Any
) -> None:
    response = _client(trainer).post(
        "/improvement/training/courses/new/", {"title": " ", "level": "7", "delivery": "single"}
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in page
    for reason in ("Enter the course", "Choose level 1, 2 or 3", "names the agency that runs it"):
        assert reason in page
    assert not TrainingCourse.objects.exists()


def test_a_course_run_by_an_agency_outside_the_partnership_is_refused(trainer: Any, now: Any) -> None:
    outsider = AgencyFactory(partnerships=[PartnershipFactory(code="elsewhere", name="Elsewhere")])
    response = _client(trainer).post(
        "/improvement/training/courses/new/",
        {"title": "Theirs", "level": "2", "delivery": "single", "agency": outsider.pk},
    )
    assert response.status_code == 400 and "names the agency" in response.content.decode()
    assert not TrainingCourse.objects.exists()


def test_the_course_form_is_not_found_for_a_reader_who_is_not_a_trainer(ed: Any, now: Any) -> None:
    client = _client(UserFactory(team=ed, roles=[Role.ED_CLINICIAN]))
    assert client.get("/improvement/training/courses/new/").status_code == 404
    response = client.post(
        "/improvement/training/courses/new/", {"title": "Mine", "level": "1", "delivery": "multi"}
    )
    assert response.status_code == 404 and not TrainingCourse.objects.exists()


def test_the_overview_links_the_new_pages_for_a_trainer(trainer: Any, now: Any) -> None:
    page = _client(trainer).get("/improvement/training/").content.decode()
    assert "/improvement/training/courses/new/" in page and "/improvement/training/teams/" in page


def test_the_teams_page_lists_every_team_with_its_required_level(
    trainer: Any, ed: Any, partnership: Any, trust: Any, now: Any
) -> None:
    TeamFactory(agency=trust, partnership=partnership, name="Paediatric ward")
    page = _client(trainer).get("/improvement/training/teams/").content.decode()
    assert "Emergency Department" in page and "Level 3: specialist" in page
    assert "Paediatric ward" in page and "None set" in page


def test_a_trainer_adds_a_practitioner_with_their_account_to_the_register(
    trainer: Any, ed: Any, partnership: Any, now: Any
) -> None:
    nurse = UserFactory(team=ed, roles=[Role.ED_CLINICIAN], first_name="Nia", last_name="Nurse")
    client = _client(trainer)
    assert "Nia Nurse" in client.get(f"/improvement/training/teams/{ed.pk}/practitioners/").content.decode()
    response = client.post(
        f"/improvement/training/teams/{ed.pk}/practitioners/",
        {
            "name": "Nia Nurse",
            "job_title": "Staff nurse",
            "manager_name": "Sister Ward",
            "user": nurse.pk,
            "joined_on_day": "1",
            "joined_on_month": "2",
            "joined_on_year": "2023",
        },
    )
    assert response.status_code == 302
    saved = Practitioner.objects.get()
    assert (saved.partnership, saved.team, saved.user, saved.joined_on.isoformat()) == (
        partnership,
        ed,
        nurse,
        "2023-02-01",
    )
    assert "Staff nurse" in client.get(response["Location"]).content.decode()
    assert AccessLogEntry.objects.filter(object_type="training_practitioner").exists()


def test_the_new_practitioner_counts_in_the_teams_compliance(trainer: Any, ed: Any, now: Any) -> None:
    client = _client(trainer)
    client.post(f"/improvement/training/teams/{ed.pk}/practitioners/", {"name": "Newly joined"})
    page = client.get(f"/improvement/training/teams/{ed.pk}/").content.decode()
    assert "0 of 1 (0%)" in page and "Newly joined" in page


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ({"name": " "}, "Enter the practitioner"),
        (
            {"name": "Later", "joined_on_day": "1", "joined_on_month": "6", "joined_on_year": "2023"},
            "not before",
        ),
        (
            {"name": "Bad", "joined_on_day": "31", "joined_on_month": "2", "joined_on_year": "2023"},
            "real date",
        ),
        ({"name": "Stranger", "user": "999999"}, "Choose one of the team"),
    ],
)
def test_a_bad_practitioner_is_refused_and_nothing_is_written(
    trainer: Any, ed: Any, now: Any, body: dict[str, str], reason: str
) -> None:
    response = _client(trainer).post(f"/improvement/training/teams/{ed.pk}/practitioners/", body)
    assert response.status_code == 400 and reason in response.content.decode()
    assert not Practitioner.objects.exists()


def test_a_reader_reads_the_register_but_cannot_add_to_it(ed: Any, now: Any) -> None:
    client = _client(UserFactory(team=ed, roles=[Role.ED_CLINICIAN]))
    page = client.get(f"/improvement/training/teams/{ed.pk}/practitioners/")
    assert page.status_code == 200 and "Add a practitioner" not in page.content.decode()
    response = client.post(f"/improvement/training/teams/{ed.pk}/practitioners/", {"name": "Me"})
    assert response.status_code == 404 and not Practitioner.objects.exists()


def test_another_partnerships_team_is_not_found(trainer: Any, now: Any) -> None:
    elsewhere = TeamFactory(partnership=PartnershipFactory(code="elsewhere", name="Elsewhere"))
    client = _client(trainer)
    assert client.get(f"/improvement/training/teams/{elsewhere.pk}/practitioners/").status_code == 404
    assert client.get(f"/improvement/training/teams/{elsewhere.pk}/requirement/").status_code == 404


def test_a_trainer_sets_a_teams_required_level(trainer: Any, trust: Any, partnership: Any, now: Any) -> None:
    ward = TeamFactory(agency=trust, partnership=partnership, name="Paediatric ward")
    client = _client(trainer)
    assert client.get(f"/improvement/training/teams/{ward.pk}/requirement/").status_code == 200
    response = client.post(
        f"/improvement/training/teams/{ward.pk}/requirement/", {"level": "2", "reason": "Admits children"}
    )
    assert response.status_code == 302 and response["Location"] == f"/improvement/training/teams/{ward.pk}/"
    saved = TrainingRequirement.objects.get(team=ward)
    assert (saved.level, saved.reason) == (2, "Admits children")


def test_a_trainer_changes_a_teams_required_level(trainer: Any, ed: Any, now: Any) -> None:
    _client(trainer).post(f"/improvement/training/teams/{ed.pk}/requirement/", {"level": "1"})
    assert TrainingRequirement.objects.get(team=ed).level == 1


def test_a_required_level_outside_the_scale_is_refused_and_nothing_changes(
    trainer: Any, ed: Any, now: Any
) -> None:
    response = _client(trainer).post(f"/improvement/training/teams/{ed.pk}/requirement/", {"level": "4"})
    assert response.status_code == 400 and "Choose level 1, 2 or 3" in response.content.decode()
    assert TrainingRequirement.objects.get(team=ed).level == 3


def test_only_a_trainer_sets_a_required_level(ed: Any, now: Any) -> None:
    client = _client(UserFactory(team=ed, roles=[Role.TEAM_MANAGER]))
    assert client.get(f"/improvement/training/teams/{ed.pk}/requirement/").status_code == 404
    client.post(f"/improvement/training/teams/{ed.pk}/requirement/", {"level": "1"})
    assert TrainingRequirement.objects.get(team=ed).level == 3


def _member(ed: Any, partnership: Any, **kw: Any) -> Practitioner:
    return Practitioner.objects.create(partnership=partnership, team=ed, name="Sam Leaver", **kw)


def test_a_trainer_records_that_a_practitioner_left_and_they_are_no_longer_counted(
    trainer: Any, ed: Any, partnership: Any, now: Any
) -> None:
    member = _member(ed, partnership)
    client = _client(trainer)
    register = client.get(f"/improvement/training/teams/{ed.pk}/practitioners/").content.decode()
    assert f"/improvement/training/practitioners/{member.pk}/left/" in register
    assert "0 of 1 (0%)" in client.get(f"/improvement/training/teams/{ed.pk}/").content.decode()
    day = now.date()
    response = client.post(
        f"/improvement/training/practitioners/{member.pk}/left/",
        {"left_on_day": str(day.day), "left_on_month": str(day.month), "left_on_year": str(day.year)},
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.left_on == day
    assert "0 of 1" not in client.get(f"/improvement/training/teams/{ed.pk}/").content.decode()
    entry = AccessLogEntry.objects.filter(object_type="practitioner", object_id=str(member.pk)).get()
    assert entry.detail["changed"]["left_on"] == [None, day.isoformat()]


@pytest.mark.parametrize(
    ("joined", "body", "reason"),
    [
        (None, {}, "Enter the date they left"),
        (None, {"left_on_day": "1", "left_on_month": "1", "left_on_year": "2030"}, "not before"),
        (
            "2022-06-01",
            {"left_on_day": "1", "left_on_month": "1", "left_on_year": "2022"},
            "cannot have left",
        ),
        (None, {"left_on_day": "31", "left_on_month": "2", "left_on_year": "2022"}, "real date"),
    ],
)
def test_a_bad_leaving_date_is_refused_and_nothing_changes(
    trainer: Any, ed: Any, partnership: Any, now: Any, joined: Any, body: dict[str, str], reason: str
) -> None:
    from datetime import date

    member = _member(ed, partnership, joined_on=date.fromisoformat(joined) if joined else None)
    response = _client(trainer).post(f"/improvement/training/practitioners/{member.pk}/left/", body)
    assert response.status_code == 400 and reason in response.content.decode()
    member.refresh_from_db()
    assert member.left_on is None


def test_only_a_trainer_records_leaving(ed: Any, partnership: Any, now: Any) -> None:
    member = _member(ed, partnership)
    client = _client(UserFactory(team=ed, roles=[Role.ED_CLINICIAN]))
    assert client.get(f"/improvement/training/practitioners/{member.pk}/left/").status_code == 404
    day = now.date()
    body = {"left_on_day": str(day.day), "left_on_month": str(day.month), "left_on_year": str(day.year)}
    assert client.post(f"/improvement/training/practitioners/{member.pk}/left/", body).status_code == 404
    member.refresh_from_db()
    assert member.left_on is None
