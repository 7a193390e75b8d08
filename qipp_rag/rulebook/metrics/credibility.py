"""In-year credibility: DL04 (schemes in delivery send returns), DL05 (figures are current),
DL06 (planned to date follows the plan's own phasing), DL07 (the forecast is credible against the run rate).

Months elapsed m count from April of the first plan year through the month of
``delivery_as_of``, inclusive, kept within 0 to 12.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction
from typing import NamedTuple

from ...plan.models import Plan, Scheme, Stage
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
    ratio,
    scheme_label,
    total,
    two_places,
)
from .delivery import NO_DELIVERY, with_delivery

MONTHS = 12
DELIVERING_STAGES = (Stage.in_delivery, Stage.delivered)
UNSUPPORTED_FORECAST = Decimal("Infinity")  # DL07: a forecast above 0 on nothing delivered: red, shown with no value


def start_year(plan: Plan) -> int:
    """Y: the calendar year the first plan year starts in (``2014/15`` -> 2014)."""
    return int(plan.first_year[:4])


def months_elapsed(plan: Plan, as_of: dt.date) -> int:
    """(year − Y) × 12 + month − 3: April of the first plan year is month 1; kept within 0 to 12."""
    months = (as_of.year - start_year(plan)) * MONTHS + as_of.month - 3
    return max(0, min(MONTHS, months))


def _month_words(months: int) -> str:
    return plural(months, "month")


@plan_metric("delivery_returns_share", params=None)
def delivery_returns_share(ctx: MetricContext) -> Measurement:
    """DL04: first-year value of live schemes in delivery or delivered that report ``delivery``
    ÷ that of them all × 100."""
    plan = ctx.plan
    year = plan.first_year
    quarter_end = dt.date(start_year(plan), 6, 30)
    if ctx.as_of <= quarter_end:
        return not_applicable(
            f"too early in the year: the first quarter of {year} ends {quarter_end.isoformat()} "
            f"and the assessment date is {ctx.as_of.isoformat()}",
            nearest(plan, ("schemes",)),
        )
    pool = [
        (index, scheme)
        for index, scheme in enumerate(plan.schemes)
        if scheme.live and scheme.stage in DELIVERING_STAGES and scheme.saving(year) > 0
    ]
    if not pool:
        return not_applicable(
            f"no live scheme at stage in_delivery or delivered saves anything in {year}", nearest(plan, ("schemes",))
        )
    denominator = total(scheme.saving(year) for _, scheme in pool)
    reporting = [(index, scheme) for index, scheme in pool if scheme.delivery is not None]
    silent = sorted(
        [(index, scheme) for index, scheme in pool if scheme.delivery is None],
        key=lambda item: (-item[1].saving(year), item[0]),
    )
    numerator = total(scheme.saving(year) for _, scheme in reporting)
    value = percent(numerator, denominator)
    message = (
        f"{pct(value)} of the {year} value of schemes in delivery or delivered ({money(numerator)} of "
        f"{money(denominator)}) reports delivery figures"
    )
    if silent:
        largest = silent[0][1]
        verb = "sends" if len(silent) == 1 else "send"
        biggest = f"the largest {scheme_label(largest)} saving {money(largest.saving(year))}"
        message += f"; {plural(len(silent), 'scheme')} {verb} none, {biggest}"

    def saves(scheme: Scheme) -> str:
        return f"{scheme_label(scheme)} at stage {scheme.stage.value} saves {amount(scheme.saving(year))}"

    evidence = Lines(silent, lambda item: f"{saves(item[1])}: no delivery figures")
    evidence.add(reporting, lambda item: f"{saves(item[1])}: reports delivery")
    loc = ("schemes", silent[0][0]) if silent else nearest(plan, ("schemes",))
    share = Share(
        numerator, denominator, True, year, "get delivery figures for {amount} more of the {year} value in delivery"
    )
    return Measurement(value, message, capped(evidence), loc, share=share)


@plan_metric("delivery_figures_age", params=None)
def delivery_figures_age(ctx: MetricContext) -> Measurement:
    """DL05: days from ``delivery_as_of`` to the run's as-of date (negative: figures dated after it)."""
    plan = ctx.plan
    if plan.delivery_as_of is None:
        return not_applicable("the plan gives no `delivery_as_of`, so there are no delivery figures to date")
    days = (ctx.as_of - plan.delivery_as_of).days
    when = f"delivery figures are as of {plan.delivery_as_of.isoformat()}"
    if days >= 0:
        message = f"{when}, {plural(days, 'day')} before the assessment date {ctx.as_of.isoformat()}"
    else:
        message = f"{when}, {plural(-days, 'day')} after the assessment date {ctx.as_of.isoformat()}"
    return Measurement(Decimal(days), message, (message,), ("delivery_as_of",))


def _expected_twelfths(scheme: Scheme, year: str, months: int) -> Decimal:
    """12 × expected(s): the first m profile entries where the scheme has one, else saving × m ÷ 12 (kept exact)."""
    if scheme.monthly_profile is not None:
        return total(scheme.monthly_profile[:months]) * MONTHS
    return scheme.saving(year) * months


class _InYear(NamedTuple):
    """Where DL06 and DL07 both start: the live schemes reporting delivery, the first plan year,
    ``delivery_as_of`` and the months elapsed by then."""

    plan: Plan
    year: str
    delivering: list[tuple[int, Scheme]]
    as_of: dt.date
    months: int


