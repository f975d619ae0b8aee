"""Batch de-duplication of the register: `mace linkage dedupe`.

The online matcher (`linkage.py`) asks "is this contact a child we know?" one record at a time. This
asks "which of the children we hold are the same child twice?" of the whole register at once, which
is a job for Splink: it blocks and compares every plausible pair in SQL, on DuckDB on one machine or
on Spark across many (`engine="spark"`), with the same settings and so the same pairs.

The Splink model's m and u values are MACE's own (`matching.M_U_TABLE`), fixed, not trained per run:
a run is deterministic, the two engines agree pair for pair, and one set of weights is justified in
one place. Each pair Splink finds likely is then weighed again by MACE's scorer (`matching.compare`,
with its household corrections that keep twins apart), and goes into the merge-review list
(`LikelyDuplicate`) with that evidence, field by field, when both agree it is likely.

Resumable: Splink's pairs are kept in a checkpoint file (named for the register's state) until
every pair is written; a run that stops part way picks up from the file. Idempotent: a pair already
in the list, open, merged or dismissed, is never added again.
"""

from __future__ import annotations

import hashlib
import json
import math
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from mace.core import audit
from mace.core.models import AccessLogEntry

from .identifiers import normalise_nhs_number, normalise_postcode
from .keys import name_key
from .linkage import load_records
from .matching import _NICKNAME_GROUPS, M_U_TABLE, Comparison, compare
from .models import Address, Identifier, LikelyDuplicate, Person

if TYPE_CHECKING:
    import pandas as pd

ENGINES = ("duckdb", "spark")
# Splink's probability for a pair to be kept: the same prior as the online matcher, so "likely" means
# the same thing in both.
SPLINK_THRESHOLD = 0.5
# MACE's own probability must reach this too: "likely", more likely than not. Not the online review
# threshold (5%): a worker asked about every twin pair in the register would learn to click "merge".
LIKELY = 0.5
PRIOR = 1 / 20_000
WRITE_BATCH = 500

Progress = Callable[[str, int, int], None]


def _quiet(stage: str, done: int, total: int) -> None:
    return None


# --------------------------------------------------------------------------------------------------
# The register as one table
# --------------------------------------------------------------------------------------------------

COLUMNS = (
    "unique_id",
    "partnership_id",
    "given",
    "given_canon",
    "family",
    "dob",
    "dob_swapped",
    "dob_year",
    "sex",
    "nhs",
    "postcode",
    "sector",
    "district",
)


def _canonical_given(key: str) -> str | None:
    """One form for every name in a nickname group (Tom, Tommy and Thomas meet); None outside one."""
    groups = _NICKNAME_GROUPS.get(key)
    return f"g{min(groups)}" if groups else None


def _swapped(dob: date) -> str | None:
    if dob.day <= 12 and dob.day != dob.month:
        return date(dob.year, dob.day, dob.month).isoformat()
    return None


def _nhs(value: str | None) -> str | None:
    if not value:
        return None
    try:
        return normalise_nhs_number(value)
    except ValueError:
        return None


def _postcode(value: str | None) -> str | None:
    if not value:
        return None
    try:
        return normalise_postcode(value)
    except ValueError:
        return None


def register_rows(partnership_id: int | None = None, *, chunk: int = 20_000) -> Iterator[dict[str, Any]]:
    """Every child on the register (not archived, not merged away) as one flat row for Splink, in id
    order, read in chunks without building model instances."""
    people = Person.objects.filter(
        kind=Person.Kind.CHILD, archived_at__isnull=True, merged_into__isnull=True
    ).order_by("pk")
    if partnership_id is not None:
        people = people.filter(partnership_id=partnership_id)
    after = 0
    while True:
        rows = list(
            people.filter(pk__gt=after).values_list(
                "pk", "partnership_id", "given_names", "family_name", "date_of_birth", "sex"
            )[:chunk]
        )
        if not rows:
            return
        ids = [row[0] for row in rows]
        nhs = dict(
            Identifier.objects.filter(person_id__in=ids, scheme="nhs").values_list("person_id", "value")
        )
        postcodes: dict[int, str] = {}
        for person_id, postcode in (
            Address.objects.filter(person_id__in=ids)
            .order_by("person_id", "from_date")
            .values_list("person_id", "postcode")
        ):
            postcodes[person_id] = postcode  # the latest address wins, as in the online matcher
        for pk, partnership, given_names, family_name, dob, sex in rows:
            given = name_key(given_names.split()[0]) if given_names.split() else ""
            tidy = _postcode(postcodes.get(pk))
            outward, _, inward = (tidy or "").partition(" ")
            yield {
                "unique_id": pk,
                "partnership_id": partnership,
                "given": given or None,
                "given_canon": _canonical_given(given) if given else None,
                "family": name_key(family_name) or None,
                "dob": dob.isoformat() if dob else None,
                "dob_swapped": _swapped(dob) if dob else None,
                "dob_year": dob.year if dob else None,
                "sex": sex if sex in ("F", "M") else None,
                "nhs": _nhs(nhs.get(pk)),
                "postcode": tidy,
                "sector": f"{outward} {inward[:1]}" if tidy and inward else None,
                "district": outward or None,
            }
        after = ids[-1]


