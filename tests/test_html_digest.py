"""The HTML report's first screen: scope, shortfall summed plan by plan, worst-first order, paths and codes."""

from __future__ import annotations

from decimal import Decimal as D

from html_fixtures import parse_html, sample_assessment
from qipp_rag.reporters import html as html_report
from qipp_rag.reporters import html_digest as digest
from qipp_rag.results import OrganisationInfo, PlanFigures, PlanResult


def _plan(target: str, identified: str, risk_adjusted: str, rating: str = "amber") -> PlanResult:
    year = "2014/15"
    figures = PlanFigures(
        years=[year],
        allocation={year: D(100000)},
        target={year: D(target)},
        identified={year: D(identified)},
        risk_adjusted={year: D(risk_adjusted)},
    )
    return PlanResult(file="x.yaml", organisation=OrganisationInfo(code="03Q"), rating=rating, figures=figures)  # type: ignore[arg-type]


def test_one_plans_surplus_never_hides_anothers_gap():
    short = _plan("1000", "700", "400")  # 300 and 600 short
    surplus = _plan("1000", "5000", "4000")  # far over target
    total = digest.shortfall_totals([digest.shortfall(short), digest.shortfall(surplus), None])
    assert total.identified == {"2014/15": D(300)} and total.risk_adjusted == {"2014/15": D(600)}
    assert digest.shortfall(_plan("1000", "700", "400", rating="error")) is None


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
