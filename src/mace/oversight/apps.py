from django.apps import AppConfig


class OversightConfig(AppConfig):
    name = "mace.oversight"
    label = "oversight"
    verbose_name = "Oversight: scorecard, exception reports, impact, profile and board packs"
