from django.apps import AppConfig


class CaseworkConfig(AppConfig):
    name = "mace.casework"
    label = "casework"
    verbose_name = "Casework: visits, timetables, supervision and caseloads"

    def ready(self) -> None:
        from . import due, voice  # noqa: F401 - registers the voice source and what is due for the child
