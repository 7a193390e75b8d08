"""A CI gate that cannot be turned against its repository: one regression test per hole
a hostile contributor could use (item numbers as in the hardening list), and their siblings."""

from __future__ import annotations

import json
import os
import shutil
import stat
import threading
from pathlib import Path

import pytest

from conftest import REPO, run_cli

VALID = REPO / "plans" / "north" / "Q50" / "03Q-vale-of-york.yaml"  # expected-rating: green


def _plans(folder: Path, name: str = "plan.yaml", text: str | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(VALID.read_text(encoding="utf-8") if text is None else text, encoding="utf-8")
    return folder


# ---------------------------------------------------------------- item 1: special files


def test_item01_special_files_are_not_replaced(tmp_path: Path) -> None:
    plans = _plans(tmp_path / "plans")
    null = tmp_path / "null"
    null.symlink_to(os.devnull)
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    result = run_cli("assess", str(plans), "--report", f"json:{null}", "--report", f"csv:{fifo}", cwd=tmp_path)
    reader.join(timeout=30)
    assert result.returncode == 0, result.stderr
    assert null.is_symlink() and os.readlink(null) == os.devnull
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert received and b"file," in received[0][:8]


def test_item01_a_folder_or_socket_report_path_is_refused_clearly(tmp_path: Path) -> None:
    import socket

    plans = _plans(tmp_path / "plans")
    sock_path = tmp_path / "s.sock"
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(sock_path))
    try:
        result = run_cli("assess", str(plans), "--report", f"json:{sock_path}", cwd=tmp_path)
    finally:
        server.close()
    assert result.returncode == 2
    assert "is a socket" in result.stderr
    assert stat.S_ISSOCK(os.lstat(sock_path).st_mode)


def test_item01_report_command_writes_into_a_pipe_too(tmp_path: Path) -> None:
    plans = _plans(tmp_path / "plans")
    saved = tmp_path / "a.json"
    assert run_cli("assess", str(plans), "--report", f"json:{saved}", cwd=tmp_path).returncode == 0
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    result = run_cli("report", str(saved), "--format", "csv", "-o", str(fifo), cwd=tmp_path)
    reader.join(timeout=30)
    assert result.returncode == 0, result.stderr
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert received and b"file," in received[0][:8]


# ---------------------------------------------------------------- item 2: where reports go


def test_item02_config_report_paths_stay_inside_the_config_folder(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    _plans(repo / "plans")
    victim = tmp_path / "victim.sh"
    victim.write_text("#!/bin/sh\necho hello\n")
    victim.chmod(0o755)
    (repo / ".qipp-rag.yaml").write_text("report: ['csv:../victim.sh']\n")
    result = run_cli("assess", "plans", cwd=repo)
    assert result.returncode == 2
    assert "outside the folder of the configuration file" in result.stdout + result.stderr
    assert victim.read_text() == "#!/bin/sh\necho hello\n"


def test_item02_config_report_through_a_link_out_of_the_folder_is_refused(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    _plans(repo / "plans")
    (tmp_path / "elsewhere").mkdir()
    (repo / "out").symlink_to(tmp_path / "elsewhere")
    (repo / ".qipp-rag.yaml").write_text("report: ['csv:out/r.csv']\n")
    result = run_cli("assess", "plans", cwd=repo)
    assert result.returncode == 2
    assert not (tmp_path / "elsewhere" / "r.csv").exists()


@pytest.mark.parametrize("spelling", ["plain", "dot", "absolute", "link", "dotdot"])
def test_item02_a_report_over_an_input_plan_is_refused(tmp_path: Path, spelling: str) -> None:
    plans = _plans(tmp_path / "ow", name="a.yaml")
    before = (plans / "a.yaml").read_text()
    (tmp_path / "link.yaml").symlink_to(plans / "a.yaml")
    target = {
        "plain": "ow/a.yaml",
        "dot": "./ow/./a.yaml",
        "absolute": str(plans / "a.yaml"),
        "link": "link.yaml",
        "dotdot": "ow/../ow/a.yaml",
    }[spelling]
    result = run_cli("assess", "ow", "--report", f"json:{target}", cwd=tmp_path)
    assert result.returncode == 2
    assert "input files" in result.stderr
    assert (plans / "a.yaml").read_text() == before


def test_item02_a_report_over_a_pack_or_waivers_file_is_refused(tmp_path: Path) -> None:
    plans = _plans(tmp_path / "plans")
    waivers = tmp_path / "waivers.yaml"
    waivers.write_text("waivers: []\n")
    result = run_cli("assess", "plans", "--waivers", "waivers.yaml", "--report", "json:./waivers.yaml", cwd=tmp_path)
    assert result.returncode == 2 and "input files" in result.stderr
    assert waivers.read_text() == "waivers: []\n"
    assert plans.is_dir()


def test_item02_report_command_never_writes_over_its_input(tmp_path: Path) -> None:
    plans = _plans(tmp_path / "plans")
    saved = tmp_path / "a.json"
    assert run_cli("assess", str(plans), "--report", f"json:{saved}", cwd=tmp_path).returncode == 0
    before = saved.read_text()
    result = run_cli("report", "a.json", "--format", "csv", "-o", "./a.json", cwd=tmp_path)
    assert result.returncode == 2
    assert saved.read_text() == before


def test_item02_reports_are_written_0644_never_keeping_an_executable_bit(tmp_path: Path) -> None:
    plans = _plans(tmp_path / "plans")
    old = tmp_path / "r.csv"
    old.write_text("old\n")
    old.chmod(0o777)
    result = run_cli("assess", str(plans), "--report", f"csv:{old}", "--report", f"json:{tmp_path / 'new.json'}", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    mask = os.umask(0)
    os.umask(mask)
    assert stat.S_IMODE(old.stat().st_mode) == 0o644 & ~mask
    assert stat.S_IMODE((tmp_path / "new.json").stat().st_mode) == 0o644 & ~mask


# ---------------------------------------------------------------- item 3: file names that are not UTF-8

RED = REPO / "plans" / "north" / "Q50" / "03E-harrogate.yaml"  # expected-rating: red
FORMATS = ("json", "sarif", "junit", "csv", "html", "markdown", "github", "table")


@pytest.mark.parametrize("output_format", FORMATS)
def test_item03_an_undecodable_file_name_is_assessed_and_shown_escaped(tmp_path: Path, output_format: str) -> None:
    folder = os.fsencode(tmp_path / "p")
    os.mkdir(folder)
    with open(os.path.join(folder, b"caf\xe9.yaml"), "wb") as handle:
        handle.write(RED.read_bytes())
    result = run_cli("assess", "p", "--format", output_format, cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert "internal error" not in result.stderr
    if output_format == "json":
        assert json.loads(result.stdout)["plans"][0]["file"] == "p/caf\\xe9.yaml"
    else:
        assert "caf\\xe9" in result.stdout.replace("\\\\", "\\")


def test_item03_validate_shows_an_undecodable_file_name_escaped(tmp_path: Path) -> None:
    os.mkdir(os.fsencode(tmp_path / "p"))
    with open(os.path.join(os.fsencode(tmp_path / "p"), b"caf\xe9.yaml"), "wb") as handle:
        handle.write(RED.read_bytes())
    for extra in ([], ["--format", "json"]):
        result = run_cli("validate", "p", *extra, cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        assert "caf\\xe9" in result.stdout.replace("\\\\", "\\")
