"""The `mace` command: run the demo, seed data, verify the access log, issue API tokens.

`mace manage ARGS` passes anything else to Django's management commands.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import time
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

app = typer.Typer(
    help="MACE: the multi-agency child exploitation platform.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,
)
audit_app = typer.Typer(help="The tamper-evident access log.", no_args_is_help=True)
token_app = typer.Typer(help="API tokens for users and partner systems.", no_args_is_help=True)
app.add_typer(audit_app, name="audit")
app.add_typer(token_app, name="token")
import_app = typer.Typer(help="Import records from partner systems.", no_args_is_help=True)
app.add_typer(import_app, name="import")
oversight_app = typer.Typer(help="The scorecard and board packs for leaders.", no_args_is_help=True)
app.add_typer(oversight_app, name="oversight")
export_app = typer.Typer(
    help="Statutory returns and datasets: CIN census, SSDA903 missing, Ofsted Annex A, the SSD.",
    no_args_is_help=True,
)
app.add_typer(export_app, name="export")
linkage_app = typer.Typer(
    help="Record linkage: the matcher's model, and de-duplication of the whole register.",
    no_args_is_help=True,
)
app.add_typer(linkage_app, name="linkage")

network_app = typer.Typer(help="The network: groups in the links, proposed links.", no_args_is_help=True)
app.add_typer(network_app, name="network")
console = Console(stderr=False)


def _setup(settings_module: str = "mace.config.settings.dev") -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings_module)
    import django

    django.setup()


def progress_bar() -> Progress:
    return Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=False,
    )


def _migrate() -> None:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


@app.command()
def migrate() -> None:
    """Create or update the database tables."""
    _setup()
    _migrate()
    console.print("Database is up to date.")


@app.command()
def seed(
    children: Annotated[int, typer.Option(help="How many children to generate.")] = 3000,
    seed: Annotated[
        int, typer.Option("--seed", help="Random seed: the same seed gives the same partnership.")
    ] = 1,
    migrate_first: Annotated[bool, typer.Option("--migrate/--no-migrate", help="Migrate first.")] = True,
) -> None:
    """Generate a synthetic partnership: agencies, teams, staff and children with realistic mess."""
    _setup()
    if migrate_first:
        _migrate()
    from mace.demo.generate import generate_steps
    from mace.demo.registry import StepResult
    from mace.oversight import services as oversight

    started = time.monotonic()
    with progress_bar() as bar:
        results = generate_steps(children=children, seed=seed, progress=bar)
        # The scorecard's figures, counted from what was generated, so the first leader does not wait.
        # (Here, not a generator step: tests that generate a partnership do not need them.)
        counted = time.monotonic()
        task = bar.add_task("Scorecard figures", total=None)
        figures = oversight.recompute(
            months=oversight.DEMO_MONTHS,
            progress=lambda done, total: bar.update(task, completed=done, total=total),
        )
        results.append(
            StepResult("oversight", time.monotonic() - counted, {"Scorecard figures": figures["figures"]})
        )
    _print_steps(results, time.monotonic() - started, children)


def _print_steps(results: list[Any], seconds: float, children: int) -> None:
    """What each generator step made and how long it took, then the total."""
    table = Table(
        title=f"Synthetic partnership generated in {seconds:.1f} s "
        f"({children / seconds if seconds else 0:,.0f} children a second)"
    )
    table.add_column("Step")
    table.add_column("Time", justify="right")
    table.add_column("Records")
    table.add_column("Count", justify="right")
    for result in results:
        first = True
        for name, count in result.counts.items() or {"(nothing to make)": 0}.items():
            table.add_row(
                result.name if first else "", f"{result.seconds:.1f} s" if first else "", name, f"{count:,}"
            )
            first = False
        table.add_section()
    console.print(table)


def _print_summary(
    summary: dict[str, int], seconds: float, title: str = "Synthetic partnership generated"
) -> None:
    table = Table(title=f"{title} in {seconds:.1f} s")
    table.add_column("Records")
    table.add_column("Count", justify="right")
    for name, count in summary.items():
        table.add_row(name, f"{count:,}")
    console.print(table)


def _print_accounts() -> None:
    from mace.demo.generate import DEMO_PASSWORD, demo_accounts

    table = Table(title=f"Demo sign-in accounts (password for all: {DEMO_PASSWORD})")
    table.add_column("Role")
    table.add_column("Username")
    table.add_column("Team")
    for role, username, team in demo_accounts():
        table.add_row(role, username, team)
    console.print(table)


@app.command()
def demo(
    port: Annotated[int, typer.Option(help="Port to serve on.")] = 8000,
    children: Annotated[int, typer.Option(help="Children to generate if the database is empty.")] = 3000,
) -> None:
    """Migrate, generate the demo partnership if the database is empty, and serve it with the worker."""
    os.environ.setdefault("MACE_DEMO_MODE", "1")
    _setup()
    _migrate()
    from django.core.management import call_command

    from mace.people.models import Person

    if not Person.objects.exists():
        seed(children=children, seed=1, migrate_first=False)
    call_command("collectstatic", interactive=False, verbosity=0)
    _print_accounts()
    console.print(f"\nMACE demo: http://127.0.0.1:{port}/  (Ctrl-C stops the server and the worker)\n")
    serve(port=port)


GUNICORN_TIMEOUT = 30  # seconds; longer than SQLite's busy timeout, so a lock wait ends as an answer


def var_dir() -> Path:
    """Where this instance keeps its database and sockets (the settings read the same variable)."""
    return Path(os.environ.get("MACE_VAR_DIR", Path(__file__).resolve().parents[2] / "var"))


def gunicorn_command(*, host: str, port: int, workers: int, var: Path) -> list[str]:
    """Gunicorn's command line. Its control socket defaults to one path per user (~/.gunicorn), which
    two instances on one machine would share; each instance gets its own under its MACE_VAR_DIR, or
    none where that path is too long for a Unix socket."""
    control = var / f"gunicorn-{port}.ctl"
    socket = ["--control-socket", str(control)] if len(str(control)) < 100 else ["--no-control-socket"]
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "mace.config.wsgi:application",
        "--bind",
        f"{host}:{port}",
        "--workers",
        str(workers),
        "--timeout",
        str(GUNICORN_TIMEOUT),
        *socket,
        "--access-logfile",
        "-",
    ]


@app.command()
def serve(
    port: Annotated[int, typer.Option(help="Port to serve on.")] = 8000,
    host: Annotated[str, typer.Option(help="Address to bind.")] = "127.0.0.1",
    workers: Annotated[int, typer.Option(help="Web worker processes.")] = 2,
    interval: Annotated[int, typer.Option(help="Seconds between the worker's ticks.")] = 60,
) -> None:
    """Serve the web application (gunicorn) and run the background worker beside it.

    A process that dies is restarted (and logged); Ctrl-C or SIGTERM stops both."""
    from mace.supervisor import Supervisor

    var = var_dir()
    var.mkdir(parents=True, exist_ok=True)
    supervisor = Supervisor(
        {
            "web server": gunicorn_command(host=host, port=port, workers=workers, var=var),
            "worker": [sys.executable, "-m", "mace.cli", "worker", "--interval", str(interval)],
        },
        env=dict(os.environ),
    )
    code = supervisor.run()
    if code:
        raise typer.Exit(code=code)


@app.command()
def worker(
    interval: Annotated[int, typer.Option(help="Seconds between ticks of the periodic work.")] = 60,
) -> None:
    """Run background tasks and, every minute, the periodic work (escalating contacts before a breach).

    Each task run and each periodic job is isolated: a failure is logged and tried again next tick."""
    _setup()
    from django.core.management import call_command

    from mace.core import jobs

    def background_tasks(_now: object) -> int:
        call_command("db_worker", batch=True, verbosity=0)
        return 0

    def report(tick: jobs.TickReport) -> None:
        done = {name: n for name, n in tick.done.items() if n}
        if done:
            console.print(f"tick: {done}")
        for name, error in tick.failed.items():
            console.print(f"[red]tick: {name} failed[/] ({error}); it runs again next tick")

    console.print("MACE worker: background tasks and the periodic tick")
    jobs.run_forever(
        interval=interval, jobs=lambda: {"background tasks": background_tasks, **jobs.JOBS}, on_tick=report
    )


@audit_app.command("verify")
def audit_verify() -> None:
    """Recompute the access log's keyed hash chain and hold it against the latest checkpoint outside
    the database; exit 1 naming the first broken entry or the entries missing."""
    _setup()
    from mace.core import audit
    from mace.core.models import AccessLogEntry

    total = AccessLogEntry.objects.count()
    with progress_bar() as bar:
        task = bar.add_task("Verifying the access log", total=total)
        result = audit.verify(progress=lambda n: bar.advance(task, n))
    if result.ok:
        console.print(f"Access log verified: {result.checked:,} entries, chain intact.")
        if result.checkpoint is None:
            console.print(
                f"[yellow]No checkpoint in {audit.anchor_path()}[/]: deleting the newest entries "
                "would not show. Run `mace audit anchor` or the worker."
            )
        else:
            cp = result.checkpoint
            console.print(f"Matches the checkpoint of {cp.at}: {cp.count:,} entries.")
        return
    if result.first_broken_id is None:
        console.print(
            f"[bold red]Access log broken[/]: {result.problem}. {result.checked:,} entries verified."
        )
    else:
        console.print(
            f"[bold red]Access log broken[/]: entry {result.first_broken_id} — {result.problem}. "
            f"{result.checked:,} entries verified before it."
        )
    raise typer.Exit(code=1)


@audit_app.command("anchor")
def audit_anchor() -> None:
    """Append a checkpoint of the access log's head (count and hash) to the anchor file and print it,
    to keep on a second system: `mace audit verify` compares the log with the latest checkpoint."""
    _setup()
    from mace.core import audit

    try:
        checkpoint = audit.anchor()
    except audit.AnchorRefused as refused:
        console.print(f"[bold red]{refused}[/] Run `mace audit verify`.")
        raise typer.Exit(code=1) from None
    console.print(f"Checkpoint appended to {audit.anchor_path()}:", style="bold")
    print(checkpoint.line())


@token_app.command("create")
def token_create(
    username: str,
    name: Annotated[str, typer.Option(help="What the token is for, e.g. 'police records system'.")] = "",
) -> None:
    """Create an API token for USERNAME and print it once."""
    _setup()
    from mace.accounts.models import User
    from mace.accounts.services import token_create as create
    from mace.core.audit import Actor

    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        console.print(f"[red]No active user called {username!r}.[/]")
        raise typer.Exit(code=2)
    issued = create(user=user, name=name, by=Actor.system("cli"))
    console.print("Token (shown once; store it securely):")
    print(issued.raw)


@import_app.command("contacts")
def import_contacts(
    path: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="A .csv or .jsonl file")],
    partnership: Annotated[str, typer.Option(help="Partnership code (default: the first)")] = "",
    report: Annotated[Path | None, typer.Option(help="Where to write rejected rows (CSV)")] = None,
) -> None:
    """Import contacts (VPAs, screenings, referrals): idempotent, resumable, every reject reported."""
    _setup()
    from mace.accounts.models import Partnership
    from mace.core.audit import Actor
    from mace.frontdoor.imports import count_rows, write_rejects
    from mace.frontdoor.imports import import_contacts as run

    target = (
        Partnership.objects.filter(code=partnership).first()
        if partnership
        else Partnership.objects.order_by("pk").first()
    )
    if target is None:
        console.print(f"[red]No partnership {partnership!r}. Run mace seed or mace demo first.[/]")
        raise typer.Exit(code=2)
    started = time.monotonic()
    with progress_bar() as bar:
        task = bar.add_task(f"Importing {path.name}", total=count_rows(path))
        result = run(
            path,
            partnership=target,
            actor=Actor.system(f"import:{path.name}"),
            progress=lambda n: bar.advance(task, n),
        )
    report = report or path.with_name(path.stem + ".rejects.csv")
    if result.rejected:
        write_rejects(result, report)
    _print_summary(
        {
            "Rows read": result.rows,
            "Contacts created": result.created,
            "Already in MACE (skipped)": result.already_present,
            "Rejected": len(result.rejected),
        },
        time.monotonic() - started,
        title="Import finished",
    )
    if result.rejected:
        console.print(f"Rejected rows and their reasons: {report}")
    if result.stopped_at is not None:
        console.print(
            f"[bold red]Import stopped at line {result.stopped_at}[/]: {result.stopped_because}. "
            "Everything before it is saved; run the same command again to carry on from there."
        )
        raise typer.Exit(code=1)


@import_app.command("action-plan")
def import_action_plan(
    path: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="The plan as CSV (see docs)")],
    partnership: Annotated[str, typer.Option(help="Partnership code (default: the first)")] = "",
) -> None:
    """Import a partnership's action plan: every action with its owner, due date, RAG and progress.
    Idempotent (the same file twice changes nothing); a file with a rejected row writes nothing."""
    _setup()
    from mace.accounts.models import Partnership
    from mace.core.audit import Actor
    from mace.improvement import plan_file, services

    target = (
        Partnership.objects.filter(code=partnership).first()
        if partnership
        else Partnership.objects.order_by("pk").first()
    )
    if target is None:
        console.print(f"[red]No partnership {partnership!r}. Run mace seed or mace demo first.[/]")
        raise typer.Exit(code=2)
    try:
        parsed = plan_file.read(path)
    except plan_file.PlanFileError as exc:
        for problem in exc.problems:
            console.print(f"[red]{problem}[/]")
        console.print("[bold red]Nothing was imported.[/]")
        raise typer.Exit(code=1) from None
    started = time.monotonic()
    with progress_bar() as bar:
        task = bar.add_task(f"Importing {path.name}", total=len(parsed.rows))
        result = services.plan_import(
            parsed=parsed,
            partnership=target,
            actor=Actor.system(f"import:{path.name}"),
            progress=lambda n: bar.advance(task, n),
        )
    _print_summary(
        {
            "Rows read": result.rows,
            "Priority areas created": result.areas_created,
            "Actions created": result.actions_created,
            "Progress updates created": result.updates_created,
            "Already in MACE (unchanged)": result.unchanged,
            "Rejected": len(result.rejected),
        },
        time.monotonic() - started,
        title="Import finished",
    )
    if result.rejected:
        for line, ref, why in result.rejected:
            console.print(f"[red]line {line} ({ref or 'no ref'}): {why}[/]")
        console.print(
            "[bold red]Nothing was imported: correct the rows above and run the same command again.[/]"
        )
        raise typer.Exit(code=1)


@oversight_app.command("board-pack")
def oversight_board_pack(
    period: Annotated[str, typer.Option(help="quarter:YYYY-MM, month:YYYY-MM or year:YYYY-MM")] = "",
    kind: Annotated[str, typer.Option(help="board, quarterly or pan_area")] = "board",
    out: Annotated[Path, typer.Option(dir_okay=False, help="Where to write the PDF")] = Path("pack.pdf"),
    user: Annotated[
        str, typer.Option("--user", help="Make the pack as this user sees it (default: an executive)")
    ] = "",
) -> None:
    """Make the board pack (or the quarterly or pan-area meeting's pack) as a PDF."""
    _setup()
    from mace.accounts.models import Role, User
    from mace.oversight import pack as packs
    from mace.oversight.periods import Period, PeriodError, latest_complete

    if kind not in packs.KINDS:
        console.print(f"[red]The pack must be one of: {', '.join(packs.KINDS)}.[/]")
        raise typer.Exit(code=2)
    try:
        chosen = Period.parse(period) if period else latest_complete("quarter")
    except PeriodError as problem:
        console.print(f"[red]{problem}.[/]")
        raise typer.Exit(code=2) from None
    active = User.objects.filter(is_active=True)
    reader = (
        active.filter(username=user).first()
        if user
        else active.filter(role_assignments__role=Role.EXECUTIVE).order_by("pk").first()
    )
    if reader is None:
        console.print(
            f"[red]No active user {user!r}.[/]" if user else "[red]No active executive: give --user.[/]"
        )
        raise typer.Exit(code=2)
    started = time.monotonic()
    try:
        with progress_bar() as bar:
            task = bar.add_task("Building the pack", total=packs.section_count(kind) + 1)
            made = packs.build_pack(reader, chosen, kind=kind, on_section=lambda _title: bar.advance(task))
            bar.update(task, description="Rendering the PDF")
            pdf = packs.render_pdf(made)
            bar.advance(task)
    except packs.PackRefused as refused:
        console.print(f"[red]{refused}[/] {reader.username} may not.")
        raise typer.Exit(code=1) from None
    out.write_bytes(pdf.content)
    _print_summary(
        {
            "Pages": pdf.pages,
            "Sections": len(made.sections),
            "Sections left out": sum(s.context is None for s in made.sections),
        },
        time.monotonic() - started,
        title=f"{made.title} written to {out}",
    )


@oversight_app.command("recompute")
def oversight_recompute(
    months: Annotated[int, typer.Option(help="How many months back to count (the worker keeps 25).")] = 25,
) -> None:
    """Count every scorecard measure from the records, for every partnership and kept period."""
    _setup()
    from mace.oversight import services

    started = time.monotonic()
    with progress_bar() as bar:
        task = bar.add_task("Scorecard figures", total=None)

        def advance(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        result = services.recompute(months=months, progress=advance)
    console.print(
        f"Scorecard recomputed: {result['figures']:,} figures for {result['partnerships']} partnership(s) "
        f"over {result['periods']} periods in {time.monotonic() - started:.1f} s."
    )


@network_app.command("groups")
def network_groups() -> None:
    """Find the groups in the association graph (Leiden, fixed seed) and propose them to the MACE panel."""
    _setup()
    from mace.network import communities

    started = time.monotonic()
    with progress_bar() as bar:
        task = bar.add_task("Groups in the links", total=None)
        result = communities.refresh(
            progress=lambda done, total: bar.update(task, completed=done, total=total)
        )
    console.print(
        f"{result.proposed:,} groups proposed from {result.edges:,} links "
        f"({result.kept} adopted groups kept) "
        f"in {time.monotonic() - started:.1f} s."
    )


@network_app.command("propose")
def network_propose(
    days: Annotated[int, typer.Option(help="Look at records from this many days back.")] = 365,
) -> None:
    """Propose links from missing episodes, screenings and contacts (each once; a person decides each)."""
    _setup()
    from datetime import timedelta

    from django.utils import timezone

    from mace.accounts.models import Partnership
    from mace.network import services

    pks = list(Partnership.objects.values_list("pk", flat=True))
    made = 0
    with progress_bar() as bar:
        task = bar.add_task("Partnerships", total=len(pks))
        for pk in pks:
            made += services.proposals_make(partnership_id=pk, since=timezone.now() - timedelta(days=days))
            bar.advance(task, 1)
    console.print(f"{made:,} new proposed links.")


def _export(kind: str, *, year: str, partnership: str, out: Path | None, validate: bool, user: str) -> None:
    """Make one return with a progress bar, copy it to `out`, and summarise what was found."""
    _setup()
    from django.core.exceptions import ValidationError

    from mace.accounts.models import Partnership, Role, User
    from mace.exports import services

    active = User.objects.filter(is_active=True)
    reader = (
        active.filter(username=user).first()
        if user
        else active.filter(role_assignments__role=Role.PARTNERSHIP_ANALYST).order_by("pk").first()
    )
    if reader is None:
        console.print(
            f"[red]No active user {user!r}.[/]" if user else "[red]No active analyst: give --user.[/]"
        )
        raise typer.Exit(code=2)
    from mace.accounts.selectors import figure_partnership_ids

    allowed = Partnership.objects.filter(pk__in=figure_partnership_ids(reader)).order_by("pk")
    chosen = (Partnership.objects.filter(code=partnership) if partnership else allowed).first()
    if chosen is None:
        console.print(
            f"[red]No partnership {partnership!r}.[/]" if partnership else "[red]Give --partnership.[/]"
        )
        raise typer.Exit(code=2)
    started = time.monotonic()
    try:
        run = services.export_request(
            kind=kind, partnership_id=chosen.pk, year=year or None, validate=validate, by=reader
        )
    except ValidationError as refused:
        for field, problems in refused.message_dict.items():
            for problem in problems:
                console.print(f"[red]{field}: {problem}[/]")
        raise typer.Exit(code=2) from None
    except services.ExportRefused as refused:
        console.print(f"[red]{refused}[/] ({reader.username})")
        raise typer.Exit(code=2) from None
    with progress_bar() as bar:
        task = bar.add_task("Reading the records", total=None)

        def advance(stage: str, done: int, total: int) -> None:
            bar.update(task, description=stage, completed=done, total=total)

        run = services.export_make(run, progress=advance)
    if run.status != run.Status.DONE:
        console.print(f"[red]The export failed: {run.error}[/]")
        raise typer.Exit(code=1)
    made = services.run_dir(run) / run.file_name
    target = out or Path(run.file_name)
    shutil.copyfile(made, target)
    by_kind: dict[str, int] = {}
    for source, severity, rule, field in run.problems.values_list("source", "severity", "rule", "field"):
        key = f"{'validator' if source != 'data_quality' else 'data quality'} {severity}: {rule or field}"
        by_kind[key] = by_kind.get(key, 0) + 1
    _print_summary(
        {**{f"Rows: {k}": v for k, v in run.counts.items()}, **dict(sorted(by_kind.items())[:25])},
        time.monotonic() - started,
        title=f"{run.get_kind_display()} written to {target}",
    )
    verdict = run.get_validation_display()
    if run.validation == run.Validation.FAILED:
        console.print(
            f"[red]{verdict}[/]: {run.validation_summary.get('errors', 0)} errors. The file is saved."
        )
        raise typer.Exit(code=1)
    console.print(f"{verdict}. {run.validation_summary.get('note') or ''}".strip())


_YEAR = Annotated[
    str, typer.Option(help="The collection year, by its end year: 2026 for April 2025 to March 2026")
]
_PARTNERSHIP = Annotated[str, typer.Option(help="The partnership's code (default: the analyst's first)")]
_OUT = Annotated[Path | None, typer.Option(dir_okay=False, help="Where to write the file")]
_VALIDATE = Annotated[bool, typer.Option("--validate/--no-validate", help="Run the official validator")]
_USER = Annotated[str, typer.Option("--user", help="Make it as this analyst (default: the first analyst)")]


@export_app.command("cin")
def export_cin(
    year: _YEAR = "",
    partnership: _PARTNERSHIP = "",
    out: _OUT = None,
    validate: _VALIDATE = True,
    user: _USER = "",
) -> None:
    """The Children in Need census extract (DfE XML), checked by the DfE's CIN validator."""
    _export("cin", year=year, partnership=partnership, out=out, validate=validate, user=user)


@export_app.command("ssda903")
def export_ssda903(
    year: _YEAR = "",
    partnership: _PARTNERSHIP = "",
    out: _OUT = None,
    validate: _VALIDATE = True,
    user: _USER = "",
) -> None:
    """The SSDA903 missing table with its header and episodes (CSV, zipped), checked by the 903 validator."""
    _export("ssda903", year=year, partnership=partnership, out=out, validate=validate, user=user)


@export_app.command("annex-a")
def export_annex_a(
    partnership: _PARTNERSHIP = "", out: _OUT = None, validate: _VALIDATE = True, user: _USER = ""
) -> None:
    """Ofsted's Annex A lists (xlsx) for the last six months, checked by liiatools' cleaner."""
    _export("annex_a", year="", partnership=partnership, out=out, validate=validate, user=user)


@export_app.command("ssd")
def export_ssd(partnership: _PARTNERSHIP = "", out: _OUT = None, user: _USER = "") -> None:
    """The Standard Safeguarding Dataset: one CSV per SSD table, zipped."""
    _export("ssd", year="", partnership=partnership, out=out, validate=False, user=user)


@linkage_app.command("dedupe")
def linkage_dedupe(
    engine: Annotated[str, typer.Option(help="Where Splink runs: duckdb (one machine) or spark")] = "duckdb",
    partnership: Annotated[str, typer.Option(help="Partnership code (default: every partnership)")] = "",
    score_demo: Annotated[
        bool, typer.Option("--score-demo", help="Also score against the demo's planted duplicates")
    ] = False,
) -> None:
    """Find likely duplicate children across the register (Splink) and list each new pair for review
    with MACE's evidence. Resumable (an interrupted run carries on) and idempotent (a second run adds
    nothing)."""
    _setup()
    from mace.accounts.models import Partnership
    from mace.core.audit import Actor
    from mace.people import dedupe

    if engine not in dedupe.ENGINES:
        console.print(f"[red]Unknown engine {engine!r}: choose duckdb or spark.[/]")
        raise typer.Exit(code=2)
    partnership_id = None
    if partnership:
        found = Partnership.objects.filter(code=partnership).first()
        if found is None:
            console.print(f"[red]No partnership {partnership!r}.[/]")
            raise typer.Exit(code=2)
        partnership_id = found.pk
    started = time.monotonic()
    with progress_bar() as bar:
        tasks: dict[str, Any] = {}

        def advance(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total)
            bar.update(tasks[stage], completed=done, total=total)

        result = dedupe.dedupe(
            engine=engine,
            partnership_id=partnership_id,
            actor=Actor.system(f"linkage-dedupe:{engine}"),
            checkpoint_dir=var_dir() / "linkage",
            progress=advance,
        )
    if result.resumed:
        console.print("Carried on from the pairs an interrupted run had found.")
    _print_summary(
        {
            "Children compared": result.people,
            "Likely pairs (Splink)": result.splink_pairs,
            "Added to the merge-review list": result.added,
            "Already in the list (skipped)": result.already_listed,
            "Not likely by MACE's scorer or household rule": result.not_likely,
        },
        time.monotonic() - started,
        title=f"De-duplication on {engine} finished",
    )
    if score_demo:
        figures = dedupe.score(set(result.pairs), dedupe.planted_duplicates(partnership_id))
        console.print(
            f"Planted duplicates: {figures['planted']:,}; listed {figures['found']:,}, of which "
            f"{figures['true']:,} planted: precision {figures['precision']:.3f}, "
            f"recall {figures['recall']:.3f}"
        )


@linkage_app.command("train")
def linkage_train(
    out: Annotated[Path, typer.Option(help="Where to write the model file (JSON).")] = Path(
        "linkage-model.json"
    ),
    version: Annotated[str, typer.Option(help="The model's version, recorded on every decision.")] = "",
    demo: Annotated[
        bool, typer.Option(help="Train on synthetic demo data made in memory, not the register.")
    ] = False,
    children: Annotated[int, typer.Option(help="With --demo: children on the synthetic register.")] = 20_000,
    incoming: Annotated[int, typer.Option(help="With --demo: incoming records to match.")] = 15_000,
    seed: Annotated[int, typer.Option(help="Random seed (demo data and u sampling).")] = 1,
    partnership: Annotated[str, typer.Option(help="Only this partnership's register (code).")] = "",
) -> None:
    """Learn the matcher's m by EM and u from value frequencies; write a versioned model file.

    From the register: the agencies' source records are matched against the children (the same
    blocks as intake), and their filing is the label for the calibration check. Use the file with
    MACE_LINKAGE_MODEL=path (or copy it over src/mace/people/linkage_models/default.json)."""
    from datetime import UTC, datetime

    from mace.people import matching, training

    started = time.monotonic()
    stamp = datetime.now(UTC).strftime("%Y%m%d")
    if demo:
        from mace.demo.linkage import labelled_set

        data = labelled_set(seed, children=children, incoming=incoming)
        register, arriving, truth = data.register, data.incoming, data.truth
        source = (
            f"synthetic demo data (mace.demo.linkage, seed {seed}): {children:,} children, "
            f"{incoming:,} incoming records"
        )
        label = f"demo-{stamp}-s{seed}"
    else:
        _setup()
        from mace.accounts.models import Partnership
        from mace.people.training_data import register_records, source_records

        partnership_id = None
        if partnership:
            partnership_id = Partnership.objects.get(code=partnership).pk
        ids, register = register_records(partnership_id)
        owners, arriving = source_records(ids)
        position = {pk: i for i, pk in enumerate(ids)}
        truth = [position.get(pk) for pk in owners]
        source = f"the register ({len(register):,} children, {len(arriving):,} source records)"
        label = f"register-{stamp}"
    if not register or not arriving:
        console.print("[red]Nothing to train on: the register has no children or no source records.[/red]")
        raise typer.Exit(1)
    pairs = training.block_pairs(arriving, register)
    console.print(f"{len(pairs):,} candidate pairs from {len(arriving):,} records against {len(register):,}")
    result = training.train(
        register,
        [(arriving[i], register[j]) for i, j in pairs],
        version=version or label,
        trained_on=source,
        total_pairs=len(arriving) * len(register),
        seed=seed,
        progress=console.print,
    )
    checks = training.calibration(result.model, ((arriving[i], register[j], truth[i] == j) for i, j in pairs))
    table = Table(title="Calibration on the labelled pairs")
    for column in ("Scored", "Pairs", "Mean probability", "Truly the same child"):
        table.add_column(column)
    for check in checks:
        table.add_row(
            f"{check.low:.3g} to {check.high:.4g}",
            f"{check.pairs:,}",
            f"{check.mean_probability:.3f}" if check.pairs else "",
            f"{check.true_share:.3f}" if check.pairs else "",
        )
    console.print(table)
    notes = dict(result.model.notes)
    notes["calibration"] = [
        {"low": c.low, "high": c.high, "pairs": c.pairs, "true_share": round(c.true_share, 4)}
        for c in checks
        if c.pairs
    ]
    model = matching.LinkageModel(**{**result.model.__dict__, "notes": notes})
    out.write_text(
        json.dumps(matching.model_to_dict(model), indent=1, sort_keys=True) + "\n", encoding="utf-8"
    )
    console.print(
        f"Model {model.version} written to {out} in {time.monotonic() - started:.0f} s "
        f"(prior {model.prior_probability:.3g}, {result.match_share:.1%} of candidate pairs match)."
    )


@app.command(context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def manage(ctx: typer.Context) -> None:
    """Run a Django management command: mace manage <command> [args]."""
    _setup()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["mace manage", *ctx.args])


def main() -> None:
    app()


if __name__ == "__main__":
    main()
