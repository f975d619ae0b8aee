"""The shipped JTAI plan loaded for a partnership, and "now" pinned: 3 January 2023, three weeks after the
plan's last published update (14 December 2022)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest
import time_machine

from mace.core.audit import Actor
from mace.improvement import plan_file, services
from mace.improvement.models import ActionPlan

from ..factories import PartnershipFactory

NOW = datetime(2023, 1, 3, 10, 0, tzinfo=UTC)
TODAY = date(2023, 1, 3)
AS_OF = date(2022, 12, 14)


@pytest.fixture
def now() -> Iterator[datetime]:
    with time_machine.travel(NOW, tick=False):
        yield NOW


@pytest.fixture
def partnership() -> Any:
    return PartnershipFactory()


@pytest.fixture
def plan(now: datetime, partnership: Any) -> ActionPlan:
    result = services.plan_import(
        parsed=plan_file.read(plan_file.SHIPPED), partnership=partnership, actor=Actor.system("test")
    )
    assert result.plan is not None
    return result.plan
