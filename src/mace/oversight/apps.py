from django.apps import AppConfig


class OversightConfig(AppConfig):
    name = "mace.oversight"
    label = "oversight"
    verbose_name = "Oversight: scorecard, exception reports, impact, profile and board packs"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from mace.core import jobs, sections

        from . import impact, measures, services, sources

        sources.adopt_registered()  # figures from the modules beside oversight (mace.core.figures)
        # A broken definition file stops start-up with its problems named, never a half-working scorecard.
        measures.parse(measures.shipped())
        post_migrate.connect(_sync_after_migrate, sender=self)
        jobs.register("oversight: recompute the scorecard's figures nightly", services.recompute_nightly)
        sections.register("impact", 60, "oversight/_impact_section.html", impact.record_section)


def _sync_after_migrate(**kwargs: object) -> None:
    from .services import measureset_sync_shipped

    measureset_sync_shipped()
