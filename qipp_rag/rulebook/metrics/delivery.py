"""Extent achieved: DL01 (actual against planned to date), DL02 (forecast
outturn against the first-year target), DL03 (milestones overdue at the as-of date)."""

from __future__ import annotations

from decimal import Decimal

from ...plan.models import Plan, Scheme
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
    total,
)

NO_DELIVERY = "no live scheme has delivery data yet"


def with_delivery(plan: Plan) -> list[tuple[int, Scheme]]:
    return [(index, scheme) for index, scheme in enumerate(plan.schemes) if scheme.live and scheme.delivery is not None]


def as_of_words(plan: Plan) -> str:
    return f"as of {plan.delivery_as_of.isoformat()}" if plan.delivery_as_of is not None else "to date"


@plan_metric("delivery_to_date")
def delivery_to_date(ctx: MetricContext) -> Measurement:
    """DL01: the sum of ``actual_to_date`` ÷ the sum of ``planned_to_date`` × 100 over live schemes with delivery."""
    plan = ctx.plan
    delivering = with_delivery(plan)
    if not delivering:
        return not_applicable(NO_DELIVERY, nearest(plan, ("schemes",)))
    planned = total(scheme.delivery.planned_to_date for _, scheme in delivering)  # type: ignore[union-attr]
    actual = total(scheme.delivery.actual_to_date for _, scheme in delivering)  # type: ignore[union-attr]
    if planned == 0:
        return not_applicable(
            (
                f"nothing is planned to be saved {as_of_words(plan)} ({plural(len(delivering), 'scheme')} with "
                "delivery data, all planning £0k)"
            ),
            ("schemes", delivering[0][0], "delivery", "planned_to_date"),
        )
    value = percent(actual, planned)
    # The largest shortfall is where to look first.
    ordered = sorted(
        delivering,
        key=lambda item: (item[1].delivery.actual_to_date - item[1].delivery.planned_to_date, item[0]),  # type: ignore[union-attr]
    )
    evidence = Lines(
        ordered,
        lambda item: (
            f"{scheme_label(item[1])}: actual {amount(item[1].delivery.actual_to_date)} of planned "  # type: ignore[union-attr]
            f"{amount(item[1].delivery.planned_to_date)}"  # type: ignore[union-attr]
        ),
    )
    message = (
        f"{pct(value)} of planned savings delivered {as_of_words(plan)} ({money(actual)} of {money(planned)}, "
        f"{plural(len(delivering), 'scheme')} reporting)"
    )
    share = Share(actual, planned, True, plan.first_year, "deliver {amount} more of the savings planned to date")
    return Measurement(
        value,
        message,
        capped(evidence),
        ("schemes", ordered[0][0], "delivery", "actual_to_date"),
        share=share,
    )


@plan_metric("forecast_against_target")
def forecast_against_target(ctx: MetricContext) -> Measurement:
    """DL02: the sum of ``forecast_outturn`` over live schemes with delivery ÷ the first year's target × 100."""
    plan = ctx.plan
    year = plan.first_year
    delivering = with_delivery(plan)
    if not delivering:
        return not_applicable(NO_DELIVERY, nearest(plan, ("schemes",)))
    target = plan.target.get(year, Decimal(0))
    if target == 0:
        return not_applicable(
            f"target is 0 in {year}, so a forecast cannot be compared with it", nearest(plan, ("target", year))
        )
    forecast = total(scheme.delivery.forecast_outturn for _, scheme in delivering)  # type: ignore[union-attr]
    value = percent(forecast, target)
    ordered = sorted(delivering, key=lambda item: (-item[1].delivery.forecast_outturn, item[0]))  # type: ignore[union-attr]
    evidence = Lines(
        ordered,
        lambda item: f"{scheme_label(item[1])} forecasts {amount(item[1].delivery.forecast_outturn)}",  # type: ignore[union-attr]
    )
    evidence.add([target], lambda amount_: f"{year} target: {amount(amount_)}")
    message = (
        f"forecast outturn {as_of_words(plan)} is {pct(value)} of the {year} target ({money(forecast)} of "
        f"{money(target)})"
    )
    share = Share(forecast, target, True, year, "raise the {year} forecast outturn by {amount}")
    return Measurement(value, message, capped(evidence), ("target", year), share=share)


@plan_metric("overdue_milestones")
def overdue_milestones(ctx: MetricContext) -> Measurement:
    """DL03: among live schemes' milestones due on or before as-of, the share not completed on or before as-of."""
    plan = ctx.plan
    as_of = plan.delivery_as_of or ctx.as_of
    source = "the plan's `delivery_as_of`" if plan.delivery_as_of is not None else "the assessment date"
    due = [
        (index, number, scheme, milestone)
        for index, scheme in enumerate(plan.schemes)
        if scheme.live
        for number, milestone in enumerate(scheme.milestones or [])
        if milestone.due <= as_of
    ]
    if not due:
        return not_applicable(
            f"no live scheme's milestone is due by {as_of.isoformat()} ({source})", nearest(plan, ("schemes",))
        )
    overdue = [item for item in due if item[3].completed_on is None or item[3].completed_on > as_of]
    value = percent(Decimal(len(overdue)), Decimal(len(due)))
    evidence = []
    for _, _, scheme, milestone in due:
        if milestone.completed_on is None:
            state = "not completed"
        elif milestone.completed_on > as_of:
            state = f"completed on {milestone.completed_on.isoformat()}, after {as_of.isoformat()}"
        else:
            state = f"completed on {milestone.completed_on.isoformat()}"
        evidence.append(f"{scheme_label(scheme)} milestone '{milestone.name}' due {milestone.due.isoformat()}: {state}")
    evidence.sort(key=lambda line: 0 if "not completed" in line or ", after " in line else 1)
    message = (
        f"{pct(value)} of milestones due by {as_of.isoformat()} ({source}) are not completed: "
        f"{len(overdue)} of {len(due)}"
    )
    target = overdue[0] if overdue else due[0]
    return Measurement(value, message, capped(evidence), ("schemes", target[0], "milestones", target[1]))
