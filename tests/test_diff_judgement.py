"""`qipp-rag diff` reports moves of delivery confidence and of shortfall, plan by plan and in the totals."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

from ci_fixtures import amber_plan, assessment
from qipp_rag.diffing import diff_assessments
from qipp_rag.reporters.diff import render_json, render_markdown, render_table
from qipp_rag.rollup import summarise
from qipp_rag.results import PlanResult, Shortfall


def judged(plan: PlanResult, confidence: str, identified: str, risk_adjusted: str) -> PlanResult:
    gap = {"2014/15": Shortfall(identified=Decimal(identified), risk_adjusted=Decimal(risk_adjusted))}
    return plan.model_copy(update={"confidence": confidence, "shortfall": gap, "waived": 0})


def run(plan: PlanResult, as_of: dt.date):  # noqa: ANN201 - an Assessment
    national, portfolio = summarise([plan])
    return assessment([plan], as_of=as_of).model_copy(update={"summary": national, "portfolio": portfolio})


def test_a_confidence_move_within_the_same_rating_is_reported() -> None:
    before = run(judged(amber_plan(), "amber/green", "0", "100"), dt.date(2014, 6, 30))
    after = run(judged(amber_plan(), "amber", "0", "100"), dt.date(2014, 9, 30))
    diff = diff_assessments(before, after)
    assert len(diff.changed) == 1
    change = diff.changed[0]
    assert (change.direction, change.confidence_direction) == ("same", "worse")
    assert "confidence amber/green -> amber" in render_table(diff)
    assert "| amber/green | amber |" in render_markdown(diff)
    data = json.loads(render_json(diff))
    assert data["changed"][0]["old_confidence"] == "amber/green" and data["changed"][0]["confidence_direction"] == "worse"


def test_a_shortfall_move_is_reported_by_year_and_in_the_totals() -> None:
    before = run(judged(amber_plan(), "amber", "460", "1000"), dt.date(2014, 6, 30))
    after = run(judged(amber_plan(), "amber", "0", "545.5"), dt.date(2014, 9, 30))
    diff = diff_assessments(before, after)
    change = diff.changed[0]
    assert [(gap.year, gap.old_identified, gap.new_identified) for gap in change.shortfall] == [("2014/15", Decimal(460), Decimal(0))]
    assert [(gap.old_risk_adjusted, gap.new_risk_adjusted) for gap in diff.shortfall_totals] == [(Decimal(1000), Decimal("545.5"))]
    table = render_table(diff)
    assert "shortfall 2014/15: identified £460k -> £0k, risk-adjusted £1,000k -> £545.5k" in table
    assert "Shortfall totals (summed plan by plan):" in table
    data = json.loads(render_json(diff))
    assert data["shortfall_totals"][0]["new"]["risk_adjusted"] == 545.5


def test_unchanged_confidence_and_shortfall_are_not_listed() -> None:
    before = run(judged(amber_plan(), "amber", "10", "20"), dt.date(2014, 6, 30))
    after = run(judged(amber_plan(), "amber", "10", "20"), dt.date(2014, 9, 30))
    diff = diff_assessments(before, after)
    assert diff.changed == [] and diff.shortfall_totals == []


def test_assessments_saved_without_confidence_or_shortfall_are_not_compared_on_them() -> None:
    before = assessment([amber_plan()], as_of=dt.date(2014, 6, 30))
    after = run(judged(amber_plan(), "amber/green", "460", "460"), dt.date(2014, 9, 30))
    diff = diff_assessments(before, after)
    assert diff.changed == [] and diff.shortfall_totals == []
