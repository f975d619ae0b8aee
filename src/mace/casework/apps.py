from django.apps import AppConfig


class CaseworkConfig(AppConfig):
    name = "mace.casework"
    label = "casework"
    verbose_name = "Casework: visits, timetables, supervision and caseloads"

    def ready(self) -> None:
        from mace.core import home, jobs

        from . import due, selectors, services, voice  # noqa: F401 - registers the voice source and what is due for the child

        home.provide("casework", lambda user, caps: selectors.home_summary(user))
        jobs.register("casework: caseload snapshots", services.tick_caseload_snapshots)
        jobs.register("casework: voice alerts", services.send_voice_alerts)
