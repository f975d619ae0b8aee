from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "mace.plans"
    label = "plans"
    verbose_name = "The child's one plan"

    def ready(self) -> None:
        from . import voice  # noqa: F401 - registers where this module records the child's voice
