"""The HTML report: content, escaping, self-containment, determinism and size."""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import ROUND_HALF_EVEN, Decimal

import pytest

from html_fixtures import hostile_assessment, large_assessment, parse_html, sample_assessment
from qipp_rag.reporters import RenderOptions, renderer
from qipp_rag.reporters import html as html_report
from qipp_rag.reporters.html_digest import millions, thousands
from qipp_rag.results import Band, from_json, to_json

PAYLOADS = [
    "<script>alert(1)</script>",
    '" onmouseover="alert(1)" data-pwned="',
    "' onfocus='alert(1)' autofocus='",
    "javascript:alert(1)",
    "</script><script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "{{ 7 * 7 }}{% raw %}",
    "]]><svg onload=alert(1)>",
]


@pytest.fixture(scope="module")
def sample():
    return sample_assessment()


@pytest.fixture(scope="module")
def ordered(sample):
    """The plans in the order the report shows them: worst first."""
    return html_report.worst_first(sample)


@pytest.fixture(scope="module")
def page(sample):
    return html_report.render(sample)


@pytest.fixture(scope="module")
def doc(page):
    return parse_html(page)


def plan_sections(doc):
    return doc.find_all("section", class_="plan")


# ---------------------------------------------------------------- content


def test_found_by_the_registry_under_its_format_name(sample, page):
    assert renderer("html")(sample, RenderOptions()) == page


def test_every_plan_has_a_row_and_a_section_linked_from_it(sample, ordered, doc):
    body = doc.by_id("plan-table").find_all("tbody")[0]
    rows = [row for row in body.find_all("tr") if "data-r" in row.attrs]
    assert len(rows) == len(sample.plans)
    sections = plan_sections(doc)
    assert len(sections) == len(sample.plans)
    for plan, row, section in zip(ordered, rows, sections):
        link = row.find_all("a")[0]
        assert link.attrs["href"] == "#" + section.attrs["id"]
        assert plan.organisation.name in row.text()
        assert plan.organisation.name in section.text()
        assert plan.file in section.text()
        assert row.attrs["data-r"] == plan.rating


# The bands of the shipped rules as a reader sees them, written out from rules/green-criteria.yaml.
NB = "\u00a0"
BANDS = {
    "SP01": f"green ≥{NB}1, else red", "SP02": f"green ≥{NB}100{NB}%, amber ≥{NB}90{NB}%", "SP03": f"green ≥{NB}100{NB}%, amber ≥{NB}90{NB}%",
    "SP04": f"green ≥{NB}80{NB}%, amber ≥{NB}50{NB}%", "GV01": "green when met, else red", "GV02": "green when met, else amber",
    "GV03": "green when met, amber when partly met, else red", "GV04": "green when met, else amber",
    "GV05": "green when met, amber when partly met, else red", "GV06": "green when met, else amber",
    "GV07": f"green ≥{NB}0.5{NB}%, amber >{NB}0{NB}%", "GV08": f"green ≥{NB}100{NB}%, amber ≥{NB}80{NB}%", "GV09": f"green ≥{NB}100{NB}%, amber ≥{NB}80{NB}%",
    "TR01": f"green 1 to 5{NB}%, amber ≤{NB}7{NB}%", "TR02": f"green ≤{NB}1.5, amber ≤{NB}2.5", "TR03": f"green ≤{NB}35{NB}%, amber ≤{NB}45{NB}%",
    "TR04": f"green ≥{NB}100{NB}%, amber ≥{NB}80{NB}%", "TR05": f"green ≥{NB}100, amber >{NB}0", "TR06": f"green ≤{NB}10{NB}%, amber ≤{NB}25{NB}%",
    "TR07": f"green ≤{NB}40{NB}%, amber ≤{NB}60{NB}%", "QL01": f"green ≥{NB}100{NB}%, amber ≥{NB}80{NB}%", "QL02": f"green ≤{NB}0{NB}%, amber ≤{NB}10{NB}%",
    "QL03": f"green ≥{NB}100{NB}%, amber ≥{NB}80{NB}%", "QL04": f"green ≤{NB}0, else red", "DL01": f"green ≥{NB}95{NB}%, amber ≥{NB}85{NB}%",
    "DL02": f"green ≥{NB}100{NB}%, amber ≥{NB}90{NB}%", "DL03": f"green ≤{NB}0{NB}%, amber ≤{NB}20{NB}%", "PT01": "green when met, else amber",
    "PT02": "green when met, else amber", "PT03": "green when met, else amber", "PF01": "green when met, else red",
    "PF02": "green when met, else amber", "PF03": "green when met, else amber", "PF04": "green when met, else amber",
}  # fmt: skip


