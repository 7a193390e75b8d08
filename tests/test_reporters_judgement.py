"""Confidence, the waived count and distance to green, as each human and CI format shows them."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import xml.etree.ElementTree as ET
from decimal import Decimal

from ci_fixtures import assessment, red_plan
from qipp_rag.rollup import summarise
from qipp_rag.reporters import csv_report, junit, markdown, sarif
from qipp_rag.results import Assessment, Distance, WaiverRecord


def judged() -> Assessment:
    plan = red_plan()
    findings = [
        finding.model_copy(update={"distance": Distance(to_green=Decimal("1995.00"), to_amber=Decimal("620.00"), year="2015/16")})
        if finding.rule == "SP02"
        else finding
        for finding in plan.findings
    ]
    plan = plan.model_copy(update={"findings": findings, "confidence": "red", "waived": 2})
    national, portfolio = summarise([plan])
    refused = WaiverRecord(
        rule="GV01", plan="07L", reason="SRO starts in May", approved_by="Chief Finance Officer", approver_organisation="07L",
        expires=dt.date(2015, 3, 31), status="refused", refused_because="GV01 is a critical rule: approved by the plan's own organisation",
    )  # fmt: skip
    return assessment([plan], waivers=[refused]).model_copy(update={"summary": national, "portfolio": portfolio})


def test_markdown_shows_confidence_waived_count_legend_and_refusal() -> None:
    text = markdown.render(judged())
    assert "| **RED** (2 waived) | RED |" in text
    assert "Confidence: delivery confidence on the five-point Gateway scale" in text
    assert "| Confidence | Plans |" in text and "| AMBER/RED | 0 |" in text
    assert "**RED** (2 waived), confidence RED" in text
    assert "refused: GV01 is a critical rule" in text and "Chief Finance Officer (07L)" in text


def test_sarif_carries_confidence_waived_and_distance() -> None:
    log = sarif.render(judged())
    run = (json.loads(log) if isinstance(log, str) else log)["runs"][0]
    sp02 = next(result for result in run["results"] if result["ruleId"] == "SP02")
    assert sp02["message"]["text"].startswith("07L NHS Barking & Dagenham CCG (RED (2 waived), confidence RED): ")
    assert sp02["properties"]["plan"]["confidence"] == "red" and sp02["properties"]["plan"]["waived"] == 2
    assert sp02["properties"]["distance"] == {"toGreen": "1995.00", "toAmber": "620.00", "year": "2015/16"}
    assert run["properties"]["confidence"]["red"] == 1
    assert "five-point" in run["properties"]["confidenceLegend"]


def test_junit_carries_confidence_beside_the_rating() -> None:
    root = ET.fromstring(junit.render(judged()))
    properties = {item.get("name"): item.get("value") for item in root.iter("property")}
    assert properties["confidence"] == "red" and properties["waived"] == "2"
    assert properties["rating.shown"] == "RED (2 waived), confidence RED"
    failure = next(case for case in root.iter("testcase") if case.get("name", "").startswith("SP02")).find("failure")
    assert failure is not None and "plan rating: RED (2 waived), confidence RED" in (failure.text or "")


def test_csv_has_confidence_waived_and_distance_columns() -> None:
    rows = list(csv.DictReader(io.StringIO(csv_report.render(judged()).lstrip("\ufeff"))))
    sp02 = next(row for row in rows if row["rule"] == "SP02")
    assert (sp02["plan_confidence"], sp02["plan_waived"]) == ("red", "2")
    assert (sp02["distance_to_green_gbp_000"], sp02["distance_to_amber_gbp_000"], sp02["distance_year"]) == ("1995.00", "620.00", "2015/16")
    gv01 = next(row for row in rows if row["rule"] == "GV01")
    assert gv01["distance_to_green_gbp_000"] == ""


def test_the_table_says_why_a_waiver_was_refused() -> None:
    from qipp_rag.reporters import table

    text = table.render(judged())
    line = next(line for line in text.splitlines() if line.startswith("REFUSED"))
    assert "GV01 for 07L" in line and line.endswith("GV01 is a critical rule: approved by the plan's own organisation")
