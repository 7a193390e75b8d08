"""Faults around the plans and the reports: each gives a clear message, a non-zero exit, no traceback,
and never a partial report file."""

from __future__ import annotations

import errno
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from conftest import REPO, run_cli

VALID = REPO / "tests" / "fixtures" / "valid" / "full-plan.yaml"


def _plans(folder: Path, count: int = 1) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for index in range(count):
        shutil.copy(VALID, folder / f"plan-{index:04d}.yaml")
    return folder


def _clean(result: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in result.stderr
    assert "internal error" not in result.stderr


def _leftovers(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir()) if folder.exists() else []


# ---------------------------------------------------------------- reading plans


@pytest.mark.unprivileged  # root reads a file whatever its mode
def test_an_unreadable_plan_is_an_error_with_the_reason(tmp_path: Path) -> None:
    plans = _plans(tmp_path / "plans", 2)
    (plans / "plan-0001.yaml").chmod(0)
    result = run_cli("assess", str(plans), "--format", "json", cwd=tmp_path)
    _clean(result)
    assert result.returncode == 2
    ratings = {Path(plan["file"]).name: plan for plan in json.loads(result.stdout)["plans"]}
    assert ratings["plan-0001.yaml"]["rating"] == "error"
    assert "permission denied" in ratings["plan-0001.yaml"]["errors"][0]["message"]
    assert ratings["plan-0000.yaml"]["rating"] in ("green", "amber", "red")


def test_a_dangling_link_named_like_a_plan_is_reported_not_skipped(tmp_path: Path) -> None:
    plans = _plans(tmp_path / "plans")
    (plans / "gone.yaml").symlink_to(plans / "never-there.yaml")
    result = run_cli("assess", str(plans), "--format", "json", cwd=tmp_path)
    _clean(result)
    assert result.returncode == 2
    assert "gone.yaml" in result.stderr and "does not exist" in result.stderr
    assert [plan["rating"] for plan in json.loads(result.stdout)["plans"]] != []


def test_a_symlink_loop_ends_with_a_message(tmp_path: Path) -> None:
    plans = _plans(tmp_path / "plans")
    (plans / "a.yaml").symlink_to(plans / "b.yaml")
    (plans / "b.yaml").symlink_to(plans / "a.yaml")
    (plans / "self.yaml").symlink_to(plans / "self.yaml")
    for given in ([str(plans)], [str(plans / "a.yaml")], [str(plans / "self.yaml")]):
        result = run_cli("assess", *given, "--format", "json", cwd=tmp_path, timeout=120)
        _clean(result)
        assert result.returncode == 2, given
        assert "a.yaml" in result.stderr or "self.yaml" in result.stderr


def test_a_plan_that_vanishes_between_discovery_and_reading_is_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """In process: the file list is found, then one file is deleted before it is read."""
    from qipp_rag import cli
    from qipp_rag.load import loading

    plans = _plans(tmp_path / "plans", 3)
    found = loading.discover

    def discover_then_delete(paths, **options):
        files, problems = found(paths, **options)
        Path(files[1]).unlink()
        return files, problems

    monkeypatch.setattr(loading, "discover", discover_then_delete)  # the engine takes it from here
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["assess", "plans", "--format", "json", "--jobs", "1"])
    out, err = capsys.readouterr()
    assert exit_info.value.code == 2
    plans_out = {Path(plan["file"]).name: plan for plan in json.loads(out)["plans"]}
    assert plans_out["plan-0001.yaml"]["rating"] == "error"
    assert "no such file" in plans_out["plan-0001.yaml"]["errors"][0]["message"]
    assert {plans_out[name]["rating"] for name in ("plan-0000.yaml", "plan-0002.yaml")} <= {"green", "amber", "red"}
    assert "plan-0001.yaml:0:0: error: no such file" in err


# ---------------------------------------------------------------- writing reports


