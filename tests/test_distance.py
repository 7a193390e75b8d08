"""Distance to green: from the bands of the pack in force, rounded up to 2 places, and the least amount that moves."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from metric_cases import measure, rule
from planbuilder import build, make_plan
from qipp_rag.distance import amount_to, distance, in_words
from qipp_rag.rating import make_finding
from qipp_rag.rulebook.measure import Share
from qipp_rag.rulebook.models import BandSpec, RuleSpec

D = Decimal


def spec(green: dict, amber: dict | None, more_is_better: bool = True) -> RuleSpec:
    return RuleSpec.model_validate(
        {
            "id": "X1",
            "title": "t",
            "criterion": "savings_plan",
            "measures": "m",
            "unit": "percent",
            "metric": "identified_coverage",
            "green": green,
            "amber": amber,
            "rationale": "r",
            "remediation": "r",
        }
    )


def share(numerator: str, denominator: str, more: bool = True) -> Share:
    return Share(D(numerator), D(denominator), more, "2015/16", "identify {amount} more in {year}")


def test_at_least_rule_needs_threshold_times_denominator_less_numerator() -> None:
    found = distance(spec({"min": 100}, {"min": 90}), "red", share("8540", "9000"))
    assert found is not None
    assert (found.to_green, found.to_amber, found.year) == (D("460.00"), D("0.00"), "2015/16")
    assert in_words(found, share("8540", "9000")) == "identify £460k more in 2015/16 to be green (£0 to leave red)"


def test_amber_findings_have_no_to_amber() -> None:
    found = distance(spec({"min": 100}, {"min": 90}), "amber", share("8540", "9000"))
    assert found is not None and found.to_amber is None
    assert in_words(found, share("8540", "9000")) == "identify £460k more in 2015/16 to be green"


@pytest.mark.parametrize("rating", ["green", "n/a", "waived"])
def test_only_amber_and_red_findings_carry_a_distance(rating: str) -> None:
    assert distance(spec({"min": 100}, {"min": 90}), rating, share("1", "9000")) is None


def test_amounts_round_up_to_two_places() -> None:
    # 95 % of 1000/3 is 316.666...: 316.67 is the least amount that reaches it
    assert amount_to(BandSpec(min=D(95)), Share(D(0), Fraction(1000, 3), True, "y", "")) == D("316.67")
    assert amount_to(BandSpec(min=D(100)), share("0.001", "1")) == D("1.00")


def test_at_most_rule_needs_numerator_less_threshold_times_denominator() -> None:
    # TR07-like: the largest scheme is 1400 of 2800; at most 40 % is 1120, so 280 must move
    assert amount_to(BandSpec(max=D(40)), share("1400", "2800", more=False)) == D("280.00")


def test_an_edge_that_excludes_itself_needs_a_step_beyond_it() -> None:
    assert amount_to(BandSpec(above=D(90)), share("80", "100")) == D("10.01")
    assert amount_to(BandSpec(below=D(10)), share("20", "100", more=False)) == D("10.01")


def test_a_band_without_the_bound_money_can_reach_gives_no_distance() -> None:
    assert amount_to(BandSpec(max=D(50)), share("80", "100")) is None
    assert amount_to(None, share("80", "100")) is None
    assert distance(spec({"max": 50}, None), "red", share("80", "100")) is None


def test_a_red_rule_without_an_amber_band_has_no_to_amber() -> None:
    found = distance(spec({"min": 100}, None), "red", share("80", "100"))
    assert found is not None and (found.to_green, found.to_amber) == (D("20.00"), None)


def test_a_users_own_pack_moves_the_distance() -> None:
    default = make_finding(rule("SP02"), measure(rule("SP02"), make_plan(target=2000, savings=[600, 600, 600])))
    lenient = rule("SP02").model_copy(update={"green": BandSpec(min=D(95)), "amber": BandSpec(min=D(80))})
    own = make_finding(lenient, measure(lenient, make_plan(target=2000, savings=[600, 600, 600])))
    assert default.distance is not None and own.distance is not None
    assert (default.rating, default.distance.to_green, default.distance.to_amber) == ("amber", D("200.00"), None)
    assert (own.rating, own.distance.to_green, own.distance.to_amber) == ("amber", D("100.00"), None)
    assert "identify £200k more in 2014/15 to be green" in default.message


def test_the_rated_year_of_a_per_year_rule_is_the_year_spoken_of() -> None:
    plan = make_plan(target=2000, savings=[{"2014/15": 800, "2015/16": 500}, {"2014/15": 800, "2015/16": 500}, {"2014/15": 800, "2015/16": 500}])
    finding = make_finding(rule("SP02"), measure(rule("SP02"), plan))
    assert finding.distance is not None
    assert (finding.rating, finding.distance.year, finding.distance.to_green, finding.distance.to_amber) == ("red", "2015/16", D("500.00"), D("300.00"))


@pytest.mark.parametrize("rule_id", ["TR01", "TR02", "TR05", "DL05", "DL07", "GV07", "QL04", "SP01", "GV01"])
def test_rules_that_cannot_say_it_in_money_carry_no_distance(rule_id: str) -> None:
    plan = build({"delivery_as_of": "2014-05-31", "target": {"2014/15": 9000}, "allocation": {"2014/15": 100000}, "governance": {"contingency": 1},
                  "schemes": [{"delivery": {"planned_to_date": 100, "actual_to_date": 10, "forecast_outturn": 800}}]})
    finding = make_finding(rule(rule_id), measure(rule(rule_id), plan))
    assert finding.distance is None


# ---------------------------------------------------------------- laws

at_least = st.sampled_from(["SP02", "SP03", "SP04", "GV08", "GV09", "TR04", "QL01", "QL03", "DL01", "DL02", "DL04", "DL06"])
money = st.decimals(min_value=0, max_value=10**6, places=2)
positive = st.decimals(min_value=D("0.01"), max_value=10**6, places=2)


@given(at_least, money, positive)
def test_adding_to_green_to_the_numerator_makes_an_at_least_finding_green(rule_id: str, numerator: Decimal, denominator: Decimal) -> None:
    band = rule(rule_id)
    found = distance(band, band.rate(numerator * 100 / denominator), Share(numerator, denominator, True, "y", ""))
    if found is None:
        return
    assert band.rate((numerator + found.to_green) * 100 / denominator) == "green"
    less = found.to_green - D("0.01")
    if less >= 0:
        assert band.rate((numerator + less) * 100 / denominator) != "green"
    if found.to_amber is not None:
        assert band.rate((numerator + found.to_amber) * 100 / denominator) in ("amber", "green")


@given(st.sampled_from(["TR03", "TR06", "TR07", "QL02"]), positive, positive)
def test_taking_to_green_from_the_numerator_makes_an_at_most_finding_green(rule_id: str, numerator: Decimal, denominator: Decimal) -> None:
    band = rule(rule_id)
    found = distance(band, band.rate(numerator * 100 / denominator), Share(numerator, denominator, False, "y", ""))
    if found is None:
        return
    assert band.rate((numerator - found.to_green) * 100 / denominator) == "green"
    less = found.to_green - D("0.01")
    if less >= 0:
        assert band.rate((numerator - less) * 100 / denominator) != "green"
