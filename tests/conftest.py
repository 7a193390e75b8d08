"""Test fixtures: where the repository and the test reference files are, and running the real CLI."""

from __future__ import annotations

import gc
import io
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
REFERENCE = REPO / "tests" / "reference"  # schemas and data the tests check against; see its README
PLANS = REPO / "plans"


def run_cli(*args: str, cwd: Path | str | None = None, env: dict[str, str] | None = None, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run ``python -m qipp_rag ARGS`` as a user would, capturing text output."""
    full_env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "200"}
    full_env.pop("GITHUB_STEP_SUMMARY", None)
    if env:
        full_env.update(env)
    return subprocess.run(
        [sys.executable, "-m", "qipp_rag", *args],
        cwd=cwd,
        env=full_env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=timeout,
    )


# What an environment variable set for one run changes in a new interpreter only: a run that sets
# one of them has to be a real process (run_cli).
INTERPRETER_VARIABLES = (
    "PYTHONIOENCODING", "PYTHONUTF8", "PYTHONHASHSEED", "PYTHONWARNINGS", "LC_ALL", "LC_CTYPE", "LANG",
)


def run_cli_here(*args: str, cwd: Path | str | None = None, env: dict[str, str] | None = None,
                 timeout: float | None = None) -> subprocess.CompletedProcess[str]:
    """``qipp_rag.cli.main(ARGS)`` in this process, seen as :func:`run_cli` sees a new one: the same
    environment and working folder, standard output and error as text (UTF-8, decoded strictly, line
    ends universal as ``text=True`` makes them, written with a pipe's error handlers: the run sees no
    terminal), and the exit code.  The signal handlers, garbage-collector thresholds, environment and
    working folder the run changes are put back afterwards.

    For the tests of what the tool writes and which code it exits with.  A test of the process itself
    (signals, what start-up imports, a full or closed standard output, the interpreter's locale and
    encoding, the console script) runs it with :func:`run_cli`.
    """
    del timeout  # a run in this process cannot be stopped from outside; the test's own time limit applies
    from qipp_rag import cli as cli_module

    added = {"NO_COLOR": "1", "COLUMNS": "200", **(env or {})}
    if set(added) & set(INTERPRETER_VARIABLES):
        given = sorted(set(added) & set(INTERPRETER_VARIABLES))
        raise ValueError(f"{given} only apply to a new interpreter: use run_cli")
    saved_env = dict(os.environ)
    saved_cwd = os.getcwd()
    saved_streams = (sys.stdout, sys.stderr)
    saved_handlers = {signum: signal.getsignal(signum) for signum in (signal.SIGINT, signal.SIGTERM)}
    saved_threshold = gc.get_threshold()
    out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="surrogateescape")
    err = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="backslashreplace")
    code: object = 0
    try:
        os.environ.pop("GITHUB_STEP_SUMMARY", None)
        os.environ.update(added)
        if cwd is not None:
            os.chdir(cwd)
        sys.stdout, sys.stderr = out, err
        try:
            cli_module.main(list(args))
        except SystemExit as exit_:
            code = exit_.code
        if code is None:
            code = 0
        elif not isinstance(code, int):  # sys.exit("message"): the message on standard error, exit 1
            print(code, file=err)
            code = 1
        out.flush()
        err.flush()
    finally:
        sys.stdout, sys.stderr = saved_streams
        os.chdir(saved_cwd)
        os.environ.clear()
        os.environ.update(saved_env)
        for signum, handler in saved_handlers.items():
            signal.signal(signum, handler)
        gc.set_threshold(*saved_threshold)

    def text(stream: io.TextIOWrapper) -> str:
        data = stream.buffer.getvalue()  # type: ignore[attr-defined]
        return data.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")

    return subprocess.CompletedProcess(["qipp-rag", *args], int(code), text(out), text(err))  # type: ignore[call-overload]


def run_then(argv: list[str], after: str, *, cwd: Path | str, env: dict[str, str] | None = None,
             before: str = "import sys") -> subprocess.CompletedProcess[str]:
    """``qipp_rag.cli.main(argv)`` in a new interpreter, then the Python ``after`` in that same process:
    for tests of what a run leaves imported, compiled or set (``before`` runs first, for the imports
    ``after`` uses and anything it must see as it was before the run)."""
    script = f"{before}\nfrom qipp_rag.cli import main\ntry:\n    main({argv!r})\nexcept SystemExit:\n    pass\n{after}"
    return subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=cwd, env=env,
                          check=False)


AS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
# .ci/run sets this when it runs the `unprivileged` tests as a user file permissions apply to:
# there, such a test that skips (run as root, say) is a failure, so CI cannot lose them quietly.
UNPRIVILEGED_RUN = os.environ.get("QIPP_UNPRIVILEGED_RUN") == "1"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not AS_ROOT:
        return
    skip = pytest.mark.skip(reason="root ignores file permissions; .ci/run runs this test as an unprivileged user")
    for item in items:
        if item.get_closest_marker("unprivileged"):
            item.add_marker(skip)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):  # type: ignore[no-untyped-def]
    outcome = yield
    report = outcome.get_result()
    if UNPRIVILEGED_RUN and report.skipped and item.get_closest_marker("unprivileged"):
        report.outcome = "failed"
        report.longrepr = f"an unprivileged test skipped in the unprivileged run: {report.longrepr}"


@pytest.fixture
def cli():
    """``qipp-rag ARGS`` as the tests of its behaviour run it: in this process (:func:`run_cli_here`).
    A test of the process itself runs :func:`run_cli` or its own subprocess."""
    return run_cli_here
