"""After a run, ``assess`` reads the plans back (from its spill file) for its own lines only when it must:
the exit code comes from the summary's counts, the problems on standard error only when a plan is rated
error, the waived count only when a waiver applied, and both together in one reading."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from plan_stream_support import corpus_assessment, example_assessment, streamed

from qipp_rag.commands.assess import read_from_plans, summary_line
from qipp_rag.engine import AssessOptions, assess
from qipp_rag.reporters.text import visible
from qipp_rag.results import Assessment, exit_code

REPO = Path(__file__).resolve().parents[1]


def _north() -> Assessment:
    """The example plans of the north region, no waivers: every plan assessed, nothing waived."""
    here = Path.cwd()
    os.chdir(REPO)
    try:
        return assess(AssessOptions(paths=("plans/north",), as_of=dt.date(2014, 12, 31), jobs=1))
    finally:
        os.chdir(here)


@pytest.fixture(scope="module")
def assessments(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Assessment]:
    return {
        "examples": example_assessment(),  # waivers applied
        "corpus": corpus_assessment(tmp_path_factory.mktemp("corpus") / "plans"),  # plans rated error
        "north": _north(),  # neither
    }


def _as_before(assessment: Assessment, fail_on: str) -> tuple[int, list[str], int]:
    """The exit code, problem lines and waived count as read from every plan."""
    plans = list(assessment.plans)
    if assessment.errors or any(plan.rating == "error" for plan in plans) or not plans:
        code = 2
    else:
        failing = {"never": set(), "red": {"red"}, "amber": {"red", "amber"}}[fail_on]
        code = 1 if any(plan.rating in failing for plan in plans) else 0
    lines = [f"{problem.file or ''}:{problem.line}:{problem.column}: error: {problem.message}"
             for problem in assessment.errors]
    for plan in plans:
        lines += [f"{plan.file}:{problem.line}:{problem.column}: error: {problem.message}" for problem in plan.errors]
    waived = sum(1 for plan in plans for finding in plan.findings if finding.rating == "waived")
    return code, [visible(line) for line in lines], waived


@pytest.mark.parametrize("label", ["examples", "corpus", "north"])
@pytest.mark.parametrize("fail_on", ["red", "amber", "never"])
def test_the_same_exit_code_lines_and_waived_count_as_from_every_plan(
    assessments: dict[str, Assessment], label: str, fail_on: str
) -> None:
    assessment = assessments[label]
    code, lines, waived = _as_before(assessment, fail_on)
    assert exit_code(assessment, fail_on) == code
    assert read_from_plans(assessment) == (lines, waived)
    assert read_from_plans(assessment, problems=False) == ([], waived)
    assert summary_line(assessment, fail_on, code, waived) == summary_line(assessment, fail_on, code)


def test_the_cases_are_what_they_say(assessments: dict[str, Assessment]) -> None:
    examples, corpus, north = (assessments[label] for label in ("examples", "corpus", "north"))
    assert any(waiver.status == "applied" for waiver in examples.waivers) and _as_before(examples, "red")[2] > 0
    assert corpus.summary.ratings.get("error", 0) > 0 and not corpus.waivers
    assert not north.waivers and not north.summary.ratings.get("error", 0) and len(north.plans) > 3


@pytest.mark.parametrize(
    ("label", "reads"),
    [("north", 0), ("corpus", 1), ("examples", 1)],  # neither needed; problems only; waived count (and problems)
)
def test_the_plans_are_read_only_when_needed_and_at_most_once(
    assessments: dict[str, Assessment], label: str, reads: int
) -> None:
    assessment, plans = streamed(assessments[label])
    exit_code(assessment, "amber")
    assert plans.handed_out == 0
    read_from_plans(assessment)
    assert plans.handed_out == reads * len(plans)
