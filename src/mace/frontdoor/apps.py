from typing import Any

from django.apps import AppConfig


class FrontDoorConfig(AppConfig):
    name = "mace.frontdoor"
    label = "frontdoor"
    verbose_name = "Integrated front door"

    def ready(self) -> None:
        from mace.core import home
        from mace.core import jobs as periodic

        from . import due, jobs, selectors, voice  # noqa: F401 - registers the voice and what is due for the child

        periodic.register("front door: escalate contacts before a breach", jobs.escalate_before_breach)
        home.provide("todays_contacts", _todays_contacts)
        home.provide("tasks", lambda user, caps: selectors.open_tasks(user) if caps.records else [])
        home.provide(
            "queue_total",
            lambda user, caps: (
                selectors.front_door_queue(user, selectors.QueueFilters())[1] if caps.front_door else None
            ),
        )


def _todays_contacts(user: Any, caps: Any) -> list[Any]:
    from .selectors import todays_contacts_for_team

    return todays_contacts_for_team(user) if caps.records else []
