from django.apps import AppConfig


class MissingConfig(AppConfig):
    name = "mace.missing"
    label = "missing"
    verbose_name = "Missing from home and care"

    def ready(self) -> None:
        from mace.core import home, jobs, sections

        from . import due, selectors, services, voice  # noqa: F401 - registers the child's voice and what is due for the child

        home.provide("missing_summary", lambda user, caps: selectors.home_summary(user))
        sections.provide("missing", lambda person, user: {"missing": selectors.history_for_person(person)})
        jobs.register("missing: strategy meetings required", services.require_strategy_meetings)
        jobs.register("missing: share the morning list", services.share_morning_list)
