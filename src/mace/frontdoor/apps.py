from django.apps import AppConfig


class FrontDoorConfig(AppConfig):
    name = "mace.frontdoor"
    label = "frontdoor"
    verbose_name = "Integrated front door"

    def ready(self) -> None:
        from mace.core import jobs as periodic

        from . import jobs, voice  # noqa: F401 - voice registers where this module records the child's voice

        periodic.register("front door: escalate contacts before a breach", jobs.escalate_before_breach)
