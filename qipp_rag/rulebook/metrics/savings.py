"""Savings plan present: SP01 (live schemes), SP02 and SP03 (savings against target)."""

from __future__ import annotations

from decimal import Decimal

from ...plan.models import Plan, Stage
from ..measure import Measurement, MetricContext, Share, plan_metric
from ._support import (
    Lines,
    amount,
    capped,
    money,
    nearest,
    not_applicable,
    pct,
    percent,
    plural,
    scheme_label,
)
from .figures import identified_by_year, risk_adjusted_by_year, stage_factor


@plan_metric("live_scheme_count")
def live_scheme_count(ctx: MetricContext) -> Measurement:
    """SP01: the number of schemes not cancelled."""
    plan = ctx.plan
    live = [(index, scheme) for index, scheme in enumerate(plan.schemes) if scheme.live]
    cancelled = len(plan.schemes) - len(live)
    evidence = Lines(live, lambda item: f"{scheme_label(item[1])} at stage {item[1].stage.value}")
    if live:
        message = f"{plural(len(live), 'live scheme')} in the plan"
    elif plan.schemes:
        message = (
            f"no live schemes: all {plural(cancelled, 'scheme')} in the plan "
            f"{'is' if cancelled == 1 else 'are'} cancelled"
        )
    else:
        message = "no savings schemes: the plan lists none"
    if live and cancelled:
        message += f" (and {cancelled} cancelled)"
    return Measurement(Decimal(len(live)), message, capped(evidence), nearest(plan, ("schemes",)))


def coverage(
    plan: Plan,
    savings: dict[str, Decimal],
    kind: str,
    notes: tuple[str, ...] = (),
    how: str = "",
    action: str = "",
) -> Measurement:
    """Savings ÷ target for every year whose target is above 0; the lowest is reported (the earliest if tied)."""
    measured = [
        (year, percent(savings[year], plan.target[year])) for year in plan.period if plan.target.get(year, 0) > 0
    ]
    if not measured:
        return not_applicable(
            f"target is 0 in every year ({', '.join(plan.period)}), so there is nothing to cover",
            nearest(plan, ("target",)),
        )
    year, value = min(measured, key=lambda item: item[1])  # min keeps the first of equals: the earliest year
    evidence = [f"{y}: {kind} {amount(savings[y])} of target {amount(plan.target[y])} ({pct(v)})" for y, v in measured]
    skipped = [y for y in plan.period if y not in dict(measured)]
    evidence += [f"{y}: target 0, not measured" for y in skipped]
    message = (
        f"{kind} savings{how} cover {pct(value)} of target in {year} ({money(savings[year])} of "
        f"{money(plan.target[year])})"
    )
    if len(measured) > 1:
        message += ", the weakest year"
    share = Share(savings[year], plan.target[year], True, year, action)
    return Measurement(value, message, (*evidence, *notes), ("target", year), share=share)


@plan_metric("identified_coverage")
def identified_coverage(ctx: MetricContext) -> Measurement:
    """SP02: identified(Y) ÷ target(Y) × 100, lowest over years with target above 0."""
    return coverage(ctx.plan, identified_by_year(ctx.plan), "identified", action="identify {amount} more in {year}")


@plan_metric("risk_adjusted_coverage")
def risk_adjusted_coverage(ctx: MetricContext) -> Measurement:
    """SP03: risk_adjusted(Y) ÷ target(Y) × 100, lowest over years with target above 0."""
    factors = ", ".join(f"{stage.value} {amount(stage_factor(stage.value, ctx.stage_factors))}" for stage in Stage)
    note = f"each live scheme's saving is weighted by its stage: {factors}"
    return coverage(
        ctx.plan,
        risk_adjusted_by_year(ctx.plan, ctx.stage_factors),
        "risk-adjusted",
        (note,),
        " (each scheme weighted by its stage)",
        "find {amount} more risk-adjusted savings in {year} (new schemes, or schemes moved to a later stage)",
    )
