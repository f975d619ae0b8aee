from django.apps import AppConfig


class ExportsConfig(AppConfig):
    name = "mace.exports"
    label = "exports"
    verbose_name = (
        "Exports: statutory returns (CIN census, SSDA903, Annex A) and the Standard Safeguarding Dataset"
    )

    def ready(self) -> None:
        from mace.core import jobs

        from . import services

        jobs.register("exports: make the returns analysts asked for", services.make_queued)