def _measured(value, unit: str) -> str:
    """A measured value as the page shows it, apart from the reporter: none is a dash; a count is whole;
    anything else has 2 decimal places (half-even), and a percent its sign after a no-break space."""
    if value is None:
        return "—"
    if unit == "count":
        return str(int(value))
    shown = str(value.quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN))
    return f"{shown}{NB}%" if unit == "percent" else shown


ORDER = {"red": 0, "amber": 1, "waived": 2, "green": 3, "n/a": 4}
LABELS = {"green": "Green", "amber": "Amber", "red": "Red", "n/a": "N/A", "waived": "Waived"}


def _flagged_rows(section):
    return [row for row in section.find_all("tr") if row.find_all("td", class_="msg")]


def _folded_items(section):
    return [item for folded in section.find_all("ul", class_="passed-l") for item in folded.find_all("li")]


def test_every_finding_is_in_its_plans_section_with_value_bands_place_and_evidence(sample, ordered, doc):
    for plan, section in zip(ordered, plan_sections(doc)):
        flagged = [f for f in plan.findings if f.rating in ("red", "amber", "waived")]
        rows = _flagged_rows(section)
        assert len(rows) == len(flagged)
        for finding, row in zip(sorted(flagged, key=lambda f: ORDER[f.rating]), rows):
            row_text = row.text()
            rule = sample.rule(finding.rule)
            assert row.find_all("th")[0].text() == f"{finding.rule} {rule.title}"
            assert finding.message in row_text and LABELS[finding.rating] in row_text
            assert BANDS[finding.rule] in row_text
            assert _measured(finding.value, rule.unit) in row_text
            if finding.location:
                assert f"line {finding.location.line}, col {finding.location.column}" in row_text
                assert finding.location.path in row_text
            for line in finding.evidence[: html_report.EVIDENCE_SHOWN]:
                assert line in row_text
            if finding.rating in ("red", "amber"):  # what to do is on the page, not behind a click
                assert "What to do: " + rule.remediation in row_text
                assert not _inside(section, row, "details")
            else:
                assert rule.remediation not in row_text
        # Green and N/A results are listed with their title and message, folded; their evidence is left to the JSON.
        passed = sorted((f for f in plan.findings if f.rating in ("green", "n/a")), key=lambda f: ORDER[f.rating])
        items = _folded_items(section)
        assert [item.text() for item in items] == [f"{LABELS[f.rating]} {f.rule} {sample.rule(f.rule).title}: {f.message}" for f in passed]
        shown = {line for finding in flagged for line in finding.evidence}
        for finding in passed:
            for line in set(finding.evidence) - shown:
                assert line not in section.text()
        assert section.text().count("Back to all plans") == 1


def test_long_evidence_is_cut_short_with_a_pointer_to_the_json(sample):
    plan = next(plan for plan in sample.plans if any(f.rating == "red" for f in plan.findings))
    index = next(i for i, f in enumerate(plan.findings) if f.rating == "red")
    lines = [f"line {n} of the evidence" for n in range(1, 13)]
    findings = list(plan.findings)
    findings[index] = findings[index].model_copy(update={"evidence": lines})
    changed = sample.model_copy(update={"plans": [plan.model_copy(update={"findings": findings})]})
    text = parse_html(html_report.render(changed)).by_id("details").text()
    assert "Evidence (12)" in text and "line 8 of the evidence" in text and "line 9 of the evidence" not in text
    assert "and 4 more in the JSON assessment" in text


