from __future__ import annotations

import hashlib
import json
import stat
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.db import DatabaseError, connection, transaction

from mace.core import audit, triggers
from mace.core.models import AccessLogEntry

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 18, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def anchor_file(settings: Any, tmp_path: Path) -> Path:
    settings.MACE_AUDIT_ANCHOR_FILE = tmp_path / "audit-anchors.jsonl"
    return settings.MACE_AUDIT_ANCHOR_FILE


@pytest.fixture
def without_triggers() -> Iterator[None]:
    triggers.remove(connection)
    try:
        yield
    finally:
        triggers.install(connection)


def _append(n: int = 3) -> list[AccessLogEntry]:
    return [
        audit.record(audit.Actor.system("test"), audit.Event("view", "person", str(i), i, detail={"i": i}))
        for i in range(n)
    ]


def test_untouched_log_verifies() -> None:
    _append(5)
    result = audit.verify()
    assert result.ok and result.checked == 5


def test_each_entry_links_to_the_previous_hash() -> None:
    first, second = _append(2)
    assert second.prev_hash == first.entry_hash
    assert first.prev_hash == audit.GENESIS


def test_update_of_a_log_row_is_blocked_by_the_database() -> None:
    entry = _append(1)[0]
    with pytest.raises(DatabaseError), transaction.atomic():
        AccessLogEntry.objects.filter(pk=entry.pk).update(reason="edited")


def test_delete_of_a_log_row_is_blocked_by_the_database() -> None:
    entry = _append(1)[0]
    with pytest.raises(DatabaseError), transaction.atomic():
        AccessLogEntry.objects.filter(pk=entry.pk).delete()


def test_tampered_row_fails_verification_naming_it() -> None:
    entries = _append(4)
    triggers.remove(connection)
    try:
        AccessLogEntry.objects.filter(pk=entries[2].pk).update(reason="nothing to see")
    finally:
        triggers.install(connection)
    result = audit.verify()
    assert not result.ok
    assert result.first_broken_id == entries[2].pk


def test_deleted_row_breaks_the_chain_at_the_next_entry() -> None:
    entries = _append(4)
    triggers.remove(connection)
    try:
        AccessLogEntry.objects.filter(pk=entries[1].pk).delete()
    finally:
        triggers.install(connection)
    result = audit.verify()
    assert result.first_broken_id == entries[2].pk


def test_cli_verify_exits_non_zero_on_tampering(capsys: pytest.CaptureFixture[str]) -> None:
    from typer.testing import CliRunner

    from mace.cli import app

    entries = _append(3)
    triggers.remove(connection)
    try:
        AccessLogEntry.objects.filter(pk=entries[0].pk).update(actor_label="someone else")
    finally:
        triggers.install(connection)
    result = CliRunner().invoke(app, ["audit", "verify"])
    assert result.exit_code == 1
    assert f"entry {entries[0].pk}" in result.output


def test_cli_verify_passes_on_an_intact_log() -> None:
    from typer.testing import CliRunner

    from mace.cli import app

    _append(3)
    result = CliRunner().invoke(app, ["audit", "verify"])
    assert result.exit_code == 0, result.output
    assert "chain intact" in result.output


def test_anonymous_change_is_refused() -> None:
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(audit.AttributionError):
        audit.Actor.of(AnonymousUser())


def test_unnamed_system_actor_is_refused() -> None:
    with pytest.raises(audit.AttributionError):
        audit.Actor.system("")


def test_log_entry_rolls_back_with_the_work_it_records() -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        _append(1)
        raise RuntimeError("the work failed")
    assert AccessLogEntry.objects.count() == 0


def test_opening_a_record_to_act_on_it_is_logged_as_a_read_with_its_purpose() -> None:
    from mace.accounts.models import Role
    from mace.people.selectors import person_for_user

    from ..factories import InvolvementFactory, PersonFactory, UserFactory

    user = UserFactory(roles=[Role.SOCIAL_WORKER])
    person = PersonFactory()
    InvolvementFactory(person=person, team=user.team)
    person_for_user(user, person.pk, purpose="record-visit")
    entry = AccessLogEntry.objects.filter(object_type="person", person_id=person.pk).latest("pk")
    assert (entry.action, entry.detail["purpose"]) == (AccessLogEntry.Action.VIEW, "record-visit")


