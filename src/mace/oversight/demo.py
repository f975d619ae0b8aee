"""The demo's scorecard: figures counted from the generated records for every period the scorecard
shows, so the first leader to open it does not wait."""

from __future__ import annotations

from mace.demo.registry import DemoContext, step

from . import services


@step(90, "oversight")
def scorecard_figures(ctx: DemoContext) -> dict[str, int]:
    periods = len(services.periods_to_keep(ctx.today, months=services.DEMO_MONTHS))
    from mace.accounts.models import Partnership

    advance = ctx.task("Scorecard figures", periods * Partnership.objects.count())
    result = services.recompute(now=ctx.now, months=services.DEMO_MONTHS, progress=lambda _d, _t: advance(1))
    return {"Scorecard figures": result["figures"]}
