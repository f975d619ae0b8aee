"""Completing a screening, the manager's agreement, and tool versions."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from mace.core.models import AccessLogEntry
from mace.frontdoor.models import Contact
from mace.people.models import ChronologyEvent
from mace.screening import selectors, services
from mace.screening.models import Screening, ToolVersion
from tests.versions import saved_version

from .conftest import screening_in

pytestmark = pytest.mark.django_db

HIGH_HARM_UNDER_LOW = {
    "cce_county_lines": "Found with 20 wraps of crack cocaine and a phone receiving calls all night.",
}


def _complete(area: Any, **overrides: Any) -> Screening:
    data = screening_in(person=area.child, **overrides)
    screening, _ = services.screening_complete(data=data, partnership=area.partnership, by=area.education)
    return screening


def test_a_completed_screening_reaches_the_front_door_with_its_24_hour_clock(ed_area: Any) -> None:
    screening = _complete(ed_area)
    contact = Contact.objects.get(pk=screening.contact_id)
    assert contact.kind == Contact.Kind.SCREENING
    assert contact.person_id == ed_area.child.pk
    assert contact.match_status == Contact.Match.MATCHED
    assert contact.review_due_at - contact.received_at <= timedelta(hours=24)
    assert "Missing three nights" in contact.summary
    assert contact.child_voice == "They're my mates, they look after me."
    assert set(contact.concerns) == {"missing", "gang_association"}


def test_a_screening_at_or_above_its_indicators_is_complete_at_once(ed_area: Any) -> None:
    screening = _complete(ed_area)
    assert (screening.score, screening.level, screening.judgement) == (6, 1, 1)
    assert screening.status == Screening.Status.COMPLETE
    assert not screening.needs_agreement


def test_a_judgement_lower_than_the_indicators_waits_for_a_manager(ed_area: Any) -> None:
    screening = _complete(ed_area, judgement=0)
    assert screening.needs_agreement
    assert screening.status == Screening.Status.AWAITING_AGREEMENT


def test_high_harm_indicators_under_a_low_judgement_wait_for_a_manager(ed_area: Any) -> None:
    screening = _complete(ed_area, answers=HIGH_HARM_UNDER_LOW, judgement=1)
    assert screening.level == 1  # the score alone says low
    assert screening.high_harm
    assert screening.status == Screening.Status.AWAITING_AGREEMENT


def test_the_front_door_sees_the_higher_of_indicators_and_judgement_until_agreed(ed_area: Any) -> None:
    screening = _complete(ed_area, judgement=0)
    assert Contact.objects.get(pk=screening.contact_id).risk == 1


def test_no_screening_with_high_harm_can_be_closed_as_low_without_agreement(ed_area: Any) -> None:
    screening = _complete(ed_area, answers=HIGH_HARM_UNDER_LOW, judgement=1)
    screening.status = Screening.Status.COMPLETE
    with pytest.raises(IntegrityError), transaction.atomic():
        screening.save(update_fields=["status"])


def test_the_practitioner_cannot_agree_their_own_judgement(ed_area: Any, make_user: Any) -> None:
    from mace.accounts.models import Role

    manager = make_user(Role.TEAM_MANAGER)
    data = screening_in(person=ed_area.child, answers=HIGH_HARM_UNDER_LOW, judgement=1)
    screening, _ = services.screening_complete(data=data, partnership=ed_area.partnership, by=manager)
    with pytest.raises(ValidationError) as raised:
        services.screening_agree(
            screening=screening, agree=True, note="Fine", by=manager, version=saved_version(screening)
        )
    assert "different manager" in str(raised.value)
    screening.refresh_from_db()
    assert screening.status == Screening.Status.AWAITING_AGREEMENT


def test_only_a_manager_can_agree_a_judgement(ed_area: Any) -> None:
    screening = _complete(ed_area, answers=HIGH_HARM_UNDER_LOW, judgement=1)
    with pytest.raises(PermissionError):
        services.screening_agree(
            screening=screening, agree=True, note="Fine", by=ed_area.nurse, version=saved_version(screening)
        )


def test_a_manager_agreeing_completes_the_screening(ed_area: Any) -> None:
    screening = _complete(ed_area, answers=HIGH_HARM_UNDER_LOW, judgement=1)
    agreed = services.screening_agree(
        screening=screening,
        agree=True,
        note="Seen the police log: the drugs were a friend's; plan in place.",
        by=ed_area.manager,
        version=screening.version,
    )
    assert agreed.status == Screening.Status.COMPLETE
    assert agreed.agreed_by == ed_area.manager
    assert ChronologyEvent.objects.filter(person=ed_area.child, title__contains="Manager agreed").exists()


def test_a_manager_changing_the_judgement_keeps_the_practitioners(ed_area: Any) -> None:
    screening = _complete(ed_area, answers=HIGH_HARM_UNDER_LOW, judgement=1)
    changed = services.screening_agree(
        screening=screening,
        agree=False,
        judgement=3,
        note="Supplying class A: high.",
        by=ed_area.manager,
        version=saved_version(screening),
    )
    assert (changed.original_judgement, changed.judgement) == (1, 3)
    assert changed.agreement == Screening.Agreement.CHANGED


def test_a_stale_agreement_is_a_conflict(ed_area: Any) -> None:
    screening = _complete(ed_area, judgement=0)
    with pytest.raises(services.Conflict):
        services.screening_agree(
            screening=screening, agree=True, note="Ok", by=ed_area.manager, version=screening.version - 1
        )


def test_a_retired_tool_version_is_refused(ed_area: Any) -> None:
    old = selectors.active_tool_version()
    assert old is not None
    services.tool_publish(definition=old.definition, change_note="Reworded guidance", by=ed_area.admin)
    old.refresh_from_db()
    with pytest.raises(ValidationError) as raised:
        _complete(ed_area, tool_version=old)
    assert "retired" in raised.value.message_dict["tool_version"][0]


def test_every_ticked_indicator_needs_its_evidence(ed_area: Any) -> None:
    with pytest.raises(ValidationError) as raised:
        _complete(ed_area, answers={"cce_missing": "  ", "cce_gang": "Says so"})
    assert list(raised.value.message_dict) == ["evidence.cce_missing"]


def test_a_judgement_without_a_reason_is_refused(ed_area: Any) -> None:
    with pytest.raises(ValidationError) as raised:
        _complete(ed_area, judgement_reason="")
    assert "judgement_reason" in raised.value.message_dict


def test_the_score_never_decides_alone_a_judgement_is_required(ed_area: Any) -> None:
    with pytest.raises(ValidationError) as raised:
        _complete(ed_area, judgement=None)
    assert "judgement" in raised.value.message_dict


def test_a_screening_and_its_contact_are_in_the_access_log(ed_area: Any) -> None:
    screening = _complete(ed_area)
    assert AccessLogEntry.objects.filter(object_type="screening", object_id=str(screening.pk)).exists()
    assert AccessLogEntry.objects.filter(object_type="contact", object_id=str(screening.contact_id)).exists()


def test_an_unidentified_childs_screening_still_reaches_the_front_door(ed_area: Any) -> None:
    data = screening_in(subject={"given_names": "Unknown", "family_name": "Boy"})
    screening, _ = services.screening_complete(data=data, partnership=ed_area.partnership, by=ed_area.nurse)
    assert Contact.objects.filter(pk=screening.contact_id, kind="screening").exists()


def test_publishing_a_version_keeps_completed_screenings_on_theirs(ed_area: Any) -> None:
    screening = _complete(ed_area)
    old = screening.tool_version
    new = services.tool_publish(
        definition={**old.definition, "title": "Eastshire tool (revised)"},
        change_note="New title",
        by=ed_area.admin,
    )
    screening.refresh_from_db()
    old.refresh_from_db()
    assert (old.status, new.status, new.version) == ("retired", "active", old.version + 1)
    assert screening.tool_version_id == old.pk
    assert selectors.active_tool_version() == new


def test_a_broken_definition_is_refused_naming_each_problem(ed_area: Any) -> None:
    with pytest.raises(ValidationError) as raised:
        services.tool_publish(
            definition='{"code": "exploitation", "title": "x", "sections": [], "thresholds": {}}',
            change_note="",
            by=ed_area.admin,
        )
    problems = raised.value.message_dict
    assert "change_note" in problems
    assert any("sections" in p for p in problems["definition"])
    assert any("thresholds" in p for p in problems["definition"])
    assert ToolVersion.objects.filter(status="active").count() == 1


def test_only_an_administrator_publishes_a_tool(ed_area: Any) -> None:
    with pytest.raises(PermissionError):
        services.tool_publish(definition="{}", change_note="x", by=ed_area.manager)


def test_the_managers_hear_at_once_that_a_judgement_needs_agreement(ed_area: Any) -> None:
    from mace.core.models import Notification

    screening = _complete(ed_area, judgement=0)
    # The school has no manager of its own in this area: the front door manager is told.
    note = Notification.objects.get(user=ed_area.manager)
    assert note.link == f"/screening/{screening.pk}/"
    assert "needs your agreement" in note.title


def test_a_new_version_must_revise_the_tool_in_use_not_start_another(ed_area: Any) -> None:
    current = selectors.active_tool_version()
    assert current is not None
    with pytest.raises(ValidationError) as raised:
        services.tool_publish(
            definition={**current.definition, "code": "something_else"}, change_note="x", by=ed_area.admin
        )
    assert "tool being revised" in raised.value.message_dict["definition"][0]
