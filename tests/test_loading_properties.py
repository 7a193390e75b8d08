"""A law of the loader: any valid plan, written out as YAML the way a person
might write it, loads back through ``load_plan`` as the same plan, money to
the last digit as written."""

from __future__ import annotations

import datetime as dt
import json
import random
import re
import tempfile
from decimal import Decimal
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qipp_rag.load.loading import LoadedPlan, load_plan
from qipp_rag.plan.models import Plan, consistency_problems, year_end, year_start

# ---------------------------------------------------------------- valid plans as data

# Characters a plan's text may hold.  Control characters other than tab and
# newline are not allowed in YAML at all, and the noncharacters U+FFFE/U+FFFF neither.
TEXT = st.text(
    st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufffe\uffff") | st.sampled_from("\t\n"),
    min_size=1,
    max_size=30,
)
CODE = st.from_regex(r"[A-Z0-9]{3,6}", fullmatch=True)


def money(maximum: str = "1000000", minimum: str = "0") -> st.SearchStrategy[Decimal]:
    return st.integers(0, 5).flatmap(lambda places: st.decimals(Decimal(minimum), Decimal(maximum), places=places))


NUMBER = money(maximum="1000000", minimum="-1000000")
DATE = st.dates(dt.date(1990, 1, 1), dt.date(2040, 12, 31))


def optional(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.none() | strategy


def drop_none(mapping: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in mapping.items() if value is not None}


def objects(required: dict[str, Any], optional_fields: dict[str, Any] | None = None) -> st.SearchStrategy[dict[str, Any]]:
    fields = {**required, **{key: optional(value) for key, value in (optional_fields or {}).items()}}
    return st.fixed_dictionaries(fields).map(drop_none)


PERSON = objects({"name": TEXT}, {"role": TEXT})
FREQUENCY = st.sampled_from(["weekly", "fortnightly", "monthly", "quarterly", "annually"])
GOVERNANCE = objects(
    {},
    {
        "senior_responsible_owner": PERSON,
        "clinical_lead": PERSON,
        "pmo": objects({"meets": FREQUENCY}, {"lead": TEXT}),
        "programme_board": objects({"name": TEXT}, {"meets": FREQUENCY, "reports_to": TEXT}),
        "approved": objects({"date": DATE}, {"by": TEXT}),
        "risk_register": objects({"reviewed": FREQUENCY}),
        "contingency": money(),
    },
)
ENGAGEMENT = objects(
    {},
    {
        "health_and_wellbeing_board": objects({"presented_on": DATE}),
        "provider_contracts_aligned": st.booleans(),
        "provider_cips_reconciled": st.booleans(),
    },
)
SCORE = st.integers(1, 5)
SCHEME_DETAILS = objects(
    {
        "title": TEXT,
        "workstream": TEXT,
        "stage": st.sampled_from(["identified", "planned", "in_delivery", "delivered", "cancelled"]),
    },
    {
        "recurrent": st.booleans(),
        "provider": TEXT,
        "lead": TEXT,
        "clinical_lead": TEXT,
        "quality_impact": objects({}, {"assessed_on": DATE, "signed_off_by": TEXT, "impact": st.sampled_from(["positive", "neutral", "negative"])}),
        "business_case": objects({"approved_on": DATE}, {"by": TEXT}),
        "kpis": st.lists(objects({"name": TEXT, "domain": st.sampled_from(["finance", "activity", "quality", "workforce"])}, {"baseline": NUMBER, "target": NUMBER}), max_size=3),
        "milestones": st.lists(objects({"name": TEXT, "due": DATE}, {"completed_on": DATE}), max_size=3),
        "risks": st.lists(objects({"description": TEXT, "likelihood": SCORE, "impact": SCORE}, {"owner": TEXT, "mitigation": TEXT}), max_size=3),
    },
)


@st.composite
def plans(draw: st.DrawFn) -> dict[str, Any]:
    start = draw(st.integers(2000, 2040))
    period = [f"{year}/{(year + 1) % 100:02d}" for year in range(start, start + draw(st.integers(1, 4)))]
    first = period[0]

    def per_year(strategy: st.SearchStrategy[Decimal], years: list[str]) -> dict[str, Decimal]:
        return {year: draw(strategy) for year in years}

    kind = draw(st.sampled_from(["ccg", "area_team"]))
    organisation: dict[str, Any] = {"code": draw(CODE), "name": draw(TEXT), "type": kind, "region": draw(st.sampled_from(["north", "midlands_and_east", "london", "south"]))}
    if kind == "ccg":
        organisation["area_team"] = draw(CODE)
    elif draw(st.booleans()):
        organisation["ccgs"] = draw(st.lists(CODE, max_size=4))

    plan: dict[str, Any] = {
        "qipp_plan": 1,
        "organisation": organisation,
        "period": period,
        "allocation": per_year(money(minimum="0.00001"), period),
        "target": per_year(money(), period),
    }
    if draw(st.booleans()):
        keys = ["demographic_growth", "non_elective_growth", "elective_growth", "prescribing_growth", "tariff_deflator"]
        plan["assumptions"] = {key: per_year(NUMBER, draw(st.lists(st.sampled_from(period), unique=True))) for key in draw(st.lists(st.sampled_from(keys), unique=True))}
    if draw(st.booleans()):
        plan["governance"] = draw(GOVERNANCE)
    if draw(st.booleans()):
        plan["engagement"] = draw(ENGAGEMENT)

    schemes = []
    for index in range(draw(st.integers(0, 4))):
        scheme = {"id": f"S-{index}", **draw(SCHEME_DETAILS)}
        scheme["savings"] = per_year(money(), draw(st.lists(st.sampled_from(period), unique=True)))
        if draw(st.booleans()):
            profile = [draw(money(maximum="10000")) for _ in range(12)]
            scheme["monthly_profile"] = profile
            scheme["savings"][first] = sum(profile, Decimal(0))
        if draw(st.booleans()):
            scheme["delivery"] = {name: draw(money()) for name in ("planned_to_date", "actual_to_date", "forecast_outturn")}
        if draw(st.booleans()):
            scheme["baseline"] = draw(objects({}, {"measure": TEXT, "value": NUMBER, "year": st.sampled_from(period), "source": TEXT}))
        schemes.append(scheme)
    if draw(st.booleans()) or schemes:
        plan["schemes"] = schemes
    if any("delivery" in scheme for scheme in schemes):
        plan["delivery_as_of"] = draw(st.dates(year_start(first), year_end(first)))
    return plan


# ---------------------------------------------------------------- writing YAML as a person might

_YEAR = re.compile(r"[0-9]{4}/[0-9]{2}")


def scalar(value: Any, chooser: random.Random | None = None) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value, "f")  # exactly the digits held, never through a float
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str) and chooser is not None and _YEAR.fullmatch(value) and chooser.random() < 0.7:
        return value  # a financial year needs no quotes
    if isinstance(value, str):
        # A JSON string is a YAML double-quoted scalar, except that YAML reads
        # these line separators inside one as line breaks: escape them.
        quoted = json.dumps(value, ensure_ascii=False)
        return quoted.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029").replace("\x85", "\\x85")
    raise TypeError(type(value))


