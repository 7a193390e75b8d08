"""Coverage-guided fuzzing of the strict YAML loader and the validators.

Every input is written to a file and read the way the CLI reads it: as a
plan (``load_plan``) and as a rule pack, a waivers file and a configuration
file (``load_document``).  None of them may raise: bad input must come back
as problems with a line, a column and a short message.  An input that makes
one raise is kept in ``tests/hostile/crashers/`` so the normal test suite
replays it for ever after (``tests/test_fuzz_loader.py``).

    python fuzz/fuzz_loader.py -max_total_time=300 [-jobs=1] [corpus-folder]

The seed corpus is the valid fixtures, the example plans and the invalid
cases under ``tests/cases``; libFuzzer options pass straight through.
"""

from __future__ import annotations

import hashlib
import os
import sys
import tempfile
from pathlib import Path

import atheris

with atheris.instrument_imports(include=["qipp_rag", "yaml"]):
    from qipp_rag.config import ConfigFile
    from qipp_rag.load.loading import FailedPlan, LoadedPlan, load_document, load_plan
    from qipp_rag.rulebook.models import RulePack
    from qipp_rag.waivers import WaiversFile

REPO = Path(__file__).resolve().parents[1]
CRASHERS = REPO / "tests" / "hostile" / "crashers"
SCRATCH = Path(tempfile.mkdtemp(prefix="qipp-rag-fuzz-", dir="/dev/shm" if os.path.isdir("/dev/shm") else None))
INPUT = SCRATCH / "input.yaml"
MAX_MESSAGE = 1000


def check(data: bytes) -> None:
    """Load ``data`` as every kind of input; raise AssertionError on a broken promise."""
    INPUT.write_bytes(data)
    outcome = load_plan(str(INPUT))
    assert isinstance(outcome, (LoadedPlan, FailedPlan)), type(outcome)
    if isinstance(outcome, FailedPlan):
        assert outcome.problems, "a failed plan without a problem"
        _check_problems(outcome.problems)
    for model in (RulePack, WaiversFile, ConfigFile):
        instance, problems = load_document(str(INPUT), model, "file")
        assert (instance is None) == bool(problems), model.__name__
        _check_problems(problems)


def _check_problems(problems) -> None:
    for problem in problems:
        assert isinstance(problem.line, int) and problem.line >= 0, problem
        assert isinstance(problem.column, int) and problem.column >= 0, problem
        assert problem.message and len(problem.message) <= MAX_MESSAGE, problem.message[:200]


def keep(data: bytes) -> Path:
    """Save a crashing input as a permanent test case."""
    CRASHERS.mkdir(parents=True, exist_ok=True)
    path = CRASHERS / f"crash-{hashlib.sha256(data).hexdigest()[:16]}.yaml"
    path.write_bytes(data)
    return path


def test_one_input(data: bytes) -> None:
    try:
        check(data)
    except BaseException as error:
        if isinstance(error, KeyboardInterrupt):
            raise
        saved = keep(data)
        print(f"\ncrashing input kept as {saved}: {type(error).__name__}: {error}", file=sys.stderr)
        print(f"once fixed, list the problem it gives in {CRASHERS / 'EXPECTED.txt'}", file=sys.stderr)
        raise


def seed_corpus() -> Path:
    """A folder of seeds (libFuzzer adds what it finds to the first corpus folder)."""
    seeds = SCRATCH / "corpus"
    seeds.mkdir(exist_ok=True)
    sources = [REPO / "tests" / "fixtures" / "valid", REPO / "tests" / "cases", CRASHERS, REPO / "plans", REPO / "rules"]
    for folder in sources:
        for path in sorted(folder.rglob("*.y*ml")) if folder.is_dir() else []:
            data = path.read_bytes()
            if len(data) <= 64_000:
                (seeds / hashlib.sha256(data).hexdigest()[:16]).write_bytes(data)
    return seeds


def main() -> None:
    args = list(sys.argv)
    if not any(not arg.startswith("-") for arg in args[1:]):
        args.append(str(seed_corpus()))
    if not any(arg.startswith("-max_len") for arg in args):
        args.append("-max_len=16384")
    atheris.Setup(args, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