def register_frame(partnership_id: int | None = None) -> pd.DataFrame:
    import pandas as pd

    frame = pd.DataFrame.from_records(list(register_rows(partnership_id)), columns=list(COLUMNS))
    # Nullable types, so an all-missing column is still typed the same way on both engines.
    frame["unique_id"] = frame["unique_id"].astype("int64")
    frame["partnership_id"] = frame["partnership_id"].astype("int64")
    frame["dob_year"] = frame["dob_year"].astype("Int64")
    for column in COLUMNS:
        if column not in ("unique_id", "partnership_id", "dob_year"):
            frame[column] = frame[column].astype("string")
    return frame


# --------------------------------------------------------------------------------------------------
# The Splink model: MACE's m and u values, fixed
# --------------------------------------------------------------------------------------------------


def _mu(field_name: str, *levels: str) -> tuple[list[float], list[float]]:
    table = M_U_TABLE[field_name]
    return [table[level].m for level in levels], [table[level].u for level in levels]


def splink_settings() -> Any:
    """The Splink settings: blocking rules (each within one partnership) and one comparison per field,
    its levels a subset of the online matcher's, with the online matcher's m and u."""
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl
    from splink import SettingsCreator, block_on
    from splink.blocking_rule_library import CustomRule

    def comparison(name: str, levels: list[Any], field_name: str, names: Sequence[str]) -> Any:
        m, u = _mu(field_name, *names)
        return cl.CustomComparison(
            output_column_name=name, comparison_levels=[cll.NullLevel(name), *levels, cll.ElseLevel()]
        ).configure(m_probabilities=m, u_probabilities=u)

    comparisons = [
        comparison("nhs", [cll.ExactMatchLevel("nhs")], "nhs_number", ("exact", "different")),
        comparison(
            "dob",
            [
                cll.ExactMatchLevel("dob"),
                cll.CustomLevel("dob_l = dob_swapped_r", label_for_charts="Day and month swapped"),
                cll.DamerauLevenshteinLevel("dob", 1),
                cll.CustomLevel("dob_year_l = dob_year_r", label_for_charts="Same year"),
            ],
            "date_of_birth",
            ("exact", "swapped", "one_off", "same_year", "different"),
        ),
        comparison(
            "family",
            [cll.ExactMatchLevel("family"), cll.JaroWinklerLevel("family", 0.92)],
            "family_name",
            ("exact", "similar", "different"),
        ),
        comparison(
            "given",
            [
                cll.ExactMatchLevel("given"),
                cll.ExactMatchLevel("given_canon"),
                cll.JaroWinklerLevel("given", 0.90),
            ],
            "given_names",
            ("exact", "nickname", "similar", "different"),
        ),
        comparison(
            "postcode",
            [cll.ExactMatchLevel("postcode"), cll.ExactMatchLevel("sector"), cll.ExactMatchLevel("district")],
            "postcode",
            ("exact", "sector", "district", "different"),
        ),
        comparison("sex", [cll.ExactMatchLevel("sex")], "sex", ("agrees", "disagrees")),
    ]
    same = "l.partnership_id = r.partnership_id"
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        probability_two_random_records_match=PRIOR,
        comparisons=comparisons,
        blocking_rules_to_generate_predictions=[
            block_on("partnership_id", "nhs"),
            block_on("partnership_id", "dob"),
            CustomRule(f"{same} AND l.dob = r.dob_swapped"),
            block_on("partnership_id", "family", "dob_year"),
            block_on("partnership_id", "postcode", "given"),
        ],
        retain_intermediate_calculation_columns=False,
        retain_matching_columns=False,
        additional_columns_to_retain=[],
    )


_SPARK: Any = None


def spark_session() -> Any:
    """One local Spark session per process (pyspark in local mode with Splink's similarity UDFs).
    On a cluster, build the session from the cluster's configuration instead."""
    global _SPARK
    if _SPARK is None:
        import tempfile

        from pyspark.sql import SparkSession
        from splink.backends.spark import similarity_jar_location

        warehouse = tempfile.mkdtemp(prefix="mace-spark-")
        _SPARK = (
            SparkSession.builder.master("local[2]")
            .appName("mace-linkage")
            .config("spark.jars", similarity_jar_location())
            .config("spark.sql.shuffle.partitions", "4")
            .config("spark.default.parallelism", "4")
            .config("spark.driver.memory", "2g")
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.sql.session.timeZone", "UTC")
            .config("spark.sql.warehouse.dir", warehouse)
            .config("spark.local.dir", warehouse)
            .getOrCreate()
        )
        _SPARK.sparkContext.setLogLevel("ERROR")
    return _SPARK


