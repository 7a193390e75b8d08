"""The plan format and rules guides in docs/ agree with the code and the shipped rule pack."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from qipp_rag.plan.models import Plan, consistency_problems

REPO = Path(__file__).resolve().parents[1]
FORMAT_DOC = REPO / "docs" / "plan-format.md"
RULES_DOC = REPO / "docs" / "rules.md"
PACK = REPO / "rules" / "green-criteria.yaml"


def _annotated_example() -> str:
    text = FORMAT_DOC.read_text(encoding="utf-8")
    section = text.split("## A complete annotated example", 1)[1]
    match = re.search(r"```yaml\n(.*?)```", section, re.DOTALL)
    assert match, "docs/plan-format.md has no YAML block under 'A complete annotated example'"
    return match.group(1)


def _pack() -> dict:
    return yaml.safe_load(PACK.read_text(encoding="utf-8"))


def test_annotated_example_loads_with_the_strict_loader(tmp_path: Path) -> None:
    from qipp_rag.load import loading

    example = tmp_path / "example.yaml"
    example.write_text(_annotated_example(), encoding="utf-8")
    outcome = loading.load_plan(str(example))
    assert isinstance(outcome, loading.LoadedPlan), [problem.message for problem in getattr(outcome, "problems", [])]
    assert consistency_problems(outcome.plan) == []


def test_annotated_example_shows_every_top_level_and_scheme_key() -> None:
    text = _annotated_example()
    keys = set(re.findall(r"^\s*-?\s*([a-z_]+):", text, re.MULTILINE)) | set(re.findall(r"[{,]\s*([a-z_]+):", text))
    for section in ("organisation", "period", "allocation", "target", "assumptions", "governance", "engagement", "schemes"):
        assert section in keys
    scheme_keys = {"id", "title", "workstream", "stage", "savings", "recurrent", "provider", "lead", "clinical_lead", "baseline",
                   "quality_impact", "business_case", "kpis", "milestones", "risks", "monthly_profile"}
    assert scheme_keys - keys == set()
    # `delivery_as_of` and `delivery` are shown in the block that follows, for a plan part-way through its year.
    assert set(Plan.model_fields) - keys <= {"delivery_as_of"}


def test_format_doc_names_every_key_of_the_format() -> None:
    from qipp_rag.plan.models import (Approval, Assumptions, Baseline, BoardPresentation, BusinessCase, Delivery, Engagement, Governance,
                               Kpi, Milestone, Organisation, Person, Pmo, ProgrammeBoard, QualityImpact, Risk, RiskRegister, Scheme)

    text = FORMAT_DOC.read_text(encoding="utf-8")
    models = (Plan, Organisation, Assumptions, Governance, Person, Pmo, ProgrammeBoard, Approval, RiskRegister, Engagement,
              BoardPresentation, Scheme, Baseline, QualityImpact, BusinessCase, Kpi, Milestone, Risk, Delivery)
    missing = sorted({key for model in models for key in model.model_fields if f"`{key}`" not in text and f"{key}:" not in text})
    assert missing == []


def test_rules_doc_covers_every_rule_and_marks_the_critical_ones() -> None:
    pack = _pack()
    # The rule tables start with the first criterion; the summary of critical rules above them is checked too.
    text = RULES_DOC.read_text(encoding="utf-8")
    summary, tables = text.split("## Savings plan present", 1)
    critical = set(re.findall(r"^\| ((?:SP|GV|TR|QL|DL|PT|PF)\d\d) \|", summary.split("| critical rule |", 1)[1], re.MULTILINE))
    assert critical == {rule["id"] for rule in pack["rules"] if rule.get("critical")}
    text = tables
    for rule in pack["rules"]:
        rows = re.findall(rf"^\| {rule['id']}( \*critical\*)? \|", text, re.MULTILINE)
        assert rows, f"docs/rules.md has no table row for {rule['id']}"
        assert all(bool(row) == bool(rule.get("critical")) for row in rows), f"{rule['id']}: critical flag differs from the pack"


def test_rules_doc_stage_factors_match_the_pack() -> None:
    factors = _pack()["stage_factors"]
    text = RULES_DOC.read_text(encoding="utf-8")
    for stage, factor in factors.items():
        row = re.search(rf"^\| {stage} \| ([0-9.]+) \|$", text, re.MULTILINE)
        assert row, f"docs/rules.md has no stage factor row for {stage}"
        assert Decimal(row.group(1)) == Decimal(str(factor))


def test_rules_doc_worked_example_matches_the_hull_plan() -> None:
    # The guide works SP03 through for NHS Hull in 2015/16; keep it true to the plan file.
    class Loader(yaml.SafeLoader):
        pass

    Loader.add_constructor("tag:yaml.org,2002:float", lambda loader, node: Decimal(loader.construct_scalar(node)))
    plan = Plan.model_validate(yaml.load((REPO / "plans/north/Q50/03F-hull.yaml").read_text(encoding="utf-8"), Loader=Loader))  # noqa: S506
    factors = {stage: Decimal(str(value)) for stage, value in _pack()["stage_factors"].items()}
    year = "2015/16"
    by_stage: dict[str, Decimal] = {}
    for scheme in plan.live_schemes:
        by_stage[scheme.stage.value] = by_stage.get(scheme.stage.value, Decimal(0)) + scheme.saving(year)
    risk_adjusted = sum((amount * factors[stage] for stage, amount in by_stage.items()), Decimal(0))
    assert by_stage == {"in_delivery": 7700, "planned": 3900, "identified": 800}
    assert (risk_adjusted, sum(by_stage.values()), plan.target[year]) == (9980, 12400, 10700)
    text = RULES_DOC.read_text(encoding="utf-8")
    for figure in ("£7,700k", "£3,900k", "£800k", "£9,980k", "£10,700k", "93.27 %", "£12,400k", "115.89 %"):
        assert figure in text
