"""The generated front door work is reachable: every open task's team can open the child it names."""

from __future__ import annotations

import pytest

from mace.demo.generate import generate
from mace.frontdoor.models import Task
from mace.people.models import Involvement

pytestmark = pytest.mark.django_db


def test_every_generated_open_task_has_an_open_involvement_for_its_team() -> None:
    generate(children=150, seed=16)
    open_tasks = set(
        Task.objects.filter(completed_at__isnull=True, team__isnull=False).values_list("person_id", "team_id")
    )
    involved = set(
        Involvement.objects.filter(ended_at__isnull=True)
        .exclude(kind=Involvement.Kind.FRONT_DOOR)
        .values_list("person_id", "team_id")
    )
    assert open_tasks
    assert open_tasks - involved == set()
