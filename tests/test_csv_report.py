"""CSV output: opens in a spreadsheet as written, parses back, and runs no formulas."""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ci_fixtures import assessment, finding, green_plan, hostile_assessment, mixed_assessment, organisation, plan
from qipp_rag.reporters.csv_report import BOM, COLUMNS, render, safe_cell
from qipp_rag.reporters.text import visible
from qipp_rag.results import Problem, from_json, to_json


def rows(assessment_) -> list[dict[str, str]]:
    data = render(assessment_).encode("utf-8")
    assert data.startswith(b"\xef\xbb\xbf")  # the BOM, as Excel needs
    reader = csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline=""))
    assert tuple(reader.fieldnames) == COLUMNS
    return list(reader)


def test_bom_and_crlf_line_ends():
    text = render(mixed_assessment())
    assert text.startswith(BOM + "file,organisation_code,")
    assert text.endswith("\r\n")
    assert "\n" not in text.replace("\r\n", "")


def test_one_row_per_finding_and_per_problem():
    found = rows(mixed_assessment())
    assert len(found) == 8 + 8 + 2 + 8
    errors = [row for row in found if row["plan_rating"] == "error"]
    assert [(row["rule"], row["rating"], row["line"], row["column"], row["path"]) for row in errors] == [
        ("QIPP-ERROR", "error", "6", "1", "alocation"),
        ("QIPP-ERROR", "error", "11", "1", "target"),
    ]
    sp02 = next(row for row in found if row["organisation_code"] == "07L" and row["rule"] == "SP02")
    expected = {
        "file": "plans/london/07L.yaml",
        "organisation_name": "NHS Barking & Dagenham CCG",
        "area_team": "Q71",
        "region": "london",
        "plan_rating": "red",
        "first_year": "2014/15",
        "allocation_gbp_000": "250000",
        "identified_gbp_000": "11756.25",
        "title": "Identified savings cover the target",
        "criterion": "savings_plan",
        "critical": "yes",
        "rating": "red",
        "value": "85.50",
        "unit": "percent",
        "line": "9",
        "column": "3",
        "path": "target.2015/16",
    }
    assert {key: sp02[key] for key in expected} == expected
    waived = next(row for row in found if row["rating"] == "waived")
    assert (waived["waiver_reason"], waived["waiver_approved_by"], waived["waiver_expires"], waived["waived_rating"]) == (
        "Contingency agreed with the area team, held centrally",
        "Area team finance lead",
        "2014-09-30",
        "amber",
    )


def test_a_plan_without_findings_still_has_a_row_and_outside_problems_follow():
    empty = plan("plans/empty.yaml", organisation("02N", "NHS X CCG"), "green", [])
    found = rows(assessment([empty], errors=[Problem(message="bad pack", line=2, column=3, file="rules/mine.yaml")]))
    assert [(row["file"], row["rule"], row["rating"]) for row in found] == [("plans/empty.yaml", "", ""), ("rules/mine.yaml", "QIPP-ERROR", "error")]


def test_formula_cells_are_defused_but_numbers_are_not():
    found = rows(hostile_assessment())
    first = found[0]
    assert first["organisation_name"].startswith("'=HYPERLINK(")
    assert first["value"] == "-12.50"
    messages = [row["message"] for row in found]
    assert "'+cmd|' /C calc'!A0\\x07 bell \\x1b[31m escape \\x00 nul" in messages  # control characters shown as escapes
    assert "'@SUM(1+1) | pipe `tick` *star* #hash" in messages
    assert "'-2+3" in messages
    waived = next(row for row in found if row["rating"] == "waived")
    assert waived["waiver_reason"] == "\\tTab-led reason, with = sign"  # a tab shown as an escape starts no formula
    assert waived["waiver_approved_by"] == "'=evil()"
    # multi-line text is one line, its breaks shown as escapes (a CSV row is one line in a CI log)
    assert 'line one, with: colon and 50%\\r\\nline two <b>&amp;</b> "quoted" ]]>' in messages


@pytest.mark.parametrize(("cell", "safe"), [("=1+1", "'=1+1"), ("+44 20", "'+44 20"), ("-5", "-5"), ("-12.50", "-12.50"), ("-1e5", "'-1e5"), ("@x", "'@x"), ("\tx", "\\tx"), ("\rx", "\\rx"), ("a=b", "a=b"), ("", "")])
def test_safe_cell(cell, safe):
    assert safe_cell(cell) == safe


@given(st.text())
def test_any_message_parses_back_and_never_starts_a_formula(message):
    one = plan("plans/x.yaml", organisation("02N", "NHS X CCG"), "red", [finding("SP02", "red", "50", message)])
    [row] = rows(assessment([one]))
    shown = visible(message)  # line breaks and control characters shown as escapes
    assert row["message"] in (shown, "'" + shown)
    assert "\n" not in row["message"] and "\r" not in row["message"]
    assert not row["message"].startswith(("=", "+", "@", "\t", "\r")) or row["message"] == shown == ""


def test_deterministic_and_the_same_from_saved_json():
    original = assessment([green_plan()])
    assert render(original) == render(original)
    assert render(from_json(to_json(mixed_assessment()))) == render(mixed_assessment())


def test_numbers_are_written_one_way() -> None:
    from decimal import Decimal

    from qipp_rag.reporters.csv_report import money_text, value_text

    assert [money_text(Decimal(text)) for text in ("6720.0", "1200.50", "0.00", "-0.0", "1E+3")] == ["6720", "1200.5", "0", "0", "1000"]
    assert value_text(Decimal("65.7412"), "percent") == "65.74" and value_text(Decimal("50"), "percent") == "50.00"
    assert value_text(Decimal("3"), "count") == "3" and value_text(Decimal("3.000"), "count") == "3"
    assert value_text(Decimal("2.944"), "ratio") == "2.94" and value_text(None, "percent") == ""
    assert value_text(Decimal("1200.50"), "gbp_000") == "1200.5"