def _inside(root, element, tag: str) -> bool:
    """Whether ``element`` sits inside a ``tag`` element under ``root``."""
    return any(element in outer.iter() for outer in root.find_all(tag))


def test_red_and_amber_findings_come_first_and_green_and_na_are_folded(ordered, doc):
    for plan, section in zip(ordered, plan_sections(doc)):
        shown = [row.find_all("th")[0].text().split(" ")[0] for row in _flagged_rows(section)]
        shown += [item.find_all("a")[0].text() for item in _folded_items(section)]
        assert shown == [f.rule for f in sorted(plan.findings, key=lambda f: ORDER[f.rating])]
        assert bool(section.find_all("details", class_="passed")) == any(f.rating in ("green", "n/a") for f in plan.findings)
        for item in _folded_items(section):
            assert _inside(section, item, "details")


def test_bands_read_as_the_catalogue_writes_them(sample):
    sp02 = sample.rule("SP02")
    assert html_report.bands_text(sp02) == "green ≥\u00a0100\u00a0%, amber ≥\u00a090\u00a0%"
    assert html_report.bands_text(sample.rule("TR01")) == "green 1 to 5\u00a0%, amber ≤\u00a07\u00a0%"
    assert html_report.bands_text(sample.rule("GV07")) == "green ≥\u00a00.5\u00a0%, amber >\u00a00\u00a0%"
    assert html_report.bands_text(sample.rule("SP01")) == "green ≥\u00a01, else red"
    assert html_report.bands_text(sample.rule("GV02")) == "green when met, else amber"
    assert html_report.bands_text(sample.rule("GV03")) == "green when met, amber when partly met, else red"
    assert html_report.band_text(Band(above=Decimal(1), below=Decimal(2)), "ratio") == ">\u00a01 and <\u00a02"
    assert html_report.band_text(Band(), "count") == "any value"


def test_money_is_whole_thousands_in_tables_and_millions_in_headlines():
    assert thousands(Decimal("1234567.50")) == "1,234,568"
    assert thousands(Decimal("1080.0")) == "1,080"
    assert thousands(Decimal("86.419746")) == "86"
    assert thousands(Decimal("-0.4")) == "0"
    assert thousands(Decimal("1E+3")) == "1,000"
    assert millions(Decimal("546123")) == "£546.1m"
    assert millions(Decimal("6133.01")) == "£6.1m"
    assert millions(Decimal("1234567")) == "£1,234.6m"
    assert millions(Decimal("-915049")) == "−£915.0m"


def test_summary_shows_counts_totals_roll_ups_date_packs_and_version(sample, doc):
    summary = doc.by_id("summary").text()
    for rating, count in sample.summary.ratings.items():
        assert re.search(rf"{rating.capitalize()}\s*{count}\s*plans?", summary), rating
    totals = doc.by_id("totals-c").text()
    assert "£000" in totals
    table_text = doc.by_id("money").find_all("table")[0].text()
    for key in ("allocation", "target", "identified", "risk_adjusted"):
        for amount in sample.summary.totals[key].values():
            assert thousands(amount) in table_text
    assert "30 September 2014" in doc.find_all("h1")[0].text()
    rules = doc.by_id("rules").text()
    assert "green-criteria" in rules and "0.1.0" in rules
    money = doc.by_id("money").text()
    for group in sample.portfolio.by_region:
        assert group.name in money
    for group in sample.portfolio.by_area_team:
        assert f"{group.name} ({group.key})" in money


def test_error_plans_list_every_problem_with_file_line_and_column(sample, ordered, doc):
    for plan, section in zip(ordered, plan_sections(doc)):
        if plan.rating != "error":
            continue
        text = section.text()
        assert "Error" in text
        for problem in plan.errors:
            shown = problem.message.replace("`", "")  # backticked keys are shown as code
            assert f"{plan.file}:{problem.line}:{problem.column} {shown}" in text
            assert problem.path in text


