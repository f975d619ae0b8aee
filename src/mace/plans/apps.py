from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "mace.plans"
    label = "plans"
    verbose_name = "The child's one plan"

    def ready(self) -> None:
        from . import due, voice  # noqa: F401 - registers the child's voice and what is due for the child
