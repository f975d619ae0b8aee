"""Drawing a dip sample: random but reproducible (the same candidates and seed draw the same records), and
stratified by team when asked (each team's share of the sample in proportion to its share of the
records, largest remainders first). Pure."""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Any, Protocol, TypeVar


class Candidate(Protocol):
    @property
    def source_id(self) -> int: ...
    @property
    def team_id(self) -> int | None: ...


C = TypeVar("C", bound=Candidate)


def allocate(sizes: dict[Any, int], total: int) -> dict[Any, int]:
    """How many to draw from each stratum: proportional, by largest remainder (ties to the stratum listed
    first), never more than a stratum holds. The allocations add up to min(total, sum of sizes)."""
    available = sum(sizes.values())
    total = min(total, available)
    if not available:
        return dict.fromkeys(sizes, 0)
    exact = {k: n * total / available for k, n in sizes.items()}
    shares = {k: int(v) for k, v in exact.items()}
    order = sorted(sizes, key=lambda k: -(exact[k] - shares[k]))
    left = total - sum(shares.values())
    for k in order:
        if left <= 0:
            break
        if shares[k] < sizes[k]:
            shares[k] += 1
            left -= 1
    return shares


def draw(candidates: Sequence[C], *, size: int | None, seed: int, stratify: bool = False) -> list[C]:
    """The sample, in source id order. `size` None takes every candidate."""
    pool = sorted(candidates, key=lambda c: c.source_id)
    if size is None or size >= len(pool):
        return pool
    rng = random.Random(seed)
    if not stratify:
        return sorted(rng.sample(pool, size), key=lambda c: c.source_id)
    strata: dict[Any, list[C]] = {}
    for c in pool:
        strata.setdefault(c.team_id, []).append(c)
    keys = sorted(strata, key=lambda k: (k is None, k or 0))
    shares = allocate({k: len(strata[k]) for k in keys}, size)
    chosen: list[C] = []
    for k in keys:
        chosen.extend(rng.sample(strata[k], shares[k]))
    return sorted(chosen, key=lambda c: c.source_id)
