from django.apps import AppConfig


class MissingConfig(AppConfig):
    name = "mace.missing"
    label = "missing"
    verbose_name = "Missing from home and care"

    def ready(self) -> None:
        from mace.core import jobs

        from . import services, voice  # noqa: F401 - voice registers where this module records the child's voice

        jobs.register("missing: strategy meetings required", services.require_strategy_meetings)
        jobs.register("missing: share the morning list", services.share_morning_list)
