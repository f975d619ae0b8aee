from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mace.cli import app
from mace.core.audit import Actor
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
