"""Child record page and person search: p50 and p95 at 10,000 and 100,000 children.

Usage:  .venv/bin/python benchmarks/people.py [--children 100000] [--samples 300]
        DATABASE_URL=postgres://postgres@127.0.0.1:5432/mace_bench .venv/bin/python benchmarks/people.py

Builds a fresh synthetic partnership (a scratch SQLite file, or the PostgreSQL database named by
DATABASE_URL, dropped and recreated), then times full requests through Django (middleware,
selectors, access log write, template render) as the demo social worker. Prints the figures and the
record page's query count at each size, which must not grow with the data.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import configure, fresh_database, percentile, setup_django

configure()


def measure(label: str, samples: int, rng: random.Random) -> None:
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from mace.accounts.models import User
    from mace.people.models import Person
    from mace.people.selectors import visible_to

    user = User.objects.get(username="socialworker")
    client = Client()
    client.force_login(user)
    visible = list(visible_to(user).values_list("pk", "given_names", "family_name"))
    total = Person.objects.count()
    client.get("/")  # warm up: templates compiled, bank holidays loaded
    pages, searches, query_counts = [], [], []
    for i in range(samples):
        pk, given, family = rng.choice(visible)
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            response = client.get(f"/people/{pk}/")
            pages.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
        query_counts.append(len(ctx.captured_queries))
        q = rng.choice([family[:4], f"{given.split()[0]} {family}", family])
        started = time.perf_counter()
        response = client.get("/people/", {"q": q})
        searches.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
        if i % 50 == 0:
            reset_queries()
    print(
        f"{label}: {total:,} people on {connection.vendor}; social worker may see {len(visible):,}\n"
        f"  child record page  p50 {statistics.median(pages):6.1f} ms  p95 {percentile(pages, 95):6.1f} ms  "
        f"queries per page {min(query_counts)} to {max(query_counts)}\n"
        f"  person search      p50 {statistics.median(searches):6.1f} ms  "
        f"p95 {percentile(searches, 95):6.1f} ms"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=100_000)
    parser.add_argument("--samples", type=int, default=300)
    args = parser.parse_args()
    fresh_database()
    setup_django()
    from mace.demo.generate import generate

    rng = random.Random(42)
    first = min(10_000, args.children)
    started = time.perf_counter()
    generate(children=first, seed=1)
    print(f"generated {first:,} children in {time.perf_counter() - started:.0f} s")
    measure(f"{first:,} children", args.samples, rng)
    if args.children > first:
        started = time.perf_counter()
        generate(children=args.children - first, seed=2)
        print(f"generated {args.children - first:,} more children in {time.perf_counter() - started:.0f} s")
        measure(f"{args.children:,} children", args.samples, rng)
    return 0


if __name__ == "__main__":
    sys.exit(main())
