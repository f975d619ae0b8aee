"""Demo generation: children a second and total time for `mace seed --children N`.

Usage:  .venv/bin/python benchmarks/seed.py [--children 20000] [--seed 1]
        DATABASE_URL=postgres://postgres@127.0.0.1:5432/mace_bench .venv/bin/python benchmarks/seed.py

Builds the partnership in a fresh database (a scratch SQLite file, or the PostgreSQL database named by
DATABASE_URL, dropped and recreated; migrations are not timed), runs every registered generator step
as `mace seed` does, and prints the time of each step and of the whole. Wall time depends on what
else the machine runs; the CPU time of this process beside it is the steadier figure. Then checks
that the access log written by the generator verifies.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import configure, fresh_database, setup_django

configure()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    fresh_database()
    setup_django()
    from django.db import connection

    from mace.core import audit
    from mace.demo import registry
    from mace.demo.generate import generate

    times: list[tuple[str, float, float]] = []
    steps = list(registry.STEPS)

    def timed(s: registry.Step) -> registry.Step:
        def run(ctx: registry.DemoContext) -> dict[str, int]:
            wall, cpu = time.perf_counter(), time.process_time()
            out = s.run(ctx)
            times.append((s.name, time.perf_counter() - wall, time.process_time() - cpu))
            return out

        return registry.Step(s.order, s.name, run)

    registry.STEPS[:] = [timed(s) for s in steps]
    # Not generation: the bank holidays' first load (the `holidays` package) and the tool's imports.
    from mace.core import clocks

    clocks.is_working_day(date.today())
    try:
        wall, cpu = time.perf_counter(), time.process_time()
        summary = generate(children=args.children, seed=args.seed)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    finally:
        registry.STEPS[:] = steps
    print(f"{args.children:,} children on {connection.vendor}, seed {args.seed}")
    for name, w, c in times:
        print(f"  {name:24s} {w:7.1f} s wall  {c:7.1f} s CPU")
    print(
        f"total {wall:.1f} s wall ({args.children / wall:,.0f} children a second), "
        f"{cpu:.1f} s CPU ({args.children / cpu:,.0f} children a second); "
        f"{sum(summary.values()):,} records counted in the summary"
    )
    result = audit.verify()
    print(f"access log: {result.checked:,} entries, {'intact' if result.ok else result.problem}")
    return 0 if result.ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
