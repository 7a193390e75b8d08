"""The HTML report's first screen: scope, shortfall summed plan by plan, worst-first order, paths and codes."""

from __future__ import annotations

from decimal import Decimal as D

from html_fixtures import parse_html, sample_assessment
from qipp_rag.reporters import html as html_report
from qipp_rag.reporters import html_digest as digest
from qipp_rag.results import Band, Distance, OrganisationInfo, PlanFigures, PlanResult, RuleInfo, Shortfall


def _plan(target: str, identified: str, risk_adjusted: str, rating: str = "amber", gaps: dict | None = None) -> PlanResult:
    """A one-year plan; its ``shortfall`` is ``gaps`` (year -> (identified, risk-adjusted)) when given."""
    year = "2014/15"
    figures = PlanFigures(
        years=[year],
        allocation={year: D(100000)},
        target={year: D(target)},
        identified={year: D(identified)},
        risk_adjusted={year: D(risk_adjusted)},
    )
    shortfall = {y: Shortfall(identified=D(i), risk_adjusted=D(r)) for y, (i, r) in (gaps or {}).items()} if gaps is not None else None
    return PlanResult(file="x.yaml", organisation=OrganisationInfo(code="03Q"), rating=rating, figures=figures, shortfall=shortfall)  # type: ignore[arg-type]


def test_one_plans_surplus_never_hides_anothers_gap():
    short = _plan("1000", "700", "400", gaps={"2014/15": ("300", "600")})
    surplus = _plan("1000", "5000", "4000", gaps={"2014/15": ("0", "0")})
    total = digest.shortfall_totals([digest.shortfall(short), digest.shortfall(surplus), None])
    assert total.identified == {"2014/15": D(300)} and total.risk_adjusted == {"2014/15": D(600)}
    assert digest.shortfall(_plan("1000", "700", "400", rating="error")) is None


def test_the_shortfall_is_the_plans_own_field_never_worked_out_again_from_its_figures():
    # The figures say 300 and 600 short; the plan's shortfall (what the JSON contract gives) is what is shown.
    plan = _plan("1000", "700", "400", gaps={"2014/15": ("12.5", "34.25"), "2015/16": ("0", "7")})
    found = digest.shortfall(plan)
    assert found is not None
    assert found.identified == {"2014/15": D("12.5"), "2015/16": D(0)} and found.risk_adjusted == {"2014/15": D("34.25"), "2015/16": D(7)}
    assert found.total == D("41.25")
    assert digest.shortfall(_plan("1000", "700", "400")) is None  # a saved assessment without the field: no figure made up


def _rule(green: Band) -> RuleInfo:
    return RuleInfo(id="SP02", title="t", criterion="savings_plan", measures="m", unit="percent", critical=True, applies_to=["ccg"],
                    green=green, amber=None, rationale="r", remediation="x", basis="b", pack="p")


def test_the_distance_to_green_says_how_much_more_or_less_money_in_which_year():
    more, less = _rule(Band(min=D(100))), _rule(Band(max=D(10)))
    assert digest.distance_text(Distance(to_green=D("460.00"), year="2015/16"), more) == "£460k more in 2015/16 to be green"
    assert digest.distance_text(Distance(to_green=D("1534.20"), to_amber=D("868.75"), year="2016/17"), more) == (
        "£1,534.2k more in 2016/17 to be green (£868.75k to leave red)"
    )
    assert digest.distance_text(Distance(to_green=D("0.35"), year="2014/15"), less) == "£0.35k less in 2014/15 to be green"
    assert digest.distance_text(Distance(to_green=D("5"), to_amber=D("0.00"), year="2014/15"), None) == "£5k in 2014/15 to be green (£0 to leave red)"
    assert digest.distance_text(None, more) is None