def predict_pairs(frame: pd.DataFrame, *, engine: str = "duckdb") -> list[tuple[int, int, float]]:
    """Splink's likely pairs as (lower id, higher id, probability), sorted by the ids."""
    import logging

    from splink import DuckDBAPI, Linker, SparkAPI

    if engine not in ENGINES:
        raise ValueError(f"Unknown engine {engine!r}: choose one of {', '.join(ENGINES)}")
    if len(frame) < 2:
        return []
    logging.getLogger("splink").setLevel(logging.ERROR)
    if engine == "duckdb":
        db_api: Any = DuckDBAPI()
        table = db_api.register(frame)
    else:
        spark = spark_session()
        db_api = SparkAPI(spark_session=spark, break_lineage_method="persist")
        table = db_api.register(spark.createDataFrame(frame.astype(object).where(frame.notna(), None)))
    linker = Linker(table, splink_settings(), log_level=logging.ERROR)
    predictions = linker.inference.predict(threshold_match_probability=SPLINK_THRESHOLD, warning_mode="never")
    rows = predictions.as_pandas_dataframe()[["unique_id_l", "unique_id_r", "match_probability"]]
    pairs = {
        (min(int(a), int(b)), max(int(a), int(b))): float(p)
        for a, b, p in rows.itertuples(index=False, name=None)
    }
    return sorted((a, b, p) for (a, b), p in pairs.items())


# --------------------------------------------------------------------------------------------------
# The merge-review list
# --------------------------------------------------------------------------------------------------


PERSONAL_IDENTIFIERS = ("nhs_number", "upn", "la_child_id")


def _beyond_household(comparison: Comparison) -> bool:
    """As for an automatic link: two records that could be brothers, sisters or twins in one household
    (family, address and birthday agreeing) are listed only when a personal identifier agrees too."""
    household = bool(getattr(comparison, "household", False))
    return not household or any(comparison.evidence_for(f).level == "exact" for f in PERSONAL_IDENTIFIERS)


def evidence_rows(comparison: Comparison) -> list[dict[str, Any]]:
    return [
        {
            "field": item.field,
            "level": item.level,
            "outcome": item.outcome,
            "weight": round(item.weight, 2),
            "detail": item.detail,
        }
        for item in comparison.evidence
    ]


@dataclass
class DedupeResult:
    engine: str
    people: int = 0
    splink_pairs: int = 0
    added: int = 0
    already_listed: int = 0
    not_likely: int = 0  # Splink thought likely; MACE's scorer or its household rule did not
    resumed: bool = False
    seconds: dict[str, float] = field(default_factory=dict)
    pairs: list[tuple[int, int]] = field(default_factory=list)  # every pair listed by this run or before
    found: list[tuple[int, int, float]] = field(default_factory=list)  # Splink's likely pairs


def fingerprint(partnership_id: int | None) -> str:
    """Names the register's state: the same people, unchanged, give the same checkpoint."""
    people = Person.objects.filter(kind=Person.Kind.CHILD, archived_at__isnull=True, merged_into__isnull=True)
    if partnership_id is not None:
        people = people.filter(partnership_id=partnership_id)
    state = people.aggregate(last=Max("pk"), changed=Max("updated_at"))
    text = json.dumps([partnership_id, people.count(), state["last"], str(state["changed"])])
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _write(
    pairs: Sequence[tuple[int, int, float]],
    *,
    engine: str,
    run_label: str,
    actor: audit.Actor,
    result: DedupeResult,
    progress: Progress,
) -> None:
    """Weigh each new pair with MACE's scorer and list it, a batch per transaction with its access-log
    entries. Pairs already listed (in any state) are skipped."""
    listed = set(LikelyDuplicate.objects.values_list("person_a_id", "person_b_id"))
    todo = [pair for pair in pairs if (pair[0], pair[1]) not in listed]
    result.already_listed = len(pairs) - len(todo)
    result.pairs = sorted({(a, b) for a, b, _ in pairs} & listed)
    done = result.already_listed
    progress("Weighing and listing pairs", done, len(pairs))
    for start in range(0, len(todo), WRITE_BATCH):
        batch = todo[start : start + WRITE_BATCH]
        records = load_records({pk for a, b, _ in batch for pk in (a, b)})
        partnerships = dict(
            Person.objects.filter(pk__in=[a for a, _, _ in batch]).values_list("pk", "partnership_id")
        )
        now = timezone.now()
        rows = []
        for a, b, probability in batch:
            if a not in records or b not in records:
                continue  # archived since Splink ran
            weighed = compare(records[a], records[b])
            if weighed.probability < LIKELY or not _beyond_household(weighed):
                result.not_likely += 1
                continue
            rows.append(
                LikelyDuplicate(
                    partnership_id=partnerships[a],
                    person_a_id=a,
                    person_b_id=b,
                    probability=probability,
                    mace_probability=weighed.probability,
                    evidence=evidence_rows(weighed),
                    engine=engine,
                    run_label=run_label,
                    found_at=now,
                )
            )
        with transaction.atomic():
            made = LikelyDuplicate.objects.bulk_create(rows, ignore_conflicts=True)
            audit.record_many(
                actor,
                [
                    audit.Event(
                        AccessLogEntry.Action.CREATE,
                        "likely_duplicate",
                        f"{row.person_a_id}-{row.person_b_id}",
                        row.person_a_id,
                        "batch de-duplication",
                        {
                            "other": row.person_b_id,
                            "engine": engine,
                            "run": run_label,
                            "probability": round(row.probability, 6),
                            "mace_probability": round(row.mace_probability, 6),
                        },
                    )
                    for row in made
                ],
            )
        result.added += len(made)
        result.pairs.extend((row.person_a_id, row.person_b_id) for row in made)
        done += len(batch)
        progress("Weighing and listing pairs", done, len(pairs))
    result.pairs.sort()


