from django.apps import AppConfig


class HealthConfig(AppConfig):
    name = "mace.health"
    label = "health"
    verbose_name = "Health: emergency departments"

    def ready(self) -> None:
        from mace.core import home, sections

        from . import presenters, selectors, voice  # noqa: F401 - registers where this module records the child's voice

        home.provide("waiting", lambda user, caps: selectors.work_waiting(user))
        sections.register("assessment-waits", 40, "health/_waits_section.html", presenters.record_section)
