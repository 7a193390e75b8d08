"""`qipp-rag assess` end to end: the real CLI on plan folders, its exit codes, outputs and reports."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from engine_support import green_plan_data, write_plan

AS_OF = "2014-06-01"


def green(code: str = "03Q", **kwargs):
    return green_plan_data(code, **kwargs)


def amber(code: str = "03R"):
    data = green_plan_data(code)
    del data["governance"]["clinical_lead"]  # GV02, not critical: amber
    return data


def red(code: str = "03S"):
    data = green_plan_data(code)
    data["target"] = {year: 5000 for year in data["period"]}  # SP02, critical: 2400 identified of 5000
    return data


@pytest.fixture
def plans(tmp_path: Path) -> Path:
    folder = tmp_path / "plans"
    write_plan(folder / "a-green.yaml", green("03Q"))
    write_plan(folder / "b-amber.yaml", amber("03R"))
    return folder


def assess(cli, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return cli("assess", *args, "--as-of", AS_OF, cwd=cwd)


def as_json(result: subprocess.CompletedProcess[str]) -> dict:
    return json.loads(result.stdout)


# ---------------------------------------------------------------- the gate and exit codes


def test_green_and_amber_plans_pass_the_default_gate(cli, plans: Path) -> None:
    result = assess(cli, "plans", cwd=plans.parent)
    assert result.returncode == 0, result.stderr
    assert "GREEN" in result.stdout and "AMBER" in result.stdout
    assert "plans/b-amber.yaml" in result.stdout and "GV02" in result.stdout
    assert "\x1b[" not in result.stdout  # not a terminal: plain text
    assert "2 plans assessed" in result.stderr and "exit 0" in result.stderr


def test_fail_on_amber_and_never(cli, plans: Path) -> None:
    assert assess(cli, "plans", "--fail-on", "amber", cwd=plans.parent).returncode == 1
    write_plan(plans / "c-red.yaml", red())
    assert assess(cli, "plans", cwd=plans.parent).returncode == 1
    assert assess(cli, "plans", "--fail-on", "never", cwd=plans.parent).returncode == 0


def test_a_plan_that_cannot_be_read_is_rated_error_and_the_run_exits_2(cli, plans: Path) -> None:
    (plans / "z-broken.yaml").write_text("qipp_plan: 1\norganisation:\n  code: 03Q\n  nmae: typo\n", encoding="utf-8")
    write_plan(plans / "c-red.yaml", red())
    result = assess(cli, "plans", "--format", "json", cwd=plans.parent)
    assert result.returncode == 2  # error wins over the red gate
    data = as_json(result)
    assert [(p["file"], p["rating"]) for p in data["plans"]] == [
        ("plans/a-green.yaml", "green"),
        ("plans/b-amber.yaml", "amber"),
        ("plans/c-red.yaml", "red"),
        ("plans/z-broken.yaml", "error"),
    ]
    errors = data["plans"][3]["errors"]
    assert errors and all(e["line"] >= 1 and e["column"] >= 1 for e in errors)
    assert any(e["line"] == 4 and "nmae" in e["message"] for e in errors)
    assert data["summary"]["ratings"]["error"] == 1
    assert "plans/z-broken.yaml:4:" in result.stderr  # problems also reach the log when stdout is JSON


def test_no_plan_files_is_an_input_error(cli, tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    result = assess(cli, "empty", cwd=tmp_path)
    assert result.returncode == 2
    assert "no plan files" in result.stderr
    missing = assess(cli, "nowhere", cwd=tmp_path)
    assert missing.returncode == 2


def test_an_internal_error_is_one_line_and_exit_3(plans: Path) -> None:
    inject = (
        "import sys, qipp_rag.engine as engine\n"
        "def broken(*args, **kwargs):\n    raise RuntimeError('metric exploded')\n"
        "engine.assess = broken\n"
        "from qipp_rag.cli import main\nmain(sys.argv[1:])\n"
    )
    env = {**os.environ, "NO_COLOR": "1"}
    result = subprocess.run([sys.executable, "-c", inject, "assess", "plans"], cwd=plans.parent, capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 3
    assert "internal error" in result.stderr and "metric exploded" in result.stderr
    assert "Traceback" not in result.stderr
    debug = subprocess.run([sys.executable, "-c", inject, "assess", "plans", "--debug"], cwd=plans.parent, capture_output=True, text=True, env=env, timeout=120)
    assert debug.returncode == 3 and "Traceback" in debug.stderr


def test_bad_option_values_exit_2_before_any_work(cli, plans: Path) -> None:
    for args in (["--as-of", "01/06/2014"], ["--fail-on", "orange"], ["--format", "pdf"], ["--jobs", "0"], ["--region", "wales"], ["--group-by", "ccg"]):
        result = cli("assess", "plans", *args, cwd=plans.parent)
        assert result.returncode == 2, (args, result.stderr)
        assert result.stdout == ""


# ---------------------------------------------------------------- rules, waivers and packs


def test_only_and_skip_select_rules_by_glob(cli, plans: Path) -> None:
    only = as_json(assess(cli, "plans", "--format", "json", "--only", "GV*", "--only", "SP01", cwd=plans.parent))
    assert {f["rule"] for p in only["plans"] for f in p["findings"]} == {"GV01", "GV02", "GV03", "GV04", "GV05", "GV06", "GV07", "GV08", "GV09", "SP01"}
    assert [r["id"] for r in only["rules"]][:1] == ["SP01"]  # rule order is the pack's
    skipped = as_json(assess(cli, "plans", "--format", "json", "--skip", "GV0?", "--skip", "PF*", cwd=plans.parent))
    rules = {f["rule"] for p in skipped["plans"] for f in p["findings"]}
    assert not any(rule.startswith(("GV0", "PF")) for rule in rules) and "SP01" in rules
    assert skipped["plans"][1]["rating"] == "green"  # its only amber (GV02) was skipped
    typo = assess(cli, "plans", "--only", "GV99", cwd=plans.parent)
    assert typo.returncode == 2 and "GV99" in typo.stderr


def test_waivers_apply_and_change_the_gate(cli, plans: Path) -> None:
    (plans.parent / "waivers.yaml").write_text(
        "waivers:\n"
        "  - rule: GV02\n    plan: 03R\n    reason: Clinical lead starts in July\n    approved_by: Area team finance lead\n    expires: 2014-07-31\n"
        "  - rule: GV01\n    plan: 09X\n    reason: no such plan\n    approved_by: nobody\n    expires: 2014-07-31\n"
        "  - rule: GV03\n    plan: 03Q\n    reason: old\n    approved_by: someone\n    expires: 2014-05-31\n",
        encoding="utf-8",
    )
    result = assess(cli, "plans", "--format", "json", "--waivers", "waivers.yaml", "--fail-on", "amber", cwd=plans.parent)
    assert result.returncode == 0, result.stderr
    data = as_json(result)
    gv02 = next(f for f in data["plans"][1]["findings"] if f["rule"] == "GV02")
    assert gv02["rating"] == "waived"
    assert gv02["waiver"] == {"reason": "Clinical lead starts in July", "approved_by": "Area team finance lead", "expires": "2014-07-31", "rating": "amber"}
    assert data["plans"][1]["rating"] == "green"
    assert [(w["rule"], w["status"]) for w in data["waivers"]] == [("GV02", "applied"), ("GV01", "unmatched"), ("GV03", "expired")]
    assert "1 expired, 1 unmatched" in result.stderr


def test_an_invalid_waivers_file_exits_2_but_still_reports_every_plan(cli, plans: Path) -> None:
    (plans.parent / "waivers.yaml").write_text("waivers:\n  - rule: GV02\n    plan: 03R\n    approved_by: x\n    expires: 2014-07-31\n", encoding="utf-8")
    result = assess(cli, "plans", "--format", "json", "--waivers", "waivers.yaml", cwd=plans.parent)
    assert result.returncode == 2
    data = as_json(result)
    assert len(data["plans"]) == 2
    assert data["plans"][1]["rating"] == "amber"  # nothing waived from a file that could not be read
    (error,) = data["errors"]
    assert error["file"] == "waivers.yaml" and error["line"] == 2 and "reason" in error["message"]


def test_a_bad_rule_pack_exits_2_with_its_line(cli, plans: Path) -> None:
    (plans.parent / "pack.yaml").write_text("pack: mine\nextends: green-criteria\nrules:\n  - id: GV02\n    title: t\n", encoding="utf-8")
    result = assess(cli, "plans", "--format", "json", "--rules", "pack.yaml", cwd=plans.parent)
    assert result.returncode == 2
    data = as_json(result)
    assert data["errors"] and all(e["file"] == "pack.yaml" and e["line"] == 4 for e in data["errors"])
    assert [p["name"] for p in data["rule_packs"]] == []  # the broken pack is left out, and so is the base it asked for


def test_a_pack_extending_the_shipped_one_changes_a_threshold(cli, plans: Path) -> None:
    (plans.parent / "strict.yaml").write_text(
        "pack: strict\nextends: green-criteria\nrules:\n"
        "  - id: GV02\n    title: Clinical lead named\n    criterion: governance\n    measures: clinical lead named\n"
        "    unit: check\n    metric: field_present\n    params: {path: governance.clinical_lead.name}\n"
        "    green: {min: 1}\n    critical: true\n    rationale: r\n    remediation: m\n",
        encoding="utf-8",
    )
    result = assess(cli, "plans", "--format", "json", "--rules", "strict.yaml", cwd=plans.parent)
    data = as_json(result)
    assert result.returncode == 1, result.stderr
    assert [p["name"] for p in data["rule_packs"]] == ["green-criteria", "strict"]
    assert data["plans"][1]["rating"] == "red"
    assert next(r for r in data["rules"] if r["id"] == "GV02")["pack"] == "strict"


# ---------------------------------------------------------------- outputs and reports


def test_json_output_is_the_assessment(cli, plans: Path) -> None:
    data = as_json(assess(cli, "plans", "--format", "json", cwd=plans.parent))
    assert list(data) == ["tool", "format", "as_of", "rule_packs", "rules", "waivers", "plans", "portfolio", "summary", "errors"]
    assert data["format"] == 1 and data["as_of"] == AS_OF
    assert data["summary"]["ratings"] == {"green": 1, "amber": 1, "red": 0, "error": 0}
    assert data["summary"]["totals"]["target"] == {"2014/15": 4000, "2015/16": 4000}
    plan = data["plans"][0]
    assert plan["organisation"] == {"code": "03Q", "name": "NHS 03Q", "type": "ccg", "area_team": "Q50", "region": "north"}
    sp02 = next(f for f in plan["findings"] if f["rule"] == "SP02")
    assert sp02["rating"] == "green" and sp02["value"] == 120.00 and sp02["location"]["line"] >= 1


def test_several_reports_are_written_in_one_run(cli, plans: Path) -> None:
    out = plans.parent / "out"
    out.mkdir()
    result = assess(cli, "plans", "--format", "json", "--report", "json:out/a.json", "--report", "markdown:out/a.md", "--report", "sarif:out/a.sarif", cwd=plans.parent)
    assert result.returncode == 0, result.stderr
    assert (out / "a.json").read_text(encoding="utf-8") == result.stdout
    assert "# QIPP plan assessment" in (out / "a.md").read_text(encoding="utf-8")
    assert json.loads((out / "a.sarif").read_text(encoding="utf-8"))["version"] == "2.1.0"
    assert sorted(p.name for p in out.iterdir()) == ["a.json", "a.md", "a.sarif"]  # no temporary files left


@pytest.mark.parametrize(("spec", "says"), [("pdf:out.pdf", "unknown format"), ("json", "F:PATH"), ("json:../missing/dir/a.json", "does not exist")])
def test_a_bad_report_exits_2_and_writes_nothing(cli, plans: Path, spec: str, says: str) -> None:
    before = sorted(p.name for p in plans.parent.iterdir())
    result = assess(cli, "plans", "--report", "markdown:fine.md", "--report", spec, cwd=plans.parent)
    assert result.returncode == 2
    assert says in result.stderr
    assert sorted(p.name for p in plans.parent.iterdir()) == before


def test_group_by_adds_a_rollup_in_pounds_thousands(cli, plans: Path) -> None:
    result = assess(cli, "plans", "--group-by", "area_team", cwd=plans.parent)
    assert "North Yorkshire and Humber (Q50): 2 plans (1 AMBER, 1 GREEN)" in result.stdout
    assert "Roll-up £000" in result.stdout and "4,000" in result.stdout


def test_area_team_narrows_the_report(cli, tmp_path: Path) -> None:
    write_plan(tmp_path / "plans" / "q50-ccg.yaml", green("03Q", area_team="Q50"))
    write_plan(tmp_path / "plans" / "q51-ccg.yaml", green("03R", area_team="Q51"))
    data = as_json(assess(cli, "plans", "--format", "json", "--area-team", "q50", cwd=tmp_path))
    assert [p["file"] for p in data["plans"]] == ["plans/q50-ccg.yaml"]
    assert data["summary"]["plans"] == 1
    none = assess(cli, "plans", "--area-team", "Q99", cwd=tmp_path)
    assert none.returncode == 2 and "Q50, Q51" in none.stderr


def test_configuration_file_sets_options_and_the_command_line_wins(cli, plans: Path) -> None:
    write_plan(plans / "c-red.yaml", red())
    (plans.parent / ".qipp-rag.yaml").write_text("fail-on: never\nformat: json\n", encoding="utf-8")
    from_file = assess(cli, "plans", cwd=plans.parent)
    assert from_file.returncode == 0
    assert json.loads(from_file.stdout)["summary"]["ratings"]["red"] == 1
    assert assess(cli, "plans", "--fail-on", "red", cwd=plans.parent).returncode == 1


def test_an_invalid_configuration_file_exits_2(cli, plans: Path) -> None:
    (plans.parent / ".qipp-rag.yaml").write_text("fail-on: never\nfial-on: red\n", encoding="utf-8")
    result = assess(cli, "plans", "--format", "json", cwd=plans.parent)
    assert result.returncode == 2
    (error,) = as_json(result)["errors"]
    assert error["line"] == 2 and error["file"].endswith(".qipp-rag.yaml")


def test_the_same_input_gives_the_same_bytes_with_any_number_of_workers(cli, plans: Path) -> None:
    for number in range(6):
        write_plan(plans / f"more-{number}.yaml", green(f"0{number}A"))
    outputs = {assess(cli, "plans", "--format", "json", "--jobs", jobs, cwd=plans.parent).stdout for jobs in ("1", "2", "3", "1")}
    assert len(outputs) == 1


def test_quiet_leaves_stderr_empty(cli, plans: Path) -> None:
    result = assess(cli, "plans", "--quiet", cwd=plans.parent)
    assert result.returncode == 0 and result.stderr == ""


# ---------------------------------------------------------------- rules command


def test_rules_lists_and_explains(cli, tmp_path: Path) -> None:
    listing = cli("rules", cwd=tmp_path)
    assert listing.returncode == 0
    assert "SP01" in listing.stdout and "PF04" in listing.stdout and "green-criteria" in listing.stdout
    one = cli("rules", "TR01", cwd=tmp_path)
    assert one.returncode == 0
    for part in ("TR01", "Thresholds:", "green: 1 to 5 %", "Why it matters:", "How to put it right:", "Basis:"):
        assert part in one.stdout
    wrong = cli("rules", "TR1", cwd=tmp_path)
    assert wrong.returncode == 2 and "TR01" in wrong.stderr


def test_rules_shows_the_packs_the_configuration_file_names(cli, tmp_path: Path) -> None:
    (tmp_path / "mine.yaml").write_text(
        "pack: mine\nextends: green-criteria\nrules:\n"
        "  - id: ZZ01\n    title: Three schemes at least\n    criterion: savings_plan\n    measures: live schemes\n"
        "    unit: count\n    metric: live_scheme_count\n    green: {min: 3}\n    amber: {min: 1}\n    rationale: r\n    remediation: m\n",
        encoding="utf-8",
    )
    (tmp_path / ".qipp-rag.yaml").write_text("rules: [mine.yaml]\n", encoding="utf-8")
    (tmp_path / "deeper").mkdir()
    listing = cli("rules", cwd=tmp_path / "deeper")
    assert listing.returncode == 0, listing.stderr
    assert "ZZ01" in listing.stdout and "mine" in listing.stdout
    explained = cli("rules", "zz01", cwd=tmp_path / "deeper")
    assert "green: ≥ 3" in explained.stdout and "amber: ≥ 1, when not green" in explained.stdout and "Pack:        mine" in explained.stdout
    (tmp_path / "mine.yaml").write_text("pack: mine\nrules:\n  - id: ZZ01\n", encoding="utf-8")
    broken = cli("rules", cwd=tmp_path / "deeper")
    assert broken.returncode == 2 and "mine.yaml:3:" in broken.stderr
