from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "mace.people"
    label = "people"
    verbose_name = "People"

    def ready(self) -> None:
        from mace.core import home

        from . import selectors

        home.provide("caseload", lambda user, caps: selectors.my_caseload(user) if caps.records else [])
        home.provide(
            "figures", lambda user, caps: selectors.partnership_figures(user) if caps.aggregates else None
        )
