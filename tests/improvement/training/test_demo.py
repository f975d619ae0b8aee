"""The demo partnership's training: the two emergency departments at the seed's figures (85% and 83%),
the other teams around them, and follow-ups never dated before their session."""

# shifted-clocks: pinned

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date

import pytest
import time_machine

from mace.accounts.models import Partnership
from mace.core.audit import Actor
from mace.demo.organisation import MAIN, build_organisation
from mace.demo.registry import DemoContext
from mace.improvement.training import generate, selectors
from mace.improvement.training.models import Practitioner, TrainingFollowUp

from .conftest import NOW

pytestmark = pytest.mark.django_db
TODAY = date(2023, 3, 3)


@pytest.fixture
def demo() -> Iterator[Partnership]:
    with time_machine.travel(NOW, tick=False):
        ctx = DemoContext(rng=random.Random(5), children=0, today=TODAY, now=NOW, actor=Actor.system("demo"))
        build_organisation(ctx)
        partnership = Partnership.objects.get(code=MAIN)
        generate.generate(partnership=partnership, rng=ctx.rng, today=TODAY, actor=ctx.actor)
        yield partnership


def test_the_demo_emergency_departments_are_at_the_seeds_85_and_83_percent(demo: Partnership) -> None:
    assert generate.seed_figures(demo, TODAY) == {"est-ed": (34, 40), "mshft-ed": (25, 30)}


def test_every_demo_team_is_at_its_planned_figure(demo: Partnership) -> None:
    found = selectors.compliance_in([demo.pk], TODAY)
    got = {t.team.code: (t.trained, t.counted) for a in found.agencies for t in a.teams}
    assert got == {p.team: (p.trained, p.staff) for p in generate.PLAN}


def test_demo_follow_ups_are_after_their_session_and_not_in_the_future(demo: Partnership) -> None:
    follow_ups = list(TrainingFollowUp.objects.select_related("booking__session"))
    assert follow_ups
    assert all(TODAY >= f.on >= f.booking.session.on for f in follow_ups)


def test_the_demo_generator_run_twice_adds_nothing(demo: Partnership) -> None:
    before = Practitioner.objects.count()
    generate.generate(partnership=demo, rng=random.Random(5), today=TODAY, actor=Actor.system("demo"))
    assert Practitioner.objects.count() == before
