from django.apps import AppConfig


class FrontDoorConfig(AppConfig):
    name = "mace.frontdoor"
    label = "frontdoor"
    verbose_name = "Integrated front door"

    def ready(self) -> None:
        from . import due, voice  # noqa: F401 - registers the child's voice and what is due for the child
