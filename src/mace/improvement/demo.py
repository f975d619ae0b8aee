"""The improvement part of the synthetic partnership: the main partnership runs the real action plan that
MACE ships (the JTAI plan, every action 1.1a to 6.3a with its progress as of 14 December 2022)."""

from __future__ import annotations

from mace.accounts.models import Partnership
from mace.demo.organisation import MAIN
from mace.demo.registry import DemoContext, step

from . import plan_file, services


@step(90, "improvement")
def load_action_plan(ctx: DemoContext) -> dict[str, int]:
    parsed = plan_file.read(plan_file.SHIPPED)
    partnership = Partnership.objects.get(code=MAIN)
    advance = ctx.task("The partnership's action plan", len(parsed.rows))
    result = services.plan_import(parsed=parsed, partnership=partnership, actor=ctx.actor, progress=advance)
    return {"Action plan actions": result.actions_created + result.unchanged}


@step(91, "training")
def load_training(ctx: DemoContext) -> dict[str, int]:
    from .training import generate

    advance = ctx.task("Training: courses, the register, attendance", 1)
    counts = generate.generate(
        partnership=Partnership.objects.get(code=MAIN), rng=ctx.rng, today=ctx.today, actor=ctx.actor
    )
    advance(1)
    return counts


@step(92, "governance")
def load_governance(ctx: DemoContext) -> dict[str, int]:
    from .governance import generate

    advance = ctx.task("Governance: lead professionals and meetings", 1)
    counts = generate.generate(
        partnership=Partnership.objects.get(code=MAIN), rng=ctx.rng, today=ctx.today, actor=ctx.actor
    )
    advance(1)
    return counts
