"""Running the rule case files in tests/rules/ against the shipped pack.

Each file names one rule and lists cases: a plan delta (see planbuilder),
the expected exact ``value`` (null for n/a), the ``rating`` the shipped
pack's bands give it, and optionally ``display``, ``rounded`` (the value to 2
places, for values with no short exact form), ``message`` (text the message
must contain), ``loc`` and ``as_of``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import yaml

import qipp_rag.rulebook.metrics  # noqa: F401  (registers the metrics)
from planbuilder import build, load_yaml
from qipp_rag.rulebook.measure import Measurement, MetricContext
from qipp_rag.rulebook.metrics.figures import DEFAULT_STAGE_FACTORS
from qipp_rag.rulebook.models import RulePack, RuleSpec
from qipp_rag.rulebook.registry import PLAN_METRICS

REPO = Path(__file__).resolve().parents[1]
PACK_FILE = REPO / "rules" / "green-criteria.yaml"
CASES = Path(__file__).resolve().parent / "rules"
DEFAULT_AS_OF = dt.date(2014, 9, 30)
WORST_FIRST = {"red": 0, "amber": 1, "green": 2}


@cache
def shipped_pack() -> RulePack:
    return RulePack.model_validate(yaml.safe_load(PACK_FILE.read_text(encoding="utf-8")))


def rule(rule_id: str) -> RuleSpec:
    for spec in shipped_pack().rules:
        if spec.id == rule_id:
            return spec
    raise KeyError(rule_id)


def measure(spec: RuleSpec, plan: Any, as_of: dt.date = DEFAULT_AS_OF) -> Measurement:
    factors = shipped_pack().stage_factors or DEFAULT_STAGE_FACTORS
    return PLAN_METRICS[spec.metric](MetricContext(plan=plan, stage_factors=factors, as_of=as_of, params=spec.params))


@dataclass(frozen=True)
class Outcome:
    value: Decimal | None
    rating: str
    measurement: Measurement  # the one reported: for a year-by-year rule, the chosen year's


def rate(spec: RuleSpec, measurement: Measurement) -> Outcome:
    """Rate as the engine does: n/a for no value; year by year when ``per_year`` is given
    (the worst rating; the value of the earliest year with it)."""
    if measurement.per_year:
        rated = [(year, spec.rate(year.value)) for year in measurement.per_year if year.value is not None]
        if not rated:
            return Outcome(None, "n/a", measurement)
        worst = min(rated, key=lambda item: WORST_FIRST[item[1]])[1]
        chosen = next(year for year, rating in rated if rating == worst)
        return Outcome(chosen.value, worst, chosen)
    if measurement.value is None:
        return Outcome(None, "n/a", measurement)
    shown = measurement.value if measurement.value.is_finite() else None  # TR02's growth from nothing
    return Outcome(shown, spec.rate(measurement.value), measurement)


def case_files() -> list[Path]:
    return sorted(CASES.glob("*.yaml"))


def all_cases() -> list[tuple[str, str, dict[str, Any]]]:
    """(rule id, case name, case) for every case of every file."""
    found = []
    for path in case_files():
        document = load_yaml(path)
        for case in document["cases"]:
            found.append((document["rule"], case["name"], case))
    return found


def run_case(rule_id: str, case: dict[str, Any]) -> Outcome:
    spec = rule(rule_id)
    plan = build(case.get("plan"))
    return rate(spec, measure(spec, plan, case.get("as_of", DEFAULT_AS_OF)))
