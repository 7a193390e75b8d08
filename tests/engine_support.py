"""Small fakes for the rule engine's tests: plans built in code, metrics that return what a rule's
params say, and a loader that serves plans from memory."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from qipp_rag.load import loading
from qipp_rag.rulebook.measure import Measurement, MetricContext
from qipp_rag.rulebook.plan_table import PlanTable
from qipp_rag.rulebook.registry import PLAN_METRICS, register_plan_metric, register_portfolio_metric
from qipp_rag.plan.models import Plan
from qipp_rag.results import OrganisationInfo, Problem
from qipp_rag.rulebook.models import RulePack, RuleSpec

PARAM_METRIC = "test_engine_param"
YEARS_METRIC = "test_engine_years"
CODE_METRIC = "test_engine_by_code"
PAIR_METRIC = "test_engine_pairs"


def _number(text: Any) -> Decimal | None:
    return None if text is None else Decimal(str(text))


def _param_metric(ctx: MetricContext) -> Measurement:
    """The value the rule's ``params.value`` gives (``None``: n/a), pointing at ``params.loc``."""
    value = _number(ctx.params.get("value"))
    loc = tuple(ctx.params["loc"]) if "loc" in ctx.params else None
    message = f"measured {value}" if value is not None else "nothing to measure"
    return Measurement(value, message, ("param evidence",), loc, display=_number(ctx.params.get("display")))


def _years_metric(ctx: MetricContext) -> Measurement:
    """One measurement per plan year, values from ``params.values`` in period order."""
    years = []
    for year, value in zip(ctx.plan.period, ctx.params["values"]):
        number = _number(value)
        years.append(Measurement(number, f"{year}: {number if number is not None else 'n/a'}", (f"{year} evidence",), ("target", year)))
    first = years[0]
    return Measurement(first.value, "by year", tuple(line for m in years for line in m.evidence), first.loc, tuple(years))


def _code_metric(ctx: MetricContext) -> Measurement:
    """The value ``params.values[code]`` gives for the plan's organisation code."""
    value = _number(ctx.params["values"].get(ctx.plan.organisation.code))
    return Measurement(value, f"{ctx.plan.organisation.code} measured {value}", loc=("organisation", "code"))


def _pair_metric(plans: PlanTable, params: Mapping[str, Any]) -> Iterator[tuple[int, Measurement]]:
    """Counts the other plans in the run with the same organisation code (a tiny PF01)."""
    for row in range(len(plans)):
        others = [plans.file(other) for other in range(len(plans)) if other != row and plans.code(other) == plans.code(row)]
        yield plans.index(row), Measurement(Decimal(len(others)), f"{len(plans)} plans seen; same code in: {', '.join(others) or 'none'}", loc=("organisation", "code"))


def register_fakes() -> None:
    if PARAM_METRIC not in PLAN_METRICS:
        register_plan_metric(PARAM_METRIC, _param_metric)
        register_plan_metric(YEARS_METRIC, _years_metric)
        register_plan_metric(CODE_METRIC, _code_metric)
        register_portfolio_metric(PAIR_METRIC, _pair_metric)


register_fakes()


def rule(
    rule_id: str,
    *,
    metric: str = PARAM_METRIC,
    green: dict | None = None,
    amber: dict | None | str = "default",
    critical: bool = False,
    criterion: str = "governance",
    unit: str = "percent",
    applies_to: Sequence[str] = ("ccg", "area_team"),
    **params: Any,
) -> RuleSpec:
    """A rule on a fake metric; keyword arguments beyond the rule's own fields are its params."""
    data = {
        "id": rule_id,
        "title": f"rule {rule_id}",
        "criterion": criterion,
        "applies_to": list(applies_to),
        "measures": "a test measurement",
        "unit": unit,
        "metric": metric,
        "params": params,
        "green": green if green is not None else {"min": 90},
        "amber": {"min": 50} if amber == "default" else amber,  # None: anything outside green is red
        "critical": critical,
        "rationale": "because",
        "remediation": "fix it",
    }
    return RuleSpec.model_validate(data)


def pack(*rules: RuleSpec, name: str = "test-pack") -> RulePack:
    return RulePack(pack=name, rules=list(rules))


def make_plan(code: str = "03Q", *, kind: str = "ccg", area_team: str = "Q50", region: str = "north", period: Sequence[str] = ("2014/15", "2015/16"), **extra: Any) -> Plan:
    org: dict[str, Any] = {"code": code, "name": f"NHS {code}", "type": kind, "region": region}
    if kind == "ccg":
        org["area_team"] = area_team
    data = {
        "qipp_plan": 1,
        "organisation": org,
        "period": list(period),
        "allocation": {year: Decimal(100000) for year in period},
        "target": {year: Decimal(2000) for year in period},
        "schemes": [
            {"id": "S1", "title": "Scheme one", "workstream": "elective", "stage": "planned", "savings": {year: Decimal(1500) for year in period}},
            {"id": "S2", "title": "Scheme two", "workstream": "prescribing", "stage": "identified", "savings": {period[0]: Decimal(500)}},
        ],
        **extra,
    }
    return Plan.model_validate(data)