def test_waived_findings_show_reason_approver_expiry_and_the_rating_they_would_have_had(sample, ordered, doc):
    waived = [(plan, finding) for plan in sample.plans for finding in plan.findings if finding.waiver]
    assert waived
    for plan, finding in waived:
        section = plan_sections(doc)[ordered.index(plan)]
        row = next(row for row in section.find_all("tr") if row.text().startswith(finding.rule + " "))
        text = row.text()
        assert "Waived" in text
        assert finding.waiver.reason in text and finding.waiver.approved_by in text
        assert html_report.long_date(finding.waiver.expires) in text
        assert f"would have been {finding.waiver.rating.capitalize()}" in text
    waivers = doc.by_id("waivers").text()
    for record in sample.waivers:
        assert record.reason in waivers and record.status.capitalize() in waivers


def test_na_findings_give_their_reason(sample, ordered, doc):
    for plan, section in zip(ordered, plan_sections(doc)):
        for finding in plan.findings:
            if finding.rating == "n/a":
                assert finding.message in section.text()


def test_plan_table_shows_each_criterions_worst_result(sample, doc):
    criteria = [header.text() for header in doc.by_id("plan-table").find_all("thead")[0].find_all("th")][7:]
    assert criteria[:3] == ["Savings plan", "Governance", "Trajectory"]
    body = doc.by_id("plan-table").find_all("tbody")[0]
    bolton = next(row for row in body.find_all("tr") if "NHS Bolton" in row.text())
    cells = bolton.find_all("td")[6:]
    assert cells[0].text() == "Red" and cells[0].attrs["data-s"] == "5"  # SP02, SP03 red
    assert cells[criteria.index("Delivery")].text() == "Amber"
    leeds = next(row for row in body.find_all("tr") if "NHS Leeds North" in row.text())
    assert leeds.find_all("td")[6 + criteria.index("Governance")].text() == "Amber"  # GV07 amber beats GV02 waived
    assert html_report.worst([]) is None


def test_every_rating_carries_its_text_label(doc):
    for element in doc.iter():
        css = element.attrs.get("class") or ""
        if re.search(r"\bt-(g|a|r|e|n|w)\b", css):
            assert element.text() in {"Green", "Amber", "Red", "Error", "N/A", "Waived"}


def test_rules_in_force_give_bands_rationale_remediation_and_basis(sample, doc):
    rules = doc.by_id("rules")
    for rule in sample.rules:
        text = rules.text()
        assert f"{rule.id} {rule.title}" in text
        assert rule.rationale in text and rule.remediation in text and rule.basis in text


def test_plan_anchors_and_rule_links_all_resolve(doc):
    ids = {element.attrs["id"] for element in doc.iter() if element.attrs.get("id")}
    for element in doc.find_all("a"):
        href = element.attrs.get("href") or ""
        assert href.startswith("#"), href
        assert href[1:] in ids, href
    labelled = [element.attrs["aria-labelledby"] for element in doc.iter() if element.attrs.get("aria-labelledby")]
    for value in labelled:
        for ref in value.split():
            assert ref in ids, ref


def test_ids_are_unique(page):
    found = re.findall(r'\sid="([^"]+)"', page)
    assert len(found) == len(set(found))


# ---------------------------------------------------------------- structure and accessibility in the markup


def test_page_is_english_with_one_h1_landmarks_skip_link_and_heading_order(doc):
    html_element = doc.find_all("html")[0]
    assert html_element.attrs["lang"] == "en-GB"
    assert len(doc.find_all("h1")) == 1
    for landmark in ("header", "nav", "main", "footer"):
        assert len(doc.find_all(landmark)) == 1, landmark
    skip = doc.find_all("a", class_="skip")[0]
    assert skip.attrs["href"] == "#main" and doc.by_id("main").tag == "main"
    levels = [int(element.tag[1]) for element in doc.iter() if re.fullmatch(r"h[1-6]", element.tag)]
    assert levels[0] == 1
    for before, after in zip(levels, levels[1:]):
        assert after <= before + 1, (before, after)


def test_tables_have_captions_or_labels_and_scoped_headers(doc):
    for table in doc.find_all("table"):
        assert table.find_all("caption") or table.attrs.get("aria-label") or _labelled_by_region(doc, table)
        for header in table.find_all("th"):
            assert header.attrs.get("scope") in ("col", "row"), header.text()


