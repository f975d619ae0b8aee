from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from mace.meetings import services
from mace.meetings.models import Meeting, RotaSlot

from ..missing.conftest import NOW, area, at_now

__all__ = ["NOW", "area", "at_now", "schedule"]


def schedule(area: Any, kind: str = Meeting.Kind.STRATEGY, at: Any = None, **kw: Any) -> Meeting:
    data = services.MeetingIn(
        kind=kind,
        scheduled_at=at or NOW - timedelta(days=1),
        purpose="Significant harm suspected: older males, missing overnight.",
        children=kw.pop("children", [area.child]),
        **kw,
    )
    return services.meeting_schedule(
        data=data, partnership=area.partnership, team=area.social_work, by=area.manager
    )


@pytest.fixture
def on_rota(area: Any) -> Any:
    RotaSlot.objects.create(
        partnership=area.partnership, day=(NOW - timedelta(days=1)).date(), officer=area.officer
    )
    return area.officer
