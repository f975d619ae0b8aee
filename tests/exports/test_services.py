"""Asking for a return, making it and fetching it: who may, what is refused and that nothing is written
then, what the access log holds, and the worker's job that makes queued returns."""

# shifted-clocks: pinned (every instant is fixed; "now" is pinned by the world fixture)

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from mace.accounts.models import Role
from mace.core.models import AccessLogEntry
from mace.exports import services
from mace.exports.models import ExportRun, Problem

from ..factories import UserFactory
from .conftest import NOW, World, at


def test_a_year_that_has_not_started_is_refused_and_nothing_is_written(world: World) -> None:
    with pytest.raises(ValidationError) as refused:
        services.export_request(kind="cin", partnership_id=world.partnership.pk, year=2028, by=world.analyst)
    assert "has not started" in refused.value.message_dict["year"][0]
    assert ExportRun.objects.count() == 0


def test_an_unknown_kind_is_refused(world: World) -> None:
    with pytest.raises(ValidationError) as refused:
        services.export_request(
            kind="census", partnership_id=world.partnership.pk, year=2027, by=world.analyst
        )
    assert "kind" in refused.value.message_dict
    assert ExportRun.objects.count() == 0


@pytest.mark.parametrize(
    "role", [Role.EXECUTIVE, Role.SOCIAL_WORKER, Role.FRONT_DOOR_MANAGER, Role.SCRUTINEER]
)
def test_only_an_analyst_may_make_a_return(world: World, role: str) -> None:
    other = UserFactory(team=world.team, roles=[role])
    with pytest.raises(services.ExportRefused):
        services.export_request(kind="ssd", partnership_id=world.partnership.pk, year=None, by=other)
    assert ExportRun.objects.count() == 0


def test_an_analyst_of_another_partnership_is_refused(world: World) -> None:
    from ..factories import PartnershipFactory, TeamFactory

    elsewhere = TeamFactory(partnership=PartnershipFactory(code="westshire", name="Westshire"))
    stranger = UserFactory(team=elsewhere, roles=[Role.PARTNERSHIP_ANALYST])
    stranger.agency.partnerships.set([elsewhere.partnership])
    with pytest.raises(services.ExportRefused):
        services.export_request(kind="ssd", partnership_id=world.partnership.pk, year=None, by=stranger)


def test_a_return_is_made_saved_and_its_request_making_and_download_are_in_the_access_log(
    world: World,
) -> None:
    child = world.child(la="LA500001")
    world.contact(child, on=at(2026, 6, 1))
    run = services.export_request(
        kind="cin", partnership_id=world.partnership.pk, year="2027", validate=False, by=world.analyst
    )
    assert run.status == ExportRun.Status.QUEUED
    run = services.export_make(run)
    assert run.status == ExportRun.Status.DONE
    assert run.counts == {"children": 1}
    path = services.export_download(run=run, by=world.analyst)
    assert b"<LAchildID>LA500001</LAchildID>" in path.read_bytes()
    steps = list(
        AccessLogEntry.objects.filter(action="export", object_type="export_run", object_id=str(run.pk))
        .order_by("pk")
        .values_list("actor_label", "detail__step")
    )
    assert steps == [
        (world.analyst.username, "requested"),
        ("system:exports", "made"),
        (world.analyst.username, "downloaded"),
    ]


def test_data_quality_problems_are_recorded_with_the_record_to_fix(world: World) -> None:
    child = world.child(la="LA500002", date_of_birth=None)
    world.contact(child, on=at(2026, 6, 1))
    run = services.export_make(
        services.export_request(kind="ssd", partnership_id=world.partnership.pk, year=None, by=world.analyst)
    )
    problem = Problem.objects.get(run=run)
    assert (problem.source, problem.severity, problem.person_id, problem.child) == (
        "data_quality",
        "error",
        child.pk,
        "LA500002",
    )
    assert "date of birth" in problem.fix


def test_the_worker_makes_queued_returns_and_starts_again_one_its_worker_lost(world: World) -> None:
    services.export_request(kind="ssd", partnership_id=world.partnership.pk, year=None, by=world.analyst)
    lost = services.export_request(
        kind="annex_a", partnership_id=world.partnership.pk, year=None, by=world.analyst
    )
    ExportRun.objects.filter(pk=lost.pk).update(
        status=ExportRun.Status.RUNNING, started_at=NOW - timedelta(hours=2)
    )
    assert services.make_queued(NOW) == 2
    assert set(ExportRun.objects.values_list("status", flat=True)) == {ExportRun.Status.DONE}


def test_a_failure_marks_the_run_failed_with_the_reason(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_a: object, **_k: object) -> None:
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(services, "_write", broken)
    run = services.export_make(
        services.export_request(kind="ssd", partnership_id=world.partnership.pk, year=None, by=world.analyst)
    )
    assert run.status == ExportRun.Status.FAILED
    assert run.error == "RuntimeError: the disk is full"


def test_a_validator_that_cannot_run_leaves_the_file_to_download(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mace.exports import validate

    def timed_out(*_a: object, **_k: object) -> None:
        raise validate.ValidatorFailed("the cin validator took longer than 3600 s")

    monkeypatch.setattr(validate, "run", timed_out)
    child = world.child(la="LA500003")
    world.contact(child, on=at(2026, 6, 1))
    run = services.export_make(
        services.export_request(kind="cin", partnership_id=world.partnership.pk, year=2027, by=world.analyst)
    )
    assert (run.status, run.validation) == (ExportRun.Status.DONE, ExportRun.Validation.UNAVAILABLE)
    assert "took longer" in run.validation_summary["note"]
    assert services.export_download(run=run, by=world.analyst).exists()