def _labelled_by_region(doc, table) -> bool:
    return any(table in region.iter() and (region.attrs.get("aria-label") or region.attrs.get("aria-labelledby")) for region in doc.find_all("div", class_="scroll"))


def test_form_controls_have_labels_and_the_form_is_hidden_without_script(doc):
    form = doc.by_id("plan-filter")
    assert "hidden" in form.attrs
    labels = {label.attrs["for"] for label in form.find_all("label")}
    for control in form.find_all("select"):
        assert control.attrs["id"] in labels


def test_charts_are_labelled_images_with_title_desc_and_defined_patterns(sample, doc):
    charts = [svg for svg in doc.find_all("svg") if "chart" in (svg.attrs.get("class") or "").split()]
    with_figures = sum(1 for plan in sample.plans if plan.figures)
    with_delivery = sum(1 for plan in sample.plans if plan.figures and plan.figures.delivery)
    assert len(charts) == with_figures + with_delivery + 1  # + the rating mix
    assert len(doc.find_all("svg", class_="chart dchart")) == with_delivery
    pattern_ids = {pattern.attrs["id"] for pattern in doc.find_all("pattern")}
    assert pattern_ids == {"q-hatch", "q-dots", "q-amber", "q-red", "q-error"}
    for chart in charts:
        assert chart.attrs["role"] == "img"
        title, desc = chart.attrs["aria-labelledby"].split()
        assert chart.find_all("title")[0].attrs["id"] == title
        assert chart.find_all("desc")[0].attrs["id"] == desc
    savings = next(chart for chart in charts if chart.attrs["class"] == "chart")
    text = savings.text()
    for label in ("Target", "Identified", "Risk-adjusted", "2014/15", "2016/17", "£000"):
        assert label in text


def test_delivery_chart_says_every_figure_in_words(sample, ordered, doc):
    for plan in sample.plans:
        if not (plan.figures and plan.figures.delivery):
            continue
        delivery = plan.figures.delivery
        section = plan_sections(doc)[ordered.index(plan)]
        chart = section.find_all("svg", class_="chart dchart")[0]
        desc = chart.find_all("desc")[0].text()
        for amount in (delivery.planned_to_date, delivery.actual_to_date, delivery.forecast_outturn, delivery.target):
            assert thousands(amount) in desc


def test_rating_mix_chart_labels_each_segment_with_its_count(sample, doc):
    chart = doc.find_all("svg", class_="chart mix")[0]
    text = chart.text()
    for group in sample.portfolio.by_region:
        assert group.name in text
        assert f"{group.plans} plan" in text
    for label in ("Green", "Amber", "Red", "Error"):
        assert label in text


def test_print_stylesheet_hides_controls_and_keeps_sections_whole(page):
    style = re.search(r"<style>(.*?)</style>", page, re.S).group(1)
    printing = style[style.index("@media print") :]
    assert ".filters" in printing and "display: none" in printing
    assert "break-inside: avoid" in printing and "break-before: page" not in printing  # no near-empty pages
    for hidden in ("#plans", "#rules", ".passed", ".charts", '.plan[data-r="green"]'):
        assert hidden in printing
    assert "attr(href)" in printing


# ---------------------------------------------------------------- safety


