"""Learning the matcher's weights from data: ``mace linkage train``.

Fellegi-Sunter needs, for every comparison level, ``m`` (how often the level is seen when two records
are the same child) and ``u`` (how often by coincidence). Here:

* ``u`` comes from the data's own value frequencies. Exact agreement on a date of birth, postcode,
  family name or first given name is as likely by chance as the sum of each value's share squared;
  the other levels (similar, one digit off, same sector...) are counted on random pairs of records.
  Names also get a term-frequency table, so "Smith" agreeing counts for less than "Wojciechowska".
  The identifiers' u (misfiling rates) and the household corrections that keep twins apart are not
  things random pairs can show, so they are kept as stated in ``matching``.
* ``m`` is estimated by expectation-maximisation on candidate pairs (those blocking finds) without
  labels: each pair is a mixture of "same child" and "not", and EM finds the m values and the share
  of pairs that match which best explain the levels seen, with u held fixed. The likelihood of a
  non-match uses exactly the u the online scorer uses (household corrections and term frequencies
  included), so training and scoring agree.
* The prior is the estimated share of candidate pairs that match, scaled to all pairs (the chance
  that a record and one picked at random are the same child), unless one is given.

The result is a ``LinkageModel`` with a version; ``matching.model_to_dict`` writes it as JSON.
Pure Python and numpy, no Django.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from types import MappingProxyType

import numpy as np

from .keys import name_key
from .matching import (
    FIELDS,
    MU,
    STATED_MODEL,
    LinkageModel,
    Record,
    compare,
    comparison_levels,
    level_u,
    normalise,
)

__all__ = [
    "Calibration",
    "TrainingResult",
    "block_pairs",
    "calibration",
    "train",
]

# Fields whose exact-agreement u is the sum of squared value shares.
_FREQUENCY_FIELDS = ("date_of_birth", "postcode", "family_name", "given_names")
# Fields whose u is not learned (identifiers are unique by design; their u is a misfiling rate).
_STATED_U_FIELDS = ("nhs_number", "upn", "police_id", "la_child_id")
# Levels whose m is not learned: the NHS number one digit off must weigh nothing (a warning only);
# sex recorded differently for the same child (recording errors, gender identity) is a stated rate
# that synthetic data, which never changes it, cannot teach. The other levels share the rest.
_PINNED = frozenset({("nhs_number", "typo"), ("sex", "disagrees")})
# Pseudo-counts pulling each m towards the stated value, so a level seen rarely cannot collapse.
_M_PSEUDO_PAIRS = 20.0
_U_PSEUDO_PAIRS = 2_000.0
_TF_MIN_COUNT = 2  # names seen fewer times than this take the floor
# No m falls below the stated value divided by this: a slip never seen in training still happens.
_M_FLOOR_DIVISOR = 5.0


@dataclass(frozen=True)
class TrainingResult:
    model: LinkageModel
    candidate_pairs: int
    match_share: float  # EM's estimate of the share of candidate pairs that are the same child
    iterations: int
    converged: bool


@dataclass(frozen=True)
class Calibration:
    """Of the labelled pairs scored in [low, high), how many, and what share truly match."""

    low: float
    high: float
    pairs: int
    true_share: float
    mean_probability: float


def _values(record: Record) -> dict[str, str]:
    """The value each frequency field agrees "exactly" on (name keys as the scorer folds them)."""
    tidy = normalise(record)
    given = tidy.given_names.split()
    return {
        "date_of_birth": tidy.date_of_birth.isoformat() if tidy.date_of_birth else "",
        "postcode": tidy.postcode if tidy.postcode and " " in tidy.postcode else "",
        "family_name": name_key(tidy.family_name),
        "given_names": name_key(given[0]) if given else "",
    }


def _value_shares(records: Sequence[Record]) -> dict[str, Counter[str]]:
    counts: dict[str, Counter[str]] = {name: Counter() for name in _FREQUENCY_FIELDS}
    for record in records:
        for name, value in _values(record).items():
            if value:
                counts[name][value] += 1
    return counts


def _exact_u(counter: Counter[str]) -> float | None:
    total = sum(counter.values())
    if total < 2:
        return None
    return sum(c * (c - 1) for c in counter.values()) / (total * (total - 1)) or None


def _estimate_u(
    records: Sequence[Record], start: LinkageModel, *, random_pairs: int, rng: random.Random
) -> tuple[dict[str, dict[str, float]], dict[str, dict[str, float]]]:
    """u per field and level, and the names' term-frequency tables."""
    shares = _value_shares(records)
    level_counts: dict[str, Counter[str]] = {name: Counter() for name in FIELDS}
    n = len(records)
    for _ in range(random_pairs if n > 1 else 0):
        i, j = rng.randrange(n), rng.randrange(n)
        if i == j:
            continue
        for name, level in zip(FIELDS, comparison_levels(records[i], records[j], start).levels, strict=True):
            if level != "missing":
                level_counts[name][level] += 1
    table: dict[str, dict[str, float]] = {}
    for name, levels in start.table.items():
        if name in _STATED_U_FIELDS:
            table[name] = {level: mu.u for level, mu in levels.items()}
            continue
        seen = level_counts[name]
        total = sum(seen.values())
        u = {
            level: (seen[level] + _U_PSEUDO_PAIRS * mu.u) / (total + _U_PSEUDO_PAIRS)
            for level, mu in levels.items()
        }
        if name in _FREQUENCY_FIELDS:
            exact = _exact_u(shares[name])
            if exact is not None:
                u["exact"] = exact
        other = sum(value for level, value in u.items() if level != "different")
        u["different"] = max(1.0 - other, 0.5)
        table[name] = u
    frequencies: dict[str, dict[str, float]] = {}
    for name in ("family_name", "given_names"):
        counter = shares[name]
        total = sum(counter.values())
        if total:
            frequencies[name] = {
                key: round(count / total, 8)
                for key, count in sorted(counter.items())
                if count >= _TF_MIN_COUNT
            }
    return table, frequencies


