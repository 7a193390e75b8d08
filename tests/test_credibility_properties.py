"""DL04-DL07 laws: months elapsed and its clamping, no input the format accepts makes a rule crash or divide
by zero, scheme order changes nothing, and more planned to date never lowers DL06."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from metric_cases import measure, rule
from planbuilder import build
from qipp_rag.rulebook.metrics.credibility import months_elapsed

IN_YEAR = st.dates(min_value=dt.date(2014, 4, 1), max_value=dt.date(2015, 3, 31))
MONEY = st.integers(min_value=0, max_value=5000)


@pytest.mark.parametrize(
    ("as_of", "months"),
    [
        (dt.date(2014, 3, 31), 0),
        (dt.date(2013, 11, 30), 0),
        (dt.date(2014, 4, 1), 1),
        (dt.date(2014, 4, 30), 1),
        (dt.date(2014, 9, 30), 6),
        (dt.date(2014, 12, 31), 9),
        (dt.date(2015, 1, 31), 10),
        (dt.date(2015, 3, 31), 12),
        (dt.date(2015, 4, 30), 12),
        (dt.date(2016, 9, 30), 12),
    ],
)
def test_months_elapsed_count_from_april_inclusive_and_stay_within_0_to_12(as_of: dt.date, months: int) -> None:
    assert months_elapsed(build(), as_of) == months


def test_months_elapsed_start_in_the_first_plan_years_april() -> None:
    assert months_elapsed(build({"period": ["2015/16", "2016/17"]}), dt.date(2015, 6, 30)) == 3


def test_a_delivery_date_outside_the_year_is_clamped_for_dl06_and_dl07() -> None:
    """The format keeps delivery_as_of within the first year; a plan built without that check still measures."""
    plan = build({"delivery_as_of": "2015-06-30", "schemes": [{"savings": {"2014/15": 1200}, "delivery": {"planned_to_date": 1200, "actual_to_date": 1200, "forecast_outturn": 1200}}]}, check=False)
    assert measure(rule("DL06"), plan).value == 100  # m = 12: the whole saving is expected
    assert measure(rule("DL07"), plan).value is None  # m = 12: no run rate left to need
    before = build({"delivery_as_of": "2014-03-31", "schemes": [{"delivery": {"planned_to_date": 0, "actual_to_date": 0, "forecast_outturn": 800}}]}, check=False)
    assert measure(rule("DL06"), before).value is None and "nothing saved in the 0 months" in measure(rule("DL06"), before).message
    assert measure(rule("DL07"), before).value is None and "no month of 2014/15 has passed" in measure(rule("DL07"), before).message


def scheme(saving: int, planned: int, actual: int, forecast: int, profiled: bool, cut: int) -> dict:
    data: dict = {"savings": {"2014/15": saving}, "delivery": {"planned_to_date": planned, "actual_to_date": actual, "forecast_outturn": forecast}}
    if profiled:  # everything in one month: a profile with zeros in the months to date
        data["monthly_profile"] = [saving if month == cut else 0 for month in range(12)]
    return data


SCHEMES = st.lists(st.builds(scheme, MONEY, MONEY, MONEY, MONEY, st.booleans(), st.integers(0, 11)), min_size=1, max_size=4)


@settings(max_examples=60, deadline=None)
@given(SCHEMES, IN_YEAR, st.dates(min_value=dt.date(2014, 1, 1), max_value=dt.date(2016, 1, 1)))
def test_no_delivery_figures_the_format_accepts_make_a_rule_fail(schemes: list[dict], delivery_as_of: dt.date, as_of: dt.date) -> None:
    plan = build({"delivery_as_of": delivery_as_of.isoformat(), "schemes": schemes})
    for rule_id in ("DL04", "DL05", "DL06", "DL07"):
        result = measure(rule(rule_id), plan, as_of)
        assert result.message
        if result.value is None:
            continue
        assert isinstance(result.value, Decimal)
        rule(rule_id).rate(result.value)  # bands apply to every value, infinite included


@settings(max_examples=40, deadline=None)
@given(SCHEMES, IN_YEAR)
def test_scheme_order_changes_no_credibility_value(schemes: list[dict], delivery_as_of: dt.date) -> None:
    forward = build({"delivery_as_of": delivery_as_of.isoformat(), "schemes": schemes})
    backward = build({"delivery_as_of": delivery_as_of.isoformat(), "schemes": list(reversed(schemes))})
    for rule_id in ("DL04", "DL05", "DL06", "DL07"):
        assert measure(rule(rule_id), forward).value == measure(rule(rule_id), backward).value


@settings(max_examples=40, deadline=None)
@given(SCHEMES, IN_YEAR, st.integers(min_value=1, max_value=1000))
def test_more_planned_to_date_never_lowers_dl06(schemes: list[dict], delivery_as_of: dt.date, more: int) -> None:
    plan = build({"delivery_as_of": delivery_as_of.isoformat(), "schemes": schemes})
    raised = [dict(s, delivery=dict(s["delivery"], planned_to_date=s["delivery"]["planned_to_date"] + more)) for s in schemes]
    higher = build({"delivery_as_of": delivery_as_of.isoformat(), "schemes": raised})
    before, after = measure(rule("DL06"), plan).value, measure(rule("DL06"), higher).value
    if before is not None:
        assert after is not None and after > before


@settings(max_examples=40, deadline=None)
@given(SCHEMES, st.dates(min_value=dt.date(2014, 4, 1), max_value=dt.date(2015, 2, 28)))
def test_dl07_is_the_needed_run_rate_over_the_achieved_one(schemes: list[dict], delivery_as_of: dt.date) -> None:
    plan = build({"delivery_as_of": delivery_as_of.isoformat(), "schemes": schemes})
    value = measure(rule("DL07"), plan).value
    achieved = sum(Decimal(s["delivery"]["actual_to_date"]) for s in schemes)
    forecast = sum(Decimal(s["delivery"]["forecast_outturn"]) for s in schemes)
    months = months_elapsed(plan, delivery_as_of)
    if achieved == 0:
        assert value == (Decimal("Infinity") if forecast > 0 else None)
    else:
        assert value is not None
        assert abs(value - ((forecast - achieved) / (12 - months)) / (achieved / months)) < Decimal("1e-20")
