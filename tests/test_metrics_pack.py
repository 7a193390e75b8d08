"""The shipped green-criteria pack holds exactly the catalogue of the spec."""

from __future__ import annotations

from decimal import Decimal

import pytest
import yaml

from metric_cases import PACK_FILE, shipped_pack
from qipp_rag.rulebook.registry import PLAN_METRICS, PORTFOLIO_METRICS, metric_names
from qipp_rag.rulebook.metrics.figures import DEFAULT_STAGE_FACTORS
from qipp_rag.rulebook.models import RulePack

D = Decimal
# id: (criterion, unit, green, amber or None, critical) -- the catalogue's table, as bands.
CATALOGUE = {
    "SP01": ("savings_plan", "count", {"min": D(1)}, None, True),
    "SP02": ("savings_plan", "percent", {"min": D(100)}, {"min": D(90)}, True),
    "SP03": ("savings_plan", "percent", {"min": D(100)}, {"min": D(90)}, True),
    "SP04": ("savings_plan", "percent", {"min": D(80)}, {"min": D(50)}, False),
    "GV01": ("governance", "check", {"min": D(1)}, None, True),
    "GV02": ("governance", "check", {"min": D(1)}, {}, False),
    "GV03": ("governance", "check", {"min": D(2)}, {"min": D(1)}, True),
    "GV04": ("governance", "check", {"min": D(1)}, {}, False),
    "GV05": ("governance", "check", {"min": D(2)}, {"min": D(1)}, False),
    "GV06": ("governance", "check", {"min": D(2)}, {}, False),
    "GV07": ("governance", "percent", {"min": D("0.5")}, {"above": D(0)}, False),
    "GV08": ("governance", "percent", {"min": D(100)}, {"min": D(80)}, False),
    "GV09": ("governance", "percent", {"min": D(100)}, {"min": D(80)}, False),
    "TR01": ("trajectory", "percent", {"min": D(1), "max": D(5)}, {"max": D(7)}, True),
    "TR02": ("trajectory", "ratio", {"max": D("1.5")}, {"max": D("2.5")}, True),
    "TR03": ("trajectory", "percent", {"max": D(35)}, {"max": D(45)}, False),
    "TR04": ("trajectory", "percent", {"min": D(100)}, {"min": D(80)}, False),
    "TR05": ("trajectory", "count", {"min": D(100)}, {"above": D(0)}, False),
    "TR06": ("trajectory", "percent", {"max": D(10)}, {"max": D(25)}, False),
    "TR07": ("trajectory", "percent", {"max": D(40)}, {"max": D(60)}, False),
    "QL01": ("quality", "percent", {"min": D(100)}, {"min": D(80)}, False),
    "QL02": ("quality", "percent", {"max": D(0)}, {"max": D(10)}, False),
    "QL03": ("quality", "percent", {"min": D(100)}, {"min": D(80)}, False),
    "QL04": ("quality", "count", {"max": D(0)}, None, False),
    "DL01": ("delivery", "percent", {"min": D(95)}, {"min": D(85)}, True),
    "DL02": ("delivery", "percent", {"min": D(100)}, {"min": D(90)}, True),
    "DL03": ("delivery", "percent", {"max": D(0)}, {"max": D(20)}, False),
    "DL04": ("delivery", "percent", {"min": D(100)}, {"min": D(80)}, True),
    "DL05": ("delivery", "count", {"max": D(62)}, {"max": D(92)}, False),
    "DL06": ("delivery", "percent", {"min": D(95)}, {"min": D(85)}, True),
    "DL07": ("delivery", "ratio", {"max": D("1.25")}, {"max": D("1.5")}, False),
    "PT01": ("partnership", "check", {"min": D(1)}, {}, False),
    "PT02": ("partnership", "check", {"min": D(1)}, {}, False),
    "PT03": ("partnership", "check", {"min": D(1)}, {}, False),
    "PF01": ("portfolio", "count", {"max": D(0)}, None, True),
    "PF02": ("portfolio", "count", {"max": D(0)}, {}, False),
    "PF03": ("portfolio", "count", {"max": D(0)}, {}, False),
    "PF04": ("portfolio", "count", {"max": D(0)}, {}, False),
}
PORTFOLIO_NAMES = {"PF01": "duplicate_plans", "PF02": "area_team_ccgs", "PF03": "shared_provider_baseline", "PF04": "unknown_area_team"}
APPLIES_TO = {"PF02": ["area_team"], "PF04": ["ccg"]}


def test_pack_validates_with_the_pack_model() -> None:
    pack = RulePack.model_validate(yaml.safe_load(PACK_FILE.read_text(encoding="utf-8")))
    assert pack.pack == "green-criteria"
    assert pack.version == 1


def test_pack_holds_every_catalogue_rule_in_order() -> None:
    assert [spec.id for spec in shipped_pack().rules] == list(CATALOGUE)


@pytest.mark.parametrize("rule_id", list(CATALOGUE))
def test_rule_matches_the_catalogue(rule_id: str) -> None:
    spec = next(spec for spec in shipped_pack().rules if spec.id == rule_id)
    criterion, unit, green, amber, critical = CATALOGUE[rule_id]
    assert spec.criterion == criterion
    assert spec.unit == unit
    assert spec.green.model_dump(exclude_none=True) == green
    assert (None if spec.amber is None else spec.amber.model_dump(exclude_none=True)) == amber
    assert spec.critical is critical
    assert spec.applies_to == APPLIES_TO.get(rule_id, ["ccg", "area_team"])
    assert spec.title and spec.measures and spec.rationale.strip() and spec.remediation.strip()


def test_critical_rules_are_exactly_the_catalogues() -> None:
    critical = [spec.id for spec in shipped_pack().rules if spec.critical]
    assert critical == ["SP01", "SP02", "SP03", "GV01", "GV03", "TR01", "TR02", "DL01", "DL02", "DL04", "DL06", "PF01"]


def test_every_rule_names_a_registered_metric() -> None:
    names = set(metric_names())
    for spec in shipped_pack().rules:
        assert spec.metric in names, spec.id
        registry = PORTFOLIO_METRICS if spec.criterion == "portfolio" else PLAN_METRICS
        assert spec.metric in registry, spec.id


def test_portfolio_rules_name_the_portfolio_metrics() -> None:
    for rule_id, metric in PORTFOLIO_NAMES.items():
        assert next(spec for spec in shipped_pack().rules if spec.id == rule_id).metric == metric


def test_stage_factors_are_the_defaults() -> None:
    assert shipped_pack().stage_factors == DEFAULT_STAGE_FACTORS


def test_every_rule_states_its_basis() -> None:
    for spec in shipped_pack().rules:
        assert spec.basis.strip(), spec.id


def test_pack_loads_through_the_strict_loader_without_problems() -> None:
    from qipp_rag.rulebook.packs import read_shipped_pack

    pack, problems = read_shipped_pack()
    assert problems == []
    assert pack is not None and pack == shipped_pack()
