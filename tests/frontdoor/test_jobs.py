from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from mace.core.models import Notification
from mace.frontdoor import jobs, services

pytestmark = pytest.mark.django_db


def _contact(area, received):
    data = services.ContactIn(
        kind="vpa", received_at=received, summary="Concern", subject={"family_name": "Moss"}
    )
    return services.contact_receive(data=data, partnership=area.partnership, route="web", by=area.officer)[0]


def test_contact_is_escalated_to_managers_before_it_breaches(area) -> None:
    contact = _contact(area, timezone.now() - timedelta(hours=20))
    assert jobs.escalate_before_breach() == 1
    assert Notification.objects.filter(
        user=area.manager, title__startswith=f"Contact {contact.pk} review due in"
    )
    assert jobs.escalate_before_breach() == 0  # only once


def test_a_fresh_contact_is_not_escalated(area) -> None:
    _contact(area, timezone.now() - timedelta(hours=1))
    assert jobs.escalate_before_breach() == 0
