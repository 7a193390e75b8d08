"""Generic metrics users point their own rules at, the shared figures, and how metrics word things."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from metric_cases import DEFAULT_AS_OF, measure, rule
from planbuilder import build, make_plan
from qipp_rag.rating import make_finding
from qipp_rag.rulebook.measure import Measurement, MetricContext
from qipp_rag.rulebook.metrics import figures
from qipp_rag.rulebook.metrics.figures import DEFAULT_STAGE_FACTORS
from qipp_rag.rulebook.metrics._support import Lines, amount, capped, money, nearest, parse_path, pct
from qipp_rag.rulebook.registry import PLAN_METRICS


def run(name: str, plan=None, **params) -> Measurement:
    context = MetricContext(plan=plan or build(), stage_factors=DEFAULT_STAGE_FACTORS, as_of=DEFAULT_AS_OF, params=params)
    return PLAN_METRICS[name](context)


# ---------------------------------------------------------------- figures


def test_identified_by_year_sums_live_schemes_in_period_order() -> None:
    plan = build({"years": 3, "schemes": [
        {"savings": {"2014/15": 100, "2015/16": 200, "2016/17": None}},
        {"savings": {"2014/15": Decimal("0.5"), "2015/16": 0, "2016/17": 7}},
        {"stage": "cancelled", "savings": {"2014/15": 1000, "2015/16": 1000, "2016/17": 1000}},
    ]})
    assert figures.identified_by_year(plan) == {"2014/15": Decimal("100.5"), "2015/16": Decimal(200), "2016/17": Decimal(7)}
    assert list(figures.identified_by_year(plan)) == plan.period


def test_risk_adjusted_by_year_weights_each_scheme_by_its_stage() -> None:
    plan = build({"schemes": [
        {"stage": "identified", "savings": {"2014/15": 1000, "2015/16": 10}},
        {"stage": "planned", "savings": {"2014/15": 1000, "2015/16": None}},
        {"stage": "in_delivery", "savings": {"2014/15": 1000, "2015/16": 0}},
        {"stage": "delivered", "savings": {"2014/15": 1000, "2015/16": 0}},
        {"stage": "cancelled", "savings": {"2014/15": 1000, "2015/16": 1000}},
    ]})
    assert figures.risk_adjusted_by_year(plan, DEFAULT_STAGE_FACTORS) == {"2014/15": Decimal(3000), "2015/16": Decimal(4)}


def test_risk_adjustment_uses_the_packs_factors_and_defaults_for_any_left_out() -> None:
    plan = build({"schemes": [{"stage": "identified", "savings": {"2014/15": 1000}}, {"stage": "planned", "savings": {"2014/15": 1000}}]})
    adjusted = figures.risk_adjusted_by_year(plan, {"identified": Decimal("0.123456789012345678901234567")})
    assert adjusted["2014/15"] == Decimal("123.456789012345678901234567") + Decimal(700)  # exact, however many places


def test_one_scheme_with_no_saving_for_a_year_saves_nothing_that_year() -> None:
    plan = make_plan(savings=[{"2014/15": 10}])
    assert figures.identified_by_year(plan)["2015/16"] == 0
    assert figures.risk_adjusted_by_year(plan, DEFAULT_STAGE_FACTORS)["2015/16"] == 0


# ---------------------------------------------------------------- field_present, flag_true, frequency_at_least


def test_field_present_reads_any_dotted_path() -> None:
    found = run("field_present", path="organisation.area_team")
    assert (found.value, found.loc) == (Decimal(1), ("organisation", "area_team"))
    assert found.message == "`organisation.area_team`: Q50"


def test_field_present_quotes_what_it_found_briefly() -> None:
    assert run("field_present", path="governance.pmo").message == "`governance.pmo`: given"
    assert run("field_present", path="schemes").message == "`schemes`: 3 entries"
    long = build({"governance": {"senior_responsible_owner": {"name": "Jane\n" + "x" * 300}}})
    message = run("field_present", long, path="governance.senior_responsible_owner.name").message
    quoted = message.split(": ", 1)[1]
    assert len(quoted) == 80 and quoted.startswith("Jane x") and quoted.endswith("…")


def test_field_present_follows_list_indices() -> None:
    plan = build({"schemes": [{}, {"lead": None}]})
    assert run("field_present", plan, path="schemes.0.lead").value == 1
    missing = run("field_present", plan, path="schemes.1.lead")
    assert (missing.value, missing.loc) == (Decimal(0), ("schemes", 1))
    assert run("field_present", plan, path="schemes.7.lead").loc == ("schemes",)


def test_field_present_counts_false_and_zero_as_given() -> None:
    plan = build({"engagement": {"provider_contracts_aligned": False}, "governance": {"contingency": 0}})
    assert run("field_present", plan, path="engagement.provider_contracts_aligned").value == 1
    assert run("field_present", plan, path="governance.contingency").value == 1


def test_a_path_the_format_does_not_have_is_na_with_the_nearest_key() -> None:
    result = run("field_present", path="governance.senior_responsible_owner.nme")
    assert result.value is None
    assert "`nme` is not a key of governance.senior_responsible_owner" in result.message
    assert "did you mean `name`?" in result.message


@pytest.mark.parametrize("path", [None, "", 3, "   "])
def test_a_missing_or_malformed_path_is_na(path: object) -> None:
    assert run("field_present", path=path).value is None
    assert run("flag_true", path=path).value is None


def test_flag_true_distinguishes_true_false_and_absent() -> None:
    assert run("flag_true", path="engagement.provider_cips_reconciled").value == 1
    plan = build({"engagement": {"provider_cips_reconciled": False}})
    assert run("flag_true", plan, path="engagement.provider_cips_reconciled").value == 0
    plan = build({"engagement": None})
    absent = run("flag_true", plan, path="engagement.provider_cips_reconciled", what="reconciled")
    assert (absent.value, absent.loc) == (Decimal(0), ())
    assert absent.message == "reconciled: not stated (the plan has no `engagement`)"


@pytest.mark.parametrize(
    ("meets", "at_least", "score"),
    [("weekly", "weekly", 2), ("fortnightly", "weekly", 1), ("quarterly", "quarterly", 2), ("annually", "quarterly", 1), ("monthly", "fortnightly", 1)],
)
def test_frequency_at_least_scores_against_any_threshold(meets: str, at_least: str, score: int) -> None:
    plan = build({"governance": {"programme_board": {"meets": meets}}})
    assert run("frequency_at_least", plan, path="governance.programme_board.meets", at_least=at_least).value == score


def test_frequency_at_least_rejects_an_unknown_frequency() -> None:
    result = run("frequency_at_least", path="governance.pmo.meets", at_least="daily")
    assert result.value is None and "`at_least` must be one of" in result.message


# ---------------------------------------------------------------- shares of value


def test_share_of_value_with_takes_several_fields_that_must_all_be_given() -> None:
    plan = build({"schemes": [{"savings": {"2014/15": 30}}, {"savings": {"2014/15": 70}, "provider": None}]})
    assert run("share_of_value_with", plan, field=["lead", "provider"]).value == 30
    assert run("share_of_value_with", plan, field="lead").value == 100


def test_share_of_value_with_a_floor_measures_only_schemes_at_or_above_it() -> None:
    plan = build({"schemes": [{"savings": {"2014/15": 100}, "lead": None}, {"savings": {"2014/15": 300}}]})
    assert run("share_of_value_with", plan, field="lead", min_saving=100).value == 75
    assert run("share_of_value_with", plan, field="lead", min_saving=Decimal("100.00001")).value == 100
    assert run("share_of_value_with", plan, field="lead", min_saving=301).value is None
    assert run("share_of_value_with", plan, field="lead", min_saving="lots").value is None


def test_share_of_value_evidence_lists_the_largest_gaps_first_and_is_capped() -> None:
    plan = build({"schemes": [{"savings": {"2014/15": n}, "lead": None if n % 2 else "L"} for n in range(1, 21)]})
    result = run("share_of_value_with", plan, field="lead", **{"with": "with a named lead"})
    assert result.evidence[0] == "scheme S19 'Scheme 19' saves 19 in 2014/15: no `lead`"
    assert len(result.evidence) == 12 and result.evidence[-1] == "... and 9 more"
    assert result.loc == ("schemes", 18)


def test_share_of_value_in_stages_validates_its_stages() -> None:
    assert run("share_of_value_in_stages", stages=["delivered"]).value == pytest.approx(Decimal(100) / 3)
    assert run("share_of_value_in_stages", stages=["finished"]).value is None
    assert run("share_of_value_in_stages").value is None


def test_kpi_share_validates_its_domains() -> None:
    assert run("share_of_value_with_kpis", all_of=["finance"], any_of=[]).value == 100
    assert run("share_of_value_with_kpis", all_of=["money"]).value is None
    assert run("share_of_value_with_kpis", all_of=[], any_of=[]).value is None


def test_high_risk_threshold_is_a_parameter() -> None:
    plan = build({"schemes": [{"risks": [{"description": "r", "likelihood": 3, "impact": 4}]}]})
    assert run("unmitigated_high_risks", plan, min_score=12).value == 1
    assert run("unmitigated_high_risks", plan, min_score=15).value == 0
    assert run("unmitigated_high_risks", plan, min_score="high").value is None


def test_assumption_years_takes_its_keys_as_a_parameter() -> None:
    plan = build({"assumptions": {"elective_growth": {"2014/15": 1}}})
    result = run("assumption_years", plan, keys=["elective_growth"])
    assert (result.value, result.display) == (Decimal(50), Decimal(1))
    assert run("assumption_years", plan, keys=["weather"]).value is None


# ---------------------------------------------------------------- TR01 per year, TR02 unbounded


def test_tr01_gives_every_year_with_its_own_location() -> None:
    plan = build({"years": 3, "target": {"2014/15": 1000, "2015/16": 8000, "2016/17": 3000}})
    result = measure(rule("TR01"), plan)
    assert [year.value for year in result.per_year] == [Decimal(1), Decimal(8), Decimal(3)]
    assert [year.loc for year in result.per_year] == [("target", "2014/15"), ("target", "2015/16"), ("target", "2016/17")]
    assert result.value == Decimal(1)  # the first year's; the engine picks the reported year
    assert "2015/16 8.00 %" in result.message


def test_tr02_growth_from_nothing_is_red_under_any_finite_band() -> None:
    plan = build({"schemes": [{"savings": {"2014/15": 0, "2015/16": Decimal("0.00001")}}]})
    result = measure(rule("TR02"), plan)
    assert result.value is not None and not result.value.is_finite()  # beyond every finite band edge
    assert rule("TR02").rate(result.value) == "red"
    assert "no finite ratio" in result.message
    finding = make_finding(rule("TR02"), result)
    assert finding.rating == "red" and finding.value is None


# ---------------------------------------------------------------- wording and paths


def test_money_and_amounts_read_as_written() -> None:
    assert money(Decimal("4625")) == "£4,625k"
    assert money(Decimal("1200.50")) == "£1,200.5k"
    assert money(Decimal("0")) == "£0k"
    assert money(Decimal("1E+3")) == "£1,000k"
    assert amount(Decimal("0.00001")) == "0.00001"
    assert pct(Decimal("92.125")) == "92.12 %"  # half-even, as the JSON shows it


def test_capped_keeps_short_lists_whole() -> None:
    assert capped(["a", "b"], 3) == ("a", "b")
    assert capped(["a", "b", "c", "d"], 3) == ("a", "b", "... and 2 more")


@pytest.mark.parametrize("count", [0, 1, 11, 12, 13, 40])
def test_lazy_evidence_words_only_the_lines_it_keeps(count: int) -> None:
    worded: list[int] = []

    def line(number: int) -> str:
        worded.append(number)
        return f"line {number}"

    half = count // 2
    lines = Lines(range(half), line).add(range(half, count), lambda n: line(n).upper())
    eager = [f"line {n}" for n in range(half)] + [f"LINE {n}" for n in range(half, count)]
    assert len(lines) == count
    assert capped(lines) == capped(eager)
    assert worded == list(range(min(count, 12 if count <= 12 else 11)))


def test_a_rule_path_is_checked_against_the_format_once(monkeypatch: pytest.MonkeyPatch) -> None:
    from qipp_rag.rulebook.metrics import _support

    checked: list[tuple[object, ...]] = []
    real = _support.check_path

    def counting(prefix: tuple[str | int, ...], path: tuple[str | int, ...]) -> None:
        checked.append(path)
        real(prefix, path)

    monkeypatch.setattr(_support, "check_path", counting)
    _support._path_problem.cache_clear()
    try:
        good, bad = parse_path("governance.pmo.lead"), parse_path("governance.pmo.leed")
        for _ in range(3):
            _support.check_path_once((), good)
            with pytest.raises(_support.PathError, match="did you mean `lead`"):
                _support.check_path_once((), bad)
        assert checked == [good, bad]
    finally:
        _support._path_problem.cache_clear()
    plans = [build({"governance": {"pmo": {"lead": f"Lead {n}", "meets": "monthly"}}}) for n in range(3)]
    assert [run("field_present", plan, path="governance.pmo.lead").value for plan in plans] == [1, 1, 1]


def test_nearest_stops_at_the_last_written_key() -> None:
    plan = build({"governance": {"pmo": None}})
    assert nearest(plan, ("governance", "pmo", "meets")) == ("governance",)
    assert nearest(plan, ("governance", "approved", "date")) == ("governance", "approved", "date")
    assert nearest(build({"governance": None}), ("governance", "pmo")) == ()


def test_every_metric_returns_a_measurement_with_a_message_for_the_base_plan() -> None:
    plan = build()
    ours = {name: function for name, function in PLAN_METRICS.items() if function.__module__.startswith("qipp_rag.rulebook.metrics")}
    assert len(ours) >= 20
    for name, function in ours.items():
        result = function(MetricContext(plan=plan, stage_factors=DEFAULT_STAGE_FACTORS, as_of=dt.date(2014, 9, 30), params={}))
        assert isinstance(result, Measurement) and result.message, name
        assert result.value is None or result.value.is_finite(), name
