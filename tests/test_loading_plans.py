"""load_plan and load_document: every problem of a file, placed and worded for its user."""

from __future__ import annotations

import os
import sys
import typing
from decimal import Decimal
from pathlib import Path
from typing import Optional

import pytest
from pydantic import BaseModel, ConfigDict, Field

from conftest import REPO
from qipp_rag.load.loading import FailedPlan, LoadedPlan, load_document, load_plan
from qipp_rag.plan.models import Plan, _strip, _unwrap_model
from qipp_rag.results import OrganisationInfo

FIXTURES = REPO / "tests" / "fixtures" / "valid"

PLAN = """\
qipp_plan: 1
organisation:
  code: "03Q"
  name: NHS Vale of York CCG
  type: ccg
  area_team: Q50
  region: north
period: [2014/15, 2015/16]
allocation: {2014/15: 398250, 2015/16: 405120}
target: {2014/15: 9100, 2015/16: 9400}
schemes:
  - id: UC-01
    title: Ambulatory emergency care
    workstream: urgent_care
    stage: planned
    savings:
      2014/15: 1200.50
      2015/16: 1500
"""


def write(tmp_path: Path, text: str | bytes, name: str = "plan.yaml") -> str:
    path = tmp_path / name
    if isinstance(text, str):
        path.write_text(text, encoding="utf-8")
    else:
        path.write_bytes(text)
    return str(path)


def failed(tmp_path: Path, text: str | bytes) -> FailedPlan:
    result = load_plan(write(tmp_path, text))
    assert isinstance(result, FailedPlan), result
    return result


def test_a_valid_plan_loads_with_exact_money(tmp_path: Path) -> None:
    result = load_plan(write(tmp_path, PLAN))
    assert isinstance(result, LoadedPlan)
    assert result.file.endswith("plan.yaml")
    saving = result.plan.schemes[0].savings["2014/15"]
    assert saving == Decimal("1200.50") and str(saving) == "1200.50"


@pytest.mark.parametrize("fixture", sorted(FIXTURES.glob("*.yaml")), ids=lambda path: path.stem)
def test_the_valid_fixtures_load(fixture: Path) -> None:
    assert isinstance(load_plan(str(fixture)), LoadedPlan)


def _written_fields(model: BaseModel, where: str) -> set[str]:
    """Paths of the fields a plan gives explicitly (a list's items share one path)."""
    found: set[str] = set()
    for name in model.model_fields_set:
        path = f"{where}.{name}"
        found.add(path)
        value = getattr(model, name)
        items = value if isinstance(value, list) else [value]
        for item in items:
            if isinstance(item, BaseModel):
                found |= _written_fields(item, path + ("[]" if isinstance(value, list) else ""))
    return found


def _all_fields(model: type[BaseModel], where: str) -> set[str]:
    found: set[str] = set()
    for name, field in model.model_fields.items():
        path = f"{where}.{name}"
        found.add(path)
        inner = _strip(field.annotation)
        is_list = typing.get_origin(inner) is list
        nested = _unwrap_model(typing.get_args(inner)[0] if is_list else inner)
        if nested is not None:
            found |= _all_fields(nested, path + ("[]" if is_list else ""))
    return found


def test_the_full_fixture_uses_every_field_of_the_format() -> None:
    loaded = load_plan(str(FIXTURES / "full-plan.yaml"))
    assert isinstance(loaded, LoadedPlan)
    unused = _all_fields(Plan, "plan") - _written_fields(loaded.plan, "plan")
    assert unused == {"plan.organisation.ccgs"}  # a CCG cannot list CCGs; the area team fixture does
    area_team = load_plan(str(FIXTURES / "area-team-plan.yaml"))
    assert isinstance(area_team, LoadedPlan) and area_team.plan.organisation.ccgs


def test_every_problem_of_a_file_comes_back_in_file_order(tmp_path: Path) -> None:
    text = PLAN.replace('code: "03Q"', "code: NO").replace("2015/16: 1500", "2015/16: -1500").replace("    stage: planned\n", "    stage: planned\n    saving: 1\n")
    problems = failed(tmp_path, text).problems
    assert [(problem.line, problem.column) for problem in problems] == sorted((problem.line, problem.column) for problem in problems)
    assert [problem.path for problem in problems] == ["organisation.code", "schemes[0].saving", "schemes[0].savings.2015/16"]
    assert all(problem.file is None for problem in problems)  # plan problems belong to the plan's result


def test_a_problem_message_starts_with_its_path(tmp_path: Path) -> None:
    problem = failed(tmp_path, PLAN.replace("2015/16: 1500", "2015/16: -1500")).problems[0]
    assert problem.message.startswith("schemes[0].savings.2015/16: money cannot be negative")
    assert (problem.line, problem.column, problem.path) == (18, 16, "schemes[0].savings.2015/16")


def test_an_unknown_key_points_at_the_key_and_suggests_the_nearest(tmp_path: Path) -> None:
    problem = failed(tmp_path, PLAN.replace("    savings:\n", "    saving:\n")).problems
    unknown = next(p for p in problem if "unknown key" in p.message)
    assert "unknown key `saving`; did you mean `savings`?" in unknown.message
    assert (unknown.line, unknown.column) == (16, 5)
    missing = next(p for p in problem if "required key" in p.message)
    assert missing.message == "schemes[0]: the required key `savings` is missing"
    assert (missing.line, missing.column) == (12, 5)  # the scheme's first key


def test_a_missing_top_level_key_points_at_the_document(tmp_path: Path) -> None:
    problems = failed(tmp_path, PLAN.replace("target: {2014/15: 9100, 2015/16: 9400}\n", "")).problems
    assert [(p.message, p.line, p.column, p.path) for p in problems] == [("the required key `target` is missing", 1, 1, "")]