@pytest.mark.parametrize("payload", PAYLOADS)
def test_hostile_text_in_every_field_shows_as_text_and_never_as_markup(payload):
    assessment = hostile_assessment(payload)
    page = html_report.render(assessment)
    doc = parse_html(page)
    # Nothing a plan says becomes an element or an attribute.
    assert len(doc.find_all("script")) == 2
    assert not doc.find_all("img")
    assert len(doc.find_all("svg")) == len(doc.find_all("svg", role="img")) + 1  # + the hidden pattern definitions
    for element in doc.iter():
        for name, value in element.attrs.items():
            assert not name.startswith("on"), (element.tag, name)
            assert name not in ("autofocus", "data-pwned", "src"), (element.tag, name)
            if name in ("href", "xlink:href", "action", "formaction"):
                assert value and value.startswith("#"), value
    # ... and every one of them shows as text.
    text = doc.text()
    plan = next(plan for plan in assessment.plans if plan.rating != "error")
    broken = next(plan for plan in assessment.plans if plan.rating == "error")
    expected = [
        plan.organisation.name,  # organisation name
        plan.file,  # file path
        f"message {payload}",  # scheme-derived message
        f"evidence {payload}",  # evidence
        f"reason {payload}",  # waiver reason
        f"approver {payload}",  # waiver approver
        f"error {payload}",  # error message
        broken.errors[0].path,  # path of an error
        f"title {payload}",  # rule title
        f"rationale {payload}",
        f"remedy {payload}",
        f"pack {payload}",  # a rule pack problem
        f"custom {payload}",  # a finding of a rule the pack defines
    ]
    for value in expected:
        assert value in text, value
    # Data for the script is JSON inside a script block that no text can close.
    block = re.search(r'<script type="application/json" id="qr-data">(.*?)</script>', page, re.S).group(1)
    assert "<" not in block and ">" not in block
    data = json.loads(block)
    assert payload in data["regions"]


def test_no_safe_filter_on_data_in_the_template():
    template = (html_report.template_dir() / html_report.TEMPLATE).read_text(encoding="utf-8")
    assert "|safe" not in template.replace(" ", "")
    assert "autoescape false" not in template


def test_template_injection_is_not_evaluated():
    page = html_report.render(hostile_assessment("{{ 7 * 7 }}"))
    assert "NHS {{ 7 * 7 }}" in parse_html(page).text()


# ---------------------------------------------------------------- self-contained


def test_nothing_is_fetched_from_anywhere(page, doc):
    assert not doc.find_all("link")
    assert not doc.find_all("iframe") and not doc.find_all("object") and not doc.find_all("img")
    for element in doc.iter():
        for name in ("src", "href", "xlink:href", "action", "poster", "srcset"):
            value = element.attrs.get(name)
            if value is not None:
                assert value.startswith("#"), (element.tag, name, value)
    assert not re.search(r"https?://", page)
    assert "@import" not in page and "@font-face" not in page
    for script in doc.find_all("script"):
        assert "src" not in script.attrs


def test_content_security_policy_allows_only_the_pages_own_style_and_script(page, doc):
    policy = next(meta for meta in doc.find_all("meta") if meta.attrs.get("http-equiv") == "Content-Security-Policy").attrs["content"]
    assert "default-src 'none'" in policy
    import base64
    import hashlib

    for tag, directive in (("style", "style-src"), ("script", "script-src")):
        body = re.search(rf"<{tag}>(.*?)</{tag}>", page, re.S).group(1)
        digest = base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode("ascii")
        assert f"{directive} 'sha256-{digest}'" in policy
    assert "unsafe-inline" not in policy


def test_font_stack_is_the_nhs_fallback_with_no_web_font(page):
    assert 'font-family: "Frutiger W01", Arial, sans-serif' in page


# ---------------------------------------------------------------- reproducible


def test_same_input_gives_the_same_bytes(sample, page):
    assert html_report.render(sample) == page
    assert html_report.render(sample_assessment()) == page


def test_a_saved_json_assessment_renders_to_the_same_bytes(sample, page):
    assert html_report.render(from_json(to_json(sample))) == page


def test_no_date_but_the_as_of_date(sample, page):
    other_day = sample.model_copy(update={"as_of": dt.date(2015, 1, 5)})
    assert "5 January 2015" in html_report.render(other_day)
    years = set(re.findall(r"\b20\d\d-\d\d-\d\d\b", page))
    allowed = {sample.as_of.isoformat()} | {w.expires.isoformat() for w in sample.waivers}
    allowed |= {p.figures.delivery.as_of.isoformat() for p in sample.plans if p.figures and p.figures.delivery}
    allowed |= {f.waiver.expires.isoformat() for p in sample.plans for f in p.findings if f.waiver}
    assert years <= allowed


# ---------------------------------------------------------------- size