def _with_table(
    start: LinkageModel, m: dict[str, dict[str, float]], u: dict[str, dict[str, float]], **changes: object
) -> LinkageModel:
    table = MappingProxyType(
        {
            name: MappingProxyType({level: MU(m[name][level], u[name][level]) for level in levels})
            for name, levels in start.table.items()
        }
    )
    values = {
        "version": start.version,
        "table": table,
        "same_family_u": start.same_family_u,
        "same_household_u": start.same_household_u,
        "prior_probability": start.prior_probability,
        "term_frequencies": start.term_frequencies,
        "trained_on": start.trained_on,
        "notes": start.notes,
    }
    values.update(changes)
    return LinkageModel(**values)  # type: ignore[arg-type]


@dataclass
class _EMResult:
    m: dict[str, dict[str, float]]
    share: float
    iterations: int
    converged: bool


def _em(
    patterns: Counter[tuple[tuple[str, ...], tuple[float, ...]]],
    start: LinkageModel,
    m: dict[str, dict[str, float]],
    *,
    left_out: set[str],
    max_iterations: int,
    learn_m: bool = True,
) -> _EMResult:
    """Expectation-maximisation of m (fields not left out) and the match share, u held fixed."""
    m = {name: dict(levels) for name, levels in m.items()}
    keys = list(patterns)
    if not keys:
        return _EMResult(m=m, share=0.0, iterations=0, converged=True)
    counts = np.array([patterns[k] for k in keys], dtype=float)
    fields = [name for name in FIELDS if name not in left_out]
    level_index = {name: {level: i for i, level in enumerate(start.table[name])} for name in fields}
    idx = {
        name: np.array([level_index[name].get(k[0][FIELDS.index(name)], -1) for k in keys], dtype=int)
        for name in fields
    }
    log_u = np.array(
        [
            sum(math.log(u) for name, u in zip(FIELDS, k[1], strict=True) if u > 0 and name in fields)
            for k in keys
        ]
    )
    share, iterations, converged = 0.1, 0, False
    for iterations in range(1, max_iterations + 1):  # noqa: B007 - kept for the report
        log_m = np.zeros(len(keys))
        for name in fields:
            values = np.log(np.array([m[name][level] for level in start.table[name]]))
            present = idx[name] >= 0
            log_m[present] += values[idx[name][present]]
        log_ratio = log_m - log_u + math.log(share / (1 - share))
        p = 1.0 / (1.0 + np.exp(-np.clip(log_ratio, -700, 700)))
        weighted = p * counts
        new_share = min(max(float(weighted.sum() / counts.sum()), 1e-9), 1 - 1e-9)
        change = abs(new_share - share)
        share = new_share
        for name in fields if learn_m else ():
            levels = list(start.table[name])
            present = idx[name] >= 0
            totals = np.bincount(idx[name][present], weights=weighted[present], minlength=len(levels))
            pinned = sum(start.table[name][level].m for level in levels if (name, level) in _PINNED)
            free = [i for i, level in enumerate(levels) if (name, level) not in _PINNED]
            free_total = sum(totals[i] for i in free) + _M_PSEUDO_PAIRS
            estimates = {}
            for i in free:
                level = levels[i]
                estimate = (totals[i] + _M_PSEUDO_PAIRS * start.table[name][level].m) / free_total
                estimates[level] = max(float(estimate), start.table[name][level].m / _M_FLOOR_DIVISOR)
            scale = (1 - pinned) / sum(estimates.values())  # the floors must not break the sum of 1
            for level, estimate in estimates.items():
                change = max(change, abs(estimate * scale - m[name][level]))
                m[name][level] = estimate * scale
        if change < 1e-5:
            converged = True
            break
    return _EMResult(m=m, share=share, iterations=iterations, converged=converged)


