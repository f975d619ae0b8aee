from django.apps import AppConfig


class HealthConfig(AppConfig):
    name = "mace.health"
    label = "health"
    verbose_name = "Health: emergency departments"

    def ready(self) -> None:
        from . import voice  # noqa: F401 - registers where this module records the child's voice
