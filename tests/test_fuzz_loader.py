"""Fuzzing the loader in the normal suite: whatever the bytes, a plan or a list of placed problems.

Random bytes, random text and random mutations of a valid plan go through
``load_plan``; it must return a ``LoadedPlan`` or a ``FailedPlan`` and never
raise, and every problem must have integer line and column and a short
message.  Inputs the coverage-guided fuzzer (``fuzz/fuzz_loader.py``) found
crashing are kept in ``tests/hostile/crashers/``, with inputs that crash or hang
a loader that is not on its guard, and replayed here with the problem each must give.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qipp_rag.config import ConfigFile
from qipp_rag.load.loading import FailedPlan, LoadedPlan, load_document, load_plan
from qipp_rag.rulebook.models import RulePack
from qipp_rag.waivers import WaiversFile

HERE = Path(__file__).resolve().parent
BASE = (HERE / "fixtures" / "valid" / "full-plan.yaml").read_bytes()
CRASHERS = HERE / "hostile" / "crashers"
MAX_MESSAGE = 1000
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

# Fragments that YAML, the plan format or the loader give meaning to.
TOKENS = [
    b":", b"- ", b"[", b"]", b"{", b"}", b",", b"&a ", b"*a", b"!!binary ", b"!x ", b"!!python/object:os.system ", b"? ",
    b"|", b">", b"'", b'"', b"#", b"\t", b"\r\n", b"\x00", b"\xef\xbb\xbf", b"\xff", b"---\n", b"...\n", b"%YAML 1.1\n",
    b"<<: ", b"NO", b"010", b"1e3", b".nan", b".inf", b"2014-02-30", b"2014/15", b"yes", b"~", b"  ", b"\n", b"\xc2\xa3",
]  # fmt: skip


def _check(path: Path) -> LoadedPlan | FailedPlan:
    outcome = load_plan(str(path))
    assert isinstance(outcome, (LoadedPlan, FailedPlan))
    if isinstance(outcome, FailedPlan):
        assert outcome.problems
        _check_problems(outcome.problems)
    return outcome


def _check_problems(problems) -> None:
    for problem in problems:
        assert type(problem.line) is int and problem.line >= 0
        assert type(problem.column) is int and problem.column >= 0
        assert problem.message.strip() and len(problem.message) <= MAX_MESSAGE


@st.composite
def mutated_plans(draw: st.DrawFn) -> bytes:
    """The valid full plan with a few bytes deleted, replaced or inserted, or lines swapped."""
    data = bytearray(BASE)
    for _ in range(draw(st.integers(1, 6))):
        action = draw(st.sampled_from(["insert", "delete", "replace", "swap-lines", "duplicate-line"]))
        at = draw(st.integers(0, len(data)))
        if action == "insert":
            data[at:at] = draw(st.sampled_from(TOKENS) | st.binary(min_size=1, max_size=4))
        elif action == "delete":
            del data[at : at + draw(st.integers(1, 40))]
        elif action == "replace" and at < len(data):
            data[at] = draw(st.integers(0, 255))
        else:
            lines = bytes(data).split(b"\n")
            first, second = draw(st.integers(0, len(lines) - 1)), draw(st.integers(0, len(lines) - 1))
            if action == "swap-lines":
                lines[first], lines[second] = lines[second], lines[first]
            else:
                lines.insert(second, lines[first])
            data = bytearray(b"\n".join(lines))
    return bytes(data)


@FUZZ
@given(data=st.binary(max_size=2000))
def test_random_bytes_never_raise(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "plan.yaml"
    path.write_bytes(data)
    _check(path)


@FUZZ
@given(text=st.text(max_size=500))
def test_random_text_never_raises(tmp_path: Path, text: str) -> None:
    path = tmp_path / "plan.yaml"
    path.write_bytes(text.encode("utf-8", "surrogatepass"))
    _check(path)


@FUZZ
@given(data=st.lists(st.sampled_from(TOKENS) | st.sampled_from([b"a", b"key", b"1", b"qipp_plan", b"schemes"]), max_size=60).map(b"".join))
def test_random_yaml_token_soup_never_raises(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "plan.yaml"
    path.write_bytes(data)
    _check(path)


@FUZZ
@given(data=mutated_plans())
def test_mutations_of_a_valid_plan_never_raise(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "plan.yaml"
    path.write_bytes(data)
    _check(path)
    for model in (RulePack, WaiversFile, ConfigFile):
        instance, problems = load_document(str(path), model, "file")
        assert (instance is None) == bool(problems)
        _check_problems(problems)


def test_the_unmutated_base_loads(tmp_path: Path) -> None:
    path = tmp_path / "plan.yaml"
    path.write_bytes(BASE)
    assert isinstance(_check(path), LoadedPlan)


def _expected_crashers() -> dict[str, tuple[int, int, str]]:
    expected = {}
    for line in (CRASHERS / "EXPECTED.txt").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            name, position, words = line.split("\t")
            row, column = position.split(":")
            expected[name] = (int(row), int(column), words)
    return expected


def test_the_kept_crashers_are_the_ones_listed() -> None:
    """Every kept input has its expected problem written down, and every listed one is kept."""
    kept = sorted(path.name for path in CRASHERS.glob("*.yaml"))
    assert len(kept) >= 12
    assert kept == sorted(_expected_crashers())


@pytest.mark.parametrize("name", sorted(_expected_crashers()))
def test_inputs_that_crash_an_unguarded_loader_are_placed_problems(name: str) -> None:
    """Each kept input fails as a plan with the problem it is kept for, where it is; as a rule pack,
    waivers file and configuration file it gives placed problems and never raises."""
    line, column, words = _expected_crashers()[name]
    crasher = CRASHERS / name
    outcome = _check(crasher)
    assert isinstance(outcome, FailedPlan)
    first = outcome.problems[0]
    assert words in first.message
    assert (first.line, first.column) == (line, column)
    for model in (RulePack, WaiversFile, ConfigFile):
        instance, problems = load_document(str(crasher), model, "file")
        assert instance is None and problems
        _check_problems(problems)
