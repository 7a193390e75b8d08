"""A CI gate that cannot be turned against its repository: one regression test per hole
a hostile contributor could use (item numbers as in the hardening list), and their siblings."""

from __future__ import annotations

import json
import os
import shutil
import stat
import threading
from pathlib import Path
from typing import Any

import pytest

from conftest import INTERPRETER_VARIABLES, REPO
from conftest import run_cli as _run_cli
from conftest import run_cli_here


def run_cli(*args: str, **kwargs: Any) -> Any:
    """The example plan is a 2014/15 submission: assessed as submitted, before DL04 asks its schemes in
    delivery for returns, unless a test gives its own date.

    Run in this process, as these holes are in what the tool reads and writes; a run given an
    interpreter's variable (its output encoding) is a new process, and the tests of the process itself
    (a full standard output, a terminal, the workers started) start one of their own."""
    if args[:1] == ("assess",) and "--as-of" not in args and "--help" not in args:
        args = ("assess", "--as-of", "2014-03-31", *args[1:])
    if set(kwargs.get("env") or {}) & set(INTERPRETER_VARIABLES):
        return _run_cli(*args, **kwargs)
    return run_cli_here(*args, **kwargs)

VALID = REPO / "plans" / "north" / "Q50" / "03Q-vale-of-york.yaml"  # expected-rating: green, as submitted (assessed as of 2014-03-31)


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
    result = run_cli("assess", "--as-of", "2014-03-31", str(plans), "--report", f"json:{null}", "--report", f"csv:{fifo}", cwd=tmp_path)
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
        result = run_cli("assess", "--as-of", "2014-03-31", str(plans), "--report", f"json:{sock_path}", cwd=tmp_path)
    finally:
        server.close()
    assert result.returncode == 2
    assert "is a socket" in result.stderr
    assert stat.S_ISSOCK(os.lstat(sock_path).st_mode)


def test_item01_report_command_writes_into_a_pipe_too(tmp_path: Path) -> None:
    plans = _plans(tmp_path / "plans")
    saved = tmp_path / "a.json"
    assert run_cli("assess", "--as-of", "2014-03-31", str(plans), "--report", f"json:{saved}", cwd=tmp_path).returncode == 0
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
    result = run_cli("assess", "--as-of", "2014-03-31", "plans", cwd=repo)
    assert result.returncode == 2
    assert "outside the folder of the configuration file" in result.stdout + result.stderr
    assert victim.read_text() == "#!/bin/sh\necho hello\n"


