from django.apps import AppConfig


class FrontDoorConfig(AppConfig):
    name = "mace.frontdoor"
    label = "frontdoor"
    verbose_name = "Integrated front door"

    def ready(self) -> None:
        from mace.core import jobs as periodic

        from . import due, jobs, voice  # noqa: F401 - registers the child's voice and what is due for the child

        periodic.register("front door: escalate contacts before a breach", jobs.escalate_before_breach)
