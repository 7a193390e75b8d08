"""`qipp-rag report` reads a saved assessment plan by plan: every format as the run wrote it, files in
another layout read whole as before, problems refused before anything is written, memory flat."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import PLANS
from qipp_rag.reporters import FORMATS
from qipp_rag.saved import PLANS_CLOSE, PLANS_OPEN, SavedPlans, read_saved

AS_OF = "2014-06-01"


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example plans assessed once, every format written as a report beside the saved JSON."""
    from conftest import run_cli

    folder = tmp_path_factory.mktemp("saved")
    shutil.copytree(PLANS, folder / "plans")
    reports = [arg for fmt in FORMATS for arg in ("--report", f"{fmt}:out.{fmt}")]
    result = run_cli("assess", "plans", "--as-of", AS_OF, "--jobs", "1", "-q", *reports, cwd=folder)
    assert result.returncode in (0, 1), result.stderr
    return folder


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_renders_from_the_saved_json_as_the_run_wrote_it(run_dir: Path, fmt: str) -> None:
    from conftest import run_cli_here

    again = run_cli_here("report", f"out.json", "--format", fmt, "--output", f"again.{fmt}", cwd=run_dir)
    assert again.returncode == 0, again.stderr
    assert (run_dir / f"again.{fmt}").read_bytes() == (run_dir / f"out.{fmt}").read_bytes()


def test_the_tools_own_layout_is_read_plan_by_plan(run_dir: Path) -> None:
    from qipp_rag.results import from_json

    saved = run_dir / "out.json"
    assessment = read_saved(str(saved))
    whole = from_json(saved.read_bytes())
    assert isinstance(assessment.plans, SavedPlans)
    assert len(assessment.plans) == len(whole.plans) > 3
    assert assessment.plans[2] == whole.plans[2] and assessment.plans[-1] == whole.plans[-1]
    assert assessment.plans[2] is not assessment.plans[2]  # parsed afresh each time, never kept
    assert list(assessment.plans) == whole.plans
    assert assessment.model_copy(update={"plans": []}) == whole.model_copy(update={"plans": []})


@pytest.mark.parametrize("layout", ["jq", "compact", "crlf", "bom"])
def test_a_file_in_another_layout_is_read_whole_as_before(run_dir: Path, tmp_path: Path, layout: str) -> None:
    from conftest import run_cli_here

    text = (run_dir / "out.json").read_text(encoding="utf-8")
    data = json.loads(text)
    other = {
        "jq": json.dumps(data, indent=4, ensure_ascii=False),  # numbers here are exact already: they round-trip
        "compact": json.dumps(data, separators=(",", ":")),
        "crlf": text.replace("\n", "\r\n"),
        "bom": "\ufeff" + text,
    }[layout]
    (tmp_path / "other.json").write_bytes(other.encode("utf-8"))
    assessment = read_saved(str(tmp_path / "other.json"))
    assert isinstance(assessment.plans, list)
    again = run_cli_here("report", "other.json", "--format", "markdown", cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert again.stdout == (run_dir / "out.markdown").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda text: text.replace('"rating": "amber"', '"rating": "purple"', 1), "at plans."),
        (lambda text: text.replace('"rule": "SP01"', '"rule": 7', 1), "at plans."),
        (lambda text: text.replace('"line": ', '"line": 123456789012345678901234', 1), "integer of"),
        (lambda text: text.replace('"rule": "SP01"', '"rule": "\\ud800"', 1), "lone UTF-16 surrogate"),
        (lambda text: text.replace('"rule": "SP01",', '"rule": "SP01"', 1), "not valid JSON"),
        (lambda text: text.replace('"format": 1', '"format": 2', 1), "at format"),
    ],
)
def test_a_problem_anywhere_is_refused_as_reading_it_whole_refuses_it(
    run_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, change, message: str
) -> None:
    """The message is the whole-file reader's (place, count of problems), and nothing is written."""
    from conftest import run_cli_here

    from qipp_rag import saved
    from qipp_rag.commands.report import read_assessment

    text = (run_dir / "out.json").read_text(encoding="utf-8")
    bad = change(text)
    assert bad != text
    file = tmp_path / "bad.json"
    file.write_text(bad, encoding="utf-8")
    result = run_cli_here("report", "bad.json", "--format", "csv", "--output", "out.csv", cwd=tmp_path)
    assert result.returncode == 2 and message in result.stderr, result.stderr
    assert not (tmp_path / "out.csv").exists()
    monkeypatch.chdir(tmp_path)
    shown = read_assessment("bad.json")[1]
    assert shown == result.stderr.strip().removeprefix("qipp-rag report: ")

    def whole(handle: object) -> None:
        raise saved.NotOwnLayout

    monkeypatch.setattr(saved, "_read_own_layout", whole)
    assert read_assessment("bad.json")[1] == shown  # word for word what reading it whole says


def _saved_with(plans: int, source: Path, target: Path) -> Path:
    """A saved assessment in the tool's layout with ``plans`` plans (copies of the run's first)."""
    text = source.read_bytes()
    head, _, rest = text.partition(PLANS_OPEN)
    body, _, tail = rest.partition(b"\n" + PLANS_CLOSE)
    first = body.split(b"\n    },\n", 1)[0].removesuffix(b"\n    }") + b"\n    }"
    with open(target, "wb") as out:
        out.write(head + PLANS_OPEN)
        for number in range(plans):
            out.write(first if number == 0 else b",\n" + first)
        out.write(b"\n" + PLANS_CLOSE + tail)
    return target


def _peak_rendering(file: Path) -> int:
    import tracemalloc

    from qipp_rag.reporters import RenderOptions, chunked

    tracemalloc.start()
    try:
        assessment = read_saved(str(file))
        written = sum(len(piece) for piece in chunked("json")(assessment, RenderOptions()))
        assert written > 0
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_memory_stays_flat_as_the_saved_assessment_grows(run_dir: Path, tmp_path: Path) -> None:
    small = _saved_with(100, run_dir / "out.json", tmp_path / "small.json")
    large = _saved_with(1000, run_dir / "out.json", tmp_path / "large.json")
    assert large.stat().st_size > 9 * small.stat().st_size
    assert len(read_saved(str(large)).plans) == 1000
    _peak_rendering(small)  # modules imported and models built before measuring
    ratio = _peak_rendering(large) / _peak_rendering(small)
    assert ratio < 1.5, f"peak memory grew {ratio:.1f} times for ten times the plans"
