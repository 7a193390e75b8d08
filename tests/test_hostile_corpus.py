"""The hostile corpus (scripts/make_hostile_corpus.py) through the real CLI and the loader.

Every hostile file must come back rated `error` with a placed, worded
problem, the run must exit 2 without a traceback, and the valid plans given
beside them must still be assessed.  The loader must also finish every case
in a process whose address space is capped.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from conftest import REPO, run_cli

SCRIPT = REPO / "scripts" / "make_hostile_corpus.py"
VALID_FIXTURES = REPO / "tests" / "fixtures" / "valid"
MEMORY_LIMIT = 2 * 1024**3  # bytes of address space for the loader process


def _generator():
    spec = importlib.util.spec_from_file_location("make_hostile_corpus", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("hostile")
    result = subprocess.run([sys.executable, str(SCRIPT), str(folder)], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    return folder


@pytest.fixture(scope="module")
def assessed(corpus: Path) -> tuple[subprocess.CompletedProcess[str], dict]:
    result = run_cli("assess", str(corpus / "hostile"), str(corpus / "valid"), str(VALID_FIXTURES), "--format", "json", timeout=900)
    return result, json.loads(result.stdout)


def test_the_corpus_is_big_deterministic_and_covers_every_family(tmp_path: Path, corpus: Path) -> None:
    hostile = sorted((corpus / "hostile").glob("*.yaml"))
    assert len(hostile) >= 200
    names = " ".join(path.name for path in hostile)
    for family in ("alias-bomb", "deep-flow-seq", "deep-flow-map", "deep-block", "huge-scalar", "long-line", "duplicate-key",
                   "duplicate-section", "coerce-", "tag-", "money-", "date-", "year-", "bool-", "wrong-type", "utf16", "utf32",
                   "latin1", "nul-at", "syntax-", "truncated-", "structure-"):  # fmt: skip
        assert family in names, family
    again = tmp_path / "again"
    subprocess.run([sys.executable, str(SCRIPT), str(again)], check=True, capture_output=True, timeout=300)
    for path in hostile[::50]:
        assert (again / "hostile" / path.name).read_bytes() == path.read_bytes()


def test_the_cli_exits_2_without_a_traceback(assessed: tuple[subprocess.CompletedProcess[str], dict]) -> None:
    result, _ = assessed
    assert result.returncode == 2, result.stderr[-2000:]
    assert "Traceback" not in result.stderr
    assert "internal error" not in result.stderr


def test_every_hostile_file_is_an_error_with_a_placed_message(corpus: Path, assessed: tuple[subprocess.CompletedProcess[str], dict]) -> None:
    _, assessment = assessed
    by_name = {Path(plan["file"]).name: plan for plan in assessment["plans"] if Path(plan["file"]).parent.name == "hostile"}
    hostile = sorted(path.name for path in (corpus / "hostile").glob("*.yaml"))
    assert sorted(by_name) == hostile  # none skipped, none invented
    wrong = []
    for name in hostile:
        plan = by_name[name]
        errors = plan.get("errors") or []
        placed = [error for error in errors if isinstance(error["line"], int) and error["line"] >= 0 and error["message"].strip()]
        if plan["rating"] != "error" or not placed or any(len(error["message"]) > 1000 for error in errors):
            wrong.append((name, plan["rating"], errors[:1]))
    assert not wrong, wrong[:10]


def test_valid_plans_beside_the_hostile_ones_are_still_assessed(corpus: Path, assessed: tuple[subprocess.CompletedProcess[str], dict]) -> None:
    _, assessment = assessed
    expected = {path.name for path in (corpus / "valid").glob("*.yaml")} | {path.name for path in VALID_FIXTURES.glob("*.yaml")}
    ratings = {Path(plan["file"]).name: plan["rating"] for plan in assessment["plans"] if Path(plan["file"]).parent.name != "hostile"}
    assert set(ratings) == expected
    assert all(rating in ("green", "amber", "red") for rating in ratings.values()), ratings


def test_crlf_and_bom_variants_assess_exactly_like_the_plain_plan(assessed: tuple[subprocess.CompletedProcess[str], dict]) -> None:
    _, assessment = assessed
    plans = {Path(plan["file"]).name: plan for plan in assessment["plans"]}
    plain = plans["full-plan.yaml"]
    for variant in ("crlf.yaml", "bom.yaml", "bom-crlf.yaml", "no-final-newline.yaml"):
        assert plans[variant]["rating"] == plain["rating"], variant
        assert [(f["rule"], f["rating"], f["value"]) for f in plans[variant]["findings"]] == [
            (f["rule"], f["rating"], f["value"]) for f in plain["findings"]
        ], variant


LOAD_ALL = textwrap.dedent(
    """
    import json, resource, sys
    from pathlib import Path
    resource.setrlimit(resource.RLIMIT_AS, ({limit}, {limit}))
    from qipp_rag.load.loading import FailedPlan, LoadedPlan, load_plan
    for path in sorted(Path(sys.argv[1]).rglob("*.yaml")):
        outcome = load_plan(str(path))
        kind = "loaded" if isinstance(outcome, LoadedPlan) else "failed" if isinstance(outcome, FailedPlan) else "other"
        print(json.dumps([path.parent.name + "/" + path.name, kind]), flush=True)
    """
)


def test_the_loader_finishes_every_case_within_bounded_memory(corpus: Path) -> None:
    """Each case loads in one process capped at 2 GB of address space; a blow-up
    would be a MemoryError (a traceback and no line for the case), a runaway a timeout."""
    code = LOAD_ALL.format(limit=MEMORY_LIMIT)
    result = subprocess.run([sys.executable, "-c", code, str(corpus)], capture_output=True, text=True, timeout=900, cwd=REPO)
    assert result.returncode == 0, result.stderr[-2000:]
    outcomes = dict(json.loads(line) for line in result.stdout.splitlines())
    expected = {f"{path.parent.name}/{path.name}" for path in corpus.rglob("*.yaml")}
    assert set(outcomes) == expected
    assert {name for name, kind in outcomes.items() if kind == "loaded"} == {name for name in expected if name.startswith("valid/")}
    assert all(kind == "failed" for name, kind in outcomes.items() if name.startswith("hostile/"))


def test_every_case_is_named_by_what_was_done_to_it() -> None:
    cases = _generator().cases()
    assert len({case.name for case in cases}) == len(cases)
    assert all(case.what for case in cases)