def test_item02_config_report_through_a_link_out_of_the_folder_is_refused(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    _plans(repo / "plans")
    (tmp_path / "elsewhere").mkdir()
    (repo / "out").symlink_to(tmp_path / "elsewhere")
    (repo / ".qipp-rag.yaml").write_text("report: ['csv:out/r.csv']\n")
    result = run_cli("assess", "--as-of", "2014-03-31", "plans", cwd=repo)
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
    result = run_cli("assess", "--as-of", "2014-03-31", "ow", "--report", f"json:{target}", cwd=tmp_path)
    assert result.returncode == 2
    assert "input files" in result.stderr
    assert (plans / "a.yaml").read_text() == before


def test_item02_a_report_over_a_pack_or_waivers_file_is_refused(tmp_path: Path) -> None:
    plans = _plans(tmp_path / "plans")
    waivers = tmp_path / "waivers.yaml"
    waivers.write_text("waivers: []\n")
    result = run_cli("assess", "--as-of", "2014-03-31", "plans", "--waivers", "waivers.yaml", "--report", "json:./waivers.yaml", cwd=tmp_path)
    assert result.returncode == 2 and "input files" in result.stderr
    assert waivers.read_text() == "waivers: []\n"
    assert plans.is_dir()


def test_item02_report_command_never_writes_over_its_input(tmp_path: Path) -> None:
    plans = _plans(tmp_path / "plans")
    saved = tmp_path / "a.json"
    assert run_cli("assess", "--as-of", "2014-03-31", str(plans), "--report", f"json:{saved}", cwd=tmp_path).returncode == 0
    before = saved.read_text()
    result = run_cli("report", "a.json", "--format", "csv", "-o", "./a.json", cwd=tmp_path)
    assert result.returncode == 2
    assert saved.read_text() == before


def test_item02_reports_are_written_0644_never_keeping_an_executable_bit(tmp_path: Path) -> None:
    plans = _plans(tmp_path / "plans")
    old = tmp_path / "r.csv"
    old.write_text("old\n")
    old.chmod(0o777)
    result = run_cli("assess", "--as-of", "2014-03-31", str(plans), "--report", f"csv:{old}", "--report", f"json:{tmp_path / 'new.json'}", cwd=tmp_path)
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
    result = run_cli("assess", "--as-of", "2014-03-31", "p", "--format", output_format, cwd=tmp_path)
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


# ---------------------------------------------------------------- item 5: the exact-number marker

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(texts=st.lists(st.text(max_size=24) | st.sampled_from(["\x00D-", "\x00D999", "\x00D1.5", '"\x00D7"']), min_size=6, max_size=6))
def test_item05_any_text_in_any_field_gives_valid_json_that_round_trips(texts: list[str]) -> None:
    from ci_fixtures import assessment, figures, finding, organisation, plan

    from qipp_rag.results import Problem, from_json, to_json

    file, name, message, code, problem, path = texts
    result = assessment(
        [
            plan(file or "p.yaml", organisation(code or None, name), "red", [finding("GV01", "red", "12.5", message, line=3, path=path)],
                 figures("100", "10", "9", "8")),
        ],
        errors=[Problem(message=problem or "x", line=1, column=1, file=file or None, path=path)],
    )
    text = to_json(result)
    data = json.loads(text)  # valid JSON whatever the text
    assert data["plans"][0]["organisation"]["name"] == name
    assert data["plans"][0]["findings"][0]["message"] == message
    assert data["plans"][0]["findings"][0]["value"] == 12.5
    assert from_json(text) == result


def test_item05_a_plan_cannot_forge_a_number_through_a_yaml_escape(tmp_path: Path) -> None:
    text = VALID.read_text(encoding="utf-8")
    name = next(line for line in text.splitlines() if line.startswith("  name:"))
    _plans(tmp_path / "p", text=text.replace(name, '  name: "\\0D999"', 1))
    result = run_cli("assess", "--as-of", "2014-03-31", "p", "--format", "json", cwd=tmp_path)
    data = json.loads(result.stdout)
    assert result.returncode == 2
    assert data["plans"][0]["rating"] == "error"
    assert "control character U+0000" in data["plans"][0]["errors"][0]["message"]


def test_item05_report_and_diff_keep_a_forged_mark_as_text(tmp_path: Path) -> None:
    _plans(tmp_path / "p")
    assert run_cli("assess", "--as-of", "2014-03-31", "p", "--report", "json:a.json", cwd=tmp_path).returncode == 0
    data = json.loads((tmp_path / "a.json").read_text())
    data["plans"][0]["organisation"]["name"] = "\x00D-"
    data["plans"][0]["findings"][0]["message"] = "\x00D999"
    (tmp_path / "b.json").write_text(json.dumps(data))
    rendered = run_cli("report", "b.json", "--format", "json", cwd=tmp_path)
    assert rendered.returncode == 0, rendered.stderr
    again = json.loads(rendered.stdout)
    assert again["plans"][0]["organisation"]["name"] == "\x00D-"
    assert again["plans"][0]["findings"][0]["message"] == "\x00D999"
    diffed = run_cli("diff", "a.json", "b.json", "--format", "json", cwd=tmp_path)
    assert diffed.returncode == 0, diffed.stderr
    json.loads(diffed.stdout)


def test_item05_a_diff_cannot_forge_a_number_either(tmp_path: Path) -> None:
    _plans(tmp_path / "p")
    assert run_cli("assess", "--as-of", "2014-03-31", "p", "--report", "json:a.json", cwd=tmp_path).returncode == 0
    data = json.loads((tmp_path / "a.json").read_text())
    data["plans"][0]["rating"] = "red"
    finding = data["plans"][0]["findings"][0]
    finding["rating"] = "red" if finding["rating"] != "red" else "amber"
    finding["message"] = "\x00DIFF5"  # a whole text field of the diff: the old fixed mark turned it into 5
    (tmp_path / "b.json").write_text(json.dumps(data))
    diffed = run_cli("diff", "a.json", "b.json", "--format", "json", cwd=tmp_path)
    assert diffed.returncode == 0, diffed.stderr
    change = json.loads(diffed.stdout)["changed"][0]["rules"][0]
    assert change["new_message"] == "\x00DIFF5"


# ---------------------------------------------------------------- item 6: the shipped pack is the base

STRICT_SP01 = """pack: a-strict
rules:
  - id: SP01
    title: At least a thousand live schemes
    criterion: savings_plan
    measures: count of live schemes
    unit: count
    metric: live_scheme_count
    green: {min: 1000}
    critical: true
    rationale: strict
    remediation: add schemes
"""


@pytest.mark.parametrize("order", ["strict-first", "strict-last"])
def test_item06_a_users_rule_wins_over_the_shipped_pack_in_any_order(tmp_path: Path, order: str) -> None:
    _plans(tmp_path / "p")
    packs = tmp_path / "rp"
    packs.mkdir()
    strict, extra = ("a-strict.yaml", "b-extra.yaml") if order == "strict-first" else ("b-strict.yaml", "a-extra.yaml")
    (packs / strict).write_text(STRICT_SP01)
    (packs / extra).write_text("pack: extra\nextends: green-criteria\nrules: []\n")
    result = run_cli("assess", "p", "--rules", "rp", "--format", "json", cwd=tmp_path)
    data = json.loads(result.stdout)
    sp01 = next(rule for rule in data["rules"] if rule["id"] == "SP01")
    assert sp01["pack"] == "a-strict" and sp01["green"] == {"min": 1000, "max": None, "above": None, "below": None}
    assert data["plans"][0]["rating"] == "red"
    assert result.returncode == 1
    assert [pack["name"] for pack in data["rule_packs"]][0] == "green-criteria"  # laid down first, once
    assert [pack["name"] for pack in data["rule_packs"]].count("green-criteria") == 1


# ---------------------------------------------------------------- item 7: configuration problems


def test_item07_a_latin1_pyproject_is_an_input_error_not_ignored(tmp_path: Path) -> None:
    _plans(tmp_path / "p")
    (tmp_path / "pyproject.toml").write_bytes("# caf\xe9\n[tool.qipp-rag]\nfail-on = 'never'\n".encode("latin-1"))
    result = run_cli("assess", "p", cwd=tmp_path)
    assert result.returncode == 2
    assert "not UTF-8" in result.stdout + result.stderr


@pytest.mark.parametrize("table", ["qipp_rag", "qipprag", "QIPP-RAG"])
def test_item07_a_misspelt_table_is_a_warning_naming_the_right_one(tmp_path: Path, table: str) -> None:
    _plans(tmp_path / "p")
    (tmp_path / "pyproject.toml").write_text(f"[tool.{table}]\nfail-on = 'never'\n")
    result = run_cli("assess", "p", cwd=tmp_path)
    assert f"[tool.{table}] is not read; the table is [tool.qipp-rag]" in result.stderr


def test_item07_a_misnamed_yaml_config_is_a_warning(tmp_path: Path) -> None:
    _plans(tmp_path / "p")
    (tmp_path / ".qipp-rag.yml").write_text("fail-on: never\n")
    result = run_cli("assess", "p", cwd=tmp_path)
    assert "is not read: the configuration file is named .qipp-rag.yaml" in result.stderr


# ---------------------------------------------------------------- item 8: financial years within range


def _with_period(first: int) -> str:
    text = VALID.read_text(encoding="utf-8")
    years = [f"{year:04d}/{(year + 1) % 100:02d}" for year in range(first, first + 3)]
    for old, new in zip(["2014/15", "2015/16", "2016/17"], years):
        text = text.replace(old, new)
    return text


def test_item08_year_0000_is_invalid_in_validate_and_assess_alike(tmp_path: Path) -> None:
    _plans(tmp_path / "p", text=_with_period(0))
    validated = run_cli("validate", "p", cwd=tmp_path)
    assessed = run_cli("assess", "p", "--format", "json", cwd=tmp_path)
    assert validated.returncode == 2 and "2000/01 to 2099/00" in validated.stdout
    assert assessed.returncode == 2, assessed.stderr
    assert json.loads(assessed.stdout)["plans"][0]["rating"] == "error"


def test_item08_init_period_within_range(tmp_path: Path) -> None:
    for period in ("0000/01", "2098/99", "1999/00"):
        result = run_cli("init", "03Q", "--period", period, "-o", "x.yaml", cwd=tmp_path)
        assert result.returncode == 2, (period, result.stderr)
        assert not (tmp_path / "x.yaml").exists()
    assert run_cli("init", "03Q", "--period", "2097/98", "-o", "x.yaml", cwd=tmp_path).returncode == 0
    assert run_cli("validate", "x.yaml", cwd=tmp_path).returncode == 0


# ---------------------------------------------------------------- items 9 and 15: packs


def _pack_with(tmp_path: Path, metric: str, params: str, band: str = "{min: 1}", head: str = "pack: hostile\n") -> Path:
    pack = tmp_path / "pack.yaml"
    pack.write_text(
        f"{head}rules:\n  - id: X01\n    title: t\n    criterion: governance\n    measures: m\n    unit: percent\n"
        f"    metric: {metric}\n    params:\n{params}    green: {band}\n    rationale: r\n    remediation: r\n"
    )
    return pack


@pytest.mark.parametrize(
    ("metric", "params", "band", "line", "says"),
    [
        ("field_present", "      path: 'governance.²'\n", "{min: 1}", 10, "not a key of governance"),
        ("share_of_value_with", "      field: lead\n      min_saving: 1e5000\n", "{min: 1}", 11, "min_saving"),
        ("unmitigated_high_risks", "      min_score: 1e999999999\n", "{min: 1}", 10, "min_score"),
        ("unmitigated_high_risks", "      min_score: 100000000000000000000\n", "{min: 1}", 10, "below 10^13"),
        ("live_scheme_count", "      {}\n", "{max: 1e999999999}", 11, "below 10^13"),
        ("live_scheme_count", "      {}\n", "{max: 1.0000000000000000000000000000000001}", 11, "at most 30 digits"),
    ],
)
def test_item09_pack_numbers_and_parameters_are_bounded_and_checked_at_load(
    tmp_path: Path, metric: str, params: str, band: str, line: int, says: str
) -> None:
    _plans(tmp_path / "p")
    _pack_with(tmp_path, metric, params, band)
    result = run_cli("assess", "p", "--rules", "pack.yaml", "--format", "json", cwd=tmp_path, timeout=60)
    assert result.returncode == 2, result.stderr
    errors = json.loads(result.stdout)["errors"]
    assert any(error["line"] == line and says in error["message"] for error in errors), errors
    assert len(result.stdout) < 200_000


def test_item15_an_unknown_parameter_is_an_error_with_a_suggestion(tmp_path: Path) -> None:
    _plans(tmp_path / "p")
    _pack_with(tmp_path, "unmitigated_high_risks", "      minscore: 1\n")
    result = run_cli("assess", "p", "--rules", "pack.yaml", cwd=tmp_path)
    assert result.returncode == 2
    assert "unknown parameter `minscore`" in result.stdout and "did you mean `min_score`?" in result.stdout


def test_item15_an_unknown_pack_version_is_refused(tmp_path: Path) -> None:
    _plans(tmp_path / "p")
    (tmp_path / "pack.yaml").write_text("pack: later\nversion: 2\nextends: green-criteria\nrules: []\n")
    result = run_cli("assess", "p", "--rules", "pack.yaml", cwd=tmp_path)
    assert result.returncode == 2
    assert "reads rule pack version 1, not 2" in result.stdout


@pytest.mark.parametrize("how", ["skip-option", "skip-config", "empty-pack"])
def test_item15_no_rule_in_force_is_exit_2(tmp_path: Path, how: str) -> None:
    _plans(tmp_path / "p")
    args = ["assess", "p"]
    if how == "skip-option":
        args += ["--skip", "*"]
    elif how == "skip-config":
        (tmp_path / ".qipp-rag.yaml").write_text("skip: ['*']\n")
    else:
        (tmp_path / "pack.yaml").write_text("pack: empty\nrules: []\n")
        args += ["--rules", "pack.yaml"]
    result = run_cli(*args, cwd=tmp_path)
    assert result.returncode == 2
    assert "no rule is in force" in result.stderr


# ---------------------------------------------------------------- item 10: report and diff read hostile JSON


@pytest.fixture
def saved_pair(tmp_path: Path) -> Path:
    _plans(tmp_path / "p", text=RED.read_text(encoding="utf-8"))
    assert run_cli("assess", "p", "--report", "json:a.json", cwd=tmp_path).returncode == 1
    return tmp_path


def _hostile(saved: Path, how: str) -> str:
    text = (saved / "a.json").read_text()
    data = json.loads(text)
    if how == "nested":
        return "[" * 100_000 + "]" * 100_000
    if how == "long-integer":
        return text.replace('"format": 1', '"format": ' + "9" * 5000, 1)
    if how == "finding-1e30":
        finding = next(f for f in data["plans"][0]["findings"] if f["value"] is not None)
        finding["value"] = "VALUE"
        return json.dumps(data).replace('"VALUE"', "1e30")
    if how == "rule-1e999":
        data["rules"][0]["green"]["min"] = "VALUE"
        return json.dumps(data).replace('"VALUE"', "1e999")
    if how == "format-99":
        data["format"] = 99
        return json.dumps(data)
    if how == "nan":
        return json.dumps(data).replace('"format": 1', '"format": NaN', 1)
    if how == "lone-surrogate":
        data["plans"][0]["organisation"]["name"] = "SURROGATE"
        return json.dumps(data).replace("SURROGATE", "\\ud800")
    raise AssertionError(how)


HOSTILE_JSON = ["nested", "long-integer", "finding-1e30", "rule-1e999", "format-99", "nan", "lone-surrogate"]


REPORT_CASES = [(how, "table") for how in HOSTILE_JSON] + [
    (how, output_format) for how in ("finding-1e30", "format-99") for output_format in ("json", "csv", "junit", "sarif")
]


@pytest.mark.parametrize(("how", "output_format"), REPORT_CASES)
def test_item10_report_refuses_hostile_json_with_exit_2(saved_pair: Path, how: str, output_format: str) -> None:
    (saved_pair / "bad.json").write_text(_hostile(saved_pair, how))
    result = run_cli("report", "bad.json", "--format", output_format, cwd=saved_pair)
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("qipp-rag report: bad.json") and "internal error" not in result.stderr


@pytest.mark.parametrize("how", HOSTILE_JSON)
def test_item10_diff_refuses_hostile_json_with_exit_2(saved_pair: Path, how: str) -> None:
    (saved_pair / "bad.json").write_text(_hostile(saved_pair, how))
    for args in (["a.json", "bad.json"], ["bad.json", "a.json"]):
        result = run_cli("diff", *args, "--format", "json", cwd=saved_pair)
        assert result.returncode == 2, result.stderr
        assert result.stderr.startswith("qipp-rag diff: ") and "internal error" not in result.stderr


# ---------------------------------------------------------------- item 11: markdown tables cannot be forged


def test_item11_a_pipe_in_a_file_name_cannot_add_markdown_cells(tmp_path: Path) -> None:
    name = "x| NHS City and Hackney (07T) | london | Q61 | **GREEN** | 0 | 0 | 0 | 0 | |.yaml"
    _plans(tmp_path / "p", name=name, text=RED.read_text(encoding="utf-8"))
    result = run_cli("assess", "p", "--format", "markdown", cwd=tmp_path)
    assert result.returncode == 1
    row = next(line for line in result.stdout.splitlines() if line.startswith("| `"))
    cells = [cell for cell in __import__("re").split(r"(?<!\\)\|", row)[1:-1]]
    assert len(cells) == 11, cells  # the plans table has a Confidence column
    assert "**RED**" in cells[4] and "GREEN" not in cells[4]
    heading = next(line for line in result.stdout.splitlines() if line.startswith("### "))
    assert "\\|" in heading


# ---------------------------------------------------------------- item 12: control characters in human outputs

HOSTILE_KEY = '"x\\n::stop-commands::pwned\\n": 1\n'


def _hostile_key_plan(tmp_path: Path) -> None:
    _plans(tmp_path / "p", text=VALID.read_text(encoding="utf-8") + HOSTILE_KEY)


@pytest.mark.parametrize("command", ["table", "csv", "markdown", "github", "validate"])
def test_item12_a_line_break_in_a_key_never_starts_a_line_in_any_human_output(tmp_path: Path, command: str) -> None:
    _hostile_key_plan(tmp_path)
    args = ["validate", "p"] if command == "validate" else ["assess", "p", "--format", command]
    result = run_cli(*args, cwd=tmp_path)
    assert result.returncode == 2
    for line in (result.stdout + result.stderr).splitlines():
        assert not line.lstrip().startswith("::stop-commands"), line
    shown = (result.stdout + result.stderr).replace("%0A", "\\n").replace("%3A", ":").replace("\\\\", "\\")
    assert "x\\n::stop-commands::pwned\\n" in shown


def test_item12_problem_lines_on_stderr_show_escapes(tmp_path: Path) -> None:
    _hostile_key_plan(tmp_path)
    result = run_cli("assess", "p", "--format", "json", cwd=tmp_path)
    assert "x\\n::stop-commands::pwned\\n" in result.stderr
    assert not any(line.startswith("::") for line in result.stderr.splitlines())


@pytest.mark.parametrize("output_format", ["table", "markdown", "csv"])
def test_item12_ansi_escapes_in_file_and_organisation_names_are_shown_escaped(tmp_path: Path, output_format: str) -> None:
    _plans(tmp_path / "p", name="\x1b[2Jevil.yaml")
    assert run_cli("assess", "p", "--report", "json:a.json", cwd=tmp_path).returncode == 0
    data = json.loads((tmp_path / "a.json").read_text())
    data["plans"][0]["organisation"]["name"] = "\x1b[31mRed Org\x07"
    (tmp_path / "b.json").write_text(json.dumps(data))
    for args in (["assess", "p", "--format", output_format], ["report", "b.json", "--format", output_format]):
        result = run_cli(*args, cwd=tmp_path)
        assert "\x1b" not in result.stdout and "\x07" not in result.stdout
        assert "\\x1b[2Jevil.yaml" in _unmarked(result.stdout)
    assert "\\x1b[31mRed Org\\x07" in _unmarked(result.stdout)


def _unmarked(text: str) -> str:
    """Markdown's own escapes taken off, to see the text as a reader does."""
    return text.replace("\\\\", "\\").replace("\\[", "[")


# ---------------------------------------------------------------- item 14: workers


def test_item14_workers_are_capped_at_cores_and_plans(monkeypatch: pytest.MonkeyPatch) -> None:
    from qipp_rag import workers

    monkeypatch.setattr(workers, "available_cores", lambda: 2)
    assert workers.worker_count(200, 1000) == 2
    assert workers.worker_count(100_000, 1000) == 2
    assert workers.worker_count(200, 1) == 1
    assert workers.worker_count(None, 1000) == 2


def test_item14_jobs_from_config_start_no_more_workers_than_cores(tmp_path: Path) -> None:
    from qipp_rag.workers import available_cores

    if available_cores() > 8:
        pytest.skip("needs more plans than cores; this machine has many cores")
    for number in range(available_cores() + 1):  # more plans than cores: only the core count can cap
        _plans(tmp_path / "p", name=f"plan{number}.yaml")
    (tmp_path / ".qipp-rag.yaml").write_text("jobs: 100000\n")
    script = (
        "import sys, concurrent.futures as cf\n"
        "from qipp_rag import pool, workers\n"
        "seen = []\n"
        "real = cf.ProcessPoolExecutor\n"
        "class Spy(real):\n"
        "    def __init__(self, max_workers=None, **kw):\n"
        "        seen.append(max_workers); super().__init__(max_workers=max_workers, **kw)\n"
        "pool.ProcessPoolExecutor = Spy\n"
        "from qipp_rag.cli import main\n"
        "try:\n    main(['assess', 'p', '--format', 'json'])\nexcept SystemExit:\n    pass\n"
        "print('WORKERS', seen, workers.available_cores(), file=sys.stderr)\n"
    )
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    line = next(line for line in result.stderr.splitlines() if line.startswith("WORKERS"))
    seen, cores = eval(line.split(" ", 1)[1].rsplit(" ", 1)[0]), int(line.rsplit(" ", 1)[1])  # noqa: S307 - our own output
    assert seen or cores == 1, line  # more plans than cores, and more than one core: a pool was started
    assert all(workers <= cores for workers in seen), line


def test_item14_the_help_says_workers_are_capped() -> None:
    result = run_cli("assess", "--help", env={"COLUMNS": "300"})
    assert "never more than the cores available or the plans" in " ".join(result.stdout.split())


# ---------------------------------------------------------------- item 16: odd corners


@pytest.mark.parametrize("command", [["validate", "p"], ["rules"], ["rules", "SP01"]])
def test_item16_validate_and_rules_write_utf8_whatever_the_locale(tmp_path: Path, command: list[str]) -> None:
    _plans(tmp_path / "p", name="café-£.yaml")
    result = run_cli(*command, cwd=tmp_path, env={"PYTHONIOENCODING": "latin-1"})
    assert result.returncode == 0, result.stderr
    assert "internal error" not in result.stderr


@pytest.mark.parametrize(
    "command",
    [["assess", "p"], ["assess", "p", "--format", "json"], ["validate", "p"], ["rules"], ["schema"], ["init", "03Q", "-o", "-"], ["--version"]],
)
def test_item16_a_full_stdout_is_one_line_and_exit_2(tmp_path: Path, command: list[str]) -> None:
    import subprocess
    import sys

    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full here")
    _plans(tmp_path / "p")
    with open("/dev/full", "w") as full:
        result = subprocess.run([sys.executable, "-m", "qipp_rag", *command], cwd=tmp_path, stdout=full, stderr=subprocess.PIPE, text=True, timeout=120)
    assert result.returncode == 2, result.stderr
    assert result.stderr.strip().splitlines()[-1] == "qipp-rag: cannot write the output: No space left on device"
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr


def test_item16_init_refuses_control_characters_in_the_name_and_a_folder_path(tmp_path: Path) -> None:
    named = run_cli("init", "03Q", "--name", "\x1b[31mNHS Red", cwd=tmp_path)
    assert named.returncode == 2 and "\x1b" not in named.stderr
    assert not (tmp_path / "03Q.yaml").exists()
    folder = run_cli("init", "03Q", "-o", "d/", cwd=tmp_path)
    assert folder.returncode == 2 and "is a folder" in folder.stderr
    assert not (tmp_path / "d").exists()


def test_item16_init_force_never_keeps_an_executable_bit(tmp_path: Path) -> None:
    old = tmp_path / "x.yaml"
    old.write_text("old\n")
    old.chmod(0o755)
    assert run_cli("init", "03Q", "-o", "x.yaml", "--force", cwd=tmp_path).returncode == 0
    assert not stat.S_IMODE(old.stat().st_mode) & 0o111


@pytest.mark.parametrize("key", ["waivers", "report"])
def test_item16_a_nul_in_a_toml_value_is_an_input_error(tmp_path: Path, key: str) -> None:
    _plans(tmp_path / "p")
    value = '"w\\u0000.yaml"' if key == "waivers" else '["json:r\\u0000.json"]'
    (tmp_path / "pyproject.toml").write_text(f"[tool.qipp-rag]\n{key} = {value}\n")
    result = run_cli("assess", "p", cwd=tmp_path)
    assert result.returncode == 2
    assert "internal error" not in result.stderr and "U+0000" in result.stdout + result.stderr


@pytest.mark.parametrize("as_of", ["2014-W26-1", "20140630", "2014-06-30T00:00"])
def test_item16_as_of_takes_only_yyyy_mm_dd(tmp_path: Path, as_of: str) -> None:
    _plans(tmp_path / "p")
    result = run_cli("assess", "p", "--as-of", as_of, cwd=tmp_path)
    assert result.returncode == 2 and "YYYY-MM-DD" in result.stderr


def test_item16_a_report_path_of_dash_is_refused(tmp_path: Path) -> None:
    _plans(tmp_path / "p")
    result = run_cli("assess", "p", "--report", "html:-", cwd=tmp_path)
    assert result.returncode == 2 and "standard output" in result.stderr
    assert not (tmp_path / "-").exists()


def test_item16_a_file_and_a_link_to_it_are_reported_by_the_name_given_first(tmp_path: Path) -> None:
    _plans(tmp_path / "p", name="real.yaml")
    (tmp_path / "alias.yaml").symlink_to(tmp_path / "p" / "real.yaml")
    for first, second in (("p/real.yaml", "alias.yaml"), ("alias.yaml", "p/real.yaml")):
        data = json.loads(run_cli("assess", first, second, "--format", "json", cwd=tmp_path).stdout)
        assert [plan["file"] for plan in data["plans"]] == [first]


def test_item16_a_tiny_terminal_width_keeps_every_plan_row() -> None:
    from qipp_rag.commands import assess as assess_command

    assert assess_command.MIN_WIDTH >= 40
    import pty
    import subprocess
    import sys

    plans = REPO / "plans" / "north" / "Q50"
    main, child = pty.openpty()
    env = {**os.environ, "COLUMNS": "5", "NO_COLOR": "1"}
    process = subprocess.run([sys.executable, "-m", "qipp_rag", "assess", str(plans), "--fail-on", "never"], stdout=child, stderr=subprocess.DEVNULL, env=env, timeout=120)
    os.close(child)
    chunks = []
    while True:
        try:
            chunk = os.read(main, 65536)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(main)
    shown = b"".join(chunks).decode("utf-8", "replace")
    assert process.returncode == 0
    for plan in plans.glob("*.yaml"):
        code = plan.name.split("-")[0]
        assert code in shown, code


def test_item16_a_rules_folder_skips_hidden_folders_and_links_out(tmp_path: Path) -> None:
    from qipp_rag.rulebook.packs import pack_files

    packs = tmp_path / "rules"
    (packs / ".git").mkdir(parents=True)
    (packs / ".git" / "hidden.yaml").write_text("pack: hidden\nrules: []\n")
    (packs / "real.yaml").write_text("pack: real\nextends: green-criteria\nrules: []\n")
    (tmp_path / "outside.yaml").write_text("pack: outside\nrules: []\n")
    (packs / "link.yaml").symlink_to(tmp_path / "outside.yaml")
    (packs / "away").symlink_to(tmp_path, target_is_directory=True)
    files, problems = pack_files(str(packs))
    assert files == [str(packs / "real.yaml")] and not problems


# ---------------------------------------------------------------- waiver typos

WAIVER_TYPOS = """waivers:
  - rule: SP2
    plan: '03Q'
    reason: typo in the rule
    approved_by: area team
    expires: 2099-03-31
  - rule: SP02
    plan: '3Q'
    reason: typo in the plan
    approved_by: area team
    expires: 2099-03-31
"""


@pytest.mark.parametrize("output_format", FORMATS)
def test_waiver_typos_get_a_warning_with_the_nearest_match_in_every_format(tmp_path: Path, output_format: str) -> None:
    _plans(tmp_path / "p")
    (tmp_path / "waivers.yaml").write_text(WAIVER_TYPOS)
    result = run_cli("assess", "--as-of", "2014-03-31", "p", "--waivers", "waivers.yaml", "--format", output_format, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    for where in (result.stderr, result.stdout if output_format in ("json", "table", "markdown", "github", "html") else result.stderr):
        shown = where.replace("\\\\", "\\").replace("%3F", "?")
        assert "did you mean SP02?" in shown, (output_format, where[-2000:])
        assert "did you mean 03Q?" in shown, (output_format, where[-2000:])
    if output_format == "json":
        warnings = [waiver.get("warning") for waiver in json.loads(result.stdout)["waivers"]]
        assert warnings == ["rule SP2 is not in force; did you mean SP02?", "plan 3Q matches no plan in the run; did you mean 03Q?"]
