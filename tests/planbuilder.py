"""Small valid plans for tests, built from a few arguments or a delta.

:func:`plan_data` gives a plan document that rates green on every default
rule that can be measured without delivery data: three delivered and in
delivery schemes saving 800 (£000) a year each against a target of 2000 and
an allocation of 100000, with full governance and engagement.  A test
changes only what it is about, with a *delta* applied as a JSON merge patch
(RFC 7386): mappings merge, anything else replaces, and ``None`` (YAML
``null``) deletes the key.  Each entry of a delta's ``schemes`` list is
itself a patch on a complete default scheme, so ``{lead: null}`` is a scheme
with no lead and ``{}`` a default one.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from qipp_rag.plan.models import Plan, consistency_problems

DEFAULT_PERIOD = ("2014/15", "2015/16")


def next_year(year: str) -> str:
    start = int(year[:4]) + 1
    return f"{start}/{(start + 1) % 100:02d}"


def years_from(first: str, count: int) -> list[str]:
    years = [first]
    while len(years) < count:
        years.append(next_year(years[-1]))
    return years


def scheme_data(number: int, period: Sequence[str], saving: Decimal | int = 800) -> dict[str, Any]:
    """A complete scheme: every optional field a rule looks at is filled in and green."""
    first = period[0]
    return {
        "id": f"S{number}",
        "title": f"Scheme {number}",
        "workstream": "urgent_care",
        "stage": "delivered" if number == 1 else "in_delivery",
        "savings": {year: saving for year in period},
        "recurrent": True,
        "provider": "RCB",
        "lead": f"Lead {number}",
        "clinical_lead": f"Dr Clinician {number}",
        "baseline": {"measure": "non-elective admissions", "value": 1000, "year": first, "source": "SUS"},
        "quality_impact": {"assessed_on": dt.date(int(first[:4]), 2, 1), "signed_off_by": "Director of Nursing", "impact": "neutral"},
        "business_case": {"approved_on": dt.date(int(first[:4]), 2, 1), "by": "Governing body"},
        "kpis": [{"name": "net saving", "domain": "finance"}, {"name": "admissions", "domain": "activity"}],
    }


def plan_data(period: Sequence[str] = DEFAULT_PERIOD, schemes: int = 3) -> dict[str, Any]:
    """The green base plan as a document (plain data, as YAML would give it)."""
    first = period[0]
    start = int(first[:4])
    return {
        "qipp_plan": 1,
        "organisation": {"code": "03Q", "name": "NHS Vale of York CCG", "type": "ccg", "area_team": "Q50", "region": "north"},
        "period": list(period),
        "allocation": {year: 100000 for year in period},
        "target": {year: 2000 for year in period},
        "assumptions": {
            "demographic_growth": {year: Decimal("1.1") for year in period},
            "non_elective_growth": {year: Decimal("2.5") for year in period},
        },
        "governance": {
            "senior_responsible_owner": {"name": "Jane Doe", "role": "Chief Finance Officer"},
            "clinical_lead": {"name": "Dr Ann Smith", "role": "GP"},
            "pmo": {"lead": "Sam Patel", "meets": "monthly"},
            "programme_board": {"name": "QIPP Board", "meets": "monthly", "reports_to": "Governing body"},
            "approved": {"by": "Governing body", "date": dt.date(start, 3, 20)},
            "risk_register": {"reviewed": "monthly"},
            "contingency": 500,
        },
        "engagement": {
            "health_and_wellbeing_board": {"presented_on": dt.date(start, 2, 12)},
            "provider_contracts_aligned": True,
            "provider_cips_reconciled": True,
        },
        "schemes": [scheme_data(number, period) for number in range(1, schemes + 1)],
    }


def merge(base: Any, patch: Any) -> Any:
    """JSON merge patch: mappings merge key by key, ``None`` deletes, anything else replaces."""
    if not isinstance(patch, Mapping):
        return copy.deepcopy(patch)
    result = dict(base) if isinstance(base, Mapping) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge(result.get(key), value)
    return result


def apply(delta: Mapping[str, Any] | None) -> dict[str, Any]:
    """The base plan with ``delta`` applied; ``period`` (or ``years``: a count) in the delta reshapes the base first."""
    delta = dict(delta or {})
    period = delta.get("period")
    if "years" in delta:
        period = years_from(str(period[0]) if period else DEFAULT_PERIOD[0], int(delta.pop("years")))
        delta["period"] = period
    period = tuple(period or DEFAULT_PERIOD)
    base = plan_data(period)
    given = "schemes" in delta
    schemes = delta.pop("schemes", None)
    document = merge(base, delta)
    if schemes is not None:
        document["schemes"] = [merge(scheme_data(number, period), patch or {}) for number, patch in enumerate(schemes, start=1)]
    elif given:  # `schemes: null` deletes the key, as a merge patch does
        del document["schemes"]
    return document


def build(delta: Mapping[str, Any] | None = None, *, check: bool = True) -> Plan:
    """A validated Plan from the base and ``delta``; by default it must also pass the format's cross-field checks."""
    plan = Plan.model_validate(apply(delta))
    if check:
        problems = consistency_problems(plan)
        assert not problems, f"test plan is not a valid plan: {problems}"
    return plan


def make_plan(
    *,
    period: Sequence[str] = DEFAULT_PERIOD,
    target: Decimal | int | Mapping[str, Any] | None = None,
    allocation: Decimal | int | Mapping[str, Any] | None = None,
    savings: Sequence[Decimal | int | Mapping[str, Any]] | None = None,
    **top: Any,
) -> Plan:
    """A plan from a few arguments: a number for ``target``/``allocation`` means every year; each
    ``savings`` entry is one scheme (a number: the same saving every year)."""

    def per_year(value: Any) -> Any:
        return value if isinstance(value, Mapping) else {year: value for year in period}

    delta: dict[str, Any] = {"period": list(period), **top}
    if target is not None:
        delta["target"] = per_year(target)
    if allocation is not None:
        delta["allocation"] = per_year(allocation)
    if savings is not None:  # a mapping gives exactly those years: the others are deleted from the default scheme
        delta["schemes"] = [{"savings": {year: per_year(amount).get(year) for year in period}} for amount in savings]
    return build(delta)


# ---------------------------------------------------------------- case files


class DecimalLoader(yaml.SafeLoader):
    """Safe YAML where every number with a fraction is an exact Decimal, built from its text."""


def _decimal(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Decimal:
    return Decimal(loader.construct_scalar(node).replace("_", ""))


DecimalLoader.add_constructor("tag:yaml.org,2002:float", _decimal)


def load_yaml(path: Path) -> Any:
    return yaml.load(path.read_text(encoding="utf-8"), Loader=DecimalLoader)  # noqa: S506 (a SafeLoader subclass)
