from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    name = "mace.screening"
    label = "screening"
    verbose_name = "Exploitation screening"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from . import tool, voice  # noqa: F401 - voice registers where screening records the child's words

        # A broken tool file stops start-up with its problems named, never a half-working form.
        tool.shipped_tools()
        post_migrate.connect(_sync_after_migrate, sender=self)


def _sync_after_migrate(**kwargs: object) -> None:
    from .services import tool_sync_shipped

    tool_sync_shipped()