def _cli(*args: str) -> Any:
    from typer.testing import CliRunner

    from mace.cli import app

    return CliRunner().invoke(app, ["audit", *args])


def _public_sha256(entry: AccessLogEntry) -> str:
    return hashlib.sha256(audit._canonical(entry)).hexdigest()


def test_new_entries_are_hashed_with_the_key_not_the_public_algorithm() -> None:
    entry = _append(1)[0]
    assert entry.hash_version == audit.KEYED
    assert entry.entry_hash != _public_sha256(entry)


@pytest.mark.parametrize("deleted", [1, 35])
def test_deleting_the_newest_entries_is_detected_against_the_checkpoint(
    deleted: int, without_triggers: None
) -> None:
    entries = _append(40)
    audit.anchor()
    AccessLogEntry.objects.filter(pk__in=[e.pk for e in entries[-deleted:]]).delete()
    result = audit.verify()
    assert not result.ok and result.checked == 40 - deleted
    missing = "entry 40 missing" if deleted == 1 else f"entries {41 - deleted} to 40 missing"
    assert result.problem.startswith(f"{missing}: the checkpoint of ")
    assert f"says 40 entries with head hash {entries[-1].entry_hash[:16]}" in result.problem


def test_the_cli_names_the_entries_missing_from_the_end(without_triggers: None) -> None:
    entries = _append(5)
    assert _cli("anchor").exit_code == 0
    AccessLogEntry.objects.filter(pk=entries[-1].pk).delete()
    result = _cli("verify")
    assert result.exit_code == 1
    assert "entry 5 missing: the checkpoint of" in " ".join(result.output.split())


def test_a_rewrite_recomputing_later_hashes_with_public_sha256_is_detected(without_triggers: None) -> None:
    entries = _append(5)
    prev = entries[1].entry_hash
    for entry in AccessLogEntry.objects.filter(pk__gte=entries[2].pk).order_by("pk"):
        entry.reason = "nothing to see" if entry.pk == entries[2].pk else entry.reason
        entry.prev_hash = prev
        entry.entry_hash = prev = _public_sha256(entry)
        entry.save()
    result = audit.verify()
    assert (result.ok, result.first_broken_id) == (False, entries[2].pk)
    assert result.problem == "its content does not match its hash"


def test_a_whole_log_rewritten_as_old_unkeyed_entries_is_detected_by_the_checkpoint(
    without_triggers: None,
) -> None:
    _append(5)
    audit.anchor()
    prev = audit.GENESIS
    for entry in AccessLogEntry.objects.order_by("pk"):
        entry.hash_version, entry.prev_hash = None, prev
        entry.reason = "rewritten"
        entry.entry_hash = prev = _public_sha256(entry)
        entry.save()
    result = audit.verify()
    assert not result.ok and "the log was rewritten" in result.problem


def test_an_intact_log_verifies_against_its_checkpoint() -> None:
    _append(5)
    checkpoint = audit.anchor()
    _append(2)  # written since the checkpoint: still fine
    result = audit.verify()
    assert result.ok and result.checked == 7 and result.checkpoint == checkpoint


def test_the_cli_verify_passes_and_names_the_checkpoint_it_matched() -> None:
    _append(3)
    _cli("anchor")
    result = _cli("verify")
    assert result.exit_code == 0, result.output
    assert "chain intact" in result.output and "Matches the checkpoint" in result.output


def test_anchoring_appends_the_head_to_the_file(anchor_file: Path) -> None:
    entries = _append(3)
    audit.anchor()
    _append(1)
    audit.anchor()
    lines = [json.loads(line) for line in anchor_file.read_text().splitlines()]
    assert [(line["count"], line["head_id"]) for line in lines] == [
        (3, entries[-1].pk),
        (4, entries[-1].pk + 1),
    ]
    assert lines[0]["head_hash"] == entries[-1].entry_hash


def test_the_cli_anchor_prints_the_checkpoint_for_a_second_system(anchor_file: Path) -> None:
    _append(2)
    result = _cli("anchor")
    assert result.exit_code == 0
    assert anchor_file.read_text().strip() in result.output.replace("\n", "")


def test_a_checkpoint_not_signed_with_the_key_is_refused(anchor_file: Path) -> None:
    entries = _append(3)
    forged = audit.Checkpoint(
        "2026-11-18T09:00:00+00:00", 3, entries[-1].pk, entries[-1].entry_hash, 0, "0" * 64
    )
    anchor_file.write_text(forged.line() + "\n")
    result = audit.verify()
    assert not result.ok and result.problem == "the latest checkpoint is not signed with the log's key"