def train(
    records: Sequence[Record],
    candidate_pairs: Sequence[tuple[Record, Record]],
    *,
    version: str,
    trained_on: str,
    total_pairs: int | None = None,
    prior_probability: float | None = None,
    start: LinkageModel = STATED_MODEL,
    random_pairs: int = 50_000,
    max_iterations: int = 100,
    seed: int = 0,
    progress: Callable[[str], None] | None = None,
) -> TrainingResult:
    """Learn a model from ``records`` (for u and term frequencies) and ``candidate_pairs`` (for m).

    ``total_pairs`` is the number of pairs blocking chose among (n(n-1)/2 for de-duplication, |A|x|B|
    for linking two sets), used to scale the share of matching candidate pairs to a prior; or give
    ``prior_probability`` outright."""
    rng = random.Random(seed)
    say = progress or (lambda _message: None)
    say(f"u from {len(records):,} records and {random_pairs:,} random pairs")
    u, frequencies = _estimate_u(records, start, random_pairs=random_pairs, rng=rng)
    m = {name: {level: mu.m for level, mu in levels.items()} for name, levels in start.table.items()}
    model = _with_table(start, m, u, term_frequencies=MappingProxyType(frequencies))

    say(f"comparing {len(candidate_pairs):,} candidate pairs")
    found = [comparison_levels(a, b, model) for a, b in candidate_pairs]
    # Identical patterns (levels and u) are counted once: EM works on the distinct patterns.
    patterns = Counter((f.levels, level_u(model, f.levels, f.name_keys)) for f in found)
    # Blocking makes candidate pairs agree on the fields they were found by far more often than
    # chance, which the fixed u cannot explain; left in, EM drifts into calling every pair a match.
    # So, as Splink does, each field's m is learned in a session where that field played no part:
    # pairs agreeing on date of birth (with it left out) teach every other field; pairs agreeing on
    # family name (with it left out) teach the date of birth.
    dob, family = FIELDS.index("date_of_birth"), FIELDS.index("family_name")
    sessions = (
        (
            lambda levels: levels[dob] in ("exact", "swapped"),
            {"date_of_birth"},
            set(FIELDS) - {"date_of_birth"},
        ),
        (lambda levels: levels[family] == "exact", {"family_name", "given_names"}, {"date_of_birth"}),
    )
    iterations, converged, share = 0, True, 0.0
    for chosen, left_out, learns in sessions:
        subset = Counter({key: n for key, n in patterns.items() if chosen(key[0])})
        result = _em(subset, start, m, left_out=left_out, max_iterations=max_iterations)
        for name in learns:
            m[name] = result.m[name]
        iterations += result.iterations
        converged = converged and result.converged
    # Then the share of all candidate pairs that match, with every m and u now fixed.
    share = _em(patterns, start, m, left_out=set(), max_iterations=max_iterations, learn_m=False).share
    say(f"EM: {iterations} iterations in two sessions, {share:.2%} of candidate pairs match")
    if prior_probability is None:
        total = total_pairs or len(candidate_pairs)
        prior_probability = min(max(share * len(candidate_pairs) / max(total, 1), 1e-12), 0.5)
    trained = _with_table(
        model,
        m,
        u,
        version=version,
        trained_on=trained_on,
        prior_probability=prior_probability,
        notes=MappingProxyType(
            {
                "records": len(records),
                "candidate_pairs": len(candidate_pairs),
                "candidate_match_share": round(share, 6),
                "em_iterations": iterations,
                "em_converged": converged,
            }
        ),
    )
    return TrainingResult(
        model=trained,
        candidate_pairs=len(candidate_pairs),
        match_share=share,
        iterations=iterations,
        converged=converged,
    )


