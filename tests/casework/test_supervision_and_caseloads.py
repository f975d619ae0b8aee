"""Case supervision (5.3) and caseloads (5.4c): records, compliance computed exactly, overdue
children for managers, monthly snapshots and who may see what."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from mace.accounts.models import Role
from mace.casework import figures, selectors, services
from mace.casework.models import CaseloadSnapshot, Supervision
from mace.core import clocks
from mace.people.models import Involvement, Person

from ..conftest import sign_in
from ..factories import InvolvementFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db


def _data(**overrides: Any) -> services.SupervisionIn:
    data: dict[str, Any] = {
        "held_on": timezone.localdate(),
        "attendees": "Worker and manager",
        "reflection": "Discussed the plan",
        "safer": "partly",
        "analysis": "Missing episodes down; still with older associates.",
        "actions": [
            services.ActionIn("Update the safety plan", "Worker", timezone.localdate() + timedelta(days=7))
        ],
    }
    data.update(overrides)
    return services.SupervisionIn(**data)


def test_a_manager_records_supervision_with_actions_and_the_next_due_date(area: Any) -> None:
    s = services.supervision_record(person=area.child, data=_data(), by=area.manager)
    assert s.worker == area.worker
    assert s.actions.get().owner == "Worker"
    assert s.next_due_on == clocks.add_working_days(s.held_on, 20)


def test_supervision_without_the_analysis_of_whether_the_child_is_safer_is_refused(area: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        services.supervision_record(person=area.child, data=_data(analysis="", safer=""), by=area.manager)
    assert set(exc.value.message_dict) == {"analysis", "safer"}


def test_an_action_without_an_owner_is_refused(area: Any) -> None:
    actions = [services.ActionIn("Visit with police", "", timezone.localdate())]
    with pytest.raises(ValidationError) as exc:
        services.supervision_record(person=area.child, data=_data(actions=actions), by=area.manager)
    assert exc.value.message_dict == {"action_1": ["Action 1: every action needs an owner"]}


def test_a_social_worker_does_not_record_supervision(area: Any) -> None:
    with pytest.raises(PermissionError):
        services.supervision_record(person=area.child, data=_data(), by=area.worker)


def _allocate(area: Any, started: datetime, worker: Any = None) -> Any:
    child = PersonFactory(partnership=area.partnership)
    InvolvementFactory(
        person=child,
        team=area.social_work,
        worker=worker or area.worker,
        kind=Involvement.Kind.ALLOCATED,
        started_at=started,
    )
    return child


@time_machine.travel("2026-11-20T12:00:00+00:00", tick=False)
def test_compliance_by_team_and_worker_is_counted_exactly(area: Any) -> None:
    other = UserFactory(
        team=area.social_work, agency=area.council, roles=[Role.SOCIAL_WORKER], first_name="Ola"
    )
    recent = _allocate(area, timezone.now() - timedelta(days=5))  # allocated this week: in date
    supervised = _allocate(area, timezone.now() - timedelta(days=300), other)
    Supervision.objects.create(
        person=supervised,
        worker=other,
        manager_label="M",
        held_on=date(2026, 11, 2),
        attendees="x",
        reflection="x",
        safer="yes",
        analysis="x",
        next_due_on=date(2026, 11, 30),
        recorded_at=timezone.now(),
    )
    # area.child: allocated 200 days ago, never supervised: overdue. So is this one:
    stale = _allocate(area, timezone.now() - timedelta(days=100), other)
    overview = selectors.supervision_overview(area.manager)
    assert overview is not None
    assert overview.overall.text == "2 of 4 (50%)"
    assert [(r.label, r.text) for r in overview.by_team] == [("Exploitation Team", "2 of 4 (50%)")]
    workers = {r.label: r.text for r in overview.by_worker}
    assert workers == {str(area.worker): "1 of 2 (50%)", str(other): "1 of 2 (50%)"}
    assert {o.person for o in overview.overdue} == {area.child, stale}
    assert recent not in {o.person for o in overview.overdue}


def test_the_supervision_page_is_for_managers_and_aggregate_roles_without_names_for_aggregates(
    area: Any,
) -> None:
    assert sign_in(Client(), area.worker).get("/casework/supervision/").status_code == 404
    manager_page = sign_in(Client(), area.manager).get("/casework/supervision/").content.decode()
    assert "Kai Rivers" in manager_page
    analyst = sign_in(Client(), area.analyst).get("/casework/supervision/")
    assert analyst.status_code == 200
    assert "Kai Rivers" not in analyst.content.decode()
    assert "Exploitation Team" in analyst.content.decode()


def test_the_manager_records_supervision_through_the_page(area: Any) -> None:
    client = sign_in(Client(), area.manager)
    today = timezone.localdate()
    response = client.post(
        f"/casework/children/{area.child.pk}/supervision/new/",
        {
            "held_day": today.day,
            "held_month": today.month,
            "held_year": today.year,
            "attendees": "Worker, manager",
            "reflection": "Reviewed",
            "safer": "yes",
            "analysis": "Safer: no episodes.",
            "action_1_text": "Review tuition",
            "action_1_owner": "Education officer",
            "action_1_due_day": today.day,
            "action_1_due_month": today.month,
            "action_1_due_year": today.year,
        },
    )
    assert response.status_code == 302
    assert Supervision.objects.get().actions.get().text == "Review tuition"


def test_snapshots_count_allocations_on_the_first_of_the_month_once(area: Any) -> None:
    month = timezone.localdate().replace(day=1)
    assert services.snapshot_caseloads(month) == 1
    assert services.snapshot_caseloads(month) == 0  # idempotent
    snap = CaseloadSnapshot.objects.get()
    assert (snap.team, snap.worker, snap.children) == (area.social_work, area.worker, 1)


def test_a_snapshot_of_a_month_before_the_allocation_is_empty(area: Any) -> None:
    long_ago = (timezone.localdate() - timedelta(days=400)).replace(day=1)
    assert services.snapshot_caseloads(long_ago) == 0
    assert not CaseloadSnapshot.objects.exists()


def test_the_tick_takes_this_months_snapshot(area: Any) -> None:
    done = services.tick()
    assert done["caseload_snapshots"] == 1
    assert services.tick()["caseload_snapshots"] == 0


def test_the_caseloads_page_shows_counts_to_an_analyst_without_names(area: Any) -> None:
    services.snapshot_caseloads(timezone.localdate())
    html = sign_in(Client(), area.analyst).get("/casework/caseloads/").content.decode()
    assert "Exploitation Team" in html
    assert "Kai Rivers" not in html
    assert str(area.worker) not in html


def test_the_caseloads_page_shows_a_manager_their_workers(area: Any) -> None:
    html = sign_in(Client(), area.manager).get("/casework/caseloads/").content.decode()
    assert str(area.worker) in html


def test_generated_supervision_compliance_and_timetables_reproduce_from_the_records() -> None:
    """The demo's records recounted independently: compliance per team from each child's allocation
    and last supervision, and each timetable week from its attendance marks."""
    from mace.accounts.models import User
    from mace.casework.models import SessionAttendance, TimetableSession
    from mace.demo.generate import generate

    generate(children=300, seed=21)
    manager = User.objects.get(username="teammanager")
    today = timezone.localdate()
    overview = selectors.supervision_overview(manager, today=today)
    assert overview is not None and overview.overall.total > 0
    expected: dict[str, list[int]] = {}
    for inv in Involvement.objects.filter(
        kind="allocated",
        ended_at=None,
        worker__isnull=False,
        team__partnership__code="eastshire",
        person__archived_at=None,
    ).select_related("team"):
        last = Supervision.objects.filter(person_id=inv.person_id).order_by("-held_on").first()
        base = last.held_on if last else inv.started_at.astimezone(clocks.LONDON).date()
        due = clocks.add_working_days(base, 20)
        counts = expected.setdefault(inv.team.name, [0, 0])
        counts[0] += today <= due
        counts[1] += 1
    assert {r.label: (r.met, r.total) for r in overview.by_team} == {k: tuple(v) for k, v in expected.items()}
    assert 0 < overview.overall.met < overview.overall.total  # some children overdue

    child_ids = set(TimetableSession.objects.values_list("person_id", flat=True))
    assert child_ids
    below = 0
    for pid in child_ids:
        _, weeks, _ = selectors.timetable_figures(
            Person.objects.get(pk=pid),
            [figures.monday(today) - timedelta(weeks=i) for i in range(13)],
        )
        for w in weeks:
            marks = SessionAttendance.objects.filter(
                session__person_id=pid, week_starting=w.week
            ).select_related("session")
            attended = [m for m in marks if m.attended]
            tuition = sum(m.session.minutes for m in attended if m.session.kind == "tuition")
            assert (w.attended, w.missed, w.tuition_minutes) == (
                len(attended),
                len(marks) - len(attended),
                tuition,
            )
            below += w.below_target(10, 5)
    assert below > 0  # the demo has weeks below target to show


# Partner exports (issue #14, item 6) ---------------------------------------------------------------------


def _csv_rows(response: Any) -> list[list[str]]:
    import csv
    import io

    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_caseloads_download_the_pages_figures_with_fewer_than_5_for_an_analyst(area: Any) -> None:
    import io

    from openpyxl import load_workbook

    from mace.casework import presenters
    from mace.core.models import AccessLogEntry

    with time_machine.travel("2026-11-20T12:00:00+00:00", tick=False):
        services.snapshot_caseloads(date(2026, 11, 1))  # the month of the pinned instant
        html = sign_in(Client(), area.analyst).get("/casework/caseloads/").content.decode()
        assert 'href="/casework/caseloads/?format=xlsx"' in html
        c = selectors.caseloads(area.analyst)
        assert c is not None
        rows = _csv_rows(sign_in(Client(), area.analyst).get("/casework/caseloads/?format=csv"))
        sheet = load_workbook(
            io.BytesIO(sign_in(Client(), area.analyst).get("/casework/caseloads/?format=xlsx").content)
        ).active
    wanted = presenters.caseloads_rows(c, suppress=True)
    assert rows[0] == ["Table", "Team or worker", "Now", *(m.strftime("%b %Y") for m in c.months)]
    assert rows[0][-1] == "Nov 2026" and len(rows[0]) == 3 + 12
    assert rows[1:] == [[str(v) for v in w] for w in wanted]
    team = next(r for r in rows if r[1] == "Exploitation Team")
    assert team[2] == "fewer than 5" and team[-1] == "fewer than 5" and team[-2] == "0"  # one child: withheld
    assert not any(r[0].startswith("By worker") for r in rows) and "Kai" not in str(rows)
    assert sheet is not None
    values = [[c.value for c in r] for r in sheet.iter_rows()]
    assert [[v if v is not None else "" for v in r] for r in values[1:]] == wanted
    entry = AccessLogEntry.objects.filter(action=AccessLogEntry.Action.EXPORT).latest("pk")
    assert (entry.object_type, entry.detail["rows"], entry.detail["format"]) == (
        "caseloads",
        len(wanted),
        "xlsx",
    )


def test_a_managers_caseloads_download_has_their_workers_and_exact_counts(area: Any) -> None:
    with time_machine.travel("2026-11-20T12:00:00+00:00", tick=False):
        services.snapshot_caseloads(date(2026, 11, 1))  # the month of the pinned instant
        rows = _csv_rows(sign_in(Client(), area.manager).get("/casework/caseloads/?format=csv"))
    worker = next(r for r in rows if r[1] == str(area.worker))
    assert worker[0] == "By worker in Exploitation Team" and worker[2] == "1" and worker[-1] == "1"
    assert next(r for r in rows if r[1] == "Exploitation Team")[2] == "1"


def test_a_social_worker_gets_no_caseloads_download(area: Any) -> None:
    from mace.core.models import AccessLogEntry

    assert sign_in(Client(), area.worker).get("/casework/caseloads/").status_code == 404
    assert sign_in(Client(), area.worker).get("/casework/caseloads/?format=csv").status_code == 404
    assert not AccessLogEntry.objects.filter(action=AccessLogEntry.Action.EXPORT).exists()
    assert sign_in(Client(), area.manager).get("/casework/caseloads/?format=txt").status_code == 404
