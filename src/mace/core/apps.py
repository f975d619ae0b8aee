from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "mace.core"
    label = "core"
    verbose_name = "Core"
