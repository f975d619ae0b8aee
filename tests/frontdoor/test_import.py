from __future__ import annotations

import csv
import json
import threading
from pathlib import Path
from typing import Any

import pytest
from django.db import OperationalError, connection
from typer.testing import CliRunner

from mace.cli import app
from mace.core.audit import Actor
from mace.core.models import Notification
from mace.frontdoor import imports, services
from mace.frontdoor.imports import import_contacts
from mace.frontdoor.models import Contact

pytestmark = pytest.mark.django_db
HEADER = [
    "source_system",
    "external_ref",
    "kind",
    "received_at",
    "source_agency",
    "given_names",
    "family_name",
    "date_of_birth",
    "nhs_number",
    "postcode",
    "summary",
    "concerns",
]


def _csv(tmp_path: Path, rows: list[list[str]]) -> Path:
    path = tmp_path / "vpas.csv"
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(rows)
    return path


def _row(ref: str, **overrides: str) -> list[str]:
    values = {
        "source_system": "niche",
        "external_ref": ref,
        "kind": "vpa",
        "received_at": "2026-11-02T08:30:00+00:00",
        "source_agency": "shire-police",
        "given_names": "Lily",
        "family_name": f"Carter{ref}",
        "date_of_birth": "2012-05-04",
        "nhs_number": "",
        "postcode": "CW1 2AB",
        "summary": "Missing overnight, returned with new phone",
        "concerns": "missing;unexplained_money",
    }
    values.update(overrides)
    return [values[h] for h in HEADER]


def test_import_creates_contacts_and_reports_each_reject(area, tmp_path) -> None:
    path = _csv(
        tmp_path,
        [
            _row("1"),
            _row("2", received_at="2026-11-02T08:30:00"),
            _row("3", kind="rumour"),
            _row("4", nhs_number="9434765918"),
        ],
    )
    result = import_contacts(path, partnership=area.partnership, actor=Actor.system("test"))
    assert result.created == 1
    assert [line for line, _, _ in result.rejected] == [3, 4, 5]
    assert "UTC offset" in result.rejected[0][2] and "kind" in result.rejected[1][2]


def test_reimporting_the_same_file_adds_nothing(area, tmp_path) -> None:
    path = _csv(tmp_path, [_row(str(i)) for i in range(5)])
    import_contacts(path, partnership=area.partnership, actor=Actor.system("test"))
    again = import_contacts(path, partnership=area.partnership, actor=Actor.system("test"))
    assert again.created == 0 and again.already_present == 5
    assert Contact.objects.count() == 5


def test_jsonl_import_reports_unparseable_lines(area, tmp_path) -> None:
    path = tmp_path / "contacts.jsonl"
    good = {
        "source_system": "niche",
        "external_ref": "J1",
        "kind": "vpa",
        "received_at": "2026-11-02T08:30:00Z",
        "subject": {"family_name": "Moss"},
        "summary": "Concern",
    }
    path.write_text(json.dumps(good) + "\n{not json\n")
    result = import_contacts(path, partnership=area.partnership, actor=Actor.system("test"))
    assert result.created == 1 and result.rejected[0][0] == 2


def test_cli_import_shows_a_summary_and_writes_the_rejects_file(area, tmp_path) -> None:
    path = _csv(tmp_path, [_row("1"), _row("2", summary="")])
    result = CliRunner().invoke(app, ["import", "contacts", str(path)])
    assert result.exit_code == 0, result.output
    assert "Import finished" in result.output
    rejects = (tmp_path / "vpas.rejects.csv").read_text()
    assert "summary" in rejects


@pytest.fixture
def small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(imports, "BATCH", 2)
    monkeypatch.setattr(imports, "LOCK_BUDGET", 60)  # batches of exactly two, however slow the machine
    monkeypatch.setattr(imports, "YIELD", 0)


