"""ED audit results: counts and percentages like "20 of 22 (91%)", computed from the answers. Pure."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal


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


def rates(answers: Iterable[tuple[str, str]], questions: Iterable[str]) -> dict[str, Rate]:
    """(question, answer) pairs to a rate per question: yes over yes and no; not applicable is left out
    of both, as in "of the 16 children where it was appropriate, 14 were seen alone"."""
    met: dict[str, int] = {}
    of: dict[str, int] = {}
    for question, answer in answers:
        if answer == "na":
            continue
        of[question] = of.get(question, 0) + 1
        if answer == "yes":
            met[question] = met.get(question, 0) + 1
    return {q: Rate(met.get(q, 0), of.get(q, 0)) for q in questions}