@pytest.mark.slow
def test_a_thousand_plans_stay_under_ten_megabytes():
    assessment = large_assessment(1000)
    page = html_report.render(assessment)
    size = len(page.encode("utf-8"))
    assert size < 10_000_000, size
    assert page.count('<section class="plan" id="p') == 1000
    # Compact sections still name every finding of every plan (the first couple of dozen read back in full).
    chunk = page[page.index('<section class="plan" id="p1"') : page.index('<section class="plan" id="p25"')]
    for plan, section in zip(html_report.worst_first(assessment)[:24], plan_sections(parse_html(chunk))):
        text = section.text()
        for finding in plan.findings:
            assert finding.rule in text
            if finding.rating != "green":
                assert finding.message.replace("`", "") in text  # backticked keys show as code


def test_runs_up_to_the_threshold_keep_every_detail_and_larger_ones_are_compact():
    assert html_report.COMPACT_ABOVE >= 236  # a whole national round of CCG and area team plans
    full = html_report.build_view(large_assessment(12))
    assert not full["compact"]
    compact_doc = parse_html(html_report.render(large_assessment(html_report.COMPACT_ABOVE + 1)))
    assert "kept brief" in compact_doc.by_id("details").text()
    assert "Evidence (" not in compact_doc.by_id("details").text()


def test_an_empty_run_still_renders_a_whole_page():
    from qipp_rag.results import Assessment, GroupSummary, Portfolio, ToolInfo

    empty = Assessment(
        tool=ToolInfo(version="0.1.0"), as_of=dt.date(2014, 4, 1), rule_packs=[], rules=[], plans=[],
        portfolio=Portfolio(), summary=GroupSummary(key="national", plans=0, ratings={}, totals={}),
    )
    doc = parse_html(html_report.render(empty))
    assert "No plan files were found." in doc.by_id("plans").text()
    assert "no money to total" in doc.by_id("summary").text()
    assert not plan_sections(doc)


def test_a_finding_of_a_rule_the_assessment_does_not_describe_is_still_shown(sample):
    plan = next(plan for plan in sample.plans if plan.findings)
    odd = plan.findings[0].model_copy(update={"rule": "ZZ99", "message": "from a rule no pack describes"})
    changed = sample.model_copy(update={"plans": [plan.model_copy(update={"findings": [*plan.findings, odd]}), *sample.plans[1:]]})
    section = plan_sections(parse_html(html_report.render(changed)))[html_report.worst_first(changed).index(changed.plans[0])]
    assert "ZZ99" in section.text() and "from a rule no pack describes" in section.text()


from hypothesis import given
from hypothesis import strategies as st


@given(st.decimals(allow_nan=False, allow_infinity=False, min_value=Decimal("-1e15"), max_value=Decimal("1e15"), places=None))
def test_money_shown_is_the_money_held_to_the_nearest_thousand(amount):
    from decimal import ROUND_HALF_UP

    shown = thousands(amount)
    assert Decimal(shown.replace(",", "")) == amount.quantize(Decimal(1), rounding=ROUND_HALF_UP)
    assert "." not in shown
    whole = shown.lstrip("-")
    assert all(len(group) == 3 for group in whole.split(",")[1:]) and 1 <= len(whole.split(",")[0]) <= 3


@given(st.decimals(allow_nan=False, allow_infinity=False, min_value=Decimal("-1e9"), max_value=Decimal("1e9"), places=6))
def test_a_measured_value_is_shown_as_json_rounds_it(value):
    from qipp_rag.results import round_value

    shown = html_report.measured(value, "percent")
    assert shown.endswith("\u00a0%")
    assert Decimal(shown[:-2].replace(",", "")) == round_value(value)


def test_backticked_keys_in_messages_show_as_code_and_stay_escaped() -> None:
    from qipp_rag.reporters.html import code_spans

    assert str(code_spans("`governance` gives no `pmo`")) == "<code>governance</code> gives no <code>pmo</code>"
    hostile = str(code_spans("name `<script>alert(1)</script>` & `x\" onmouseover=\"y`"))
    assert "<script>" not in hostile and "&lt;script&gt;" in hostile
    assert 'onmouseover="' not in hostile
    assert str(code_spans("a lone ` backtick")) == "a lone ` backtick"
