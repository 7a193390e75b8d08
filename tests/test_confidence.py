"""Delivery confidence on the five-point scale, and shortfall by year, from a plan's results."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qipp_rag.confidence import plan_confidence, shortfall
from qipp_rag.rating import plan_rating
from qipp_rag.results import Finding, PlanFigures

CRITICAL = {"SP01": True, "SP02": True, "DL04": True, "GV02": False, "GV07": False, "TR03": False, "QL01": False}


def results(**ratings: str) -> list[Finding]:
    return [Finding(rule=rule, rating=rating, value=None, message="m") for rule, rating in ratings.items()]  # type: ignore[arg-type]


def confidence(**ratings: str) -> str:
    findings = results(**ratings)
    return plan_confidence(plan_rating(findings, CRITICAL), findings, CRITICAL)


@pytest.mark.parametrize(
    ("ratings", "expected"),
    [
        ({"SP02": "green", "GV02": "green"}, "green"),
        ({"SP02": "green", "GV02": "amber"}, "amber/green"),
        ({"SP02": "amber", "GV02": "amber"}, "amber/green"),
        ({"SP02": "amber", "GV02": "amber", "GV07": "amber"}, "amber"),
        ({"SP02": "green", "GV02": "red"}, "amber"),
        ({"SP02": "red", "GV02": "amber", "GV07": "amber", "TR03": "amber"}, "amber/red"),
        ({"SP02": "red", "DL04": "red"}, "red"),
        ({"SP01": "red"}, "red"),
        ({"SP02": "red", "DL04": "waived"}, "amber/red"),
        ({"SP02": "n/a", "GV02": "amber", "GV07": "waived", "TR03": "waived"}, "amber/green"),
        ({"SP02": "n/a", "DL04": "n/a"}, "green"),
    ],
)
def test_confidence_is_read_from_the_counted_results(ratings: dict[str, str], expected: str) -> None:
    assert confidence(**ratings) == expected


def test_no_savings_plan_is_red_confidence_even_with_one_critical_red() -> None:
    assert confidence(SP01="red", SP02="n/a") == "red"


LEVELS = ("green", "amber", "red", "n/a", "waived")


@given(st.dictionaries(st.sampled_from(sorted(CRITICAL)), st.sampled_from(LEVELS)))
def test_confidence_agrees_with_the_rating(ratings: dict[str, str]) -> None:
    findings = results(**ratings)
    rating = plan_rating(findings, CRITICAL)
    level = plan_confidence(rating, findings, CRITICAL)
    expected = {"green": {"green"}, "amber": {"amber/green", "amber"}, "red": {"amber/red", "red"}}[rating]
    if ratings.get("SP01") == "red":
        expected = {"red"}
    assert level in expected


def test_shortfall_is_the_gap_to_target_by_year_never_below_zero() -> None:
    figures = PlanFigures(
        years=["2014/15", "2015/16"],
        allocation={"2014/15": Decimal(100000), "2015/16": Decimal(100000)},
        target={"2014/15": Decimal(2000), "2015/16": Decimal(2000)},
        identified={"2014/15": Decimal(2500), "2015/16": Decimal("1540.5")},
        risk_adjusted={"2014/15": Decimal("1999.99"), "2015/16": Decimal("1000.123456789")},
    )
    gaps = shortfall(figures)
    assert gaps["2014/15"].identified == 0 and gaps["2014/15"].risk_adjusted == Decimal("0.01")
    assert gaps["2015/16"].identified == Decimal("459.5")
    assert gaps["2015/16"].risk_adjusted == Decimal("999.876543211")