def test_anchoring_refuses_to_certify_a_log_cut_since_the_last_checkpoint(
    anchor_file: Path, without_triggers: None
) -> None:
    entries = _append(3)
    audit.anchor()
    AccessLogEntry.objects.filter(pk=entries[-1].pk).delete()
    with pytest.raises(audit.AnchorRefused):
        audit.anchor()
    assert len(anchor_file.read_text().splitlines()) == 1


def test_the_worker_anchors_the_log_when_it_has_grown_and_the_interval_has_passed(
    anchor_file: Path, settings: Any
) -> None:
    with time_machine.travel(NOW, tick=False):
        _append(2)
        assert audit.anchor_tick() == {"access log anchored": 1}
        _append(1)
        assert audit.anchor_tick() == {"access log anchored": 0}  # too soon
    later = NOW + timedelta(minutes=settings.MACE_AUDIT_ANCHOR_MINUTES)
    with time_machine.travel(later, tick=False):
        assert audit.anchor_tick() == {"access log anchored": 1}
        assert audit.anchor_tick() == {"access log anchored": 0}  # nothing new
    assert [json.loads(line)["count"] for line in anchor_file.read_text().splitlines()] == [2, 3]


def test_entries_from_before_the_key_verify_with_the_old_algorithm_up_to_the_boundary() -> None:
    at = NOW
    prev = audit.GENESIS
    old = []
    for i in range(3):
        entry = AccessLogEntry(
            at=at,
            actor_label="system:old",
            action="view",
            object_id=str(i),
            prev_hash=prev,
            hash_version=None,
        )
        entry.entry_hash = prev = _public_sha256(entry)
        old.append(entry)
    AccessLogEntry.objects.bulk_create(old)
    _append(2)
    checkpoint = audit.anchor()
    assert checkpoint.legacy == 3
    assert audit.verify().ok


def test_an_unkeyed_entry_after_keyed_ones_is_refused(without_triggers: None) -> None:
    entries = _append(3)
    last = AccessLogEntry.objects.get(pk=entries[-1].pk)
    last.hash_version = None
    last.entry_hash = _public_sha256(last)
    last.save()
    result = audit.verify()
    assert (result.ok, result.first_broken_id) == (False, last.pk)


def test_without_a_configured_key_a_key_file_is_made_readable_only_by_its_owner(
    settings: Any, tmp_path: Path
) -> None:
    settings.MACE_AUDIT_KEY = ""
    settings.MACE_AUDIT_KEY_FILE = tmp_path / "audit.key"
    _append(2)
    assert stat.S_IMODE(settings.MACE_AUDIT_KEY_FILE.stat().st_mode) == 0o600
    assert len(settings.MACE_AUDIT_KEY_FILE.read_text().strip()) == 64
    assert audit.verify().ok


def test_a_lost_key_file_stops_the_log_rather_than_starting_a_new_key(settings: Any, tmp_path: Path) -> None:
    settings.MACE_AUDIT_KEY = ""
    settings.MACE_AUDIT_KEY_FILE = tmp_path / "audit.key"
    _append(1)
    settings.MACE_AUDIT_KEY_FILE.unlink()
    audit._key_from_file.cache_clear()
    with pytest.raises(audit.AuditKeyMissing):
        _append(1)
    assert not settings.MACE_AUDIT_KEY_FILE.exists()


def test_an_existing_key_file_is_used_and_left_as_it_is(settings: Any, tmp_path: Path) -> None:
    import hmac

    settings.MACE_AUDIT_KEY = ""
    settings.MACE_AUDIT_KEY_FILE = tmp_path / "audit.key"
    settings.MACE_AUDIT_KEY_FILE.write_text("a-key-made-by-the-operator\n")
    entry = _append(1)[0]
    expected = hmac.new(b"a-key-made-by-the-operator", audit._canonical(entry), hashlib.sha256).hexdigest()
    assert entry.entry_hash == expected
    assert settings.MACE_AUDIT_KEY_FILE.read_text() == "a-key-made-by-the-operator\n"
    assert [p.name for p in tmp_path.iterdir()] == ["audit.key"]  # no temporary file left behind
