from django.apps import AppConfig


class NetworkConfig(AppConfig):
    name = "mace.network"
    label = "network"
    verbose_name = "Network: adults, places, vehicles, groups; associations; disruption; NRM"

    def ready(self) -> None:
        from mace.core import due, figures, jobs, sections

        from . import communities, scorecard, selectors, services

        jobs.register("network: propose associations from new records", services.proposals_refresh_job)
        jobs.register("network: refresh the groups in the association graph", communities.refresh_job)
        jobs.register("network: alert lead officers to expiries and breaches", services.disruption_alerts)
        sections.register("network", 55, "network/_record_section.html", selectors.record_section)
        sections.register("context", 56, "network/_context_section.html", selectors.context_section)
        due.source("disruption orders protecting the child")(selectors.due_for_person)
        for f in scorecard.FIGURES:
            figures.register(f)