class FakeSource:
    """Lines and columns that say which path they came from: line = path length + 1, column 3."""

    def locate(self, loc: tuple) -> tuple[int, int]:
        return len(loc) + 1, 3

    def locate_key(self, loc: tuple) -> tuple[int, int]:
        return self.locate(loc)


class MemoryLoader:
    """Stands in for discovery and loading: file name -> Plan, or -> list of problems (a failed file).

    Discovery sorts the names as the real one does, unless ``as_given``: then it lists them in the
    order of ``files``, so a test can hand the engine the same plans in another order.
    """

    def __init__(self, files: Mapping[str, Plan | list[Problem]], *, as_given: bool = False) -> None:
        self.files = dict(files)
        self.as_given = as_given

    def discover(self, paths: Sequence[str], **_: Any) -> tuple[list[str], list[Problem]]:
        found = [name for name in self.files if any(name == path or name.startswith(path.rstrip("/") + "/") for path in paths)]
        return (found if self.as_given else sorted(found)), []

    def load_plan(self, file: str) -> loading.LoadedPlan | loading.FailedPlan:
        item = self.files[file]
        if isinstance(item, Plan):
            return loading.LoadedPlan(file=file, plan=item, source=FakeSource())
        return loading.FailedPlan(file=file, problems=list(item), organisation=OrganisationInfo())

    def install(self, monkeypatch: Any) -> None:
        monkeypatch.setattr(loading, "discover", self.discover)
        monkeypatch.setattr(loading, "load_plan", self.load_plan)



# ---------------------------------------------------------------- plan files on disk, for end-to-end runs


def green_plan_data(code: str = "03Q", *, kind: str = "ccg", area_team: str = "Q50", region: str = "north", period: Sequence[str] = ("2014/15", "2015/16")) -> dict[str, Any]:
    """A plan document that rates GREEN on every default rule measurable before delivery starts.

    Three schemes of 800 (£000) a year against a target of 2000 and an
    allocation of 100000, with full governance and engagement.  Baselines
    name the organisation, so plans of different organisations never look
    like double counting (PF03).
    """
    import datetime as dt

    first = int(period[0][:4])
    org: dict[str, Any] = {"code": code, "name": f"NHS {code}", "type": kind, "region": region}
    if kind == "ccg":
        org["area_team"] = area_team
    schemes = [
        {
            "id": f"S{number}",
            "title": f"Scheme {number}",
            "workstream": "urgent_care",
            "stage": "delivered" if number == 1 else "in_delivery",
            "savings": {year: 800 for year in period},
            "provider": "RCB",
            "lead": f"Lead {number}",
            "baseline": {"measure": f"admissions at {code} scheme {number}", "value": 1000 + number, "year": period[0], "source": "SUS"},
            "quality_impact": {"assessed_on": dt.date(first, 2, 1), "signed_off_by": "Director of Nursing", "impact": "neutral"},
            "business_case": {"approved_on": dt.date(first, 2, 1), "by": "Governing body"},
            "kpis": [{"name": "net saving", "domain": "finance"}, {"name": "admissions", "domain": "activity"}],
        }
        for number in (1, 2, 3)
    ]
    return {
        "qipp_plan": 1,
        "organisation": org,
        "period": list(period),
        "allocation": {year: 100000 for year in period},
        "target": {year: 2000 for year in period},
        "assumptions": {"demographic_growth": {year: Decimal("1.1") for year in period}, "non_elective_growth": {year: Decimal("2.5") for year in period}},
        "governance": {
            "senior_responsible_owner": {"name": "Chief Finance Officer"},
            "clinical_lead": {"name": "Dr Clinical Lead"},
            "pmo": {"lead": "PMO lead", "meets": "monthly"},
            "programme_board": {"name": "QIPP board", "meets": "monthly", "reports_to": "Governing body"},
            "approved": {"by": "Governing body", "date": dt.date(first, 3, 1)},
            "risk_register": {"reviewed": "monthly"},
            "contingency": 500,
        },
        "engagement": {
            "health_and_wellbeing_board": {"presented_on": dt.date(first, 3, 10)},
            "provider_contracts_aligned": True,
            "provider_cips_reconciled": True,
        },
        "schemes": schemes,
    }


class _PlanDumper(yaml.SafeDumper):
    pass


def _represent_decimal(dumper: yaml.SafeDumper, value: Decimal) -> yaml.Node:
    if value == value.to_integral_value():
        return dumper.represent_int(int(value))
    return dumper.represent_scalar("tag:yaml.org,2002:float", format(value, "f"))


_PlanDumper.add_representer(Decimal, _represent_decimal)


def plan_yaml(data: Mapping[str, Any]) -> str:
    return yaml.dump(dict(data), Dumper=_PlanDumper, sort_keys=False, allow_unicode=True)


def write_plan(path: Path, data: Mapping[str, Any]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(plan_yaml(data), encoding="utf-8")
    return path
