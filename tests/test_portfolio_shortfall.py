"""Shortfall and confidence in the roll-ups: added plan by plan, so one plan's surplus never hides another's gap."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from qipp_rag.confidence import shortfall
from qipp_rag.rollup import summarise
from qipp_rag.results import CONFIDENCE_ORDER, OrganisationInfo, PlanFigures, PlanResult

YEARS = ["2014/15", "2015/16"]


def plan(code: str, target: int, identified: int, risk_adjusted: str, confidence: str = "amber", region: str = "north") -> PlanResult:
    figures = PlanFigures(
        years=YEARS,
        allocation={year: Decimal(100000) for year in YEARS},
        target={year: Decimal(target) for year in YEARS},
        identified={year: Decimal(identified) for year in YEARS},
        risk_adjusted={year: Decimal(risk_adjusted) for year in YEARS},
    )
    return PlanResult(
        file=f"plans/{code}.yaml",
        organisation=OrganisationInfo(code=code, name=code, type="ccg", area_team="Q50", region=region),
        rating="amber",
        figures=figures,
        confidence=confidence,  # type: ignore[arg-type]
        shortfall=shortfall(figures),
        waived=0,
    )


def test_a_surplus_in_one_plan_does_not_hide_a_gap_in_another() -> None:
    national, portfolio = summarise([plan("03Q", 1000, 5000, "5000"), plan("03F", 1000, 540, "454.5")])
    assert national.totals["identified"]["2014/15"] - national.totals["target"]["2014/15"] > 0  # netted, a surplus
    assert national.totals["shortfall_identified"] == {year: Decimal(460) for year in YEARS}
    assert national.totals["shortfall_risk_adjusted"] == {year: Decimal("545.5") for year in YEARS}
    assert portfolio.by_region[0].totals["shortfall_identified"] == {year: Decimal(460) for year in YEARS}


def test_plans_are_counted_by_confidence_and_errors_are_not() -> None:
    error = PlanResult(file="plans/bad.yaml", organisation=OrganisationInfo(), rating="error")
    national, portfolio = summarise([plan("03Q", 1, 1, "1", "green"), plan("03F", 1, 1, "1", "amber/red"), plan("02Y", 1, 1, "1", "amber/red"), error])
    assert national.confidence == {"green": 1, "amber/green": 0, "amber": 0, "amber/red": 2, "red": 0}
    assert list(national.confidence) == list(CONFIDENCE_ORDER)
    assert portfolio.by_area_team[0].confidence == national.confidence


amounts = st.integers(min_value=0, max_value=10**7)


@given(st.lists(st.tuples(amounts, amounts, amounts), min_size=1, max_size=8))
def test_shortfall_totals_equal_the_sum_over_plans(rows: list[tuple[int, int, int]]) -> None:
    plans = [plan(f"{index:02d}X", target, identified, str(risk)) for index, (target, identified, risk) in enumerate(rows)]
    national, _ = summarise(plans)
    for year in YEARS:
        assert national.totals["shortfall_identified"][year] == sum(max(0, t - i) for t, i, _ in rows)
        assert national.totals["shortfall_risk_adjusted"][year] == sum(max(0, t - r) for t, _, r in rows)
        assert national.totals["shortfall_identified"][year] >= max(0, sum(t - i for t, i, _ in rows))
