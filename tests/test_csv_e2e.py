"""CSV from a real run of `qipp-rag assess` on the example plans and a broken one."""

from __future__ import annotations

import csv
import io
import json
import re
from decimal import Decimal

import pytest

from ci_fixtures import BROKEN_LINE, real_run
from conftest import run_cli


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("csv-e2e")
    result, outputs = real_run(workdir, run_cli)
    assert result.returncode == 2, result.stderr
    data = outputs["csv"].read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    return json.loads(outputs["json"].read_text(encoding="utf-8"), parse_float=Decimal), rows


def test_one_row_per_finding_and_per_problem(run):
    assessment, rows = run
    expected = [(plan["file"], finding["rule"], finding["rating"]) for plan in assessment["plans"] for finding in plan["findings"]]
    expected += [(plan["file"], "QIPP-ERROR", "error") for plan in assessment["plans"] for _ in plan["errors"]]
    assert sorted((row["file"], row["rule"], row["rating"]) for row in rows) == sorted(expected)


def test_values_and_money_are_the_assessments_exact_numbers(run):
    assessment, rows = run
    values = {(plan["file"], f["rule"]): f["value"] for plan in assessment["plans"] for f in plan["findings"]}
    for row in rows:
        if row["rule"] != "QIPP-ERROR":
            value = values[(row["file"], row["rule"])]
            assert (row["value"] == "") if value is None else (Decimal(row["value"]) == value)
            if row["value"] and row["unit"] in ("count", "check"):
                assert re.fullmatch(r"-?\d+", row["value"]), row  # counts as whole numbers
            elif row["value"] and row["unit"] in ("percent", "ratio"):
                assert re.fullmatch(r"-?\d+\.\d\d", row["value"]), row  # percentages with 2 places
    figures = {plan["file"]: plan["figures"] for plan in assessment["plans"] if plan.get("figures")}
    for row in rows:
        if row["file"] in figures:
            first = figures[row["file"]]["years"][0]
            assert Decimal(row["allocation_gbp_000"]) == figures[row["file"]]["allocation"][first]
            assert "," not in row["allocation_gbp_000"] and "£" not in row["allocation_gbp_000"]


def test_broken_plan_rows_carry_line_and_column(run):
    _, rows = run
    broken = [row for row in rows if row["file"] == "plans/zz-broken/99X.yaml"]
    assert broken and all(row["plan_rating"] == "error" and row["line"] and row["column"] for row in broken)
    assert str(BROKEN_LINE) in {row["line"] for row in broken}
