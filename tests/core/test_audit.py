from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from mace.core import audit, triggers
from mace.core.models import AccessLogEntry

pytestmark = pytest.mark.django_db


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
