from __future__ import annotations

import logging
from datetime import UTC, datetime

import pytest
from django.db import OperationalError

from mace.core import jobs
from mace.core.models import Notification

from ..factories import UserFactory

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 18, 9, 0, tzinfo=UTC)


def _locked(now: datetime) -> int:
    raise OperationalError("database is locked")


def test_every_modules_periodic_jobs_are_registered() -> None:
    assert {
        "front door: escalate contacts before a breach",
        "missing: strategy meetings required",
        "missing: share the morning list",
        "casework: caseload snapshots",
        "casework: voice alerts",
        "access log: checkpoint the head outside the database",
    } <= set(jobs.JOBS)


def test_a_failing_job_is_reported_and_the_jobs_after_it_still_do_their_work() -> None:
    user = UserFactory()

    def notify(now: datetime) -> int:
        Notification.objects.create(user=user, title="Done", body="", link="/")
        return 1

    report = jobs.run_tick(NOW, jobs={"locked": _locked, "notify": notify})

    assert report.failed == {"locked": "OperationalError: database is locked"}
    assert report.done == {"notify": 1}
    assert Notification.objects.filter(user=user, title="Done").count() == 1


def test_a_failing_job_is_logged_with_its_name(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.ERROR, logger="mace.core.jobs"):
        jobs.run_tick(NOW, jobs={"locked": _locked})
    assert "'locked' failed" in caplog.text and "database is locked" in caplog.text


def test_the_loop_outlives_a_job_that_fails_every_tick_and_tries_it_again_each_time() -> None:
    calls: list[str] = []

    def failing(now: datetime) -> int:
        calls.append("failing")
        raise RuntimeError("a bug")

    def working(now: datetime) -> int:
        calls.append("working")
        return 0

    reports: list[jobs.TickReport] = []
    jobs.run_forever(
        interval=60,
        jobs=lambda: {"failing": failing, "working": working},
        on_tick=reports.append,
        ticks=3,
        sleep=lambda seconds: None,
    )

    assert calls == ["failing", "working"] * 3
    assert [r.failed for r in reports] == [{"failing": "RuntimeError: a bug"}] * 3


def test_a_job_that_works_again_is_no_longer_reported_as_failing() -> None:
    state = {"locked": True}

    def sometimes(now: datetime) -> int:
        if state.pop("locked", False):
            raise OperationalError("database is locked")
        return 2

    first = jobs.run_tick(NOW, jobs={"escalate": sometimes})
    second = jobs.run_tick(NOW, jobs={"escalate": sometimes})

    assert "escalate" in first.failed
    assert second.failed == {} and second.done == {"escalate": 2}
