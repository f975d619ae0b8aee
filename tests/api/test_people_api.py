from __future__ import annotations

import json

import pytest
from django.test import Client

from mace.accounts.models import Role
from mace.accounts.services import token_create, user_disable
from mace.core.audit import Actor
from mace.people.models import Person

from ..factories import InvolvementFactory, PartnershipFactory, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(make_user):
    user = make_user(Role.POLICE_OFFICER)
    user.team.partnership = PartnershipFactory()
    user.team.save()
    return user


def _client(user) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {token_create(user=user, by=Actor.system('test')).raw}")


def _post(client: Client, body: object) -> object:
    return client.post("/api/v1/people", data=json.dumps(body), content_type="application/json")


def test_requests_without_a_token_are_refused() -> None:
    assert Client().get("/api/v1/people?q=moss").status_code == 401


def test_a_wrong_token_is_refused() -> None:
    assert Client(HTTP_AUTHORIZATION="Bearer mace_nope").get("/api/v1/people?q=moss").status_code == 401


def test_a_disabled_users_token_stops_working(officer) -> None:
    client = _client(officer)
    user_disable(user=officer, reason="Left the force", by=Actor.system("test"))
    assert client.get("/api/v1/people?q=moss").status_code == 401


def test_search_returns_only_people_the_user_may_see(officer) -> None:
    mine = PersonFactory(family_name="Moss")
    InvolvementFactory(person=mine, team=officer.team)
    PersonFactory(family_name="Moss")
    body = _client(officer).get("/api/v1/people?q=moss").json()
    assert [r["id"] for r in body["results"]] == [mine.pk]


def test_create_person_answers_201(officer) -> None:
    response = _post(
        _client(officer),
        {
            "given_names": "Kayden",
            "family_name": "Moss",
            "date_of_birth": "2011-03-27",
            "sex": "M",
            "nhs_number": "9434765919",
        },
    )
    assert response.status_code == 201, response.content
    assert Person.objects.get(pk=response.json()["id"]).family_name == "Moss"


def test_invalid_nhs_number_answers_422_naming_the_field(officer) -> None:
    response = _post(
        _client(officer), {"given_names": "K", "family_name": "Moss", "nhs_number": "9434765918"}
    )
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["detail"]] == ["nhs_number"]
    assert not Person.objects.exists()


def test_impossible_date_answers_422_naming_the_field(officer) -> None:
    response = _post(
        _client(officer), {"given_names": "K", "family_name": "Moss", "date_of_birth": "2011-02-30"}
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "date_of_birth"


def test_future_date_answers_422(officer) -> None:
    response = _post(
        _client(officer), {"given_names": "K", "family_name": "Moss", "date_of_birth": "2099-01-01"}
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["msg"] == "Date of birth must be today or in the past"


def test_malformed_json_answers_422(officer) -> None:
    response = _client(officer).post("/api/v1/people", data="{not json", content_type="application/json")
    assert response.status_code == 422
    assert not Person.objects.exists()


def test_oversized_field_answers_422_naming_it(officer) -> None:
    response = _post(_client(officer), {"given_names": "K" * 500, "family_name": "Moss"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "given_names"


def test_oversized_request_is_refused_before_it_is_read(officer) -> None:
    response = _post(_client(officer), {"given_names": "K", "family_name": "M", "ethnicity": "x" * 3_000_000})
    assert response.status_code in (413, 400)
    assert not Person.objects.exists()


def test_roles_that_cannot_add_people_get_403(make_user) -> None:
    response = _post(_client(make_user(Role.SOCIAL_WORKER)), {"given_names": "K", "family_name": "Moss"})
    assert response.status_code == 403


def test_openapi_schema_is_published() -> None:
    schema = Client().get("/api/v1/openapi.json").json()
    assert "/api/v1/people" in schema["paths"]
