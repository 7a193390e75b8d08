"""One small assessment in every format, checked against text written out by hand.

The other reporter tests check each format's structure, escaping and
agreement with the JSON; these pin what a reader sees for one plan, so a
change to a number's format, a label, an escape or a count shows up here
even when the format and the JSON agree with each other.  The plan: NHS
Airedale & Craven CCG (02N), red, with SP01 green (3), SP02 red (85.5 % at
line 9, column 3, ``target.2015/16``) and GV02 amber (no value, no place).
"""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from decimal import Decimal

from ci_fixtures import RULES, assessment, finding, organisation, plan
from qipp_rag.reporters import RenderOptions, renderer
from qipp_rag.results import to_json

NB = "\u00a0"


def _assessment():
    one = plan("plans/north/02N.yaml", organisation("02N", "NHS Airedale & Craven CCG"), "red", [
        finding("SP01", "green", "3", "3 live schemes"),
        finding("SP02", "red", "85.5", "identified savings are 85.50 % of the target in 2015/16", line=9, column=3, path="target.2015/16"),
        finding("GV02", "amber", None, "no programme clinical lead is named"),
    ])  # fmt: skip
    return assessment([one], rules=[rule for rule in RULES if rule.id in ("SP01", "SP02", "GV02")])


def _render(name: str, **options) -> str:
    return renderer(name)(_assessment(), RenderOptions(**options))


def test_json_by_hand() -> None:
    text = to_json(_assessment())
    assert '''
        {
          "rule": "SP02",
          "rating": "red",
          "value": 85.50,
          "message": "identified savings are 85.50 % of the target in 2015/16",
          "location": {
            "line": 9,
            "column": 3,
            "path": "target.2015/16"
          },''' in text
    data = json.loads(text, parse_float=Decimal)
    (shown,) = data["plans"]
    assert (shown["file"], shown["rating"], shown["organisation"]["code"], shown["organisation"]["name"]) == ("plans/north/02N.yaml", "red", "02N", "NHS Airedale & Craven CCG")
    assert [(f["rule"], f["rating"], f["value"], f["location"]) for f in shown["findings"]] == [
        ("SP01", "green", Decimal("3.00"), None),
        ("SP02", "red", Decimal("85.50"), {"line": 9, "column": 3, "path": "target.2015/16"}),
        ("GV02", "amber", None, None),
    ]
    assert data["as_of"] == "2014-06-30"
    assert data["summary"]["ratings"] == {"green": 0, "amber": 0, "red": 1, "error": 0}
    assert data["errors"] == []


def test_junit_by_hand() -> None:
    text = _render("junit")
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="qipp-rag assessment as of 2014-06-30" tests="3" failures="1" errors="0">\n')
    assert '<testsuite name="plans/north/02N.yaml" file="plans/north/02N.yaml" tests="3" failures="1" errors="0" skipped="0">' in text
    assert '<property name="organisation.name" value="NHS Airedale &amp; Craven CCG" />' in text
    root = ET.fromstring(text.encode("utf-8"))
    cases = root.findall("testsuite/testcase")
    assert [(case.get("classname"), case.get("name")) for case in cases] == [
        ("02N", "SP01 A savings plan exists"), ("02N", "SP02 Identified savings cover the target"), ("02N", "GV02 Programme clinical lead named"),
    ]  # fmt: skip
    failure = cases[1].find("failure")
    assert (failure.get("type"), failure.get("message")) == ("red", "identified savings are 85.50 % of the target in 2015/16")
    assert failure.text.splitlines()[:3] == [
        "identified savings are 85.50 % of the target in 2015/16",
        "value: 85.50 %",
        "at: plans/north/02N.yaml:9:3 (target.2015/16)",
    ]
    assert cases[0].find("failure") is None and cases[2].find("failure") is None
    assert cases[2].find("system-out").text.startswith("AMBER: no programme clinical lead is named\n")


def test_junit_counts_amber_as_a_failure_under_fail_on_amber() -> None:
    root = ET.fromstring(_render("junit", fail_on="amber").encode("utf-8"))
    assert (root.get("tests"), root.get("failures")) == ("3", "2")
    failure = root.findall("testsuite/testcase")[2].find("failure")
    assert (failure.get("type"), failure.get("message")) == ("amber", "no programme clinical lead is named")


