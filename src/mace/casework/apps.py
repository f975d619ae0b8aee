from django.apps import AppConfig


class CaseworkConfig(AppConfig):
    name = "mace.casework"
    label = "casework"
    verbose_name = "Casework: visits, timetables, supervision and caseloads"

    def ready(self) -> None:
        from . import voice  # noqa: F401 - registers visits as a place the child's voice is recorded
