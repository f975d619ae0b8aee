# shifted-clocks: pinned
from __future__ import annotations

import pytest
from typer.testing import CliRunner

from mace.cli import app
from mace.network import services
from mace.network.models import Link, Subject
from tests.factories import PersonFactory

from .conftest import record

pytestmark = pytest.mark.django_db


def test_the_groups_command_proposes_the_groups_and_says_how_many(area) -> None:
    adult = record(area)
    for child in (
        area.child,
        PersonFactory(partnership=area.partnership),
        PersonFactory(partnership=area.partnership),
    ):
        services.association_record(
            partnership=area.partnership,
            data=services.LinkIn(kind=Link.SEEN_WITH, person=child, subject=adult),
            by=area.officer,
        )
    result = CliRunner().invoke(app, ["network", "groups"])
    assert result.exit_code == 0, result.output
    assert "1 groups proposed from 3 links" in result.output
    assert Subject.objects.filter(kind="group", inferred=True).count() == 1
