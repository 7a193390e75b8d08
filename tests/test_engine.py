"""The rule engine with small fake metrics, packs and plans: banding, per-year rules, the plan
rating policy, cross-plan rules, waivers, narrowing and figures."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest

from qipp_rag import engine
from qipp_rag import waivers as waivers_module
from qipp_rag.engine import AssessOptions, OptionError, assess
from qipp_rag.rating import make_finding, plan_rating
from qipp_rag.rulebook.measure import Measurement
from qipp_rag.rulebook.packs import Rulebook
from qipp_rag.results import Finding, Problem, to_json
from qipp_rag.waivers import Waiver

from engine_support import CODE_METRIC, PAIR_METRIC, YEARS_METRIC, FakeSource, MemoryLoader, make_plan, rule

AS_OF = dt.date(2014, 6, 1)


def finding(rule_id: str, rating: str) -> Finding:
    return Finding(rule=rule_id, rating=rating, value=None, message="")


# ---------------------------------------------------------------- banding one measurement


@pytest.mark.parametrize(
    ("value", "rating"),
    [("95", "green"), ("90", "green"), ("89.999", "amber"), ("50", "amber"), ("49.99", "red"), ("0", "red")],
)
def test_bands_include_their_edges_and_use_the_exact_value(value: str, rating: str) -> None:
    result = make_finding(rule("R1"), Measurement(Decimal(value), "m"))
    assert result.rating == rating
    assert result.value == Decimal(value)


def test_a_measurement_without_a_value_is_na_with_its_reason() -> None:
    result = make_finding(rule("R1"), Measurement(None, "no delivery data yet"))
    assert (result.rating, result.value, result.message) == ("n/a", None, "no delivery data yet")


def test_a_check_rule_shows_no_value_and_display_overrides_the_value_shown() -> None:
    check = make_finding(rule("R1", unit="check", green={"min": 1}, amber={}), Measurement(Decimal(0), "no PMO"))
    assert (check.rating, check.value) == ("amber", None)
    shown = make_finding(rule("R2", unit="count"), Measurement(Decimal("66.6"), "2 of 3 years", display=Decimal(2)))
    assert (shown.rating, shown.value) == ("amber", Decimal(2))


def test_the_location_is_resolved_through_the_source_map() -> None:
    result = make_finding(rule("R1"), Measurement(Decimal(1), "m", loc=("schemes", 2, "savings")), FakeSource().locate)
    assert result.location is not None
    assert (result.location.line, result.location.column, result.location.path) == (4, 3, "schemes[2].savings")
    assert make_finding(rule("R1"), Measurement(Decimal(1), "m")).location is None


def _years(*values: str | None) -> Measurement:
    years = tuple(Measurement(None if v is None else Decimal(v), f"year {i}: {v}", loc=("target", i)) for i, v in enumerate(values))
    return Measurement(years[0].value, "overall", ("all years",), years[0].loc, years)


def test_a_per_year_rule_takes_the_worst_year_and_reports_the_earliest_such_year() -> None:
    result = make_finding(rule("TR"), _years("95", "60", "10", "5", "100"), FakeSource().locate)
    assert (result.rating, result.value, result.message) == ("red", Decimal(10), "year 2: 10")
    assert result.location is not None and result.location.path == "target[2]"
    assert result.evidence == ["all years"]


def test_a_per_year_rule_skips_years_with_nothing_to_measure() -> None:
    assert make_finding(rule("TR"), _years(None, "70")).rating == "amber"
    all_na = make_finding(rule("TR"), _years(None, None))
    assert (all_na.rating, all_na.value, all_na.message) == ("n/a", None, "overall")


def test_a_two_sided_green_band_rates_each_side() -> None:
    tr01 = rule("TR01", green={"min": 1, "max": 5}, amber={"max": 7})
    assert [make_finding(tr01, _years(v)).rating for v in ("0.5", "1", "5", "6", "7", "7.01")] == ["amber", "green", "green", "amber", "amber", "red"]


# ---------------------------------------------------------------- rating a plan


CRITICAL = {"C1": True, "C2": True, "N1": False, "N2": False}


@pytest.mark.parametrize(
    ("ratings", "expected"),
    [
        ({"C1": "red", "N1": "green"}, "red"),
        ({"C1": "green", "N1": "red"}, "amber"),
        ({"C1": "amber", "N1": "green"}, "amber"),
        ({"C1": "green", "N1": "amber"}, "amber"),
        ({"C1": "green", "C2": "green", "N1": "green"}, "green"),
        ({"C1": "n/a", "N1": "n/a"}, "green"),
        ({"C1": "waived", "N1": "waived"}, "green"),
        ({"C1": "waived", "N1": "red"}, "amber"),
        ({}, "green"),
    ],
)
def test_the_plan_rating_policy(ratings: dict[str, str], expected: str) -> None:
    assert plan_rating([finding(rule_id, rating) for rule_id, rating in ratings.items()], CRITICAL) == expected


def test_a_pack_with_every_rule_critical_gets_plain_worst_of() -> None:
    all_critical = {"A": True, "B": True}
    for a in ("green", "amber", "red", "n/a"):
        for b in ("green", "amber", "red", "n/a"):
            counted = [r for r in (a, b) if r != "n/a"]
            worst = max(counted, key=["green", "amber", "red"].index) if counted else "green"
            assert plan_rating([finding("A", a), finding("B", b)], all_critical) == worst


# ---------------------------------------------------------------- whole runs over fake plans


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch):
    """run(files, rules, **options) -> Assessment, with plans served from memory and the rules given."""

    def _run(files, rules, *, stage_factors=None, **options):
        MemoryLoader(files).install(monkeypatch)
        book = Rulebook(rules=tuple(rules), origin={r.id: "test-pack" for r in rules}, **({"stage_factors": stage_factors} if stage_factors else {}))
        monkeypatch.setattr(engine, "load_rulebook", lambda paths: (book, []))
        return assess(AssessOptions(paths=("plans",), as_of=AS_OF, jobs=1, **options))

    return _run


def _by_rule(plan) -> dict[str, str]:
    return {f.rule: f.rating for f in plan.findings}


def test_findings_follow_rule_order_and_plans_path_order(run) -> None:
    rules = [rule("Z9", value="95"), rule("A1", value="60"), rule("M5", value=None)]
    result = run({"plans/b.yaml": make_plan("03R"), "plans/a.yaml": make_plan("03Q")}, rules)
    assert [plan.file for plan in result.plans] == ["plans/a.yaml", "plans/b.yaml"]
    assert [f.rule for f in result.plans[0].findings] == ["Z9", "A1", "M5"]
    assert _by_rule(result.plans[0]) == {"Z9": "green", "A1": "amber", "M5": "n/a"}
    assert [info.id for info in result.rules] == ["Z9", "A1", "M5"]


def test_rules_apply_only_to_their_kind_of_organisation(run) -> None:
    rules = [rule("CCG1", value="10", critical=True, applies_to=["ccg"]), rule("AT1", value="95", applies_to=["area_team"])]
    result = run({"plans/ccg.yaml": make_plan("03Q"), "plans/team.yaml": make_plan("Q50", kind="area_team")}, rules)
    ccg, team = result.plans
    assert (_by_rule(ccg), ccg.rating) == ({"CCG1": "red"}, "red")
    assert (_by_rule(team), team.rating) == ({"AT1": "green"}, "green")


def test_only_and_skip_select_rules_by_id_or_glob(run) -> None:
    rules = [rule("GV01", value="95"), rule("GV02", value="95"), rule("SP01", value="95"), rule("TR01", value="95")]
    files = {"plans/a.yaml": make_plan()}
    assert [f.rule for f in run(files, rules, only=("GV*", "tr01")).plans[0].findings] == ["GV01", "GV02", "TR01"]
    assert [f.rule for f in run(files, rules, skip=("GV0?",)).plans[0].findings] == ["SP01", "TR01"]
    assert [f.rule for f in run(files, rules, only=("GV*",), skip=("GV02",)).plans[0].findings] == ["GV01"]


def test_a_selection_that_matches_no_rule_is_an_option_error_with_a_hint(run) -> None:
    with pytest.raises(OptionError, match=r"GV99.*did you mean GV01"):
        run({"plans/a.yaml": make_plan()}, [rule("GV01", value="95")], only=("GV99",))


def test_a_plan_that_failed_to_load_is_rated_error_with_its_problems(run) -> None:
    problems = [Problem(message="unknown key `shemes`", line=7, column=1, path="shemes")]
    result = run({"plans/a.yaml": make_plan(), "plans/bad.yaml": problems}, [rule("R1", value="10", critical=True)])
    good, bad = result.plans
    assert good.rating == "red"
    assert (bad.rating, bad.findings, bad.errors) == ("error", [], problems)
    assert bad.figures is None
    assert result.summary.ratings["error"] == 1


def test_per_year_rules_in_a_run(run) -> None:
    result = run({"plans/a.yaml": make_plan()}, [rule("TR01", metric=YEARS_METRIC, values=["95", "40"], critical=True)])
    (only,) = result.plans[0].findings
    assert (only.rating, only.value, only.message, result.plans[0].rating) == ("red", Decimal(40), "2015/16: 40", "red")
    assert only.location is not None and only.location.path == "target.2015/16"


def test_cross_plan_rules_see_every_plan_even_those_narrowed_out(run) -> None:
    files = {
        "plans/north.yaml": make_plan("03Q", region="north", area_team="Q50"),
        "plans/south.yaml": make_plan("03Q", region="south", area_team="Q70"),
    }
    pf = rule("PF01", metric=PAIR_METRIC, green={"max": 0}, amber=None, criterion="portfolio", critical=True, unit="count")
    result = run(files, [pf], region="north")
    (plan,) = result.plans
    (pf01,) = plan.findings
    assert (pf01.rating, plan.rating) == ("red", "red")
    assert "2 plans seen" in pf01.message and "plans/south.yaml" in pf01.message
    assert pf01.location is not None and pf01.location.path == "organisation.code"
    assert result.summary.plans == 1


def test_narrowing_by_area_team_keeps_its_ccgs_and_its_own_plan(run) -> None:
    files = {
        "plans/a.yaml": make_plan("03Q", area_team="Q50"),
        "plans/b.yaml": make_plan("03R", area_team="Q51"),
        "plans/q50.yaml": make_plan("Q50", kind="area_team"),
        "plans/q51.yaml": make_plan("Q51", kind="area_team"),
    }
    result = run(files, [rule("R1", value="95")], area_team="Q50")
    assert [plan.file for plan in result.plans] == ["plans/a.yaml", "plans/q50.yaml"]
    with pytest.raises(OptionError, match="Q50, Q51"):
        run(files, [rule("R1", value="95")], area_team="Q99")


def test_waivers_turn_red_and_amber_results_to_waived_and_leave_green_alone(run, monkeypatch: pytest.MonkeyPatch) -> None:
    rules = [rule("C1", metric=CODE_METRIC, values={"03Q": "10", "03R": "95"}, critical=True), rule("N1", value="60")]
    files = {"plans/a.yaml": make_plan("03Q"), "plans/b.yaml": make_plan("03R")}
    waivers = [
        Waiver(rule="C1", plan="03Q", reason="recruiting", approved_by="AT lead", approver_organisation="Q50", expires=dt.date(2014, 6, 1)),
        Waiver(rule="C1", plan="plans/b.yaml", reason="n/a", approved_by="AT lead", approver_organisation="Q50", expires=dt.date(2014, 12, 31)),
        Waiver(rule="N1", plan="03Q", reason="old", approved_by="AT lead", expires=dt.date(2014, 5, 31)),
        Waiver(rule="XX1", plan="03Q", reason="typo", approved_by="AT lead", expires=dt.date(2014, 12, 31)),
    ]
    monkeypatch.setattr(waivers_module, "load_waivers", lambda file: (waivers, []))
    result = run(files, rules, waivers="waivers.yaml")
    a, b = result.plans
    c1 = a.findings[0]
    assert c1.rating == "waived" and c1.waiver is not None
    assert (c1.waiver.rating, c1.waiver.reason, c1.waiver.approved_by, c1.waiver.expires) == ("red", "recruiting", "AT lead", dt.date(2014, 6, 1))
    assert c1.value == Decimal(10)  # the measurement stays visible
    assert a.rating == "amber"  # the waived critical red no longer counts; N1 amber (its waiver expired) does
    assert _by_rule(b) == {"C1": "green", "N1": "amber"}
    assert [(w.rule, w.status, w.applied_to) for w in result.waivers] == [
        ("C1", "applied", ["plans/a.yaml"]),
        ("C1", "applied", []),
        ("N1", "expired", []),
        ("XX1", "unmatched", []),
    ]


def test_figures_are_exact_money_by_year_with_the_packs_stage_factors(run) -> None:
    factors = {"delivered": Decimal(1), "in_delivery": Decimal("0.9"), "planned": Decimal("0.5"), "identified": Decimal("0.25"), "cancelled": Decimal(0)}
    result = run({"plans/a.yaml": make_plan()}, [rule("R1", value="95")], stage_factors=factors)
    figures = result.plans[0].figures
    assert figures is not None
    assert figures.years == ["2014/15", "2015/16"]
    assert figures.identified == {"2014/15": Decimal(2000), "2015/16": Decimal(1500)}
    assert figures.risk_adjusted == {"2014/15": Decimal("875.00"), "2015/16": Decimal("750.0")}
    assert figures.delivery is None
    assert result.summary.totals["target"] == {"2014/15": Decimal(2000), "2015/16": Decimal(2000)}


def test_delivery_figures_add_up_live_schemes_reporting_delivery(run) -> None:
    plan = make_plan(
        period=("2014/15",),
        delivery_as_of=dt.date(2014, 9, 30),
        schemes=[
            {"id": "A", "title": "a", "workstream": "w", "stage": "in_delivery", "savings": {"2014/15": 1000},
             "delivery": {"planned_to_date": 400, "actual_to_date": 350, "forecast_outturn": 900}},
            {"id": "B", "title": "b", "workstream": "w", "stage": "delivered", "savings": {"2014/15": 300},
             "delivery": {"planned_to_date": Decimal("100.5"), "actual_to_date": 100, "forecast_outturn": 300}},
            {"id": "C", "title": "c", "workstream": "w", "stage": "cancelled", "savings": {"2014/15": 999},
             "delivery": {"planned_to_date": 999, "actual_to_date": 999, "forecast_outturn": 999}},
        ],
    )
    figures = run({"plans/a.yaml": plan}, [rule("R1", value="95")]).plans[0].figures
    assert figures is not None and figures.delivery is not None
    d = figures.delivery
    assert (d.as_of, d.year, d.planned_to_date, d.actual_to_date, d.forecast_outturn, d.target) == (
        dt.date(2014, 9, 30), "2014/15", Decimal("500.5"), Decimal(450), Decimal(1200), Decimal(2000)
    )


def test_each_plan_is_judged_the_same_whatever_order_discovery_lists_them_in(monkeypatch: pytest.MonkeyPatch) -> None:
    """Plans come out in the order discovery lists them; what each is found, cross-plan rules
    included, and the totals do not depend on that order.  (On disk, discovery sorts: see
    test_assess_determinism.py for the same bytes from files created in other orders.)"""
    files = {f"plans/p{i:02}.yaml": make_plan(f"{i % 7:02}Q") for i in range(12)}
    rules = [rule("R1", value="95"), rule("R2", metric=YEARS_METRIC, values=["80", "95"]), rule("PF", metric=PAIR_METRIC, green={"max": 0}, amber={})]
    book = Rulebook(rules=tuple(rules), origin={r.id: "test-pack" for r in rules})
    monkeypatch.setattr(engine, "load_rulebook", lambda paths: (book, []))

    def assessed(order: list[str]) -> dict:
        MemoryLoader({name: files[name] for name in order}, as_given=True).install(monkeypatch)
        return json.loads(to_json(assess(AssessOptions(paths=("plans",), as_of=AS_OF, jobs=1))))

    forwards = assessed(sorted(files))
    backwards = assessed(sorted(files, reverse=True))
    shuffled_order = sorted(files, key=lambda name: (int(name[7:9]) * 5) % 12)
    shuffled = assessed(shuffled_order)
    assert [plan["file"] for plan in backwards["plans"]] == sorted(files, reverse=True)
    assert [plan["file"] for plan in shuffled["plans"]] == shuffled_order
    for other in (backwards, shuffled):
        assert sorted(other["plans"], key=lambda plan: plan["file"]) == forwards["plans"]
        assert (other["summary"], other["portfolio"]) == (forwards["summary"], forwards["portfolio"])
    pairs = {plan["file"]: next(f["message"] for f in plan["findings"] if f["rule"] == "PF") for plan in backwards["plans"]}
    assert pairs["plans/p00.yaml"] == "12 plans seen; same code in: plans/p07.yaml"


def test_an_empty_input_has_no_plans_and_exits_2(run) -> None:
    from qipp_rag.results import exit_code

    result = run({}, [rule("R1", value="95")])
    assert result.plans == []
    assert [error.message for error in result.errors] == ["no plan files (*.yaml or *.yml) were found under plans"]
    assert exit_code(result, "red") == 2


def test_positions_recorded_in_a_worker_place_paths_like_the_source_map_and_cross_processes() -> None:
    import pickle

    from qipp_rag.positions import Positions

    class Recording(FakeSource):
        def locate(self, loc: tuple) -> tuple[int, int]:
            return 10 * len(loc) + (loc[1] if len(loc) > 1 and isinstance(loc[1], int) else 0), len(loc) + 1

    positions = pickle.loads(pickle.dumps(Positions.record(make_plan(), Recording(), schemes=[1])))
    assert positions.locate(("organisation", "code")) == (20, 3)
    assert positions.locate(("schemes", 1)) == (21, 3)
    assert positions.locate(("schemes", 1, "savings", "2014/15")) == (21, 3)  # deeper: the nearest recorded ancestor
    assert positions.locate(("schemes", 0)) == (10, 2)  # a scheme no cross-plan rule points at: the list
    assert positions.locate(("no_such_key",)) == (0, 1)  # the document itself


def test_worker_count_defaults_to_the_cores_and_never_exceeds_the_files() -> None:
    from qipp_rag.workers import available_cores, worker_count

    assert worker_count(None, 10_000) == available_cores() >= 1
    assert worker_count(8, 3) == min(3, available_cores())
    assert worker_count(4, 0) == 1  # nothing to spread: no pool at all
    assert worker_count(1, 500) == 1