def _in_year(ctx: MetricContext) -> _InYear | Measurement:
    """The plan's in-year position, or n/a when no live scheme reports delivery or there is no as-of date."""
    plan = ctx.plan
    delivering = with_delivery(plan)
    if not delivering or plan.delivery_as_of is None:
        return not_applicable(NO_DELIVERY, nearest(plan, ("schemes",)))
    return _InYear(plan, plan.first_year, delivering, plan.delivery_as_of, months_elapsed(plan, plan.delivery_as_of))


@plan_metric("planned_against_phasing", params=None)
def planned_against_phasing(ctx: MetricContext) -> Measurement:
    """DL06: Σ ``planned_to_date`` ÷ Σ expected × 100 over live schemes with delivery."""
    started = _in_year(ctx)
    if isinstance(started, Measurement):
        return started
    plan, year, delivering, as_of, months = started
    twelfths = {index: _expected_twelfths(scheme, year, months) for index, scheme in delivering}
    expected_twelfths = total(twelfths.values())
    if expected_twelfths == 0:
        return not_applicable(
            f"the plan's own phasing expects nothing saved in the {_month_words(months)} of {year} "
            f"to {as_of.isoformat()} ({plural(len(delivering), 'scheme')} with delivery data), "
            "so there is nothing to compare planned to date with",
            nearest(plan, ("schemes", delivering[0][0], "delivery", "planned_to_date")),
        )
    planned = total(scheme.delivery.planned_to_date for _, scheme in delivering)  # type: ignore[union-attr]
    value = ratio(planned, expected_twelfths, 100 * MONTHS)
    expected = Fraction(expected_twelfths) / MONTHS

    def gap(item: tuple[int, Scheme]) -> Fraction:
        index, scheme = item
        planned_to_date = scheme.delivery.planned_to_date  # type: ignore[union-attr]
        return Fraction(planned_to_date) - Fraction(twelfths[index]) / MONTHS

    ordered = sorted(delivering, key=lambda item: (gap(item), item[0]))

    def line(item: tuple[int, Scheme]) -> str:
        index, scheme = item
        how = (
            "its monthly profile"
            if scheme.monthly_profile is not None
            else f"a straight line, {amount(scheme.saving(year))} × {months} ÷ 12"
        )
        shown = ratio(twelfths[index], Decimal(MONTHS))
        planned_to_date = amount(scheme.delivery.planned_to_date)  # type: ignore[union-attr]
        return f"{scheme_label(scheme)}: planned to date {planned_to_date} of {two_places(shown)} by {how}"

    evidence = Lines(ordered, line)
    expected_shown = money(Decimal(two_places(ratio(expected_twelfths, Decimal(MONTHS)))))
    message = (
        f"planned savings to date are {pct(value)} of what the plan's own phasing gives for the "
        f"{_month_words(months)} to {as_of.isoformat()} ({money(planned)} of {expected_shown})"
    )
    loc = ("schemes", ordered[0][0], "delivery", "planned_to_date")
    share = Share(
        planned,
        expected,
        True,
        year,
        "put {amount} back into planned to date (as the plan's own phasing gives)",
    )
    return Measurement(value, message, capped(evidence), loc, share=share)


@plan_metric("forecast_run_rate", params=None)
def forecast_run_rate(ctx: MetricContext) -> Measurement:
    """DL07: ((F − A) ÷ (12 − m)) ÷ (A ÷ m), the run rate the forecast needs over the run rate achieved."""
    started = _in_year(ctx)
    if isinstance(started, Measurement):
        return started
    plan, year, delivering, as_of, months = started
    loc = ("delivery_as_of",)
    if months == 0:
        return not_applicable(f"no month of {year} has passed by {as_of.isoformat()}, so there is no run rate yet", loc)
    if months == MONTHS:
        return not_applicable(
            f"all 12 months of {year} are reported by {as_of.isoformat()}, so no run rate is still needed", loc
        )
    achieved = total(scheme.delivery.actual_to_date for _, scheme in delivering)  # type: ignore[union-attr]
    forecast = total(scheme.delivery.forecast_outturn for _, scheme in delivering)  # type: ignore[union-attr]
    left = MONTHS - months
    evidence = (
        f"actual to date over {_month_words(months)}: {amount(achieved)}",
        f"forecast outturn for {year}: {amount(forecast)}",
        f"still to deliver over {_month_words(left)}: {amount(forecast - achieved)}",
    )
    if achieved == 0:
        if forecast > 0:
            return Measurement(
                UNSUPPORTED_FORECAST,
                f"nothing is delivered in the {_month_words(months)} to {as_of.isoformat()}, "
                f"yet the forecast outturn is {money(forecast)}: "
                "no run rate achieved supports it (so no value is shown)",
                evidence,
                loc,
            )
        return not_applicable(
            f"nothing is delivered to {as_of.isoformat()} and nothing is forecast, so there is no run rate", loc
        )
    value = ratio((forecast - achieved) * months, achieved * left)
    if forecast < achieved:
        message = (
            f"the forecast outturn ({money(forecast)}) is below the {money(achieved)} already delivered by "
            f"{as_of.isoformat()}: run rate ratio {two_places(value)}"
        )
        return Measurement(value, message, evidence, loc)
    needed = ratio(forecast - achieved, Decimal(left))
    so_far = ratio(achieved, Decimal(months))
    message = (
        f"the forecast outturn needs {money(Decimal(two_places(needed)))} a month over the last "
        f"{_month_words(left)}, {two_places(value)}× the {money(Decimal(two_places(so_far)))} a month "
        f"achieved over the first {_month_words(months)}"
    )
    return Measurement(value, message, evidence, loc)
