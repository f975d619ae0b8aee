"""Front door figures: intake API throughput and latency while matching against 100,000 people, the
queue page with 1,000,000 historical contacts, and the import of 100,000 rows.

Usage:  .venv/bin/python benchmarks/frontdoor.py [--children 100000] [--contacts 1000000]
                                                  [--intake 1000] [--import-rows 100000]
        DATABASE_URL=postgres://postgres@127.0.0.1:5432/mace_bench .venv/bin/python benchmarks/frontdoor.py

Builds a fresh synthetic partnership (the generator's children and a year of contacts), pads the
history to the named number of closed contacts with copies shifted back in time, then times:
full API requests through Django (authentication, validation, matching, writes, access log), the
queue page as the demo front door worker, and `import_contacts` on a generated CSV of messy VPAs.
The in-process intake runs one request after another (the figure is per process); `--served` then
measures sustained intake through the demo server (`mace serve`: gunicorn with its worker processes,
the background worker beside it) from 1, 4 and 8 concurrent clients over real HTTP, with p50 and p95.
`--profile N` prints where N in-process contacts spend their time (cProfile) and queries a contact.
"""

from __future__ import annotations

import argparse
import cProfile
import csv
import json
import os
import pstats
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import configure, fresh_database, percentile, setup_django

configure()


