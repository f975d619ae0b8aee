from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "mace.plans"
    label = "plans"
    verbose_name = "The child's one plan"

    def ready(self) -> None:
        from mace.core import sections

        from . import due, selectors, voice  # noqa: F401 - registers the child's voice and what is due for the child

        sections.provide("plan", lambda person, user: {"plan": selectors.summary_for_person(person)})
