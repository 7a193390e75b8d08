"""The spill file a run keeps its plans' results in: records read back by number, a folder that cannot
hold it is a clear exit 2, and nothing is left behind, whatever ends the run."""

from __future__ import annotations

import errno
import os
import shutil
import signal
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import REPO, run_cli
from qipp_rag.spill import SpilledSequence, SpillError, SpillStore

VALID = REPO / "tests" / "fixtures" / "valid" / "full-plan.yaml"

records = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text() | st.builds(Decimal, st.integers()),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=50, deadline=None)
@given(st.lists(records, max_size=30))
def test_every_record_reads_back_by_number_in_any_order(items: list[object]) -> None:
    with SpillStore() as store:
        assert [store.append(item) for item in items] == list(range(len(items)))
        assert len(store) == len(items)
        assert [store[number] for number in reversed(range(len(items)))] == items[::-1]
        assert list(store) == items
        with pytest.raises(IndexError):
            store[len(items)]
    assert store.closed


def test_a_spilled_sequence_reads_like_a_list_and_gives_fresh_items() -> None:
    items = [{"plan": number, "≥": "×" * number} for number in range(5)]
    store = SpillStore()
    for item in items:
        store.append(item)
    plans: SpilledSequence[dict[str, object]] = SpilledSequence(store)
    assert len(plans) == 5 and plans == items and items == plans and plans != items[:4]
    assert plans[-1] == items[-1] and plans[1:3] == items[1:3] and list(reversed(plans)) == items[::-1]
    assert plans[0] is not plans[0]  # read again on each access: nothing is held
    plans.close()
    assert store.closed


def test_the_spill_file_has_no_name_from_the_start(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    with SpillStore() as store:
        store.append("x")
        assert store.folder == str(tmp_path)
        assert list(tmp_path.iterdir()) == []


def _plans(folder: Path, count: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for index in range(count):
        shutil.copy(VALID, folder / f"plan-{index:04d}.yaml")
    return folder


def _refused(result: subprocess.CompletedProcess[str], folder: Path) -> None:
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert f"temporary file in {folder}" in result.stderr and "TMPDIR" in result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize("kind", ["missing", "a file"])
def test_a_temporary_folder_that_cannot_hold_the_spill_is_exit_2_naming_it(tmp_path: Path, kind: str) -> None:
    plans = _plans(tmp_path / "plans", 2)
    folder = tmp_path / "no-such-folder"
    if kind == "a file":
        folder = tmp_path / "a-file"
        folder.write_text("not a folder")
    result = run_cli("assess", str(plans), "--format", "json", cwd=tmp_path, env={"TMPDIR": str(folder)})
    _refused(result, folder)


@pytest.mark.unprivileged  # root writes into a read-only folder
def test_a_read_only_temporary_folder_is_exit_2_naming_it(tmp_path: Path) -> None:
    plans = _plans(tmp_path / "plans", 2)
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        result = run_cli("assess", str(plans), "--format", "json", cwd=tmp_path, env={"TMPDIR": str(locked)})
    finally:
        locked.chmod(0o700)
    _refused(result, locked)
    assert list(locked.iterdir()) == []


def test_a_full_disk_while_spilling_is_exit_2_naming_the_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from qipp_rag import cli

    _plans(tmp_path / "plans", 3)
    monkeypatch.setenv("TMPDIR", str(tmp_path / "spill"))
    (tmp_path / "spill").mkdir()
    written: list[int] = []

    def full(self: SpillStore, data: bytes) -> None:
        written.append(len(data))
        if len(written) == 2:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(SpillStore, "_write", full)
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["assess", "plans", "--format", "json", "--jobs", "1"])
    out, err = capsys.readouterr()
    assert exit_info.value.code == 2
    assert out == "" and "Traceback" not in err
    assert f"cannot write a temporary file in {tmp_path / 'spill'} ({os.strerror(errno.ENOSPC)})" in err
    assert "TMPDIR" in err
    assert list((tmp_path / "spill").iterdir()) == []


def test_tmpdir_chooses_the_folder_with_no_fallback(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TMPDIR", "/no/such/folder/at/all")
    with pytest.raises(SpillError, match="in /no/such/folder/at/all .*TMPDIR chooses the folder"):
        SpillStore()


def _spill_open(pid: int, folder: Path) -> bool:
    """Whether process ``pid`` holds a file open in ``folder`` (the unlinked spill file shows there)."""
    try:
        links = [os.readlink(f"/proc/{pid}/fd/{fd}") for fd in os.listdir(f"/proc/{pid}/fd")]
    except OSError:
        return False
    return any(link.startswith(f"{folder}/") for link in links)


@pytest.mark.skipif(not Path("/proc/self/fd").exists(), reason="reads open files from /proc")
@pytest.mark.parametrize("jobs", ["1", "2"])
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_an_interrupted_run_leaves_no_spill_file(tmp_path: Path, signum: int, jobs: str) -> None:
    plans = _plans(tmp_path / "plans", 300)
    spill = tmp_path / "spill"
    spill.mkdir()
    process = subprocess.Popen(
        [sys.executable, "-m", "qipp_rag", "assess", str(plans), "--format", "json", "--jobs", jobs],
        cwd=tmp_path, env={**os.environ, "TMPDIR": str(spill), "NO_COLOR": "1"},
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, start_new_session=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while not _spill_open(process.pid, spill) and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.01)
        assert process.poll() is None, "the run ended before it could be interrupted; give it more plans"
        process.send_signal(signum)
        _, err = process.communicate(timeout=60)
        assert process.returncode == 128 + signum, err
        assert f"interrupted by {signal.Signals(signum).name}" in err
        assert list(spill.iterdir()) == []
    finally:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        process.wait(timeout=10)
