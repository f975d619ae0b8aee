from django.apps import AppConfig


class FrontDoorConfig(AppConfig):
    name = "mace.frontdoor"
    label = "frontdoor"
    verbose_name = "Integrated front door"

    def ready(self) -> None:
        from . import voice  # noqa: F401 - registers where this module records the child's voice
