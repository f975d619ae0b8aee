from __future__ import annotations

import pytest
from django.db.models import Count

from mace.accounts.models import Role, User
from mace.core import audit
from mace.demo.generate import generate
from mace.demo.organisation import DEMO_ACCOUNTS
from mace.people.models import Identifier, Person, SourceRecord

pytestmark = pytest.mark.django_db


def test_generator_makes_the_requested_children_with_one_account_per_role() -> None:
    summary = generate(children=200, seed=7)
    assert summary["Children"] == 200
    assert {role for role, *_ in DEMO_ACCOUNTS} == set(Role.values)
    for _, username, *_ in DEMO_ACCOUNTS:
        assert User.objects.get(username=username).is_active


def test_same_seed_gives_the_same_children() -> None:
    generate(children=100, seed=3)
    first = list(
        Person.objects.filter(kind="child")
        .order_by("pk")
        .values_list("given_names", "family_name", "date_of_birth")
    )
    generate(children=100, seed=3)  # the same seed again adds the same children once more
    both = list(
        Person.objects.filter(kind="child")
        .order_by("pk")
        .values_list("given_names", "family_name", "date_of_birth")
    )
    assert both[len(first) :] == first


def test_children_are_known_to_several_agencies_with_messy_details() -> None:
    generate(children=300, seed=11)
    per_child = SourceRecord.objects.values("person").annotate(n=Count("id"))
    assert min(r["n"] for r in per_child) >= 2
    differing = sum(
        1
        for s in SourceRecord.objects.select_related("person")
        if (s.given_names, s.family_name, s.date_of_birth)
        != (s.person.given_names, s.person.family_name, s.person.date_of_birth)
    )
    assert differing > 0


def test_some_children_have_no_nhs_number_and_some_are_recorded_twice() -> None:
    summary = generate(children=1000, seed=5)
    children = Person.objects.filter(kind="child").count()
    with_nhs = Identifier.objects.filter(scheme="nhs").values("person").distinct().count()
    assert with_nhs < children
    assert summary["Duplicate child records"] > 0


def test_generated_data_is_in_the_access_log_and_verifies() -> None:
    generate(children=50, seed=1)
    assert audit.verify().ok


# Timestamps that say something happened (not when something is due).
HAPPENED = {"occurred_at", "recorded_at", "started_at", "set_at", "created_at", "received_at", "at"}


def test_nothing_generated_happens_in_the_future() -> None:
    from django.apps import apps
    from django.db import models
    from django.utils import timezone

    generate(children=300, seed=9)
    now = timezone.now()
    late = []
    for config in apps.get_app_configs():
        if not config.name.startswith("mace."):
            continue
        for m in config.get_models():
            for f in m._meta.get_fields():
                happened = isinstance(f, models.DateTimeField) and f.name in HAPPENED
                if happened and m.objects.filter(**{f"{f.name}__gt": now}).exists():
                    late.append(f"{m.__name__}.{f.name}")
    assert late == []
