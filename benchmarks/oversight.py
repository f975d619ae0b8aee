"""The scorecard at scale: 100,000 children, 1,000,000 contacts, 200,000 missing episodes.

Usage:  .venv/bin/python benchmarks/oversight.py [--children 100000] [--contacts 1000000] [--episodes 200000]
        DATABASE_URL=postgres://postgres@127.0.0.1:5432/mace_bench .venv/bin/python benchmarks/oversight.py

Builds a fresh synthetic partnership with the demo generator, pads the contacts (copies of generated ones
spread over two years across the children) and the missing episodes (as benchmarks/missing.py does) to
the named totals, then times:
- the worker's nightly recompute of every kept figure (25 months of months, quarters and rolling years);
- the scorecard page for the executive (figures kept: what a leader meets), p50 and p95;
- a measure's page with its trend chart and the children behind it (the analyst);
- the board pack PDF, when the pack is built (oversight.pack).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import configure, fresh_database, percentile, setup_django

configure()


def pad_contacts(total: int, rng: random.Random) -> int:
    """Copy generated contacts across two years until there are `total` of them."""
    from django.utils import timezone

    from mace.core import clocks
    from mace.frontdoor.models import Contact
    from mace.people.models import Person

    now = timezone.now()
    existing = Contact.objects.count()
    template = list(Contact.objects.order_by("pk")[:5000])
    partnership_id = template[0].partnership_id
    children = list(
        Person.objects.filter(partnership_id=partnership_id, kind="child").values_list("pk", flat=True)
    )
    made = 0
    started = time.perf_counter()
    skip = {"id", "version"}
    while existing + made < total:
        batch: list[Contact] = []
        for t in template:
            if existing + made + len(batch) >= total:
                break
            c = Contact(
                **{
                    f.attname: getattr(t, f.attname)
                    for f in Contact._meta.concrete_fields
                    if f.attname not in skip
                }
            )
            received = now - timedelta(days=rng.uniform(1, 730))
            c.external_ref = ""
            c.person_id = rng.choice(children)
            c.received_at = received
            c.review_due_at = clocks.review_due(received)
            c.decision_due_at = clocks.decision_due(received)
            if t.approved_at:
                c.approved_at = received + (t.approved_at - t.received_at)
            if t.decided_at:
                c.decided_at = received + (t.decided_at - t.received_at)
            batch.append(c)
        Contact.objects.bulk_create(batch, batch_size=5000)
        made += len(batch)
        if made % 50_000 < len(batch):
            print(f"  {existing + made:,} contacts ({time.perf_counter() - started:.0f} s)", flush=True)
    return made


def bench_recompute() -> None:
    from mace.oversight import services

    started = time.perf_counter()
    result = services.recompute()
    seconds = time.perf_counter() - started
    print(
        f"nightly recompute: {result['figures']:,} figures ({result['periods']} periods x "
        f"{result['partnerships']} partnerships) in {seconds:.0f} s"
    )


def bench_page(username: str, path: str, samples: int, label: str) -> None:
    from django.test import Client

    from mace.accounts.models import User

    client = Client()
    client.force_login(User.objects.get(username=username))
    client.get(path)  # the first reading draws the charts once; they are cached after
    times = []
    for _ in range(samples):
        started = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
    print(
        f"{label}: p50 {statistics.median(times):.0f} ms, p95 {percentile(times, 95):.0f} ms "
        f"over {samples} requests"
    )


def bench_pack() -> None:
    try:
        from mace.oversight import pack
    except ImportError:
        print("board pack: not built in this version")
        return
    from mace.accounts.models import User
    from mace.oversight.periods import latest_complete

    user = User.objects.get(username="executive")
    started = time.perf_counter()
    pdf = pack.render_pdf(pack.build_pack(user, latest_complete("quarter"), kind="board"))
    print(f"board pack: {len(pdf) / 1024:.0f} KB PDF in {time.perf_counter() - started:.1f} s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=100_000)
    parser.add_argument("--contacts", type=int, default=1_000_000)
    parser.add_argument("--episodes", type=int, default=200_000)
    parser.add_argument("--samples", type=int, default=40)
    parser.add_argument("--reuse", action="store_true", help="measure the dataset a previous run left")
    parser.add_argument("--no-recompute", action="store_true", help="with --reuse: read the figures kept")
    args = parser.parse_args()
    if not args.reuse:
        fresh_database()
    setup_django()
    from django.db import connection

    from mace.frontdoor.models import Contact
    from mace.missing.models import MissingEpisode

    if not args.reuse:
        from mace.demo.generate import generate
        from missing import pad_episodes

        started = time.perf_counter()
        generate(children=args.children, seed=1)
        print(f"generated {args.children:,} children in {time.perf_counter() - started:.0f} s")
        started = time.perf_counter()
        made = pad_contacts(args.contacts, random.Random(5))
        print(f"padded with {made:,} contacts in {time.perf_counter() - started:.0f} s")
        started = time.perf_counter()
        made = pad_episodes(args.episodes, 150, random.Random(3))
        print(f"padded with {made:,} episodes in {time.perf_counter() - started:.0f} s")
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(
        f"{Contact.objects.count():,} contacts, {MissingEpisode.objects.count():,} episodes on "
        f"{connection.vendor}, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC"
    )
    if not args.no_recompute:
        bench_recompute()
    bench_page("executive", "/oversight/scorecard/", args.samples, "scorecard page (executive)")
    bench_page("executive", "/oversight/", args.samples, "landing page (executive)")
    bench_page(
        "analyst",
        "/oversight/measures/fd_reviewed_24h/",
        max(5, args.samples // 4),
        "a measure's page (analyst)",
    )
    bench_pack()
    return 0


if __name__ == "__main__":
    sys.exit(main())
