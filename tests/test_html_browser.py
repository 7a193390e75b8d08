"""The HTML report in a real browser: Chromium through Playwright, axe-core for WCAG.

Skipped when Chromium, Playwright or axe-core is missing, except under CI
(``CI=true``), where a missing piece fails the run: CI must really run them.
axe-core is read from ``AXE_CORE_JS`` or ``.cache/node/node_modules/axe-core/axe.min.js``
(``npm install --no-save --prefix .cache/node axe-core@4``).
"""

from __future__ import annotations

import json
import os
from decimal import Decimal
import shutil
import sys
from pathlib import Path

import pytest

from conftest import PLANS, REPO, run_cli
from html_fixtures import hostile_assessment, large_assessment, sample_assessment
from qipp_rag.reporters import html as html_report

pytestmark = pytest.mark.browser

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
IN_CI = os.environ.get("CI") == "true"


def _missing(reason: str) -> None:
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: browser tests must run)")
    pytest.skip(reason)


def chromium_path() -> str | None:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found:
        return found
    return "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None


@pytest.fixture(scope="module")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("Playwright for Python is not installed")
    executable = chromium_path()
    if executable is None:
        _missing("Chromium is not installed (apt-get install chromium)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def axe_js() -> Path:
    path = Path(os.environ.get("AXE_CORE_JS") or REPO / ".cache" / "node" / "node_modules" / "axe-core" / "axe.min.js")
    if not path.is_file():
        _missing(f"axe-core is not at {path} (npm install --no-save --prefix .cache/node axe-core@4, or set AXE_CORE_JS)")
    return path


@pytest.fixture(scope="module")
def sample():
    return sample_assessment()


@pytest.fixture(scope="module")
def ordered(sample):
    """The sample's plans in the order the report shows them: worst first."""
    return html_report.worst_first(sample)


@pytest.fixture(scope="module")
def reports(tmp_path_factory, sample):
    folder = tmp_path_factory.mktemp("html")
    paths = {}
    for name, assessment in (("sample", sample), ("compact", large_assessment(html_report.COMPACT_ABOVE + 6))):
        path = folder / f"{name}.html"
        path.write_text(html_report.render(assessment), encoding="utf-8")
        paths[name] = path
    return paths


def open_report(browser, path: Path, **context_options):
    """A fresh page on the report, recording every request, console error and dialog."""
    context_options.setdefault("viewport", {"width": 1280, "height": 900})
    context = browser.new_context(**context_options)
    page = context.new_page()
    page.requests, page.errors, page.dialogs = [], [], []
    page.on("request", lambda request: page.requests.append(request.url))
    page.on("console", lambda message: page.errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(path.resolve().as_uri())
    return page


def visible_rows(page) -> list[dict]:
    return page.eval_on_selector_all(
        "#plan-table tbody tr[data-r]",
        "rows => rows.filter(r => !r.hidden && r.offsetParent !== null).map(r => ({name: r.cells[0].textContent.trim(), rating: r.getAttribute('data-r'), cells: Array.from(r.cells).map(c => c.textContent.trim())}))",
    )


def run_axe(page, axe_js: Path, include: list[str] | None = None) -> list[dict]:
    """axe-core's WCAG 2.x A and AA violations on the page (or on the parts ``include`` selects)."""
    page.add_script_tag(path=str(axe_js))
    return page.evaluate(
        "async ([tags, include]) => { const where = include ? {include: include.map(s => [s])} : document;"
        " const r = await axe.run(where, {runOnly: {type: 'tag', values: tags}}); "
        "return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ': ' + n.failureSummary)})); }",
        [WCAG_TAGS, include],
    )


def describe(violations: list[dict]) -> str:
    return json.dumps(violations, indent=1, ensure_ascii=False)


# ---------------------------------------------------------------- content


def test_every_plan_and_finding_is_in_the_page(browser, reports, sample, ordered):
    page = open_report(browser, reports["sample"])
    assert len(visible_rows(page)) == len(sample.plans)
    sections = page.locator("section.plan")
    assert sections.count() == len(sample.plans)
    for index, plan in enumerate(ordered):
        section = sections.nth(index)
        assert section.locator("h3").inner_text().startswith(plan.organisation.name)
        assert section.locator("table.fnd tbody tr, ul.passed-l li").count() == len(plan.findings)
        text = section.text_content()
        for finding in plan.findings:
            assert finding.rule in text and finding.message.replace("`", "") in text  # backticked keys show as code
        for problem in plan.errors:
            assert f"{plan.file}:{problem.line}:{problem.column} {problem.message.replace('`', '')}" in text
    assert page.errors == []


def test_nothing_is_requested_but_the_file_itself(browser, reports):
    page = open_report(browser, reports["sample"])
    page.locator("#plan-table thead th button").first.click()
    assert [url for url in page.requests if not url.startswith(("file://", "data:"))] == []
    assert page.errors == []


def test_a_table_link_goes_to_the_plans_section(browser, reports, ordered):
    page = open_report(browser, reports["sample"])
    page.locator("#plan-table tbody tr").nth(2).locator("a").click()
    assert page.evaluate("location.hash") == "#p3"
    assert page.locator("#p3").is_visible()
    assert page.locator("#p3 h3").inner_text().startswith(ordered[2].organisation.name)


# ---------------------------------------------------------------- sorting and filtering


def test_clicking_a_heading_sorts_the_table_both_ways(browser, reports, ordered):
    page = open_report(browser, reports["sample"])
    caption = page.locator("#plan-table caption")
    names = [row["name"] for row in visible_rows(page)]
    assert names == [plan.organisation.name for plan in ordered]  # worst first to begin with
    assert "worst first" in caption.inner_text()
    header = page.locator("#plan-table thead th").first
    header.locator("button").click()
    ascending = [row["name"] for row in visible_rows(page)]
    assert ascending == sorted(names, key=str.lower) and ascending != names
    assert header.get_attribute("aria-sort") == "ascending"
    assert "sorted by Organisation, A to Z" in caption.inner_text()  # the caption says what the order now is
    header.locator("button").click()
    assert [row["name"] for row in visible_rows(page)] == ascending[::-1]
    assert header.get_attribute("aria-sort") == "descending"

    rating = page.locator("#plan-table thead th").nth(5)
    rating.locator("button").focus()
    page.keyboard.press("Enter")  # keyboard works as well as the mouse
    assert header.get_attribute("aria-sort") is None and rating.get_attribute("aria-sort") == "descending"  # worst first
    rank = {"green": 1, "amber": 2, "red": 3, "error": 4}
    ranks = [rank[row["rating"]] for row in visible_rows(page)]
    assert ranks == sorted(ranks, reverse=True) and ranks[0] == 4 and ranks[-1] == 1
    assert "sorted by Rating, worst first" in caption.inner_text()
    page.keyboard.press("Enter")
    assert rating.get_attribute("aria-sort") == "ascending"
    assert [rank[row["rating"]] for row in visible_rows(page)] == sorted(ranks)


def wait_for_visible_rows(page, count: int) -> None:
    """Wait through Playwright's own locator (page.wait_for_function would evaluate a string,
    which the report's Content-Security-Policy rightly refuses)."""
    from playwright.sync_api import expect

    expect(page.locator("#plan-table tbody tr[data-r]:not([hidden])")).to_have_count(count)


def test_choosing_red_shows_only_red_plans(browser, reports, sample, ordered):
    page = open_report(browser, reports["sample"])
    assert page.locator("#plan-filter").is_visible()
    page.select_option("#f-rating", "red")
    rows = visible_rows(page)
    reds = [plan.organisation.name for plan in ordered if plan.rating == "red"]
    assert [row["name"] for row in rows] == reds
    assert {row["rating"] for row in rows} == {"red"}
    assert page.locator("#plan-count").inner_text() == f"Showing {len(reds)} of {len(sample.plans)} plans"
    page.locator("#f-reset").click()
    wait_for_visible_rows(page, len(sample.plans))


def test_filters_by_region_area_team_and_criterion_combine(browser, reports, sample, ordered):
    page = open_report(browser, reports["sample"])
    page.select_option("#f-region", label="North")
    assert {row["cells"][3] for row in visible_rows(page)} == {"North"}
    north = [plan for plan in sample.plans if plan.organisation.region == "north"]
    assert len(visible_rows(page)) == len(north)
    page.select_option("#f-team", label="Greater Manchester (Q46)")
    assert sorted(row["name"] for row in visible_rows(page)) == sorted(
        plan.organisation.name for plan in north if "Q46" in (plan.organisation.area_team, plan.organisation.code)
    )

    page.locator("#f-reset").click()
    wait_for_visible_rows(page, len(sample.plans))
    # Criterion: the plans whose worst delivery result is amber.
    criteria = page.eval_on_selector_all("#f-crit option", "options => options.map(o => o.textContent)")
    page.select_option("#f-crit", label="Delivery")
    page.select_option("#f-crit-r", label="Amber")
    column = 7 + criteria.index("Delivery") - 1
    rows = visible_rows(page)
    assert rows and {row["cells"][column] for row in rows} == {"Amber"}
    delivery_rules = {rule.id for rule in sample.rules if rule.criterion == "delivery"}
    expected = [
        plan.organisation.name
        for plan in ordered
        if html_report.worst([f for f in plan.findings if f.rule in delivery_rules]) == "amber"
    ]
    assert [row["name"] for row in rows] == expected


# ---------------------------------------------------------------- without JavaScript


def test_without_javascript_everything_is_still_there(browser, reports, sample, ordered):
    page = open_report(browser, reports["sample"], java_script_enabled=False)
    rows = page.locator("#plan-table tbody tr")
    assert rows.count() == len(sample.plans)
    for index in range(rows.count()):
        assert rows.nth(index).is_visible()
    assert not page.locator("#plan-filter").is_visible()  # controls that would do nothing are not shown
    assert page.locator("#plan-table thead th button").count() == 0
    assert "worst first" in page.locator("#plan-table caption").inner_text()
    assert "select a column heading" not in page.locator("#plan-table caption").inner_text()  # no sorting without script
    for index, plan in enumerate(ordered):
        section = page.locator("section.plan").nth(index)
        assert section.is_visible()
        assert section.locator("table.fnd tbody tr, ul.passed-l li").count() == len(plan.findings)
    assert page.locator("svg.chart").first.is_visible()
    # Disclosures open without script.
    summary = page.locator("details summary").first
    summary.click()
    assert page.locator("details").first.locator("li").first.is_visible()


# ---------------------------------------------------------------- safety


@pytest.mark.parametrize("bypass_csp", [False, True], ids=["with-csp", "escaping-alone"])
def test_hostile_text_never_runs(browser, tmp_path, bypass_csp):
    payloads = ["<script>alert(1)</script>", '" onmouseover="alert(2)" x="', "javascript:alert(3)", "</script><script>alert(4)</script>", "<img src=x onerror=alert(5)>", "<svg onload=alert(6)>"]
    for number, payload in enumerate(payloads):
        path = tmp_path / f"hostile-{number}.html"
        path.write_text(html_report.render(hostile_assessment(payload)), encoding="utf-8")
        page = open_report(browser, path, bypass_csp=bypass_csp)
        for link in page.locator("main a").all()[:12]:
            link.hover()
        page.locator("#plan-table tbody tr").first.hover()
        assert page.dialogs == [], payload
        assert page.locator("img").count() == 0
        assert payload in page.locator("body").inner_text()
        assert [url for url in page.requests if not url.startswith(("file://", "data:"))] == []
        page.context.close()


# ---------------------------------------------------------------- accessibility


def test_axe_finds_no_wcag_violations(browser, reports, axe_js):
    page = open_report(browser, reports["sample"], bypass_csp=True, viewport={"width": 1440, "height": 900})  # the CSP would block axe
    violations = run_axe(page, axe_js)
    assert violations == [], describe(violations)


@pytest.mark.parametrize("width", [320, 375])
def test_axe_finds_no_violations_on_a_phone_sized_screen(browser, reports, axe_js, width):
    page = open_report(browser, reports["sample"], bypass_csp=True, viewport={"width": width, "height": 800})
    violations = run_axe(page, axe_js)
    assert violations == [], describe(violations)
    # Reflow: the page itself never scrolls sideways; only the region chart scrolls in its own region.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_tables_stack_each_row_with_its_headings_at_320_pixels(browser, reports):
    page = open_report(browser, reports["sample"], viewport={"width": 320, "height": 800})
    cell = page.locator("#plan-table tbody tr").first.locator("td").nth(4)
    assert cell.evaluate("c => getComputedStyle(c).display") == "flex"
    assert cell.evaluate("c => getComputedStyle(c, '::before').content") == '"Rating"'
    # Every table and every finding's message fits the screen: nothing sits beyond its right edge.
    overflowing = page.eval_on_selector_all(
        "main td, main th, main p, main li, main dd",
        "els => els.filter(e => !e.closest('[role=region] figure, thead') && e.getBoundingClientRect().right > window.innerWidth + 1)"
        ".map(e => e.tagName + ': ' + e.textContent.slice(0, 60))",
    )
    assert overflowing == []
    wide = open_report(browser, reports["sample"], viewport={"width": 1440, "height": 900})
    assert wide.locator("#plan-table tbody tr").first.locator("td").nth(4).evaluate("c => getComputedStyle(c).display") == "table-cell"


def test_axe_finds_no_violations_with_a_filter_applied_and_a_column_sorted(browser, reports, axe_js):
    page = open_report(browser, reports["sample"], bypass_csp=True)
    page.locator("#plan-table thead th").nth(4).locator("button").click()
    page.select_option("#f-crit", label="Savings plan")
    violations = run_axe(page, axe_js)
    assert violations == [], describe(violations)


def test_axe_finds_no_violations_in_a_compact_report(browser, reports, axe_js):
    page = open_report(browser, reports["compact"], bypass_csp=True)
    # A compact report lets the browser skip laying out sections out of view
    # (content-visibility), where axe cannot measure target sizes; lay them all out first.
    page.add_style_tag(content=".compact .plan, .compact .rule { content-visibility: visible !important; }")
    # Every compact section is built alike: the first dozen (every shape of the fixture) stand for all.
    violations = run_axe(page, axe_js, include=["header", "nav", "#summary", "#details > p"] + [f"#p{n}" for n in range(1, 13)])
    assert violations == [], describe(violations)


def test_axe_really_reports_violations(browser, reports, axe_js):
    """The check above is only worth something if axe sees a page's faults: break the page and look."""
    page = open_report(browser, reports["sample"], bypass_csp=True)
    page.evaluate(
        "() => { const tag = document.querySelector('.t-g'); tag.style.background = '#fff'; tag.style.color = '#eee';"
        " document.getElementById('f-rating').previousElementSibling.remove(); }"
    )
    found = {violation["id"] for violation in run_axe(page, axe_js)}
    assert {"color-contrast", "select-name"} <= found, found


def test_skip_link_is_the_first_stop_and_moves_focus_to_main(browser, reports):
    page = open_report(browser, reports["sample"])
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to main content"
    assert page.locator(".skip").is_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_print_gives_the_summary_needs_action_and_red_and_amber_findings(browser, reports, sample, ordered):
    page = open_report(browser, reports["sample"])
    page.emulate_media(media="print")
    for hidden in ("#plan-filter", "nav", "#plans", "#rules", "details.passed"):
        assert not page.locator(hidden).first.is_visible(), hidden
    for shown in ("#summary", "#action", "#failures"):
        assert page.locator(shown).is_visible(), shown
    # Red and amber findings print what to do; green plans are left out.
    flagged = page.locator("section.plan tr.f-r").first
    rule = sample.rule(flagged.locator("th a").inner_text())
    assert flagged.get_by_text(rule.remediation).is_visible()
    for index, plan in enumerate(ordered):
        assert page.locator("section.plan").nth(index).is_visible() == (plan.rating != "green"), plan.file


# ---------------------------------------------------------------- the real thing


@pytest.fixture(scope="module")
def real_report(tmp_path_factory):
    folder = tmp_path_factory.mktemp("real")
    saved = folder / "assessment.json"
    assessed = run_cli("assess", "plans", "--format", "json", "--as-of", "2014-09-30", cwd=REPO)
    assert assessed.stdout.startswith("{"), f"assess wrote no JSON (exit {assessed.returncode}): {assessed.stderr.strip()[:400]}"
    assert assessed.returncode == 1, assessed.stderr  # the example plans include red ones; none is broken
    saved.write_text(assessed.stdout, encoding="utf-8")
    rendered = run_cli("report", str(saved), "--format", "html", cwd=REPO)
    assert rendered.returncode in (0, 1, 2), rendered.stderr
    direct = run_cli("assess", "plans", "--format", "html", "--as-of", "2014-09-30", cwd=REPO)
    assert direct.stdout == rendered.stdout  # assess --format html and report --format html agree
    path = folder / "report.html"
    path.write_text(rendered.stdout, encoding="utf-8")
    return path, json.loads(assessed.stdout)


def test_the_example_plans_report_is_complete_and_accessible(browser, real_report, axe_js):
    path, data = real_report
    page = open_report(browser, path, bypass_csp=True, viewport={"width": 1440, "height": 900})
    assert page.locator("#plan-table tbody tr[data-r]").count() == len(data["plans"])
    for plan in data["plans"]:
        section = page.locator("section.plan", has=page.locator("code", has_text=plan["file"]))
        if plan["findings"]:
            assert section.locator("table.fnd tbody tr, ul.passed-l li").count() == len(plan["findings"])
    assert page.errors == []
    violations = run_axe(page, axe_js)
    assert violations == [], describe(violations)


def _short(plan: dict) -> Decimal:
    """A plan's risk-adjusted savings short of target, summed over its years, from the JSON's own shortfall."""
    return sum((Decimal(str(gap["risk_adjusted"])) for gap in (plan.get("shortfall") or {}).values()), Decimal(0))


def expected_needs_action(data: dict) -> list[dict]:
    """Red plans, then amber, worst first: lowest delivery confidence, most red critical rules, red rules, amber rules,
    money short, then file order."""
    critical = {rule["id"] for rule in data["rules"] if rule["critical"]}

    def key(item: tuple[int, dict]) -> tuple:
        index, plan = item
        reds = [f["rule"] for f in plan["findings"] if f["rating"] == "red"]
        ambers = [f["rule"] for f in plan["findings"] if f["rating"] == "amber"]
        confidence = ["red", "amber/red", "amber", "amber/green", "green"].index(plan["confidence"])
        return ({"red": 0, "amber": 1}[plan["rating"]], confidence, -len(set(reds) & critical), -len(reds), -len(ambers), -_short(plan), index)

    flagged = [(index, plan) for index, plan in enumerate(data["plans"]) if plan["rating"] in ("red", "amber")]
    return [plan for _, plan in sorted(flagged, key=key)]


def test_needs_action_lists_red_then_amber_plans_worst_first_with_reasons_and_a_first_step(browser, real_report):
    path, data = real_report
    page = open_report(browser, path)
    entries = page.locator("#action li.act")
    expected = expected_needs_action(data)
    assert entries.count() == len(expected) > 0
    titles = {rule["id"]: rule for rule in data["rules"]}
    for index, plan in enumerate(expected):
        entry = entries.nth(index)
        heading = entry.locator("h3").inner_text()
        assert plan["organisation"]["name"] in heading and plan["organisation"]["code"] in heading
        assert plan["rating"].capitalize() in heading
        assert f"confidence {plan['confidence']}" in heading and (f"({plan['waived']} waived)" in heading) == bool(plan["waived"])
        text = " ".join(entry.inner_text().split())
        failing = [f for f in plan["findings"] if f["rating"] in ("red", "amber")]
        reds = [f["rule"] for f in failing if f["rating"] == "red"]
        for finding in failing:  # red rules by title (amber ones too when nothing is red), else amber by id
            titled = finding["rating"] == "red" or not reds
            title = " ".join(titles[finding["rule"]]["title"].split())
            assert (f"{finding['rule']} {title}" in text) == titled, finding["rule"]
            assert finding["rule"] in text
        assert (f"Red on {len(reds)} rule" in text) == bool(reds)
        for finding in plan["findings"]:
            if finding["rating"] not in ("red", "amber"):
                assert f"{finding['rule']} " not in text.split("First step")[0], finding["rule"]
        first = sorted(reds, key=lambda rule: not titles[rule]["critical"])[0] if reds else failing[0]["rule"]
        step = " ".join(titles[first]["remediation"].replace("`", "").split()).split(". ")[0]
        assert f"First step ({first}): {step}" in text.replace("`", "")
        # The link leads to the plan's own section.
        target = entry.locator("h3 a").get_attribute("href")
        assert plan["file"] in page.locator(target).inner_text()
    assert page.errors == []


def test_a_failures_by_rule_count_shows_those_plans_in_the_table(browser, reports, sample, ordered):
    page = open_report(browser, reports["sample"])
    link = page.locator("#failures a[data-rule='SP03'][data-rr='red']")
    expected = [plan.organisation.name for plan in ordered if any(f.rule == "SP03" and f.rating == "red" for f in plan.findings)]
    assert link.inner_text().startswith(f"{len(expected)} plan")
    link.click()
    wait_for_visible_rows(page, len(expected))
    assert [row["name"] for row in visible_rows(page)] == expected
    assert page.locator("#f-rule").input_value() == "SP03" and page.locator("#f-rule-r").input_value() == "red"
    assert page.evaluate("location.hash") == "#plans"
    page.select_option("#f-rule-r", "both")
    both = [plan.organisation.name for plan in ordered if any(f.rule == "SP03" and f.rating in ("red", "amber") for f in plan.findings)]
    assert [row["name"] for row in visible_rows(page)] == both


def _pdf_pages(pdf: bytes) -> int:
    import re

    return len(re.findall(rb"/Type\s*/Page[^s]", pdf))


def test_the_example_plans_print_on_few_full_pages(browser, real_report):
    path, data = real_report
    page = open_report(browser, path, viewport={"width": 703, "height": 1000})
    pages = _pdf_pages(page.pdf(format="A4", print_background=True))
    page.emulate_media(media="print")
    # The printed matter is the summary, needs action and the red and amber plans' findings: no forced breaks,
    # so the page count is what the content needs (A4 less margins is about 1,010 CSS pixels tall).
    height = page.evaluate("document.documentElement.scrollHeight")
    assert pages <= height / 1000 * 1.25 + 1, (pages, height)  # no near-empty pages
    flagged = sum(1 for plan in data["plans"] if plan["rating"] in ("red", "amber"))
    assert pages <= 2 + flagged, pages  # today: 124 pages before the print stylesheet chose what to print
    print(f"example plans print on {pages} A4 pages")


def test_the_example_plans_report_reflows_at_320_pixels_and_passes_axe(browser, real_report, axe_js):
    path, _ = real_report
    page = open_report(browser, path, bypass_csp=True, viewport={"width": 320, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    violations = run_axe(page, axe_js)
    assert violations == [], describe(violations)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(pytest.main([__file__, "-v"]))
