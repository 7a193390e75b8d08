"""The JSON assessment as text: written plan by plan, it is the same as written in one piece."""

from __future__ import annotations

import datetime as dt
import json
from decimal import ROUND_HALF_EVEN, Decimal

from conftest import REPO
from qipp_rag.engine import AssessOptions, assess
from qipp_rag.results import from_json, to_json

CENT = Decimal("0.01")


def _as_json(value: object, key: str = "") -> object:
    """What the JSON must hold for a model dumped in Python mode, worked out apart from the writer:
    dates as ISO text, every Decimal an exact number, and a finding's value rounded half-even to
    2 decimal places (the spec's rule for shown values)."""
    if isinstance(value, dict):
        if "rule" in value and "rating" in value and isinstance(value.get("value"), Decimal):
            value = {**value, "value": value["value"].quantize(CENT, rounding=ROUND_HALF_EVEN)}
        return {name: _as_json(item, name) for name, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_as_json(item, key) for item in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def test_the_text_written_plan_by_plan_is_the_whole_assessment_with_exact_numbers() -> None:
    assessment = assess(AssessOptions(paths=(str(REPO / "plans"),), as_of=dt.date(2014, 9, 30), jobs=1))
    text = to_json(assessment)
    data = json.loads(text, parse_float=Decimal)
    assert data == _as_json(assessment.model_dump(mode="python"))
    assert text.startswith('{\n  "tool": {\n') and text.endswith("\n}\n") and "\n    {\n      \"file\": " in text
    assert [plan["file"] for plan in data["plans"]] == [plan.file for plan in assessment.plans]
    assert from_json(text) == from_json(to_json(from_json(text)))


def test_an_empty_run_and_a_one_plan_run_are_whole_documents() -> None:
    assessment = assess(AssessOptions(paths=(str(REPO / "plans" / "north" / "Q50" / "03F-hull.yaml"),), as_of=dt.date(2014, 9, 30), jobs=1))
    for case in (assessment, assessment.model_copy(update={"plans": []})):
        text = to_json(case)
        assert json.loads(text, parse_float=Decimal) == _as_json(case.model_dump(mode="python"))
        assert text.endswith("\n}\n")
    assert '"plans": [],' in to_json(assessment.model_copy(update={"plans": []}))


def test_exact_numbers_are_numbers_not_strings() -> None:
    assessment = assess(AssessOptions(paths=(str(REPO / "plans" / "north" / "Q50" / "03F-hull.yaml"),), as_of=dt.date(2014, 9, 30), jobs=1))
    data = json.loads(to_json(assessment), parse_float=Decimal)
    totals = data["summary"]["totals"]["target"]
    assert totals and all(isinstance(value, (int, Decimal)) for value in totals.values())
    assert "\\u0000" not in to_json(assessment)