def calibration(
    model: LinkageModel,
    labelled_pairs: Iterable[tuple[Record, Record, bool]],
    bands: Sequence[tuple[float, float]] = ((0.5, 0.9), (0.9, 0.99), (0.99, 0.999), (0.999, 1.0001)),
) -> list[Calibration]:
    """Of labelled pairs scored in each band, what share are truly the same child. A calibrated
    model's share falls inside (or near) the band."""
    scored: list[list[tuple[float, bool]]] = [[] for _ in bands]
    for a, b, same in labelled_pairs:
        probability = compare(a, b, model=model).probability
        for i, (low, high) in enumerate(bands):
            if low <= probability < high:
                scored[i].append((probability, same))
    return [
        Calibration(
            low=low,
            high=min(high, 1.0),
            pairs=len(items),
            true_share=sum(same for _, same in items) / len(items) if items else float("nan"),
            mean_probability=sum(p for p, _ in items) / len(items) if items else float("nan"),
        )
        for (low, high), items in zip(bands, scored, strict=True)
    ]


def _swap(d: date) -> date | None:
    if d.day <= 12 and d.day != d.month:
        return date(d.year, d.day, d.month)
    return None


def _block_keys(record: Record) -> list[tuple[str, ...]]:
    """The same blocks as the online matcher's candidate search (``linkage.candidate_ids``)."""
    tidy = normalise(record)
    keys: list[tuple[str, ...]] = []
    for scheme in ("nhs_number", "upn", "police_id", "la_child_id"):
        value = getattr(tidy, scheme)
        if value:
            keys.append((scheme, value))
    dob = tidy.date_of_birth
    family = name_key(tidy.family_name)
    given = tidy.given_names.split()
    first = name_key(given[0]) if given else ""
    if dob:
        keys.append(("dob", dob.isoformat()))
    if family and dob:
        keys.append(("family-year", family, str(dob.year)))
    if family and first:
        keys.append(("family-given", family, first[:2]))
    for other_given, other_family in tidy.other_names:
        key = name_key(other_family)
        if key:
            keys.append(("alias", key, name_key(other_given)[:1]))
    return keys


def _probe_keys(record: Record) -> list[tuple[str, ...]]:
    keys = _block_keys(record)
    dob = normalise(record).date_of_birth
    swapped = _swap(dob) if dob else None
    if swapped:
        keys.append(("dob", swapped.isoformat()))
    family = name_key(normalise(record).family_name)
    first = name_key((normalise(record).given_names.split() or [""])[0])
    if family:
        keys.append(("alias", family, first[:1]))
    return keys


def block_pairs(
    incoming: Sequence[Record], register: Sequence[Record], *, max_block: int = 200
) -> list[tuple[int, int]]:
    """Candidate pairs (index into ``incoming``, index into ``register``) found by the online
    matcher's blocks, in memory: for training and benchmarks without a database."""
    index: dict[tuple[str, ...], list[int]] = {}
    for j, record in enumerate(register):
        for key in _block_keys(record):
            index.setdefault(key, []).append(j)
    pairs: set[tuple[int, int]] = set()
    for i, record in enumerate(incoming):
        for key in _probe_keys(record):
            for j in index.get(key, ())[:max_block]:
                pairs.add((i, j))
    return sorted(pairs)
