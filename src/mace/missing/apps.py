from django.apps import AppConfig


class MissingConfig(AppConfig):
    name = "mace.missing"
    label = "missing"
    verbose_name = "Missing from home and care"

    def ready(self) -> None:
        from . import voice  # noqa: F401 - registers where this module records the child's voice
