"""Behaviours scripts/mutate.py changed without any test noticing: each test here fails on one such mutant."""

from __future__ import annotations

from pathlib import Path

from qipp_rag.waivers import load_waivers


def test_a_missing_waivers_file_is_one_problem_with_no_position(tmp_path: Path) -> None:
    waivers, problems = load_waivers(str(tmp_path / "absent.yaml"))
    assert waivers == []
    assert [(problem.message, problem.line, problem.column, problem.file) for problem in problems] == [
        ("no such waivers file", 0, 0, str(tmp_path / "absent.yaml"))
    ]


def test_markdown_cells_escape_ampersands_angle_brackets_and_pipes_with_backslashes() -> None:
    from qipp_rag.reporters.markdown import escape

    # Markdown's own backslash escapes, never HTML entities (which show raw in many viewers).
    assert escape("Barking & Dagenham <b>|x|</b>") == "Barking \\& Dagenham \\<b\\>\\|x\\|\\</b\\>"


def test_a_folder_given_as_a_plan_is_a_problem_with_no_position(tmp_path: Path) -> None:
    from qipp_rag.load.loading import FailedPlan, load_plan

    failed = load_plan(str(tmp_path))
    assert isinstance(failed, FailedPlan)
    assert [(problem.message, problem.line, problem.column) for problem in failed.problems] == [("this is a folder, not a file", 0, 0)]


def _assessed(tmp_path: Path, text: str):
    import datetime as dt

    from qipp_rag.engine import AssessOptions, assess

    (tmp_path / "plans").mkdir(parents=True)
    (tmp_path / "plans" / "plan.yaml").write_text(text, encoding="utf-8")
    (plan,) = assess(AssessOptions(paths=(str(tmp_path / "plans"),), as_of=dt.date(2014, 9, 30), jobs=1)).plans
    return {finding.rule: finding for finding in plan.findings}


FULL_PLAN = (Path(__file__).resolve().parent / "fixtures" / "valid" / "full-plan.yaml").read_text(encoding="utf-8")


def test_a_result_about_a_year_of_the_target_points_at_that_year(tmp_path: Path) -> None:
    """DL02 cannot compare a forecast with a target of 0: it points at that year's target, line 16, not at `target`."""
    assert "  2014/15: 9100\n" in FULL_PLAN
    findings = _assessed(tmp_path, FULL_PLAN.replace("  2014/15: 9100\n", "  2014/15: 0\n"))
    dl02 = findings["DL02"]
    assert dl02.rating == "n/a"
    assert dl02.location is not None and (dl02.location.line, dl02.location.column, dl02.location.path) == (16, 12, "target.2014/15")


def test_sp01_counts_live_schemes_and_names_cancelled_ones_only_when_there_are_some(tmp_path: Path) -> None:
    with_cancelled = _assessed(tmp_path / "a", FULL_PLAN)["SP01"]
    assert with_cancelled.message == "3 live schemes in the plan (and 1 cancelled)"
    assert "  - id: CC-01\n" in FULL_PLAN
    without = _assessed(tmp_path / "b", FULL_PLAN[: FULL_PLAN.index("  - id: CC-01\n")])["SP01"]
    assert without.message == "3 live schemes in the plan"


def test_a_yaml_problem_on_a_top_level_key_covers_what_lies_under_it(tmp_path: Path) -> None:
    """A tag on `allocation` is the one problem reported there, not also the bad year inside it."""
    from qipp_rag.load.loading import FailedPlan, load_plan

    assert "allocation:\n  2014/15: 398250.5\n" in FULL_PLAN
    path = tmp_path / "plan.yaml"
    path.write_text(FULL_PLAN.replace("allocation:\n  2014/15: 398250.5\n", "allocation: !x\n  2014/15: many\n", 1), encoding="utf-8")
    failed = load_plan(str(path))
    assert isinstance(failed, FailedPlan)
    assert [(problem.line, problem.column, problem.path) for problem in failed.problems] == [(11, 13, "allocation")]
    assert "the tag `!x` is not allowed" in failed.problems[0].message
