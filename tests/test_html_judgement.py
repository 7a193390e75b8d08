"""The HTML report's judgement fields: delivery confidence and waived counts beside every rating,
plans by confidence on the first screen, each amber or red money finding's distance to green, and
shortfalls read from each plan's own ``shortfall``."""

from __future__ import annotations

import re
from decimal import Decimal as D

import pytest
from html_fixtures import parse_html, sample_assessment

from qipp_rag.reporters import html as html_report
from qipp_rag.reporters.html_digest import millions, thousands
from qipp_rag.results import Shortfall

LABEL = {"red": "Red", "amber/red": "Amber/red", "amber": "Amber", "amber/green": "Amber/green", "green": "Green"}


@pytest.fixture(scope="module")
def sample():
    return sample_assessment()


@pytest.fixture(scope="module")
def ordered(sample):
    return html_report.worst_first(sample)


@pytest.fixture(scope="module")
def doc(sample):
    return parse_html(html_report.render(sample))


def _words(text: str) -> str:
    return " ".join(text.split())


def _rows(doc):
    body = doc.by_id("plan-table").find_all("tbody")[0]
    return [row for row in body.find_all("tr") if "data-r" in row.attrs]


def _entries(doc):
    return [item for item in doc.by_id("action").find_all("li") if "act" in (item.attrs.get("class") or "").split()]


def test_the_sample_has_every_confidence_waived_results_and_distances(sample):
    # The checks below mean something only if the fixture carries the fields.
    assert {plan.confidence for plan in sample.plans} >= {"red", "amber/red", "amber", "amber/green", "green", None}
    assert any(plan.waived for plan in sample.plans) and any(plan.waived == 0 for plan in sample.plans)
    assert any(finding.distance and finding.distance.to_amber for plan in sample.plans for finding in plan.findings)


def test_each_plan_row_and_section_shows_its_confidence_and_waived_count_beside_its_rating(ordered, doc):
    sections = doc.find_all("section", class_="plan")
    for plan, row, section in zip(ordered, _rows(doc), sections, strict=True):
        rating = _words(row.find_all("td", **{"data-label": "Rating"})[0].text())
        heading = _words(section.find_all("h3")[0].text())
        label = plan.rating.capitalize() if plan.rating != "error" else "Error"
        if plan.confidence is None:
            assert "confidence" not in rating and "confidence" not in heading.lower()
            continue
        waived = f" ({plan.waived} waived)" if plan.waived else ""
        confidence = f"confidence {plan.confidence}"
        assert rating == f"{label}{waived}{confidence}" or rating == f"{label}{waived} {confidence}", rating
        assert heading.endswith(f"{label}{waived} {confidence}"), heading
        assert ("waived)" in rating) == bool(plan.waived) and ("waived)" in heading) == bool(plan.waived)
        terms = section.find_all("dl", class_="facts")[0].find_all("div")
        facts = {item.find_all("dt")[0].text(): item.find_all("dd")[0].text() for item in terms}
        assert facts["Delivery confidence"] == LABEL[plan.confidence]


def test_a_waived_result_shows_as_green_one_waived_on_a_green_plan():
    sample = sample_assessment()
    green = next(plan for plan in sample.plans if plan.rating == "green" and plan.organisation.type == "ccg")
    findings = list(green.findings)
    index = next(i for i, f in enumerate(findings) if f.rule == "GV04")
    findings[index] = findings[index].model_copy(update={"rating": "waived"})
    moved = green.model_copy(update={"findings": findings, "waived": 1})
    doc = parse_html(
        html_report.render(sample.model_copy(update={"plans": [moved if p is green else p for p in sample.plans]}))
    )
    section = next(s for s in doc.find_all("section", class_="plan") if green.file in s.text())
    assert "Green (1 waived) confidence green" in _words(section.find_all("h3")[0].text())


def test_the_first_screen_counts_plans_by_confidence_with_a_legend(sample, doc):
    summary = _words(doc.by_id("summary").text())
    assert "Plans by delivery confidence" in summary
    for level, label in LABEL.items():
        n = sample.summary.confidence.get(level, 0)
        assert re.search(rf"(?<![/\w]){re.escape(label)} {n} plans?\b", summary), (label, n)
    assert "five-point Gateway scale" in summary and "waived results do not count" in summary
    assert sum(sample.summary.confidence.values()) == sum(1 for plan in sample.plans if plan.rating != "error")
    # The plans table repeats the legend under it.
    assert "five-point Gateway scale" in doc.by_id("plans").text()


