"""The HTML report through the real command line: assess --format html, --report html:PATH and report."""

from __future__ import annotations

import pytest

from conftest import PLANS, REPO, run_cli
from html_fixtures import parse_html
from qipp_rag.reporters import html as html_report
from qipp_rag.results import from_json


@pytest.fixture(scope="module")
def assessed(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cli")
    report_path = folder / "report.html"
    done = run_cli("assess", "plans", "--format", "json", "--as-of", "2014-09-30", "--report", f"html:{report_path}", cwd=REPO)
    assert done.returncode in (0, 1), done.stderr
    saved = folder / "assessment.json"
    saved.write_text(done.stdout, encoding="utf-8")
    return saved, report_path


def test_every_way_to_ask_for_html_gives_the_same_page(assessed):
    saved, report_path = assessed
    written = report_path.read_text(encoding="utf-8")
    again = run_cli("report", str(saved), "--format", "html", cwd=REPO)
    assert again.returncode == 0, again.stderr
    assert again.stdout == written
    direct = run_cli("assess", "plans", "--format", "html", "--as-of", "2014-09-30", cwd=REPO)
    assert direct.returncode in (0, 1), direct.stderr
    assert direct.stdout == written
    assert html_report.render(from_json(saved.read_text(encoding="utf-8"))) == written


def test_the_example_plans_report_names_every_plan_and_finding(assessed):
    saved, report_path = assessed
    assessment = from_json(saved.read_text(encoding="utf-8"))
    doc = parse_html(report_path.read_text(encoding="utf-8"))
    sections = doc.find_all("section", class_="plan")
    assert len(sections) == len(assessment.plans) > 0
    for plan, section in zip(html_report.worst_first(assessment), sections):
        text = section.text()
        assert plan.file in text
        for finding in plan.findings:
            assert finding.rule in text and finding.message.replace("`", "") in text  # backticked keys show as code
        for problem in plan.errors:
            assert f"{plan.file}:{problem.line}:{problem.column} {problem.message.replace('`', '')}" in text
    assert doc.find_all("h1")[0].text() == "QIPP plan assurance: England, as of 30 September 2014"
