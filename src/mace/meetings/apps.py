from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "mace.meetings"
    label = "meetings"
    verbose_name = "Strategy and MACE meetings"

    def ready(self) -> None:
        from mace.core import home

        from . import selectors, voice  # noqa: F401 - registers where meetings record the child's voice

        home.provide("meetings_summary", lambda user, caps: selectors.home_summary(user))
