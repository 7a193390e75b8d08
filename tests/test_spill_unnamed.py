"""The spill file is opened unnamed without the tempfile module where the system allows it
(``O_TMPFILE``), in the folder tempfile would choose; elsewhere tempfile opens it as before.
Either way a folder that cannot hold it is a SpillError naming it, and a one-plan run does not
import tempfile (nor shutil, bz2 and lzma with it)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from conftest import run_then

from qipp_rag import spill
from qipp_rag.spill import SpillError, SpillStore

REPO = Path(__file__).resolve().parents[1]
UNNAMED = pytest.mark.skipif(not hasattr(os, "O_TMPFILE"), reason="no O_TMPFILE on this system")


def _open_files_in(folder: Path) -> list[str]:
    links = []
    for fd in os.listdir("/proc/self/fd"):
        try:
            links.append(os.readlink(f"/proc/self/fd/{fd}"))
        except OSError:  # the listing's own descriptor, closed by now
            pass
    return [link for link in links if link.startswith(f"{folder}/")]


@pytest.fixture(params=["unnamed", "tempfile"])
def way(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Both ways of opening the file: O_TMPFILE here, and tempfile's (as on a system without it)."""
    if request.param == "tempfile":
        monkeypatch.setattr(spill, "_UNNAMED", 0)
    elif not spill._UNNAMED:
        pytest.skip("no O_TMPFILE on this system")
    return str(request.param)


def test_records_read_back_either_way_and_nothing_is_named(way: str, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    with SpillStore() as store:
        numbers = [store.append({"plan": number, "≥": "×" * number}) for number in range(50)]
        assert numbers == list(range(50)) and store.folder == str(tmp_path)
        assert [store[number]["plan"] for number in reversed(numbers)] == numbers[::-1]
        assert list(tmp_path.iterdir()) == []
        if Path("/proc/self/fd").exists():
            assert len(_open_files_in(tmp_path)) == 1  # the file is there, unnamed
    assert store.closed and list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("kind", ["missing", "a file"])
def test_a_folder_that_cannot_hold_it_is_a_spill_error_naming_it_either_way(
    way: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    folder = tmp_path / "no-such-folder"
    if kind == "a file":
        folder = tmp_path / "a-file"
        folder.write_text("not a folder")
    monkeypatch.setenv("TMPDIR", str(folder))
    reason = os.strerror(2 if kind == "missing" else 20)  # ENOENT, ENOTDIR
    with pytest.raises(SpillError, match=f"cannot create a temporary file in {folder} \\({reason}\\).*TMPDIR"):
        SpillStore()


@UNNAMED
def test_without_tmpdir_the_folder_is_the_one_tempfile_chooses(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("TMPDIR", "TEMP", "TMP"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(spill, "_system", [])
    monkeypatch.setattr(tempfile, "tempdir", None)
    with SpillStore() as store:
        assert store.folder == tempfile.gettempdir()


@UNNAMED
def test_without_tmpdir_an_unusable_temp_is_passed_over_as_tempfile_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TMPDIR", raising=False)
    monkeypatch.setenv("TEMP", str(tmp_path / "missing"))
    monkeypatch.setenv("TMP", str(tmp_path))
    monkeypatch.setattr(spill, "_system", [])
    monkeypatch.setattr(tempfile, "tempdir", None)
    with SpillStore() as store:
        assert store.folder == str(tmp_path) == tempfile.gettempdir()
        assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(not hasattr(os, "O_TMPFILE"), reason="tempfile opens the file where there is no O_TMPFILE")
@pytest.mark.parametrize("tmpdir", [None, "here"])
def test_a_one_plan_run_does_not_import_tempfile(tmp_path: Path, tmpdir: str | None) -> None:
    plan = REPO / "plans" / "north" / "Q50" / "02Y-east-riding.yaml"
    env = {key: value for key, value in os.environ.items() if key != "TMPDIR"}
    if tmpdir:
        env["TMPDIR"] = str(tmp_path)
    done = run_then(
        ["assess", str(plan), "--format", "json"],
        "print(sorted(name for name in sys.modules if name in ('tempfile', 'shutil', 'bz2', 'lzma')), file=sys.stderr)",
        cwd=tmp_path, env=env,
    )
    assert '"rating": "amber"' in done.stdout
    assert done.stderr.strip().splitlines()[-1] == "[]", done.stderr
