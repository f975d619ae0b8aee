from datetime import datetime

from django.apps import AppConfig


def _anchor_the_access_log(now: datetime) -> int:
    from mace.core import audit

    return audit.anchor_tick(now).get("access log anchored", 0)


class CoreConfig(AppConfig):
    name = "mace.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from mace.core import jobs

        # A refused anchor (the log no longer extends the last checkpoint) is logged by anchor_tick.
        jobs.register("access log: checkpoint the head outside the database", _anchor_the_access_log)
