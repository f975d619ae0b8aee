"""An audit's results: for each question, how many records met it of those where it applied ("A
safeguarding risk assessment was completed in 53 of 61 (87%)"), and the change since the last audit of
the same tool. Pure."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from mace.core import disclosure

from .tool import MET, NOT_APPLICABLE


@dataclass(frozen=True)
class Rate:
    met: int
    of: int

    @property
    def percent(self) -> int | None:
        """Whole percent, halves rounded up (as people do: 14 of 16 is 88%, 1 of 8 is 13%)."""
        if not self.of:
            return None
        exact = Decimal(self.met) * 100 / Decimal(self.of)
        return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))

    @property
    def text(self) -> str:
        if not self.of:
            return "none applicable"
        return f"{self.met} of {self.of} ({self.percent}%)"

    def shown(self, *, suppress: bool) -> str:
        """As a reader may see it: a reader of aggregates only never sees a count from 1 to 4."""
        if suppress and any(
            disclosure.small(n, suppress=True) for n in (self.met, self.of, self.of - self.met)
        ):
            return disclosure.rate_str(self.met, self.of, suppress=True, empty="none applicable")
        return self.text


def rates(answers: Iterable[tuple[str, str]], questions: Iterable[str]) -> dict[str, Rate]:
    """(question, answer) pairs to a rate per question: yes over every answer but not applicable."""
    met: dict[str, int] = {}
    of: dict[str, int] = {}
    for question, answer in answers:
        if answer == NOT_APPLICABLE:
            continue
        of[question] = of.get(question, 0) + 1
        if answer == MET:
            met[question] = met.get(question, 0) + 1
    return {q: Rate(met.get(q, 0), of.get(q, 0)) for q in questions}


def change(now: Rate, before: Rate | None) -> int | None:
    """Percentage points since the last audit, or None when either has nothing applicable."""
    if before is None or now.percent is None or before.percent is None:
        return None
    return now.percent - before.percent


def change_text(points: int | None) -> str:
    if points is None:
        return "No earlier result"
    if points == 0:
        return "No change"
    return f"Up {points} points" if points > 0 else f"Down {-points} points"
