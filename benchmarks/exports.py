"""The statutory returns at scale: each export's time and peak memory for a partnership of 100,000 children.

Usage:  .venv/bin/python benchmarks/exports.py [--children 100000] [--reuse] [--validate-up-to 10000]
        DATABASE_URL=postgres://postgres@127.0.0.1:5432/mace_bench .venv/bin/python benchmarks/exports.py

Builds a fresh synthetic partnership with the demo generator (or reuses the one a previous run left), then
makes each return (CIN census, SSDA903 missing, Annex A, SSD) as the worker does, each in its own child
process so that its peak memory (max resident set) is its own. The official validators run on the file
too, except the CIN validator and liiatools above --validate-up-to children (the CIN ingress is quadratic,
about 75 s at 5,000 children; liiatools took over 10 minutes at 100,000), where their time is not measured.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import configure, fresh_database, setup_django

configure()
KINDS = ("cin", "ssda903", "annex_a", "ssd")


def _one(kind: str, validate: bool, write: int) -> None:
    """In the child process: make one return and report its figures through the pipe."""
    from mace.accounts.models import Partnership, Role, User
    from mace.demo.organisation import MAIN
    from mace.exports import services
    from mace.exports.years import current

    analyst = User.objects.filter(role_assignments__role=Role.PARTNERSHIP_ANALYST).order_by("pk").first()
    partnership = Partnership.objects.get(code=MAIN)
    year = current(datetime.now(UTC).date()).year if kind in ("cin", "ssda903") else None
    started = time.perf_counter()
    run = services.export_request(
        kind=kind, partnership_id=partnership.pk, year=year, validate=False, by=analyst
    )
    run = services.export_make(run)
    made = time.perf_counter() - started
    checked = None
    if validate and run.status == run.Status.DONE:
        run.validate = True
        started = time.perf_counter()
        services._validate(run, services.run_dir(run))
        checked = time.perf_counter() - started
        run.save()
    os.write(
        write,
        json.dumps(
            {
                "status": run.status,
                "error": run.error,
                "seconds": made,
                "validation_seconds": checked,
                "validation": run.validation,
                "errors": run.validation_summary.get("errors"),
                "counts": run.counts,
                "bytes": run.file_size,
            }
        ).encode(),
    )


def measure(kind: str, validate: bool) -> dict[str, object]:
    """Run `_one` in a fresh interpreter (not a fork of this one, whose memory would count as the child's),
    and read the child's own peak resident set from wait4."""
    import subprocess

    read, write = os.pipe()
    args = [sys.executable, __file__, "--one", kind, "--fd", str(write)] + (
        ["--validate"] if validate else []
    )
    child = subprocess.Popen(args, pass_fds=(write,))
    os.close(write)
    data = b""
    while chunk := os.read(read, 65536):
        data += chunk
    os.close(read)
    _pid, _status, usage = os.wait4(child.pid, 0)
    child.returncode = _status
    figures: dict[str, object] = json.loads(data or b'{"status": "crashed"}')
    figures["peak_mb"] = usage.ru_maxrss / 1024  # Linux reports kilobytes
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=100_000)
    parser.add_argument("--reuse", action="store_true", help="measure the dataset a previous run left")
    parser.add_argument("--validate-up-to", type=int, default=10_000, help="run the CIN validator only below")
    parser.add_argument("--one", choices=KINDS, help=argparse.SUPPRESS)  # the child process
    parser.add_argument("--fd", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--validate", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        import django

        django.setup()
        try:
            _one(args.one, args.validate, args.fd)
        except Exception as exc:  # report it to the parent
            os.write(args.fd, json.dumps({"status": "crashed", "error": repr(exc)}).encode())
            return 1
        return 0
    if not args.reuse:
        fresh_database()
    setup_django()
    from django.db import connection

    from mace.people.models import Person

    if not args.reuse:
        from mace.demo.generate import generate

        started = time.perf_counter()
        generate(children=args.children, seed=1)
        print(f"generated {args.children:,} children in {time.perf_counter() - started:.0f} s", flush=True)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    children = Person.objects.filter(kind="child").count()
    print(f"{children:,} children on {connection.vendor}, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC", flush=True)
    for kind in KINDS:
        # The CIN validator is quadratic in children and liiatools' cleaner slow (over 10 minutes at 100,000):
        # above --validate-up-to children only SSDA903's validator runs.
        validate = kind == "ssda903" or (kind in ("cin", "annex_a") and children <= args.validate_up_to)
        f = measure(kind, validate)
        check = (
            f"; validator {f['validation_seconds']:.1f} s ({f['validation']}, {f['errors']} errors)"
            if f.get("validation_seconds") is not None
            else ("; validator not run" if kind != "ssd" else "")
        )
        print(
            f"{kind:8} {f.get('status')}: {f.get('seconds', 0):.1f} s, peak {f['peak_mb']:.0f} MB, "
            f"{f.get('bytes', 0) / 1e6:.1f} MB file, rows {f.get('counts')}{check} {f.get('error') or ''}",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
