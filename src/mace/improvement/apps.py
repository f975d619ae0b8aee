from django.apps import AppConfig


class ImprovementConfig(AppConfig):
    name = "mace.improvement"
    label = "improvement"
    verbose_name = "Improvement: the partnership's action plans"
