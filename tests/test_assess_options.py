"""Options of `assess` for people: the table's order, n/a results, grouping, and values in any case."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from engine_support import green_plan_data, write_plan

AS_OF = "2014-06-01"


@pytest.fixture
def plans(tmp_path: Path) -> Path:
    folder = tmp_path / "plans"
    write_plan(folder / "a-green.yaml", green_plan_data("03Q"))
    red = green_plan_data("03S", region="south", area_team="Q70")
    red["target"] = {year: 9000 for year in red["period"]}
    write_plan(folder / "b-red.yaml", red)
    return folder


def rows(stdout: str) -> list[str]:
    return [line for line in stdout.splitlines() if line.startswith("plans/")]


def test_worst_first_by_default_and_file_order_with_sort_path(cli, plans: Path) -> None:
    default = cli("assess", "plans", "--as-of", AS_OF, cwd=plans.parent)
    assert [row.split()[0] for row in rows(default.stdout)][:2] == ["plans/b-red.yaml", "plans/a-green.yaml"]
    by_path = cli("assess", "plans", "--as-of", AS_OF, "--sort", "PATH", cwd=plans.parent)
    assert [row.split()[0] for row in rows(by_path.stdout)][:2] == ["plans/a-green.yaml", "plans/b-red.yaml"]


def test_show_na_and_the_configuration_file(cli, plans: Path) -> None:
    hidden = cli("assess", "plans", "--as-of", AS_OF, cwd=plans.parent)
    assert not re.search(r"^n/a ", hidden.stdout, re.MULTILINE) and "--show-na lists them" in hidden.stdout
    shown = cli("assess", "plans", "--as-of", AS_OF, "--show-na", cwd=plans.parent)
    assert re.search(r"^n/a ", shown.stdout, re.MULTILINE)
    (plans.parent / ".qipp-rag.yaml").write_text("show-na: true\nsort: path\n", encoding="utf-8")
    configured = cli("assess", "plans", "--as-of", AS_OF, cwd=plans.parent)
    assert re.search(r"^n/a ", configured.stdout, re.MULTILINE)
    assert rows(configured.stdout)[0].startswith("plans/a-green.yaml")


def test_values_are_matched_in_any_case(cli, plans: Path) -> None:
    result = cli("assess", "plans", "--as-of", AS_OF, "--region", "North", "--fail-on", "RED", "--group-by", "Area-Team",
                 "--format", "JSON", cwd=plans.parent)
    assert result.returncode == 0, result.stderr
    assert '"file": "plans/a-green.yaml"' in result.stdout and "b-red" not in result.stdout
    wrong = cli("assess", "plans", "--as-of", AS_OF, "--group-by", "county", cwd=plans.parent)
    assert wrong.returncode == 2 and "'county' is not one of region, area_team, provider" in wrong.stderr


def test_group_by_provider_on_the_command_line(cli, plans: Path) -> None:
    result = cli("assess", "plans", "--as-of", AS_OF, "--group-by", "provider", cwd=plans.parent)
    assert re.search(r"^RCB +2014/15 +4,800 +2 +03Q, 03S$", result.stdout, re.MULTILINE), result.stdout


def test_exclude_globs_are_matched_relative_to_each_folder(cli, plans: Path) -> None:
    write_plan(plans / "drafts" / "c.yaml", green_plan_data("03T"))
    write_plan(plans / "north" / "d-old.yaml", green_plan_data("03U"))
    result = cli("assess", "plans", "--as-of", AS_OF, "--exclude", "drafts", "--exclude", "*-old.yaml",
                 "--format", "json", "--sort", "path", cwd=plans.parent)
    files = re.findall(r'"file": "([^"]+)"', result.stdout)
    assert files == ["plans/a-green.yaml", "plans/b-red.yaml"]
    (plans.parent / ".qipp-rag.yaml").write_text("exclude: ['drafts/*.yaml']\n", encoding="utf-8")
    configured = cli("assess", "plans", "--as-of", AS_OF, "--format", "json", cwd=plans.parent)
    assert re.findall(r'"file": "([^"]+)"', configured.stdout) == [*files, "plans/north/d-old.yaml"]
    named = cli("assess", "plans/drafts/c.yaml", "--as-of", AS_OF, "--exclude", "*", "--format", "json", cwd=plans.parent)
    assert '"file": "plans/drafts/c.yaml"' in named.stdout  # a file named on the command line is read


def test_waivers_and_rule_packs_in_the_plans_folder_are_not_plans(cli, plans: Path) -> None:
    (plans / "waivers.yaml").write_text(
        "waivers:\n  - {rule: SP02, plan: 03S, reason: agreed, approved_by: AT, expires: 2015-03-31}\n", encoding="utf-8"
    )
    packs = plans / "rules"
    packs.mkdir()
    (packs / "local.yaml").write_text(
        "pack: local\nextends: green-criteria\nrules: []\n", encoding="utf-8"
    )
    result = cli("assess", "plans", "--as-of", AS_OF, "--waivers", "plans/waivers.yaml", "--format", "json",
                 "--rules", "plans/rules", cwd=plans.parent)
    assert re.findall(r'"file": "([^"]+)"', result.stdout) == ["plans/a-green.yaml", "plans/b-red.yaml"], result.stderr
