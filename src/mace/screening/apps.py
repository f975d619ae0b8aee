from typing import Any

from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    name = "mace.screening"
    label = "screening"
    verbose_name = "Exploitation screening"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from mace.core import sections

        from . import selectors, tool, voice  # noqa: F401 - voice registers where screening records the child's words

        sections.provide("screenings", _screenings)

        # A broken tool file stops start-up with its problems named, never a half-working form.
        tool.shipped_tools()
        post_migrate.connect(_sync_after_migrate, sender=self)


def _screenings(person: Any, user: Any) -> dict[str, Any]:
    from .selectors import risk_trajectory

    screenings, trajectory = risk_trajectory(person)
    return {"screenings": screenings, "trajectory": trajectory}


def _sync_after_migrate(**kwargs: object) -> None:
    from .services import tool_sync_shipped

    tool_sync_shipped()
