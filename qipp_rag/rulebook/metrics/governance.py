"""Project governance metrics that need more than a generic field check:
GV03 (PMO and how often it meets), GV05 (approved before the year starts),
GV07 (contingency against the first-year allocation).

GV01, GV02, GV04, GV06, GV08 and GV09 use the generic metrics.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ...plan.models import year_start
from ..measure import Measurement, MetricContext, plan_metric
from ..params import frequency
from ._support import (
    PathError,
    is_blank,
    money,
    nearest,
    not_applicable,
    pct,
    percent,
    plural,
)
from .generic import FREQUENCY_WORDS, at_least_param, frequency_score, how_often


@plan_metric("pmo_meets", params={"at_least": frequency})
def pmo_meets(ctx: MetricContext) -> Measurement:
    """GV03: 2 = a PMO meeting ``at_least`` (monthly) or more often, 1 = a PMO meeting less often, 0 = no PMO."""
    try:
        at_least = at_least_param(ctx)
    except PathError as problem:
        return not_applicable(f"the rule cannot be measured: {problem}")
    plan = ctx.plan
    pmo = plan.governance.pmo if plan.governance is not None else None
    if pmo is None:
        where = "`governance` gives no `pmo`" if plan.governance is not None else "the plan has no `governance`"
        return Measurement(Decimal(0), f"no PMO: {where}", (where,), nearest(plan, ("governance", "pmo")))
    led = f" led by {pmo.lead.strip()}" if pmo.lead is not None and not is_blank(pmo.lead) else " (no lead named)"
    message = f"PMO{led} meets {FREQUENCY_WORDS[pmo.meets]}: {how_often(pmo.meets, at_least)}"
    return Measurement(
        frequency_score(pmo.meets, at_least),
        message,
        (f"governance.pmo.meets: {pmo.meets.value}",),
        ("governance", "pmo", "meets"),
    )


def approval_deadline(first_year: str) -> dt.date:
    """31 March before the first plan year: ``2014/15`` -> 2014-03-31."""
    return year_start(first_year) - dt.timedelta(days=1)


@plan_metric("approved_on_time")
def approved_on_time(ctx: MetricContext) -> Measurement:
    """GV05: 2 = approved on or before 31 March before the first plan year, 1 = approved later, 0 = not approved."""
    plan = ctx.plan
    deadline = approval_deadline(plan.first_year)
    approved = plan.governance.approved if plan.governance is not None else None
    if approved is None:
        where = "`governance` gives no `approved`" if plan.governance is not None else "the plan has no `governance`"
        return Measurement(
            Decimal(0),
            f"not approved: {where}",
            (where, f"deadline: {deadline.isoformat()}"),
            nearest(plan, ("governance", "approved")),
        )
    by = f" by {approved.by.strip()}" if approved.by is not None and not is_blank(approved.by) else ""
    evidence = (
        f"approved{by} on {approved.date.isoformat()}",
        f"deadline: {deadline.isoformat()}, before {plan.first_year} starts",
    )
    loc = ("governance", "approved", "date")
    if approved.date <= deadline:
        days = (deadline - approved.date).days
        early = f", {plural(days, 'day')} before the deadline" if days else ", on the deadline"
        return Measurement(
            Decimal(2),
            f"plan approved{by} on {approved.date.isoformat()}: on time (by {deadline.isoformat()}{early})",
            evidence,
            loc,
        )
    days = (approved.date - deadline).days
    return Measurement(
        Decimal(1),
        (
            f"plan approved{by} on {approved.date.isoformat()}: late, {plural(days, 'day')} after "
            f"{deadline.isoformat()} (before {plan.first_year} starts)"
        ),
        evidence,
        loc,
    )


@plan_metric("contingency_share")
def contingency_share(ctx: MetricContext) -> Measurement:
    """GV07: contingency ÷ first-year allocation × 100; no contingency measures 0."""
    plan = ctx.plan
    year = plan.first_year
    allocation = plan.allocation.get(year, Decimal(0))
    if allocation <= 0:
        return not_applicable(
            f"the {year} allocation is 0, so no share can be taken of it", nearest(plan, ("allocation", year))
        )
    contingency = plan.governance.contingency if plan.governance is not None else None
    if contingency is None:
        where = "`governance` gives no `contingency`" if plan.governance is not None else "the plan has no `governance`"
        return Measurement(
            Decimal(0),
            f"no contingency is held: {where}",
            (where, f"{year} allocation: {money(allocation)}"),
            nearest(plan, ("governance", "contingency")),
        )
    value = percent(contingency, allocation)
    message = f"contingency of {money(contingency)} is {pct(value)} of the {year} allocation ({money(allocation)})"
    if contingency == 0:
        message = (
            f"no contingency is held: `governance.contingency` is 0 ({pct(value)} of the {year} allocation, "
            f"{money(allocation)})"
        )
    return Measurement(
        value,
        message,
        (f"contingency: {money(contingency)}", f"{year} allocation: {money(allocation)}"),
        ("governance", "contingency"),
    )