def test_needs_action_entries_give_confidence_waived_and_each_failings_distance(sample, doc):
    flagged = [plan for plan in html_report.worst_first(sample) if plan.rating in ("red", "amber")]
    entries = _entries(doc)
    assert len(entries) == len(flagged)
    rules = {rule.id: rule for rule in sample.rules}
    for plan, entry in zip(flagged, entries, strict=True):
        heading = _words(entry.find_all("h3")[0].text())
        waived = f" ({plan.waived} waived)" if plan.waived else ""
        assert heading.endswith(f"{plan.rating.capitalize()}{waived} confidence {plan.confidence}"), heading
        text = _words(entry.text())
        for finding in plan.findings:
            if finding.rating not in ("red", "amber") or finding.distance is None:
                continue
            more = "more" if rules[finding.rule].green.min is not None else "less"
            amount = format(finding.distance.to_green.normalize(), ",f")
            expected = f"£{amount}k {more} in {finding.distance.year} to be green"
            assert expected in text, (plan.file, finding.rule, text)
            if finding.distance.to_amber is not None:
                assert f"{expected} (£{format(finding.distance.to_amber.normalize(), ',f')}k to leave red)" in text


def test_the_named_distances_read_as_money_in_a_year(doc):
    text = _words(doc.by_id("action").text())
    assert (
        "SP02 Identified savings cover the target: £1,534.2k more in 2016/17 to be green (£868.75k to leave red)"
        in text
    )
    # An amber plan (nothing red) names its amber rules by title; a red plan's amber rules by id, distance after.
    assert "TR06 Savings are recurrent: £460k less in 2015/16 to be green" in text
    assert "DL01 (£35k more in 2014/15 to be green)" in text


def test_plan_sections_give_each_flagged_findings_distance_and_none_for_others(sample, ordered, doc):
    for plan, section in zip(ordered, doc.find_all("section", class_="plan"), strict=True):
        rows = [row for row in section.find_all("tr") if row.find_all("td", class_="msg")]
        by_rule = {_words(row.find_all("th")[0].text()).split(" ")[0]: _words(row.text()) for row in rows}
        for finding in plan.findings:
            if finding.rule not in by_rule:
                continue
            has = "Distance to green:" in by_rule[finding.rule]
            assert has == (finding.distance is not None and finding.rating in ("red", "amber")), (
                plan.file,
                finding.rule,
            )
            if has:
                assert f"in {finding.distance.year} to be green" in by_rule[finding.rule]


def test_shortfall_figures_are_each_plans_own_field_not_worked_out_from_its_figures():
    sample = sample_assessment()
    plan = next(p for p in sample.plans if p.rating == "amber")
    # Figures unchanged (they give some other gap); the field alone says 1,234.5 and 2,000 short.
    gaps = {year: Shortfall(identified=D(0), risk_adjusted=D(0)) for year in plan.shortfall}
    first, second = list(gaps)[:2]
    gaps[first] = Shortfall(identified=D("1000"), risk_adjusted=D("1234.5"))
    gaps[second] = Shortfall(identified=D("7"), risk_adjusted=D("2000"))
    moved = plan.model_copy(update={"shortfall": gaps})
    others = [p for p in sample.plans if p is not plan]
    doc = parse_html(html_report.render(sample.model_copy(update={"plans": [moved, *others]})))
    row = next(r for r in _rows(doc) if plan.organisation.name in r.text())
    assert _words(row.find_all("td", class_="nm")[0].text()) == thousands(D("3234.5")) == "3,235"
    entry = next(e for e in _entries(doc) if plan.organisation.name in e.text())
    assert "risk-adjusted savings £3.2m short of target" in _words(entry.text())
    # The first screen adds the fields up plan by plan.
    total = sum((gap.risk_adjusted for p in others if p.shortfall for gap in p.shortfall.values()), D("3234.5"))
    assert millions(total) in _words(doc.by_id("summary").text())


def test_a_plan_without_a_shortfall_field_shows_no_shortfall():
    sample = sample_assessment()
    plan = next(p for p in sample.plans if p.rating == "red")
    moved = plan.model_copy(update={"shortfall": None})
    doc = parse_html(
        html_report.render(sample.model_copy(update={"plans": [moved if p is plan else p for p in sample.plans]}))
    )
    row = next(r for r in _rows(doc) if plan.organisation.name in r.text())
    assert _words(row.find_all("td", class_="nm")[0].text()) == "—"