def _refuse(monkeypatch: pytest.MonkeyPatch, ref: str, times: int = 10**6) -> None:
    """The database refuses the row with this reference, as SQLite does when another writer holds it."""
    real = services.contact_receive
    left = {"times": times}

    def receive(*, data: services.ContactIn, **kwargs: Any) -> Any:
        if data.external_ref == ref and left["times"] > 0:
            left["times"] -= 1
            raise OperationalError("database is locked")
        return real(data=data, **kwargs)

    monkeypatch.setattr(services, "contact_receive", receive)


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("small_batches")
def test_each_batch_is_committed_and_the_lock_left_free_before_the_next(area, tmp_path) -> None:
    path = _csv(tmp_path, [_row(str(i)) for i in range(5)])
    seen: list[tuple[bool, int, bool]] = []

    def between_batches(n: int) -> None:
        wrote = []

        def another_writer() -> None:  # its own connection, as a web request or the worker has
            Notification.objects.create(user=area.manager, title="Written between batches")
            wrote.append(True)
            connection.close()

        thread = threading.Thread(target=another_writer)
        thread.start()
        thread.join(timeout=30)
        seen.append((connection.in_atomic_block, Contact.objects.count(), bool(wrote)))

    import_contacts(path, partnership=area.partnership, actor=Actor.system("test"), progress=between_batches)

    assert seen == [(False, 2, True), (False, 4, True), (False, 5, True)]
    assert Notification.objects.filter(title="Written between batches").count() == 3


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("small_batches")
def test_a_batch_the_database_keeps_refusing_stops_the_import_keeping_what_was_committed(
    area, tmp_path, monkeypatch
) -> None:
    path = _csv(tmp_path, [_row(str(i)) for i in range(1, 7)])
    _refuse(monkeypatch, "5")

    result = import_contacts(path, partnership=area.partnership, actor=Actor.system("test"))

    assert sorted(Contact.objects.values_list("external_ref", flat=True)) == ["1", "2", "3", "4"]
    assert result.created == 4 and result.rows == 4
    assert result.stopped_at == 6  # line of ref 5, the first row of the refused batch
    assert "database is locked" in result.stopped_because


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("small_batches")
def test_running_the_file_again_after_a_stop_carries_on_where_it_stopped(area, tmp_path, monkeypatch) -> None:
    real_receive = services.contact_receive
    path = _csv(tmp_path, [_row(str(i)) for i in range(1, 7)])
    _refuse(monkeypatch, "5")
    import_contacts(path, partnership=area.partnership, actor=Actor.system("test"))
    monkeypatch.setattr(services, "contact_receive", real_receive)

    again = import_contacts(path, partnership=area.partnership, actor=Actor.system("test"))

    assert again.created == 2 and again.already_present == 4 and again.stopped_at is None
    assert Contact.objects.count() == 6


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("small_batches")
def test_a_batch_refused_once_is_tried_again_and_saved(area, tmp_path, monkeypatch) -> None:
    path = _csv(tmp_path, [_row(str(i)) for i in range(1, 5)])
    _refuse(monkeypatch, "3", times=1)

    result = import_contacts(path, partnership=area.partnership, actor=Actor.system("test"))

    assert result.created == 4 and result.stopped_at is None
    assert Contact.objects.count() == 4


def test_a_batch_commits_once_it_has_held_the_lock_for_its_time_budget(area, tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(imports, "LOCK_BUDGET", 0)
    monkeypatch.setattr(imports, "YIELD", 0)
    path = _csv(tmp_path, [_row(str(i)) for i in range(3)])
    batches: list[int] = []

    import_contacts(path, partnership=area.partnership, actor=Actor.system("test"), progress=batches.append)

    assert batches == [1, 1, 1]


def test_a_row_of_the_wrong_shape_is_rejected_and_the_rest_imported(area, tmp_path) -> None:
    path = tmp_path / "contacts.jsonl"
    row = {
        "source_system": "niche",
        "kind": "vpa",
        "received_at": "2026-11-02T08:30:00Z",
        "subject": {"family_name": "Moss"},
        "summary": "Concern",
    }
    path.write_text(
        json.dumps({**row, "external_ref": "J1", "concerns": 5})
        + "\n"
        + json.dumps({**row, "external_ref": "J2"})
    )

    result = import_contacts(path, partnership=area.partnership, actor=Actor.system("test"))

    assert list(Contact.objects.values_list("external_ref", flat=True)) == ["J2"]
    assert result.rejected[0][:2] == (1, "J1") and "Could not be read" in result.rejected[0][2]


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("small_batches")
def test_cli_import_that_stops_says_where_and_how_to_carry_on(area, tmp_path, monkeypatch) -> None:
    path = _csv(tmp_path, [_row(str(i)) for i in range(1, 4)])
    _refuse(monkeypatch, "3")

    result = CliRunner().invoke(app, ["import", "contacts", str(path)])

    assert result.exit_code == 1
    assert "Import stopped at line 4" in result.output and "run the same command again" in result.output
    assert Contact.objects.count() == 2
