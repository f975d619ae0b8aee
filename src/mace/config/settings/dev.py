"""Local settings: the demo and development. Embedded SQLite unless DATABASE_URL is set."""

from __future__ import annotations

import os

from .base import *  # noqa: F403
from .base import MACE_BOARD_DATES, MACE_CHILD_POPULATION

DEMO_MODE = os.environ.get("MACE_DEMO_MODE", "1") == "1"

if DEMO_MODE and not MACE_BOARD_DATES:
    # The demo partnership's board meets on the second Tuesday of each quarter's first month.
    import datetime as _dt

    def _second_tuesday(year: int, month: int) -> _dt.date:
        first = _dt.date(year, month, 1)
        return first + _dt.timedelta(days=(1 - first.weekday()) % 7 + 7)

    _year = _dt.date.today().year
    MACE_BOARD_DATES = [_second_tuesday(y, m).isoformat() for y in (_year, _year + 1) for m in (1, 4, 7, 10)]

if DEMO_MODE and not MACE_CHILD_POPULATION:
    # The demo's main partnership (mace.demo.organisation.MAIN), sized like a mid-sized county: the
    # scorecard and the profile show rates per 10,000 children, the profile by sex and age too.
    MACE_CHILD_POPULATION = {
        "eastshire": {
            "total": 64_000,
            "sex": {"F": 31_200, "M": 32_800},
            "age": {"0-9": 34_600, "10-13": 14_300, "14-15": 7_400, "16-17": 7_700},
        }
    }