def test_a_report_into_a_missing_folder_outside_the_current_one_is_refused_before_work(tmp_path: Path) -> None:
    plans = _plans(tmp_path / "plans")
    (tmp_path / "work").mkdir()
    result = run_cli("assess", str(plans), "--report", "html:../no/such/folder/report.html", cwd=tmp_path / "work")
    _clean(result)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines()[-1] == (
        "qipp-rag assess: --report: cannot write ../no/such/folder/report.html: the folder ../no/such/folder does not "
        "exist (missing folders are made only inside the current folder)"
    )
    assert not (tmp_path / "no").exists()


def test_a_report_into_a_missing_folder_inside_the_current_one_makes_it(tmp_path: Path) -> None:
    plans = _plans(tmp_path / "plans")
    result = run_cli("assess", str(plans), "--report", "html:out/2014-06/report.html", "--report", "json:out/r.json", cwd=tmp_path)
    _clean(result)
    assert (tmp_path / "out/2014-06/report.html").is_file() and (tmp_path / "out/r.json").is_file()


def test_folders_made_for_reports_are_removed_when_writing_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from qipp_rag import output_files

    monkeypatch.chdir(tmp_path)
    with pytest.raises(OSError):
        output_files.write_atomically([("new/deep/a.json", "{}"), ("../elsewhere/b.json", "{}")])
    assert not (tmp_path / "new").exists() and not (tmp_path.parent / "elsewhere").exists()
    output_files.write_atomically([("new/deep/a.json", "{}")])
    assert (tmp_path / "new/deep/a.json").read_text() == "{}"


def test_a_report_under_a_regular_file_is_refused(tmp_path: Path) -> None:
    plans = _plans(tmp_path / "plans")
    (tmp_path / "somefile").write_text("not a folder")
    result = run_cli("assess", str(plans), "--report", "html:somefile/report.html", cwd=tmp_path)
    _clean(result)
    assert result.returncode == 2
    assert "somefile/report.html" in result.stderr
    assert (tmp_path / "somefile").read_text() == "not a folder"


@pytest.mark.unprivileged  # root writes into a read-only folder
def test_a_report_into_a_read_only_folder_is_refused(tmp_path: Path) -> None:
    plans = _plans(tmp_path / "plans")
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        result = run_cli("assess", str(plans), "--report", "html:locked/report.html", cwd=tmp_path)
    finally:
        locked.chmod(0o700)
    _clean(result)
    assert result.returncode == 2
    assert "not writable" in result.stderr
    assert _leftovers(locked) == []


def test_a_full_disk_while_writing_reports_leaves_nothing_behind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """In process: the second report's write fails with ENOSPC; neither report appears, no temporary file stays."""
    from qipp_rag import cli

    plans = _plans(tmp_path / "plans")
    out = tmp_path / "out"
    out.mkdir()
    real_fdopen = os.fdopen
    opened: list[int] = []

    class FullDisk:
        def __init__(self, stream):
            self.stream = stream

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.stream.close()

        def write(self, data):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    def fdopen(fd, *args, **kwargs):
        stream = real_fdopen(fd, *args, **kwargs)
        opened.append(fd)
        return FullDisk(stream) if len(opened) == 2 else stream

    monkeypatch.setattr(os, "fdopen", fdopen)
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["assess", "plans", "--format", "json", "--jobs", "1", "--report", "json:out/a.json", "--report", "html:out/b.html"])
    _, err = capsys.readouterr()
    assert exit_info.value.code == 2
    assert len(opened) == 2
    assert _leftovers(out) == []
    message = next(line for line in err.splitlines() if "cannot write" in line)
    assert message == "qipp-rag assess: cannot write the report out/b.html: No space left on device; no report was written"


@pytest.mark.unprivileged  # root could make a temporary file in /dev
def test_dev_full_as_a_report_is_not_written_through_a_device(tmp_path: Path) -> None:
    """A device is not a report file: writing beside /dev/full must not be tried as root, so only where /dev is not writable."""
    if not Path("/dev/full").exists():
        pytest.skip("/dev/full is missing")
    assert not os.access("/dev", os.W_OK)
    plans = _plans(tmp_path / "plans")
    result = run_cli("assess", str(plans), "--report", "json:/dev/full", cwd=tmp_path)
    _clean(result)
    assert result.returncode == 2
    assert "/dev/full" in result.stderr