def test_absolute_plan_paths_are_shown_from_the_runs_own_folder():
    files = ["/tmp/pytest-of-x/run7/plans/north/03Q-york.yaml", "/tmp/pytest-of-x/run7/plans/south/10Q-ox.yaml"]
    shown = digest.display_paths([*files, "plans/relative.yaml"])
    assert shown[files[0]] == "plans/north/03Q-york.yaml" and shown[files[1]] == "plans/south/10Q-ox.yaml"
    assert shown["plans/relative.yaml"] == "plans/relative.yaml"
    assert digest.display_paths(["/home/me/03Q.yaml"]) == {"/home/me/03Q.yaml": "me/03Q.yaml"}
    assert digest.display_paths(["C:\\Users\\me\\plans\\03Q.yaml"])["C:\\Users\\me\\plans\\03Q.yaml"] == "plans/03Q.yaml"


def test_an_organisation_code_is_read_from_the_start_of_a_file_name():
    assert digest.code_from_file("plans/north/Q50/03Q-vale-of-york.yaml") == "03Q"
    assert digest.code_from_file("Q69-area-team-2014.yaml") == "Q69"
    assert digest.code_from_file("03Q.yaml") == "03Q"
    assert digest.code_from_file("broken.yaml") is None and digest.code_from_file("03QX-long.yaml") is None


def test_an_unreadable_plan_is_named_by_its_path_in_the_run_and_code_never_a_temporary_folder():
    sample = sample_assessment()
    broken = next(plan for plan in sample.plans if plan.rating == "error")
    moved = broken.model_copy(update={"file": "/tmp/tmpab12cd/plans/07L-barking.yaml", "organisation": OrganisationInfo()})
    others = [plan.model_copy(update={"file": "/tmp/tmpab12cd/" + plan.file}) for plan in sample.plans if plan is not broken]
    page = html_report.render(sample.model_copy(update={"plans": [moved, *others]}))
    assert "/tmp/tmpab12cd" not in page
    unreadable = parse_html(page).by_id("action").text()
    assert "plans/07L-barking.yaml" in unreadable and "organisation 07L" in unreadable


def test_scope_names_the_region_or_england():
    labels = {"london": "London", "north": "North", "south": "South", "midlands_and_east": "Midlands and East"}
    assert digest.scope(["london", "london", None], labels) == "London region"
    assert digest.scope(["london", "north", "south", "midlands_and_east"], labels) == "England"
    assert digest.scope(["london", "north"], labels) == "2 regions"
    assert digest.scope([], labels) == "no plans"


def test_the_first_step_is_the_first_sentence_of_the_remediation():
    assert digest.first_step("Name the owner under `governance.sro`. Then tell the board.") == "Name the owner under `governance.sro`."
    assert digest.first_step("Check the target against the financial plan.") == "Check the target against the financial plan."


def test_failures_by_rule_count_plans_most_reds_first():
    sample = sample_assessment()
    failures = digest.failures_by_rule(sample.plans, sample.rules, {})
    reds = [item.red for item in failures]
    assert reds == sorted(reds, reverse=True) and all(item.red or item.amber for item in failures)
    sp02 = next(item for item in failures if item.rule == "SP02")
    assert sp02.red == sum(1 for plan in sample.plans if any(f.rule == "SP02" and f.rating == "red" for f in plan.findings))


def test_years_and_money_as_shown():
    assert digest.years_text(["2014/15", "2015/16", "2016/17"]) == "2014/15 to 2016/17"
    assert digest.years_text([]) == "—"
    assert digest.pounds(D("845.4")) == "£845k" and digest.pounds(D("1250")) == "£1.3m"


def test_within_a_rating_the_lower_delivery_confidence_comes_first():
    base = _plan("1000", "700", "400", rating="red", gaps={"2014/15": ("300", "600")})
    red, amber_red = base.model_copy(update={"confidence": "red"}), base.model_copy(update={"confidence": "amber/red"})
    assert digest.severity(red, {}, digest.shortfall(red)) < digest.severity(amber_red, {}, digest.shortfall(amber_red))
    amber = _plan("1000", "700", "400", gaps={"2014/15": ("300", "600")}).model_copy(update={"confidence": "amber"})
    assert digest.severity(amber_red, {}, None) < digest.severity(amber, {}, None)  # the rating still comes first