def dedupe(
    *,
    engine: str = "duckdb",
    partnership_id: int | None = None,
    actor: audit.Actor,
    checkpoint_dir: Path | None = None,
    progress: Progress = _quiet,
) -> DedupeResult:
    """Find the register's likely duplicates and list each new one for review (see the module)."""
    if engine not in ENGINES:
        raise ValueError(f"Unknown engine {engine!r}: choose one of {', '.join(ENGINES)}")
    result = DedupeResult(engine=engine)
    key = fingerprint(partnership_id)
    checkpoint = checkpoint_dir / f"dedupe-{key}.json" if checkpoint_dir else None
    run_label = f"{engine}-{timezone.now():%Y%m%dT%H%M%S}"
    if checkpoint is not None and checkpoint.exists():
        saved = json.loads(checkpoint.read_text())
        pairs = [(int(a), int(b), float(p)) for a, b, p in saved["pairs"]]
        result.people, result.resumed, run_label = saved["people"], True, saved["run"]
    else:
        started = time.perf_counter()
        progress("Reading the register", 0, 1)
        frame = register_frame(partnership_id)
        result.people = len(frame)
        progress("Reading the register", 1, 1)
        result.seconds["read"] = time.perf_counter() - started
        started = time.perf_counter()
        progress(f"Blocking and comparing on {engine}", 0, 1)
        pairs = predict_pairs(frame, engine=engine)
        progress(f"Blocking and comparing on {engine}", 1, 1)
        result.seconds["splink"] = time.perf_counter() - started
        if checkpoint is not None:
            checkpoint.parent.mkdir(parents=True, exist_ok=True)
            checkpoint.write_text(json.dumps({"run": run_label, "people": result.people, "pairs": pairs}))
    result.splink_pairs, result.found = len(pairs), pairs
    started = time.perf_counter()
    _write(pairs, engine=engine, run_label=run_label, actor=actor, result=result, progress=progress)
    result.seconds["write"] = time.perf_counter() - started
    if checkpoint is not None:
        checkpoint.unlink(missing_ok=True)
    return result


def planted_duplicates(partnership_id: int | None = None) -> set[tuple[int, int]]:
    """The demo's planted duplicates (`demo/people.py`): a second record of a child made straight after
    the first (the next id, same partnership), with no ethnicity, no preferred name and no council,
    school or police identifier; the first has agency source records. Only for scoring demo data."""
    from .models import SourceRecord

    children = Person.objects.filter(kind=Person.Kind.CHILD)
    if partnership_id is not None:
        children = children.filter(partnership_id=partnership_id)
    with_sources = set(SourceRecord.objects.values_list("person_id", flat=True).distinct())
    other_ids = set(Identifier.objects.exclude(scheme="nhs").values_list("person_id", flat=True).distinct())
    rows = {
        pk: (partnership, bool(ethnicity or preferred))
        for pk, partnership, ethnicity, preferred in children.values_list(
            "pk", "partnership_id", "ethnicity", "preferred_name"
        )
    }
    return {
        (pk - 1, pk)
        for pk, (partnership, described) in rows.items()
        if not described
        and pk not in other_ids
        and pk - 1 in with_sources
        and rows.get(pk - 1, (None, False)) == (partnership, True)
    }


def score(found: set[tuple[int, int]], truth: set[tuple[int, int]]) -> dict[str, float]:
    hits = len(found & truth)
    return {
        "found": len(found),
        "planted": len(truth),
        "true": hits,
        "precision": hits / len(found) if found else math.nan,
        "recall": hits / len(truth) if truth else math.nan,
    }