# ---------------------------------------------------------------- signals

# The signal tests run once in the normal suite.  QIPP_SIGNAL_ROUNDS=N repeats each N times
# (scripts/stress_signals.py does that and reports the count) to catch a race that loses 1 run in 20.
SIGNAL_ROUNDS = int(os.environ.get("QIPP_SIGNAL_ROUNDS", "1"))
WATCHDOG_SECONDS = 60


def _group_members(pgid: int) -> list[str]:
    """The live processes (not zombies) in process group ``pgid``, as 'pid command line'."""
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            state, _ppid, group = (entry / "stat").read_text().rsplit(")", 1)[1].split()[:3]
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
        except (OSError, ValueError):
            continue  # it ended while being read
        if int(group) == pgid and state != "Z":
            members.append(f"{entry.name} {command}")
    return members


def _kill_group(pgid: int) -> None:
    try:
        os.killpg(pgid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads process groups from /proc")
@pytest.mark.parametrize("round_", range(SIGNAL_ROUNDS), ids=lambda n: f"round{n}")
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_signal_mid_run_stops_cleanly_without_a_report(tmp_path: Path, signum: int, round_: int) -> None:
    """The run, its worker pool and everything else it started end within the watchdog's time, with one
    line and no report.  The run gets a process group of its own, so whatever happens, the watchdog and
    the clean-up kill every process it started and a failure cannot leave one behind."""
    plans = _plans(tmp_path / "plans", 400)
    out = tmp_path / "out"
    out.mkdir()
    env = {**os.environ, "NO_COLOR": "1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "qipp_rag", "assess", str(plans), "--format", "json", "--jobs", "4",
         "--report", f"json:{out / 'report.json'}", "--report", f"html:{out / 'report.html'}"],
        cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, start_new_session=True,
    )  # fmt: skip
    pgid = process.pid
    killed: list[list[str]] = []  # what the watchdog found still running, if it had to act

    def watchdog_kill() -> None:
        killed.append(_group_members(pgid))
        _kill_group(pgid)

    watchdog = threading.Timer(WATCHDOG_SECONDS, watchdog_kill)
    watchdog.start()
    try:
        # Signal as soon as the first worker exists, while the pool may still be starting the others:
        # the moment a stop that lists the workers first can miss one.
        for _ in range(600):
            children = Path(f"/proc/{process.pid}/task/{process.pid}/children")
            if process.poll() is not None or (children.exists() and children.read_text().split()):
                break
            time.sleep(0.01)
        if process.poll() is not None:
            pytest.fail("the run ended before it could be interrupted; give it more plans")
        process.send_signal(signum)
        _, err = process.communicate(timeout=WATCHDOG_SECONDS + 30)  # the watchdog ends it first
        assert not killed, f"{WATCHDOG_SECONDS} s after {signal.Signals(signum).name} the watchdog had to kill {killed[0]}"
        assert process.returncode == 128 + signum, err
        assert err.strip().splitlines() == [f"qipp-rag: interrupted by {signal.Signals(signum).name}; no report was written"]
        assert _leftovers(out) == []
        assert _group_members(pgid) == [], "processes outlived the run"
    finally:
        watchdog.cancel()
        _kill_group(pgid)
        if process.poll() is None:
            process.wait(timeout=10)


def test_a_pipe_named_like_a_plan_in_a_folder_is_reported_not_skipped_or_waited_on(tmp_path: Path) -> None:
    plans = _plans(tmp_path / "plans")
    os.mkfifo(plans / "pipe.yaml")
    result = run_cli("assess", str(plans), "--format", "json", cwd=tmp_path, timeout=120)
    _clean(result)
    assert result.returncode == 2
    assert "pipe.yaml:0:0: error: not a regular file" in result.stderr
    assert [Path(plan["file"]).name for plan in json.loads(result.stdout)["plans"]] == ["plan-0000.yaml"]
