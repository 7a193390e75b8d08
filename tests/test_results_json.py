"""The JSON assessment as text: written plan by plan, it is the same as written in one piece."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

from conftest import REPO
from qipp_rag.engine import AssessOptions, assess
from qipp_rag.results import _exact_numbers, from_json, to_json


def _one_piece(assessment) -> str:
    return _exact_numbers(assessment.model_dump_json(indent=2)) + "\n"


def test_plan_by_plan_text_equals_the_one_piece_text() -> None:
    assessment = assess(AssessOptions(paths=(str(REPO / "plans"),), as_of=dt.date(2014, 9, 30), jobs=1))
    text = to_json(assessment)
    assert text == _one_piece(assessment)
    data = json.loads(text, parse_float=Decimal)
    assert [plan["file"] for plan in data["plans"]] == [plan.file for plan in assessment.plans]
    assert from_json(text) == from_json(_one_piece(assessment))


def test_an_empty_run_and_a_one_plan_run_are_whole_documents() -> None:
    assessment = assess(AssessOptions(paths=(str(REPO / "plans" / "north" / "Q50" / "03F-hull.yaml"),), as_of=dt.date(2014, 9, 30), jobs=1))
    for case in (assessment, assessment.model_copy(update={"plans": []})):
        text = to_json(case)
        assert text == _one_piece(case)
        assert json.loads(text)["plans"] == json.loads(_one_piece(case))["plans"]
    assert '"plans": [],' in to_json(assessment.model_copy(update={"plans": []}))


def test_exact_numbers_are_numbers_not_strings() -> None:
    assessment = assess(AssessOptions(paths=(str(REPO / "plans" / "north" / "Q50" / "03F-hull.yaml"),), as_of=dt.date(2014, 9, 30), jobs=1))
    data = json.loads(to_json(assessment), parse_float=Decimal)
    totals = data["summary"]["totals"]["target"]
    assert totals and all(isinstance(value, (int, Decimal)) for value in totals.values())
    assert "\\u0000" not in to_json(assessment)
