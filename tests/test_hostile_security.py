"""Untrusted inputs stay data: no YAML tag runs code, the HTML report escapes every text it
shows, and no file outside the paths given is read."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import REPO
from conftest import run_cli_here as run_cli  # what the tool reads and writes: run in this process

VALID = REPO / "tests" / "fixtures" / "valid" / "full-plan.yaml"
SCRIPT = "<script>alert(1)</script>"
ATTRIBUTE = '" onmouseover="alert(2)'
URL = "javascript:alert(3)"
IMAGE = "<img src=x onerror=alert(4)>"


def _python_tag(marker: Path) -> str:
    return f'!!python/object/apply:os.system ["touch {marker}"]'


def _plans(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(VALID, folder / "plan.yaml")
    return folder


@pytest.mark.parametrize("where", ["rules", "waivers", "config"])
def test_a_python_tag_in_a_pack_waivers_or_config_is_rejected_and_never_runs(tmp_path: Path, where: str) -> None:
    plans = _plans(tmp_path / "plans")
    marker = tmp_path / "pwned"
    hostile = tmp_path / "hostile.yaml"
    args = ["assess", str(plans), "--format", "json"]
    if where == "rules":
        hostile.write_text(f"pack: evil\nversion: 1\nrules: {_python_tag(marker)}\n")
        args += ["--rules", str(hostile)]
    elif where == "waivers":
        hostile.write_text(f"waivers:\n  - rule: GV02\n    plan: 03Q\n    reason: {_python_tag(marker)}\n    approved_by: x\n    expires: 2099-01-01\n")
        args += ["--waivers", str(hostile)]
    else:
        (tmp_path / ".qipp-rag.yaml").write_text(f"fail-on: {_python_tag(marker)}\n")
    result = run_cli(*args, cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert "python/object/apply" in result.stderr or "python/object/apply" in result.stdout
    assert not marker.exists()


def test_a_python_tag_in_a_plan_never_runs(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    plans = tmp_path / "plans"
    plans.mkdir()
    (plans / "plan.yaml").write_text(VALID.read_text().replace("name: NHS Vale of York CCG", f"name: {_python_tag(marker)}"))
    result = run_cli("assess", str(plans), "--format", "json", cwd=tmp_path)
    assert result.returncode == 2
    assert json.loads(result.stdout)["plans"][0]["rating"] == "error"
    assert not marker.exists()


def _payload_plan(text: str) -> str:
    """The valid plan with payloads in text fields that reports show."""
    return (
        text.replace("name: NHS Vale of York CCG", f"name: 'NHS {SCRIPT} {ATTRIBUTE} CCG'")
        .replace("title: Ambulatory emergency care pathways", f"title: '{IMAGE} {URL}'")
        .replace("lead: Head of Urgent Care Commissioning", f"lead: '{URL}'")
        .replace("  - id: UC-01", "  - id: UC-01<b>")
    )


def test_the_html_report_escapes_payloads_in_every_text_field(tmp_path: Path) -> None:
    plans = tmp_path / "plans"
    plans.mkdir()
    (plans / "plan.yaml").write_text(_payload_plan(VALID.read_text()))
    (plans / f"{SCRIPT.replace('/', '')}.yaml").write_text(_payload_plan(VALID.read_text()).replace("qipp_plan: 1", f"qipp_plan: 1\nbogus{IMAGE}: 1"))
    waivers = tmp_path / "waivers.yaml"
    waivers.write_text(f"waivers:\n  - rule: GV02\n    plan: 03Q\n    reason: '{SCRIPT} {ATTRIBUTE}'\n    approved_by: '{IMAGE}'\n    expires: 2099-01-01\n")
    result = run_cli("assess", str(plans), "--waivers", str(waivers), "--format", "html", cwd=tmp_path)
    assert result.returncode == 2, result.stderr  # the plan with the unknown key is an input error
    assert "Traceback" not in result.stderr
    assert "4:1: error: bogus<img src=x onerror=alert(4)>: unknown key `bogus<img src=x onerror=alert(4)>`" in result.stderr
    page = result.stdout
    # each payload is on the page as text, escaped: the organisation's name, a scheme, the waiver's reason
    assert 'NHS &lt;script&gt;alert(1)&lt;/script&gt; &#34; onmouseover=&#34;alert(2) CCG' in page
    assert "UC-01&lt;b&gt; &#39;&lt;img src=x onerror=alert(4)&gt; javascript:alert(3)&#39;" in page
    assert ">&lt;script&gt;alert(1)&lt;/script&gt; &#34; onmouseover=&#34;alert(2)</td>" in page  # the waiver's reason
    assert ">&lt;img src=x onerror=alert(4)&gt;</td>" in page  # who approved it
    for raw in (SCRIPT, "<script>alert", "<img src=x", "onerror=alert(4)>", 'onmouseover="alert', "<b>"):
        assert raw not in page, raw
    assert 'href="javascript:' not in page.lower() and "src=\"javascript:" not in page.lower()


def test_a_link_inside_the_plans_folder_to_a_file_outside_is_not_read(tmp_path: Path) -> None:
    plans = _plans(tmp_path / "plans")
    secret = tmp_path / "secret.yaml"
    secret.write_text("qipp_plan: 1\nsecret_value: TOP-SECRET-CONTENT-42\n")
    (plans / "secret.yaml").symlink_to(secret)
    if Path("/etc/passwd").exists():
        (plans / "passwd.yaml").symlink_to("/etc/passwd")
    (plans / "outside").symlink_to(tmp_path, target_is_directory=True)
    links = ["outside", "passwd.yaml", "secret.yaml"] if Path("/etc/passwd").exists() else ["outside", "secret.yaml"]
    refused = f"a symbolic link that leads outside {plans}, so it is not followed; name its target to check it"
    for output in ("json", "html", "table"):
        result = run_cli("assess", str(plans), "--format", output, cwd=tmp_path)
        assert result.returncode == 2, (output, result.stderr)
        assert "Traceback" not in result.stderr
        assert "TOP-SECRET-CONTENT-42" not in result.stdout + result.stderr
        assert "root:" not in result.stdout + result.stderr
        if output == "table":  # the table lists input errors itself, after the plans
            listed = [line for line in result.stdout.splitlines() if line.startswith("ERROR ")]
            assert listed == [f"ERROR   {plans / name}  {refused}" for name in links]
        else:
            listed = [line for line in result.stderr.splitlines() if ": error: " in line]
            assert listed == [f"{plans / name}:0:0: error: {refused}" for name in links]
    data = json.loads(run_cli("assess", str(plans), "--format", "json", cwd=tmp_path).stdout)
    assert [Path(plan["file"]).name for plan in data["plans"]] == ["plan.yaml"]