def key(name: str, chooser: random.Random) -> str:
    return f'"{name}"' if "/" in name and chooser.random() < 0.3 else name


def emit(value: Any, indent: int, chooser: random.Random) -> list[str]:
    """Block-style YAML lines for a mapping or list; small ones sometimes in flow style."""
    pad = " " * indent
    if isinstance(value, dict):
        if value and all(not isinstance(item, (dict, list)) for item in value.values()) and chooser.random() < 0.4:
            return [pad + "{" + ", ".join(f"{key(name, chooser)}: {scalar(item, chooser)}" for name, item in value.items()) + "}"]
        lines = []
        for name, item in value.items():
            if isinstance(item, (dict, list)) and item:
                lines.append(f"{pad}{key(name, chooser)}:")
                lines += emit(item, indent + 2, chooser)
            elif isinstance(item, dict):
                lines.append(f"{pad}{key(name, chooser)}: {{}}")
            elif isinstance(item, list):
                lines.append(f"{pad}{key(name, chooser)}: []")
            else:
                lines.append(f"{pad}{key(name, chooser)}: {scalar(item, chooser)}")
        return lines
    if all(not isinstance(item, (dict, list)) for item in value) and chooser.random() < 0.5:
        return [pad + "[" + ", ".join(scalar(item, chooser) for item in value) + "]"]
    lines = []
    for item in value:
        if isinstance(item, (dict, list)) and item:
            inner = emit(item, indent + 2, chooser)
            lines.append(f"{pad}- {inner[0].lstrip()}")
            lines += inner[1:]
        else:
            lines.append(f"{pad}- {scalar(item, chooser) if not isinstance(item, (dict, list)) else ('{}' if isinstance(item, dict) else '[]')}")
    return lines


def as_top_level(plan: dict[str, Any], chooser: random.Random) -> str:
    lines = emit(plan, 0, chooser)
    if lines[0].startswith("{"):  # keep the document a block mapping, as plans are written
        lines = [f"{name}: {scalar(item)}" for name, item in plan.items()]
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- the law


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=plans(), seed=st.integers(0, 2**32 - 1))
def test_a_valid_plan_written_as_yaml_loads_back_as_the_same_plan(data: dict[str, Any], seed: int) -> None:
    expected = Plan.model_validate(data)
    assert consistency_problems(expected) == []  # the strategy makes valid plans only

    text = as_top_level(data, random.Random(seed))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "plan.yaml"
        path.write_text(text, encoding="utf-8")
        loaded = load_plan(str(path))

    assert isinstance(loaded, LoadedPlan), (text, getattr(loaded, "problems", None))
    assert loaded.plan == expected
    for year, amount in data["allocation"].items():
        assert format(loaded.plan.allocation[year], "f") == format(amount, "f").lstrip("-") or amount == 0
    for scheme, written in zip(loaded.plan.schemes, data.get("schemes", [])):
        for year, amount in written["savings"].items():
            assert format(scheme.savings[year], "f") == format(amount, "f") or amount == 0
