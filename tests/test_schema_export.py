"""`qipp-rag schema`: a JSON Schema other tools can use, that accepts every valid plan."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import PLANS, REPO, run_cli

FIXTURES = REPO / "tests" / "fixtures" / "valid"
CASES = REPO / "tests" / "cases"


@pytest.fixture(scope="module")
def schema_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    result = run_cli("schema")
    assert result.returncode == 0, result.stderr
    path = tmp_path_factory.mktemp("schema") / "qipp-plan.schema.json"
    path.write_text(result.stdout, encoding="utf-8")
    return path


def valid_plans() -> list[Path]:
    found = sorted(FIXTURES.glob("*.yaml"))
    if PLANS.is_dir():
        found += sorted(path for path in PLANS.rglob("*") if path.suffix in (".yaml", ".yml") and not path.name.startswith("."))
    return found


def check_jsonschema(schema: Path, *files: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--schemafile", str(schema), *map(str, files)],
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_the_schema_is_draft_2020_12_with_identity(schema_file: Path) -> None:
    from jsonschema import Draft202012Validator

    schema = json.loads(schema_file.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == "urn:qipp-rag:schema:plan:1"
    assert schema["title"] == "QIPP plan, format version 1"
    assert schema["additionalProperties"] is False
    assert schema["required"] == ["qipp_plan", "organisation", "period", "allocation", "target"]


def test_the_schema_is_the_same_bytes_every_run(schema_file: Path) -> None:
    again = run_cli("schema")
    assert again.stdout == schema_file.read_text(encoding="utf-8")


def test_per_year_mappings_allow_only_financial_years(schema_file: Path) -> None:
    from jsonschema import Draft202012Validator

    schema = json.loads(schema_file.read_text(encoding="utf-8"))
    validator = Draft202012Validator(schema)
    plan = {
        "qipp_plan": 1,
        "organisation": {"code": "Q50", "name": "x", "type": "area_team", "region": "north"},
        "period": ["2014/15"],
        "allocation": {"2014/15": 1},
        "target": {"2014": 1},
    }
    assert [list(error.path) for error in validator.iter_errors(plan)] == [["target"]]


def test_check_jsonschema_accepts_every_valid_plan(schema_file: Path) -> None:
    plans = valid_plans()
    assert len(plans) >= 3
    result = check_jsonschema(schema_file, *plans)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "ok -- validation done" in result.stdout


def test_every_plan_check_jsonschema_accepts_here_is_valid_to_qipp_rag_too() -> None:
    result = run_cli("validate", "--format", "json", *map(str, valid_plans()))
    assert result.returncode == 0, result.stdout


@pytest.mark.parametrize(
    "case",
    ["unknown-scheme-key", "money-negative", "region-unknown", "org-code-lowercase", "stage-unknown", "monthly-profile-length", "missing-region", "date-quoted-wrongly"],
)
def test_check_jsonschema_rejects_what_the_format_forbids(schema_file: Path, case: str) -> None:
    result = check_jsonschema(schema_file, CASES / f"{case}.yaml")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Schema validation errors" in result.stdout