def test_a_non_text_key_in_an_object_is_reported_at_the_key(tmp_path: Path) -> None:
    problem = failed(tmp_path, PLAN.replace("  region: north\n", "  region: north\n  2014: x\n")).problems[0]
    assert (problem.line, problem.column) == (8, 3)
    assert "a key must be text" in problem.message or "unknown key" in problem.message


def test_a_year_key_written_as_a_number_is_reported_at_the_key(tmp_path: Path) -> None:
    problem = failed(tmp_path, PLAN.replace("      2015/16: 1500", "      2015: 1500")).problems[0]
    assert "a financial year is written YYYY/YY" in problem.message and "the number 2015" in problem.message
    assert (problem.line, problem.column, problem.path) == (18, 7, "schemes[0].savings.2015")


def test_cross_field_problems_are_placed_too(tmp_path: Path) -> None:
    text = PLAN.replace("      2015/16: 1500", "      2016/17: 1500")
    problem = failed(tmp_path, text).problems[0]
    assert problem.message == "schemes[0].savings.2016/17: scheme `UC-01` saves in 2016/17, which is not in `period`"
    assert (problem.line, problem.column) == (18, 7)


def test_a_yaml_problem_is_not_repeated_by_validation(tmp_path: Path) -> None:
    problems = failed(tmp_path, PLAN.replace("    title: Ambulatory emergency care", "    title: !!binary aGVsbG8=")).problems
    assert len(problems) == 1 and "`!!binary` is not allowed" in problems[0].message


def test_whole_file_problems_have_no_position(tmp_path: Path) -> None:
    (problem,) = failed(tmp_path, "").problems
    assert (problem.line, problem.column, problem.path) == (0, 0, "")


def test_a_missing_file_and_a_folder_are_problems_not_exceptions(tmp_path: Path) -> None:
    missing = load_plan(str(tmp_path / "gone.yaml"))
    assert isinstance(missing, FailedPlan) and missing.problems[0].message == "no such file"
    folder = load_plan(str(tmp_path))
    assert isinstance(folder, FailedPlan) and "folder" in folder.problems[0].message


@pytest.mark.unprivileged
@pytest.mark.skipif(sys.platform == "win32", reason="needs POSIX permissions")
def test_an_unreadable_file_is_a_problem_not_an_exception(tmp_path: Path) -> None:
    locked = Path(write(tmp_path, PLAN, "locked.yaml"))
    locked.chmod(0)
    try:
        result = load_plan(str(locked))
    finally:
        locked.chmod(0o644)
    assert isinstance(result, FailedPlan)
    assert result.problems[0].message == "the file cannot be read: permission denied"
    assert (result.problems[0].line, result.problems[0].column) == (0, 0)


def test_a_big_file_is_refused_from_its_size(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    with path.open("wb") as handle:
        handle.truncate(50 * 1_000_000)  # sparse: nothing is written or read
    result = load_plan(str(path))
    assert isinstance(result, FailedPlan)
    assert result.problems[0].message == "file is 50.0 MB; plans are at most 5 MB"


# ---------------------------------------------------------------- the organisation of a failed plan


def test_a_failed_plan_keeps_what_it_says_plainly_about_its_organisation(tmp_path: Path) -> None:
    result = failed(tmp_path, PLAN.replace("  code: \"03Q\"", "  code: NO").replace("2015/16: 1500", "2015/16: -1"))
    assert result.organisation == OrganisationInfo(code=None, name="NHS Vale of York CCG", type="ccg", area_team="Q50", region="north")


def test_a_failed_plan_without_a_readable_organisation_has_an_empty_one(tmp_path: Path) -> None:
    assert failed(tmp_path, "- a list\n").organisation == OrganisationInfo()
    assert failed(tmp_path, "organisation: text\n").organisation == OrganisationInfo()


# ---------------------------------------------------------------- other documents


class Entry(BaseModel):
    model_config = ConfigDict(extra="forbid")
    rule: str
    reason: str
    fail_on: Optional[str] = Field(default=None, alias="fail-on")


class Document(BaseModel):
    model_config = ConfigDict(extra="forbid")
    entries: list[Entry]


def test_load_document_validates_any_model_with_file_on_its_problems(tmp_path: Path) -> None:
    file = write(tmp_path, "entries:\n  - rule: GV02\n    reasn: recruiting\n", "waivers.yaml")
    document, problems = load_document(file, Document)
    assert document is None
    assert [(p.file, p.line, p.column) for p in problems] == [(file, 2, 5), (file, 3, 5)]
    assert problems[0].message == "entries[0]: the required key `reason` is missing"
    assert "did you mean `reason`?" in problems[1].message


def test_load_document_suggests_aliases_as_written_in_the_file(tmp_path: Path) -> None:
    file = write(tmp_path, "entries:\n  - {rule: GV02, reason: x, fail_on: red}\n", "config.yaml")
    _, problems = load_document(file, Document)
    assert "did you mean `fail-on`?" in problems[0].message


def test_load_document_returns_the_model_when_valid(tmp_path: Path) -> None:
    file = write(tmp_path, "entries:\n  - {rule: GV02, reason: x, fail-on: red}\n")
    document, problems = load_document(file, Document)
    assert problems == [] and document is not None and document.entries[0].fail_on == "red"


def test_load_document_speaks_of_files_not_plans(tmp_path: Path) -> None:
    _, problems = load_document(write(tmp_path, ""), Document)
    assert problems[0].message == "the file is empty (or only comments); it must be a YAML mapping of keys to values"
