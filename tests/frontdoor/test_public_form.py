"""The public 'report a concern' form: a person is never thanked for a report that was thrown away,
and its rate limit is counted in the database, the same for every web process."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.core import signing
from django.db import connection
from django.test import Client

from mace.frontdoor import services
from mace.frontdoor.models import Contact, PublicReportHit

from ..factories import PartnershipFactory

NOW = datetime(2026, 11, 18, 10, 0, tzinfo=UTC)
SUMMARY = "A girl from my street gets into cars with older men after school."
ADDRESS = "203.0.113.7"


def _token(at: datetime) -> str:
    return signing.dumps(at.timestamp())


def _post(client: Client, shown: str, **extra: str) -> Any:
    data = {"summary": SUMMARY, "given_names": "Lily", "shown": shown, "website": "", **extra}
    return client.post("/report-a-concern/", data, REMOTE_ADDR=ADDRESS)


def _fresh_token(response: Any) -> str:
    match = re.search(r'name="shown" value="([^"]+)"', response.content.decode())
    assert match, "the form carries a signed time"
    return match.group(1)


@pytest.fixture
def partnership(db: Any) -> Any:
    return PartnershipFactory()


def test_a_report_sent_within_seconds_is_asked_again_with_its_text_and_stored_when_resent(
    partnership: Any, client: Client
) -> None:
    with time_machine.travel(NOW, tick=False):
        response = _post(client, _token(NOW - timedelta(seconds=1)))
        assert Contact.objects.count() == 0
        page = response.content.decode()
        assert "Your report has not been sent yet" in page and "Thank you" not in page
        assert SUMMARY in page and 'value="Lily"' in page
        fresh = _fresh_token(response)
    with time_machine.travel(NOW + timedelta(seconds=20), tick=False):
        response = _post(client, fresh)
    assert "Thank you for telling us" in response.content.decode()
    contact = Contact.objects.get()
    assert contact.summary == SUMMARY and contact.route == Contact.Route.PUBLIC


def test_a_form_left_open_more_than_a_day_is_asked_again_not_thrown_away(
    partnership: Any, client: Client
) -> None:
    with time_machine.travel(NOW, tick=False):
        response = _post(client, _token(NOW - timedelta(hours=25)))
        assert Contact.objects.count() == 0
        page = response.content.decode()
        assert "open for more than a day" in page and SUMMARY in page
        fresh = _fresh_token(response)
    with time_machine.travel(NOW + timedelta(minutes=1), tick=False):
        _post(client, fresh)
    assert Contact.objects.get().summary == SUMMARY


def test_a_filled_hidden_field_is_asked_again_with_the_hidden_field_emptied(
    partnership: Any, client: Client
) -> None:
    with time_machine.travel(NOW, tick=False):
        response = _post(client, _token(NOW - timedelta(minutes=5)), website="http://spam.example")
    page = response.content.decode()
    assert Contact.objects.count() == 0
    assert "Your report has not been sent yet" in page and SUMMARY in page
    assert "spam.example" not in page


def test_a_tampered_time_is_asked_again(partnership: Any, client: Client) -> None:
    with time_machine.travel(NOW, tick=False):
        response = _post(client, "not-a-signed-time")
    assert Contact.objects.count() == 0
    assert "Your report has not been sent yet" in response.content.decode()


def test_reports_stored_through_another_process_count_towards_the_limit(
    partnership: Any, client: Client
) -> None:
    """The limit is read from the database, not from this process's memory."""
    source = services.public_source(ADDRESS)
    with time_machine.travel(NOW, tick=False):
        PublicReportHit.objects.bulk_create(
            PublicReportHit(source=source, at=NOW - timedelta(minutes=m)) for m in range(1, 6)
        )
        response = _post(client, _token(NOW - timedelta(minutes=5)))
    assert response.status_code == 429
    assert Contact.objects.count() == 0


def test_the_limit_counts_only_the_last_hour(partnership: Any, client: Client) -> None:
    source = services.public_source(ADDRESS)
    with time_machine.travel(NOW, tick=False):
        PublicReportHit.objects.bulk_create(
            PublicReportHit(source=source, at=NOW - timedelta(minutes=61 + m)) for m in range(5)
        )
        _post(client, _token(NOW - timedelta(minutes=5)))
    assert Contact.objects.count() == 1
    assert PublicReportHit.objects.filter(source=source).count() == 1  # the old ones are pruned


def test_the_address_itself_is_not_stored(partnership: Any, client: Client) -> None:
    with time_machine.travel(NOW, tick=False):
        _post(client, _token(NOW - timedelta(minutes=5)))
    hit = PublicReportHit.objects.get()
    assert ADDRESS not in hit.source and len(hit.source) == 64


@pytest.mark.skipif(
    "postgres" not in os.environ.get("DATABASE_URL", ""),
    reason="two processes need a database both can open: PostgreSQL",
)
@pytest.mark.django_db(transaction=True)
def test_two_web_processes_share_one_limit() -> None:
    """Three reports through another Python process, two through this one: the sixth is refused."""
    PartnershipFactory()
    other = textwrap.dedent(
        f"""
        import django
        django.setup()
        from django.core import signing
        from django.test import Client
        from django.test.utils import setup_test_environment
        from django.utils import timezone
        setup_test_environment()
        client = Client()
        for _ in range(3):
            shown = signing.dumps(timezone.now().timestamp() - 60)
            r = client.post("/report-a-concern/", {{"summary": "From the other worker", "shown": shown}},
                            REMOTE_ADDR="{ADDRESS}")
            assert "Thank you for telling us" in r.content.decode(), r.status_code
        """
    )
    settings = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "mace.config.settings.test",
        "DATABASE_URL": f"postgres://{settings['USER']}@{settings['HOST']}:{settings['PORT']}/{settings['NAME']}",
    }
    subprocess.run([sys.executable, "-c", other], env=env, check=True, timeout=120)  # noqa: S603
    assert Contact.objects.count() == 3
    client = Client()
    statuses = []
    for _ in range(3):
        shown = signing.dumps(datetime.now(UTC).timestamp() - 60)
        statuses.append(_post(client, shown).status_code)
    assert statuses == [200, 200, 429]
    assert Contact.objects.count() == 5