def test_sarif_by_hand() -> None:
    log = json.loads(_render("sarif"))
    assert (log["version"], log["$schema"]) == ("2.1.0", "https://json.schemastore.org/sarif-2.1.0.json")
    (run,) = log["runs"]
    assert [rule["id"] for rule in run["tool"]["driver"]["rules"]] == ["SP01", "SP02", "GV02", "QIPP-ERROR"]
    assert [rule["defaultConfiguration"]["level"] for rule in run["tool"]["driver"]["rules"]] == ["error", "error", "warning", "error"]
    red, amber = run["results"]  # green findings are not results
    assert (red["ruleId"], red["ruleIndex"], red["level"]) == ("SP02", 1, "error")
    assert red["message"]["text"] == "02N NHS Airedale & Craven CCG (RED): Identified savings cover the target: identified savings are 85.50 % of the target in 2015/16 (value 85.50 %)"
    (place,) = red["locations"]
    assert place["physicalLocation"]["artifactLocation"]["uri"] == "plans/north/02N.yaml"
    assert place["physicalLocation"]["region"] == {"startLine": 9, "startColumn": 3}
    assert place["logicalLocations"] == [{"fullyQualifiedName": "target.2015/16", "kind": "member"}]
    assert (red["properties"]["rating"], red["properties"]["value"]) == ("red", "85.50")
    assert (amber["ruleId"], amber["ruleIndex"], amber["level"]) == ("GV02", 2, "warning")
    assert amber["message"]["text"] == "02N NHS Airedale & Craven CCG (RED): Programme clinical lead named: no programme clinical lead is named"
    assert amber["locations"][0]["physicalLocation"]["region"] == {"startLine": 1, "startColumn": 1}  # no place: the file's start
    assert run["invocations"] == [{"executionSuccessful": True, "exitCode": 1}]
    assert run["properties"]["ratings"] == {"green": 0, "amber": 0, "red": 1, "error": 0}


def test_csv_by_hand() -> None:
    text = _render("csv")
    assert text.startswith("\ufefffile,organisation_code,organisation_name,organisation_type,area_team,region,plan_rating,")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert [(row["rule"], row["rating"], row["value"], row["unit"], row["critical"], row["line"], row["column"], row["path"]) for row in rows] == [
        ("SP01", "green", "3", "count", "yes", "", "", ""),
        ("SP02", "red", "85.50", "percent", "yes", "9", "3", "target.2015/16"),
        ("GV02", "amber", "", "check", "no", "", "", ""),
    ]
    assert {(row["file"], row["organisation_code"], row["organisation_name"], row["plan_rating"], row["region"]) for row in rows} == {
        ("plans/north/02N.yaml", "02N", "NHS Airedale & Craven CCG", "red", "north")
    }
    assert "\nplans/north/02N.yaml,02N,NHS Airedale & Craven CCG,ccg,Q52,north,red," in text


def _finding_row(page: str, rule: str) -> list[str]:
    """The cells of the findings-table row of ``rule``, as text with the markup taken out."""
    row = re.search(rf'<tr class="f-[a-z]"><th scope="row"><a href="#r\d+">{rule}</a>.*?</tr>', page, re.DOTALL)
    assert row is not None, rule
    cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row.group(), re.DOTALL)
    return [" ".join(re.sub(r"<[^>]+>", "", cell).split(" ")).strip() for cell in cells]


def test_html_by_hand() -> None:
    page = _render("html")
    assert _finding_row(page, "SP02")[:4] == ["SP02 Identified savings cover the target", "Red", f"85.50{NB}%", f"green ≥{NB}100{NB}%, amber ≥{NB}90{NB}%"]
    assert _finding_row(page, "GV02")[:4] == ["GV02 Programme clinical lead named", "Amber", "—", "green when met, else amber"]
    assert "<small>line 9, col 3, <code>target.2015/16</code></small>" in page
    assert "NHS Airedale &amp; Craven CCG" in page and "NHS Airedale & Craven CCG" not in page


def test_markdown_by_hand() -> None:
    text = _render("markdown")
    assert "| SP02 | Identified savings cover the target | **RED** | 85.50 | line 9, `target.2015/16` | identified savings are 85.50 % of the target in 2015/16 |" in text
    assert "| GV02 | Programme clinical lead named | **AMBER** |  |  | no programme clinical lead is named |" in text
