"""Every default rule, case by case from tests/rules/<RULE>.yaml, rated with the shipped pack's bands."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from metric_cases import CASES, DEFAULT_AS_OF, all_cases, case_files, rate, rule, run_case, shipped_pack, measure
from planbuilder import build, load_yaml
from qipp_rag.rating import make_finding
from qipp_rag.results import round_value

CASE_LIST = all_cases()


@pytest.mark.parametrize(("rule_id", "name", "case"), CASE_LIST, ids=[f"{r}: {n}" for r, n, _ in CASE_LIST])
def test_rule_case(rule_id: str, name: str, case: dict) -> None:
    outcome = run_case(rule_id, case)
    assert outcome.rating == case["rating"], outcome.measurement.message
    if "value" in case:
        expected = None if case["value"] is None else Decimal(case["value"])
        assert outcome.value == expected, outcome.measurement.message
    if "rounded" in case:
        assert round_value(outcome.value) == Decimal(case["rounded"]).quantize(Decimal("0.01"))
    if "display" in case:
        assert outcome.measurement.display == Decimal(case["display"])
    for text in [case["message"]] if isinstance(case.get("message"), str) else case.get("message", []):
        assert text in outcome.measurement.message
    if "loc" in case:
        assert outcome.measurement.loc == tuple(case["loc"])
    if outcome.value is None:
        assert outcome.measurement.message, "an n/a result must say why"


@pytest.mark.parametrize(("rule_id", "name", "case"), CASE_LIST, ids=[f"{r}: {n}" for r, n, _ in CASE_LIST])
def test_the_engine_reports_each_case_as_expected(rule_id: str, name: str, case: dict) -> None:
    """The finding users see: the case's rating, and its value (the display value where a rule has
    one; null for yes/no rules, n/a and a measurement with no finite value)."""
    spec = rule(rule_id)
    finding = make_finding(spec, measure(spec, build(case.get("plan")), case.get("as_of", DEFAULT_AS_OF)))
    assert finding.rating == case["rating"], finding.message
    if spec.unit == "check" or case["rating"] == "n/a":
        assert finding.value is None
    elif "display" in case:
        assert finding.value == Decimal(case["display"])
    elif "value" in case:
        assert finding.value == (None if case["value"] is None else Decimal(case["value"]))
    if "distance" in case:
        expected = case["distance"]
        assert finding.distance is not None, finding.message
        assert finding.distance.to_green == Decimal(str(expected["to_green"]))
        assert finding.distance.to_amber == (None if expected["to_amber"] is None else Decimal(str(expected["to_amber"])))
        assert finding.distance.year == expected["year"]
    if case["rating"] not in ("amber", "red"):
        assert finding.distance is None, "only amber and red findings carry a distance"


def test_every_plan_rule_has_a_case_file() -> None:
    files = {load_yaml(path)["rule"] for path in case_files()}
    plan_rules = {spec.id for spec in shipped_pack().rules if spec.criterion != "portfolio"}
    assert plan_rules <= files, f"rules without cases: {sorted(plan_rules - files)}"


def test_case_files_are_named_for_their_rule() -> None:
    for path in case_files():
        assert load_yaml(path)["rule"] == path.stem


@pytest.mark.parametrize("rule_id", sorted({r for r, _, _ in CASE_LIST}))
def test_cases_reach_every_band(rule_id: str) -> None:
    """Each rule's cases land in every band its ratings allow: green, amber when it has one, red unless amber holds everything."""
    spec = rule(rule_id)
    ratings = {case["rating"] for r, _, case in CASE_LIST if r == rule_id}
    expected = {"green"}
    if spec.amber is not None:
        expected.add("amber")
    if spec.amber is None or spec.amber.model_dump(exclude_none=True):
        expected.add("red")
    assert expected <= ratings, f"{rule_id}: no case rated {sorted(expected - ratings)}"


def test_base_plan_is_green_wherever_measured() -> None:
    """At the end of the first quarter: later, its schemes in delivery that send no returns are DL04 red."""
    plan = build()
    for spec in shipped_pack().rules:
        if spec.criterion == "portfolio":
            continue
        outcome = rate(spec, measure(spec, plan, dt.date(2014, 6, 30)))
        assert outcome.rating in {"green", "n/a"}, f"{spec.id}: {outcome.measurement.message}"
