from django.apps import AppConfig


class CaseworkConfig(AppConfig):
    name = "mace.casework"
    label = "casework"
    verbose_name = "Casework: visits, timetables, supervision and caseloads"

    def ready(self) -> None:
        from mace.core import jobs

        from . import services, voice  # noqa: F401 - voice registers visits as a place the child is heard

        jobs.register("casework: caseload snapshots", services.tick_caseload_snapshots)
        jobs.register("casework: voice alerts", services.send_voice_alerts)