def pad_history(total: int) -> int:
    """Copy closed contacts back in time until the history holds `total` contacts."""
    from mace.frontdoor.models import Contact

    existing = Contact.objects.count()
    template = list(Contact.objects.filter(status="closed").order_by("pk")[:5000])
    made, batch, shift = 0, [], 0
    while existing + made < total and template:
        shift += 1
        for c in template:
            if existing + made + len(batch) >= total:
                break
            copy = Contact(
                **{
                    f.attname: getattr(c, f.attname)
                    for f in Contact._meta.concrete_fields
                    if f.attname != "id"
                }
            )
            delta = timedelta(days=365 * (1 + shift // 50), hours=shift)
            for field in ("received_at", "review_due_at", "decision_due_at", "decided_at", "approved_at"):
                if getattr(copy, field):
                    setattr(copy, field, getattr(copy, field) - delta)
            copy.external_ref = f"HIST-{shift}-{c.pk}" if c.external_ref else ""
            batch.append(copy)
        Contact.objects.bulk_create(batch, batch_size=5000)
        made += len(batch)
        batch = []
    return made


def messy_subject(rng: random.Random, people: list[tuple], new_rate: float = 0.1) -> dict[str, str]:
    from mace.demo.mess import variant_record
    from mace.demo.names import pick_person

    if rng.random() < new_rate:
        p = pick_person(rng)
        return {"given_names": p.given_names, "family_name": p.family_name, "date_of_birth": "2012-06-15"}
    given, family, dob = rng.choice(people)
    v = variant_record(rng, given_names=given, family_name=family, date_of_birth=dob)
    out = {"given_names": v["given_names"], "family_name": v["family_name"]}
    if v["date_of_birth"]:
        out["date_of_birth"] = v["date_of_birth"].isoformat()
    return out


def bench_intake(n: int, rng: random.Random, people: list[tuple]) -> None:
    from django.test import Client
    from django.utils import timezone

    from mace.accounts.models import User
    from mace.accounts.services import token_create
    from mace.core.audit import Actor

    token = token_create(user=User.objects.get(username="police"), by=Actor.system("benchmark")).raw
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    latencies, statuses = [], {}
    run = int(time.time())
    started = time.perf_counter()
    for i in range(n):
        body = {
            "source_system": "bench",
            "external_ref": f"INTAKE-{run}-{i}",
            "kind": "vpa",
            "received_at": timezone.now().isoformat(),
            "source_agency": "shire-police",
            "subject": messy_subject(rng, people),
            "summary": "Found out of area with older associates.",
            "concerns": ["found_out_of_area", "older_associates"],
        }
        t = time.perf_counter()
        response = client.post("/api/v1/contacts", data=json.dumps(body), content_type="application/json")
        latencies.append((time.perf_counter() - t) * 1000)
        # Messy input includes impossible dates (a typo puts a birth in the future): refused, rightly.
        assert response.status_code in (201, 422), response.content
        status = response.json()["match"]["status"] if response.status_code == 201 else "refused (422)"
        statuses[status] = statuses.get(status, 0) + 1
    elapsed = time.perf_counter() - started
    print(
        f"intake API: {n:,} contacts in {elapsed:.1f} s = {n / elapsed:.0f} contacts/s in one process; "
        f"p50 {statistics.median(latencies):.1f} ms, p95 {percentile(latencies, 95):.1f} ms; "
        f"matches {statuses}"
    )


def _body(rng: random.Random, people: list[tuple], ref: str) -> dict:
    from django.utils import timezone

    return {
        "source_system": "bench",
        "external_ref": ref,
        "kind": "vpa",
        "received_at": timezone.now().isoformat(),
        "source_agency": "shire-police",
        "subject": messy_subject(rng, people),
        "summary": "Found out of area with older associates.",
        "concerns": ["found_out_of_area", "older_associates"],
    }


def profile_intake(n: int, rng: random.Random, people: list[tuple]) -> None:
    """Where the time of an API contact goes, and how many queries it makes."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from mace.accounts.models import User
    from mace.accounts.services import token_create
    from mace.core.audit import Actor

    token = token_create(user=User.objects.get(username="police"), by=Actor.system("benchmark")).raw
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    run = int(time.time())
    post = lambda i: client.post(  # noqa: E731
        "/api/v1/contacts",
        data=json.dumps(_body(rng, people, f"PROFILE-{run}-{i}")),
        content_type="application/json",
    )
    for i in range(20):
        post(i)  # warm up
    with CaptureQueriesContext(connection) as queries:
        for i in range(20, 70):
            post(i)
    profiler = cProfile.Profile()
    profiler.enable()
    for i in range(70, 70 + n):
        post(i)
    profiler.disable()
    print(f"profile: {len(queries.captured_queries) / 50:.1f} queries a contact; the top of {n} contacts:")
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(r"mace/(people|frontdoor|core)", 25)


def bench_served(clients: list[int], seconds: float, rng: random.Random, people: list[tuple]) -> None:
    """Sustained intake through `mace serve` (gunicorn, 2 web worker processes) over HTTP."""
    from mace.accounts.models import User
    from mace.accounts.services import token_create
    from mace.core.audit import Actor

    token = token_create(user=User.objects.get(username="police"), by=Actor.system("benchmark")).raw
    port = 8700 + os.getpid() % 200
    env = dict(os.environ, MACE_ALLOWED_HOSTS="127.0.0.1,localhost")
    server = subprocess.Popen(
        [sys.executable, "-m", "mace.cli", "serve", "--port", str(port), "--workers", "2"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/api/v1/contacts"
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/health/", timeout=2)
                break
            except urllib.error.HTTPError:
                break
            except OSError:
                time.sleep(0.5)
        run = int(time.time())
        bodies = iter(range(10**9))
        lock = threading.Lock()

        def post(ref: str) -> tuple[int, float]:
            with lock:
                data = json.dumps(_body(rng, people, ref)).encode()
            request = urllib.request.Request(
                url,
                data=data,
                headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
            )
            started = time.perf_counter()
            try:
                with urllib.request.urlopen(request, timeout=30) as response:
                    status = response.status
            except urllib.error.HTTPError as error:
                status = error.code
            return status, (time.perf_counter() - started) * 1000

        for i in range(10):
            post(f"WARM-{run}-{i}")
        for n in clients:
            latencies: list[float] = []
            statuses: dict[int, int] = {}
            stop = time.perf_counter() + seconds

            def client(stop: float = stop, latencies: list = latencies, statuses: dict = statuses) -> None:
                while time.perf_counter() < stop:
                    status, ms = post(f"SERVED-{run}-{next(bodies)}")
                    with lock:
                        latencies.append(ms)
                        statuses[status] = statuses.get(status, 0) + 1

            started = time.perf_counter()
            threads = [threading.Thread(target=client) for _ in range(n)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            elapsed = time.perf_counter() - started
            print(
                f"served intake, {n} client(s), 2 web workers: {len(latencies) / elapsed:.0f} contacts/s "
                f"sustained over {elapsed:.0f} s; p50 {statistics.median(latencies):.0f} ms, "
                f"p95 {percentile(latencies, 95):.0f} ms; statuses {statuses}"
            )
    finally:
        server.terminate()
        server.wait(timeout=30)


def bench_queue(samples: int) -> None:
    from django.test import Client

    from mace.accounts.models import User
    from mace.frontdoor.models import Contact

    client = Client()
    client.force_login(User.objects.get(username="frontdoor"))
    for _ in range(3):  # warm up: templates compiled, bank holidays loaded
        client.get("/front-door/")
    times = []
    for i in range(samples):
        path = [
            "/front-door/",
            "/front-door/?kind=vpa",
            "/front-door/?status=gathering",
            "/front-door/?page=2",
        ][i % 4]
        t = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - t) * 1000)
        assert response.status_code == 200
    print(
        f"queue page: {Contact.objects.count():,} contacts in history; "
        f"p50 {statistics.median(times):.1f} ms, p95 {percentile(times, 95):.1f} ms over {samples} requests"
    )


def bench_import(rows: int, rng: random.Random, people: list[tuple]) -> None:
    from mace.accounts.models import Partnership
    from mace.core.audit import Actor
    from mace.frontdoor.imports import import_contacts

    header = [
        "source_system",
        "external_ref",
        "kind",
        "received_at",
        "source_agency",
        "given_names",
        "family_name",
        "date_of_birth",
        "summary",
        "concerns",
    ]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "backlog.csv"
        run = int(time.time())
        with path.open("w", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            for i in range(rows):
                s = messy_subject(rng, people)
                writer.writerow(
                    [
                        f"niche-backlog-{run}",
                        f"B-{i}",
                        "vpa",
                        "2025-06-02T10:15:00+01:00",
                        "shire-police",
                        s["given_names"],
                        s["family_name"],
                        s.get("date_of_birth", ""),
                        "Backlog VPA",
                        "missing;older_associates",
                    ]
                )
        started = time.perf_counter()
        result = import_contacts(
            path, partnership=Partnership.objects.get(code="eastshire"), actor=Actor.system("benchmark")
        )
        elapsed = time.perf_counter() - started
        again = time.perf_counter()
        rerun = import_contacts(
            path, partnership=Partnership.objects.get(code="eastshire"), actor=Actor.system("benchmark")
        )
        rerun_elapsed = time.perf_counter() - again
    print(
        f"import: {rows:,} rows in {elapsed:.0f} s ({rows / elapsed:.0f} rows/s), "
        f"{result.created:,} created, "
        f"{len(result.rejected)} rejected; re-run of the same file {rerun_elapsed:.0f} s, "
        f"{rerun.created} created, {rerun.already_present:,} already present"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=100_000)
    parser.add_argument("--contacts", type=int, default=1_000_000)
    parser.add_argument("--intake", type=int, default=1000)
    parser.add_argument("--queue-samples", type=int, default=200)
    parser.add_argument("--import-rows", type=int, default=100_000)
    parser.add_argument("--reuse", action="store_true", help="measure the dataset a previous run left")
    parser.add_argument("--served", type=float, default=0, help="seconds of served intake per client count")
    parser.add_argument("--clients", default="1,4,8", help="concurrent clients for --served")
    parser.add_argument("--profile", type=int, default=0, help="profile this many in-process contacts")
    args = parser.parse_args()
    if not args.reuse:
        fresh_database()
    setup_django()
    from django.db import connection

    from mace.demo.generate import generate
    from mace.people.models import Person

    if not args.reuse:
        started = time.perf_counter()
        summary = generate(children=args.children, seed=1)
        print(
            f"generated {args.children:,} children and {summary.get('Contacts', 0):,} contacts "
            f"in {time.perf_counter() - started:.0f} s"
        )
        started = time.perf_counter()
        padded = pad_history(args.contacts)
        seconds = time.perf_counter() - started
        print(f"padded the history with {padded:,} older closed contacts in {seconds:.0f} s")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    rng = random.Random(7)
    people = list(
        Person.objects.filter(kind="child", partnership__code="eastshire").values_list(
            "given_names", "family_name", "date_of_birth"
        )[:20000]
    )
    print(f"matching against {Person.objects.count():,} people on {connection.vendor}")
    if args.profile:
        profile_intake(args.profile, rng, people)
    if args.intake:
        bench_intake(args.intake, rng, people)
    if args.served:
        bench_served([int(n) for n in args.clients.split(",")], args.served, rng, people)
    if args.queue_samples:
        bench_queue(args.queue_samples)
    if args.import_rows:
        bench_import(args.import_rows, rng, people)
    return 0


if __name__ == "__main__":
    sys.exit(main())
