from django.apps import AppConfig


class MissingConfig(AppConfig):
    name = "mace.missing"
    label = "missing"
    verbose_name = "Missing from home and care"

    def ready(self) -> None:
        from . import due, voice  # noqa: F401 - registers the child's voice and what is due for the child
