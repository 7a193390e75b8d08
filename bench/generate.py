"""Generate a corpus of realistic, synthetic QIPP plans for benchmarking.

    python bench/generate.py --count 1000 --seed 1 --out bench/out/plans-1000

Every plan belongs to a real organisation: the 211 CCGs of April 2013 and
their 25 area teams, with real codes, names, area teams and regions (read
from the packaged ``qipp_rag/data/ccgs-2013.csv``, or the shared copy beside
the repository).  Each plan has 10 to 40 schemes, and every optional part of
the format turns up in some plans and not in others, so a run exercises
every rule.  A few percent of the files (``--invalid-rate``) are broken the
way real files break: a typo'd key, negative money, a malformed financial
year, a YAML syntax error.

Plans are a pure function of (seed, index): plan 17 of a 10,000-plan corpus
is byte for byte plan 17 of a 1,000-plan corpus, and the same seed always
gives the same bytes.

Organisations repeat when the count is above 236.  Two plans for the same
organisation over overlapping years would (rightly) be rated red by PF01, so
the n-th repeat of an organisation plans for a later run of years: the
first 236 plans start in 2014/15, the next 236 in 2017/18, and so on (every
period is 1 to 3 years, so the runs never overlap), up to runs starting in
2095/96.  The format's years end at 2099/00, so beyond that (past 6,608
plans) the runs of years start again and each further round is a new version
of the same plans, in files named ``CODE-YEAR-vN.yaml``: an archive of plan
versions, where PF01 rightly finds the versions that overlap.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import random
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import yaml

GENERATOR_VERSION = 4  # bump when the output for a given seed changes
SYNTAX_ATTEMPTS = 50  # lines tried before a plan is given up as impossible to break
DATA_FILE = "ccgs-2013.csv"
FIRST_YEAR = 2014
YEARS_PER_CYCLE = 3  # the longest period; repeats of an organisation move on this far
LAST_YEAR = 2099  # the format's last financial year is 2099/00
CYCLES = (LAST_YEAR - (YEARS_PER_CYCLE - 1) - FIRST_YEAR) // YEARS_PER_CYCLE + 1  # runs of years that fit: 28
INVALID_KINDS = ("typo_key", "negative_money", "bad_year", "yaml_syntax")
MANIFEST = "manifest.json"


# ---------------------------------------------------------------- organisations


@dataclass(frozen=True)
class Organisation:
    code: str
    name: str
    type: str  # ccg or area_team
    region: str
    area_team: str | None  # for a CCG
    ccgs: tuple[str, ...]  # for an area team


def _csv_text() -> str:
    """The packaged CCG list, or the shared copy beside the repository."""
    try:
        from importlib import resources

        return resources.files("qipp_rag").joinpath("data", DATA_FILE).read_text(encoding="utf-8")
    except (ImportError, FileNotFoundError, OSError):
        shared = Path(__file__).resolve().parents[2] / "shared" / "data" / DATA_FILE
        return shared.read_text(encoding="utf-8")


@cache
def organisations() -> tuple[Organisation, ...]:
    """The 211 CCGs in file order, then the 25 area teams in code order."""
    rows = list(csv.DictReader(io.StringIO(_csv_text())))
    ccgs = [
        Organisation(
            code=row["ccg_code"].strip(),
            name=_ccg_name(row["ccg_name"].strip()),
            type="ccg",
            region=row["region"].strip(),
            area_team=row["area_team_code"].strip(),
            ccgs=(),
        )
        for row in rows
    ]
    teams: dict[str, tuple[str, str]] = {}
    members: dict[str, list[str]] = {}
    for row in rows:
        code = row["area_team_code"].strip()
        teams[code] = (row["area_team_name"].strip(), row["region"].strip())
        members.setdefault(code, []).append(row["ccg_code"].strip())
    area_teams = [
        Organisation(
            code=code,
            name=f"NHS England {name} Area Team",
            type="area_team",
            region=region,
            area_team=None,
            ccgs=tuple(sorted(members[code])),
        )
        for code, (name, region) in sorted(teams.items())
    ]
    return tuple(ccgs + area_teams)


def _ccg_name(name: str) -> str:
    return name if name.endswith("CCG") else f"{name} CCG"


# ---------------------------------------------------------------- vocabulary

WORKSTREAMS = {
    "urgent_care": ["A&E front-door streaming", "Ambulatory emergency care", "Frequent attender case management", "Falls response service", "NHS 111 directory of services review"],
    "elective": ["Referral management centre", "Follow-up ratio reduction", "Procedures of limited clinical value", "Consultant-to-consultant referral policy", "Advice and guidance for GPs"],
    "prescribing": ["Generic switching programme", "Medicines waste reduction", "Care home medication review", "Specials and dressings formulary", "Statin and PPI optimisation"],
    "mental_health": ["Out-of-area placement repatriation", "IAPT step-down pathway", "Dementia crisis support", "Liaison psychiatry in acute wards"],
    "continuing_care": ["Continuing healthcare review backlog", "Care package brokerage", "Fast-track end-of-life pathway"],
    "primary_care": ["Long-term conditions local enhanced service", "Community anticoagulation clinic", "Diabetes structured education"],
    "specialised": ["High-cost drugs gain share", "Renal dialysis transport", "Neonatal critical care network"],
    "running_costs": ["Estates rationalisation", "Shared back-office services", "Commissioning support unit contract"],
}
PROVIDERS = ["RR8", "RWA", "RCB", "RAE", "RXF", "RJL", "RXL", "RTX", "RJR", "RBS", "RQ3", "RVV", "RN5", "RTE", "RA7", "RWH", "RP5", "RX1", "RKB", "RBK"]
FIRST_NAMES = ["Anne", "Ben", "Chloe", "David", "Fatima", "Gareth", "Helen", "Imran", "Joanne", "Kieran", "Laura", "Mohammed", "Nadia", "Owen", "Priya", "Rachel", "Sanjay", "Tom", "Una", "Wendy"]
SURNAMES = ["Ahmed", "Baker", "Clarke", "Davies", "Evans", "Fletcher", "Green", "Hughes", "Iqbal", "Jones", "Khan", "Lewis", "Morgan", "Nolan", "Patel", "Roberts", "Singh", "Taylor", "Walsh", "Young"]
MEASURES = ["non-elective admissions", "A&E attendances", "outpatient follow-ups", "prescribing spend per ASTRO-PU", "bed days", "CHC packages", "out-of-area placements", "first outpatient appointments"]
SOURCES = ["SUS", "ePACT", "HES", "SLAM", "CHC database", "provider returns"]
FREQUENCIES = ["weekly", "fortnightly", "monthly", "quarterly", "annually"]
STAGES = ["identified", "planned", "in_delivery", "delivered", "cancelled"]


# ---------------------------------------------------------------- plan content


def _fy(start: int) -> str:
    return f"{start}/{(start + 1) % 100:02d}"


def _money(rng: random.Random, low: float, high: float, places: int = 1) -> Decimal:
    return Decimal(round(rng.uniform(low, high), places)).quantize(Decimal(1).scaleb(-places))


def _person(rng: random.Random) -> str:
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}"


def _date_in(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randrange((end - start).days + 1))


def _month_end(year: int, month: int) -> dt.date:
    nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
    return nxt - dt.timedelta(days=1)


def _split(total: Decimal, parts: int, rng: random.Random, unit: Decimal) -> list[Decimal]:
    """``total`` split into ``parts`` non-negative multiples of ``unit`` that sum to it exactly."""
    weights = [rng.uniform(0.5, 1.5) for _ in range(parts)]
    scale = sum(weights)
    shares = [(total * Decimal(w / scale)).quantize(unit) for w in weights]
    shares[-1] = total - sum(shares[:-1], Decimal(0))
    while shares[-1] < 0:  # rounding took too much: give it back from the largest share
        largest = max(range(parts - 1), key=shares.__getitem__)
        shares[largest] -= unit
        shares[-1] += unit
    return shares


SCHEME_PARTS = {  # part of a scheme -> how often a typical commissioner fills it in
    "provider": 0.7,
    "lead": 0.85,
    "clinical_lead": 0.5,
    "baseline": 0.75,
    "quality_impact": 0.8,
    "business_case": 0.8,
    "kpis": 0.75,
    "milestones": 0.7,
    "risks": 0.6,
    "monthly_profile": 0.4,
}


def _habits(rng: random.Random) -> dict[str, float]:
    """How thoroughly one commissioner documents its schemes: for each part, the
    chance that a scheme has it.  About half document every scheme fully, as the
    share-of-value rules ask; the rest leave gaps of their own."""
    careful = rng.random() < 0.5
    habits = {}
    for part, typical in SCHEME_PARTS.items():
        if careful and rng.random() < 0.85:
            habits[part] = 1.0
        else:
            habits[part] = rng.uniform(max(0.05, typical - 0.3), min(0.98, typical + 0.2))
    return habits


def build_plan(org: Organisation, start_year: int, rng: random.Random) -> dict[str, Any]:
    """One valid plan as plain data (money as Decimal, dates as date)."""
    years = [_fy(start_year + n) for n in range(rng.choice([1, 2, 2, 3, 3, 3]))]
    first_start = dt.date(start_year, 4, 1)
    # Allocations in £000: CCGs from about £150m to £900m, area teams' direct commissioning more.
    base = _money(rng, 150_000, 900_000, 0) if org.type == "ccg" else _money(rng, 400_000, 2_500_000, 0)
    # QIPP asked for about 4 % a year; most plans sit between 1.5 and 4.5 %, a few outside.
    share = rng.uniform(1.5, 4.5) if rng.random() < 0.85 else rng.choice([rng.uniform(0.5, 1.5), rng.uniform(4.5, 8.0)])
    allocation: dict[str, Decimal] = {}
    target: dict[str, Decimal] = {}
    for n, year in enumerate(years):
        allocation[year] = (base * Decimal(1 + 0.02 * n)).quantize(Decimal(1))
        target[year] = (allocation[year] * Decimal(share * (1 + rng.uniform(0.0, 0.15) * n) / 100)).quantize(Decimal("0.1"))

    plan: dict[str, Any] = {"qipp_plan": 1, "organisation": _organisation(org, rng), "period": years, "allocation": allocation, "target": target}
    if rng.random() < 0.75:
        plan["assumptions"] = _assumptions(years, rng)
    if rng.random() < 0.95:
        plan["governance"] = _governance(rng, first_start, allocation[years[0]])
    if rng.random() < 0.8:
        plan["engagement"] = _engagement(rng, first_start)

    habits = _habits(rng)
    as_of = None
    if rng.random() < 0.3:  # the plan is in its first year and reports delivery to a month end
        month = (3 + rng.randrange(12)) % 12 + 1
        as_of = _month_end(start_year if month >= 4 else start_year + 1, month)
    coverage = rng.uniform(1.05, 1.8)  # identified savings against the target, before stages and cancellations
    maturity = rng.uniform(0.8, 2.5)  # how far the schemes have moved along the stages
    count = rng.randint(10, 40)
    weights = [rng.paretovariate(1.6) for _ in range(count)]
    total_weight = sum(weights)
    schemes = [
        _scheme(index, org, years, target, coverage * weights[index] / total_weight, habits, maturity, as_of, first_start, rng)
        for index in range(count)
    ]
    if as_of is not None and not any("delivery" in scheme for scheme in schemes):
        schemes[0]["delivery"] = _delivery(schemes[0]["savings"].get(years[0], Decimal(0)), as_of, first_start, rng)
    plan["schemes"] = schemes
    if as_of is not None:
        plan["delivery_as_of"] = as_of
    return plan


def _organisation(org: Organisation, rng: random.Random) -> dict[str, Any]:
    out: dict[str, Any] = {"code": org.code, "name": org.name, "type": org.type}
    if org.type == "ccg":
        out["area_team"] = org.area_team
    out["region"] = org.region
    if org.type == "area_team" and rng.random() < 0.7:
        ccgs = list(org.ccgs)
        if len(ccgs) > 1 and rng.random() < 0.15:  # an out-of-date list: PF02 has something to say
            ccgs.pop(rng.randrange(len(ccgs)))
        out["ccgs"] = ccgs
    return out


def _assumptions(years: list[str], rng: random.Random) -> dict[str, Any]:
    out: dict[str, Any] = {}
    covered = years if rng.random() < 0.7 else years[: max(1, len(years) - 1)]
    for key, low, high in (
        ("demographic_growth", 0.5, 1.5),
        ("non_elective_growth", 0.0, 3.5),
        ("elective_growth", 0.0, 4.0),
        ("prescribing_growth", 2.0, 6.0),
        ("tariff_deflator", -1.8, -1.0),
    ):
        if key in ("demographic_growth", "non_elective_growth") or rng.random() < 0.5:
            if rng.random() < 0.92:
                out[key] = {year: _money(rng, low, high, 1) for year in covered}
    return out or {"demographic_growth": {years[0]: Decimal("1.1")}}


def _governance(rng: random.Random, first_start: dt.date, first_allocation: Decimal) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if rng.random() < 0.96:
        out["senior_responsible_owner"] = {"name": _person(rng), "role": rng.choice(["Chief Finance Officer", "Chief Operating Officer", "Director of Commissioning"])}
    if rng.random() < 0.8:
        person = {"name": _person(rng)}
        if rng.random() < 0.7:
            person["role"] = rng.choice(["GP, governing body member", "Clinical Chair", "Medical Director"])
        out["clinical_lead"] = person
    if rng.random() < 0.94:
        pmo: dict[str, Any] = {"meets": rng.choice(FREQUENCIES[:3] * 3 + FREQUENCIES[3:])}
        if rng.random() < 0.8:
            pmo["lead"] = _person(rng)
        out["pmo"] = pmo
    if rng.random() < 0.8:
        board: dict[str, Any] = {"name": rng.choice(["QIPP Programme Board", "Financial Recovery Board", "Transformation Board"])}
        if rng.random() < 0.8:
            board["meets"] = rng.choice(FREQUENCIES[1:4])
        if rng.random() < 0.8:
            board["reports_to"] = rng.choice(["Governing Body", "Finance and Performance Committee"])
        out["programme_board"] = board
    if rng.random() < 0.85:
        late = rng.random() < 0.2
        date = _date_in(rng, first_start, first_start + dt.timedelta(days=90)) if late else _date_in(rng, first_start - dt.timedelta(days=120), first_start - dt.timedelta(days=1))
        approval: dict[str, Any] = {"date": date}
        if rng.random() < 0.9:
            approval["by"] = "Governing Body"
        out["approved"] = approval
    if rng.random() < 0.75:
        out["risk_register"] = {"reviewed": rng.choice(FREQUENCIES[1:4])}
    if rng.random() < 0.7:
        out["contingency"] = (first_allocation * Decimal(rng.choice([0.5, 0.5, 0.3, 1.0, 0]) / 100)).quantize(Decimal("0.1"))
    return out


def _engagement(rng: random.Random, first_start: dt.date) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if rng.random() < 0.75:
        out["health_and_wellbeing_board"] = {"presented_on": _date_in(rng, first_start - dt.timedelta(days=150), first_start + dt.timedelta(days=30))}
    if rng.random() < 0.85:
        out["provider_contracts_aligned"] = rng.random() < 0.8
    if rng.random() < 0.7:
        out["provider_cips_reconciled"] = rng.random() < 0.7
    return out


def _scheme(
    index: int,
    org: Organisation,
    years: list[str],
    target: dict[str, Decimal],
    share: float,
    habits: dict[str, float],
    maturity: float,
    as_of: dt.date | None,
    first_start: dt.date,
    rng: random.Random,
) -> dict[str, Any]:
    workstream = rng.choice(list(WORKSTREAMS))
    title = rng.choice(WORKSTREAMS[workstream])
    stage = rng.choices(STAGES, weights=[20 / maturity, 35, 30 * maturity, 8 * maturity, 5])[0]
    savings: dict[str, Decimal] = {}
    starts_later = len(years) > 1 and rng.random() < 0.15
    for n, year in enumerate(years):
        if starts_later and n == 0:
            continue
        growth = 1 + rng.uniform(-0.05, 0.35) * n
        savings[year] = (target[year] * Decimal(share * growth)).quantize(Decimal("0.1"))
    scheme: dict[str, Any] = {"id": f"{org.code}-{index + 1:02d}", "title": title, "workstream": workstream, "stage": stage, "savings": savings}

    def has(part: str) -> bool:
        return rng.random() < habits[part]

    def thorough(part: str, chance: float) -> bool:  # a fully documented part is complete
        return habits[part] == 1.0 or rng.random() < chance

    if rng.random() < 0.08:
        scheme["recurrent"] = False
    elif rng.random() < 0.1:
        scheme["recurrent"] = True
    if has("provider"):
        scheme["provider"] = rng.choice(PROVIDERS)
    if has("lead"):
        scheme["lead"] = _person(rng)
    if has("clinical_lead"):
        scheme["clinical_lead"] = f"Dr {_person(rng)}"
    if has("baseline"):
        baseline: dict[str, Any] = {"measure": rng.choice(MEASURES), "value": _money(rng, 100, 50_000, rng.choice([0, 0, 1]))}
        if thorough("baseline", 0.85):
            baseline["year"] = _fy(int(years[0][:4]) - 1)
        if thorough("baseline", 0.85):
            baseline["source"] = rng.choice(SOURCES)
        scheme["baseline"] = baseline
    if has("quality_impact"):
        qia: dict[str, Any] = {"assessed_on": _date_in(rng, first_start - dt.timedelta(days=200), first_start)}
        if thorough("quality_impact", 0.85):
            qia["signed_off_by"] = rng.choice(["Director of Nursing", "Medical Director", "Quality Committee"])
        if thorough("quality_impact", 0.9):
            qia["impact"] = rng.choices(["positive", "neutral", "negative"], weights=[50, 47, 3])[0]
        scheme["quality_impact"] = qia
    if has("business_case"):
        case: dict[str, Any] = {"approved_on": _date_in(rng, first_start - dt.timedelta(days=240), first_start + dt.timedelta(days=60))}
        if rng.random() < 0.8:
            case["by"] = rng.choice(["Governing Body", "Finance and Performance Committee", "Executive Team"])
        scheme["business_case"] = case
    if has("kpis"):
        kpis: list[dict[str, Any]] = [{"name": "Net saving delivered", "domain": "finance"}]
        domains = ["activity", "quality", "workforce"]
        for n in range(rng.randint(1, 3)):
            domain = rng.choice(domains[:2]) if n == 0 and thorough("kpis", 0.8) else rng.choice(domains)
            kpi: dict[str, Any] = {"name": rng.choice(MEASURES).capitalize(), "domain": domain}
            if rng.random() < 0.7:
                kpi["baseline"] = _money(rng, 10, 5000, 0)
                kpi["target"] = (kpi["baseline"] * Decimal("0.9")).quantize(Decimal(1))
            kpis.append(kpi)
        if not thorough("kpis", 0.85):
            kpis.pop(0)
        scheme["kpis"] = kpis
    if has("milestones"):
        milestones = []
        for n in range(rng.randint(1, 4)):
            due = _date_in(rng, first_start, first_start + dt.timedelta(days=330))
            milestone: dict[str, Any] = {"name": rng.choice(["Business case approved", "Service specification agreed", "Contract variation signed", "Pathway live", "Post-implementation review"]) + f" ({n + 1})", "due": due}
            if rng.random() < (0.93 if habits["milestones"] == 1.0 else 0.7):
                milestone["completed_on"] = due + dt.timedelta(days=rng.randint(-20, 30))
            milestones.append(milestone)
        scheme["milestones"] = milestones
    if has("risks"):
        risks = []
        for _ in range(rng.randint(1, 3)):
            risk: dict[str, Any] = {"description": rng.choice(["Provider capacity to deliver the new pathway", "GP engagement with referral guidance", "Activity shifts to another provider", "Recruitment of specialist staff", "Data quality of baseline activity"]), "likelihood": rng.randint(1, 5), "impact": rng.randint(1, 5)}
            if thorough("risks", 0.8):
                risk["owner"] = _person(rng)
            if thorough("risks", 0.75):
                risk["mitigation"] = rng.choice(["Monthly contract review meeting", "Clinical champion in each locality", "Activity monitored weekly through SUS", "Gain share agreed with the provider"])
            risks.append(risk)
        scheme["risks"] = risks
    first_saving = savings.get(years[0], Decimal(0))
    if first_saving > 0 and has("monthly_profile"):
        scheme["monthly_profile"] = _profile(first_saving, rng)
    if as_of is not None and stage != "cancelled" and first_saving > 0 and rng.random() < 0.95:
        scheme["delivery"] = _delivery(first_saving, as_of, first_start, rng)
    return scheme


def _profile(total: Decimal, rng: random.Random) -> list[Decimal]:
    """Twelve months, April to March, adding up to ``total`` exactly; sometimes back-loaded."""
    unit = Decimal("0.01") if total.as_tuple().exponent < 0 else Decimal(1)
    shape = rng.choices(["flat", "ramp", "late"], weights=[60, 28, 12])[0]
    weights = [1.0] * 12 if shape == "flat" else [1 + n / 4 for n in range(12)] if shape == "ramp" else [0.3] * 9 + [3.0] * 3
    scale = sum(weights)
    months = [(total * Decimal(w / scale)).quantize(unit) for w in weights]
    months[-1] = total - sum(months[:-1], Decimal(0))
    if months[-1] < 0:
        months = _split(total, 12, rng, unit)
    return months


def _delivery(first_saving: Decimal, as_of: dt.date, first_start: dt.date, rng: random.Random) -> dict[str, Decimal]:
    elapsed = Decimal((as_of.year - first_start.year) * 12 + as_of.month - 3) / 12  # months of the year gone
    planned = (first_saving * elapsed).quantize(Decimal("0.1"))
    actual = (planned * Decimal(rng.uniform(0.8, 1.12))).quantize(Decimal("0.1"))
    forecast = (first_saving * Decimal(rng.uniform(0.85, 1.1))).quantize(Decimal("0.1"))
    return {"planned_to_date": planned, "actual_to_date": actual, "forecast_outturn": forecast}


# ---------------------------------------------------------------- YAML text

_PLAIN = re.compile(r"[A-Za-z0-9][A-Za-z0-9 _,.&()'/-]*")
_RESOLVER = yaml.resolver.Resolver()
# Numbers as YAML 1.2 reads them (``99E-01`` is 9.9 there), which other tools and the strict loader heed.
_YAML12_NUMBER = re.compile(r"[-+]?(\.[0-9]+|[0-9][0-9_]*(\.[0-9_]*)?)([eE][-+]?[0-9]+)?|0x[0-9a-fA-F]+|0o[0-7]+")


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value)
    if _PLAIN.fullmatch(text) and not text.endswith(" ") and _reads_as_text(text):
        return text
    return json.dumps(text)  # a JSON string is a valid YAML double-quoted scalar


@cache
def _reads_as_text(text: str) -> bool:
    """True when YAML reads the text, unquoted, as that text (not ``NO``, ``010``, ``2014-04-01``, ``99E-01``)."""
    return _RESOLVER.resolve(yaml.ScalarNode, text, (True, False)) == "tag:yaml.org,2002:str" and not _YAML12_NUMBER.fullmatch(text)


def _key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*|\d{4}/\d{2}", key) else json.dumps(key)


def _emit(value: Any, indent: int, out: list[str]) -> None:
    """Block-style YAML as people write it; short lists of numbers in flow style."""
    pad = " " * indent
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, (dict, list)) and item and not _flow(item):
                out.append(f"{pad}{_key(key)}:")
                _emit(item, indent + 2, out)
            else:
                out.append(f"{pad}{_key(key)}: {_inline(item)}")
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, dict) and item:
                lines: list[str] = []
                _emit(item, indent + 2, lines)
                out.append(f"{pad}- {lines[0][indent + 2:]}")
                out.extend(lines[1:])
            else:
                out.append(f"{pad}- {_inline(item)}")


def _flow(item: Any) -> bool:
    return isinstance(item, list) and all(not isinstance(x, (dict, list)) for x in item) and len(item) >= 6


def _inline(item: Any) -> str:
    if isinstance(item, list):
        return "[" + ", ".join(_scalar(x) for x in item) + "]"
    if isinstance(item, dict):
        return "{}"
    return _scalar(item)


def to_yaml(plan: dict[str, Any], header: str) -> str:
    lines = [f"# {header}"]
    for key, value in plan.items():
        if key == "schemes":
            lines.append("")
        _emit({key: value}, 0, lines)
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- breaking plans


def break_plan(text: str, kind: str, rng: random.Random) -> str:
    """The plan text with one realistic mistake of the given kind."""
    lines = text.split("\n")
    if kind == "typo_key":
        candidates = [n for n, line in enumerate(lines) if re.match(r"\s*(- )?(workstream|stage|title|governance|engagement|target|savings|lead|meets):", line)]
        n = rng.choice(candidates)
        lines[n] = re.sub(r"(workstream|stage|title|governance|engagement|target|savings|lead|meets):", lambda m: _typo(m.group(1), rng) + ":", lines[n], count=1)
    elif kind == "negative_money":
        # the first year of an allocation, a target or a saving (assumptions may be negative)
        candidates = [n for n, line in enumerate(lines) if n and re.match(r"\s+\d{4}/\d{2}: \d", line) and re.match(r"\s*(allocation|target|savings):$", lines[n - 1])]
        n = rng.choice(candidates)
        lines[n] = re.sub(r": (\d)", r": -\1", lines[n], count=1)
    elif kind == "bad_year":
        candidates = [n for n, line in enumerate(lines) if re.match(r"\s+\d{4}/\d{2}: ", line)]
        n = rng.choice(candidates)
        lines[n] = re.sub(r"(\d{4})/(\d{2})", lambda m: rng.choice([f"{m.group(1)}-{m.group(2)}", f"{m.group(1)}/{(int(m.group(2)) + 1) % 100:02d}", f"{m.group(1)}"]), lines[n], count=1)
    elif kind == "yaml_syntax":
        candidates = [n for n, line in enumerate(lines) if re.match(r"\s+(title|name|description): ", line)]
        original = list(lines)
        for _ in range(SYNTAX_ATTEMPTS):
            lines = list(original)
            n = rng.choice(candidates)
            choice = rng.randrange(3)
            if choice == 0:  # an unclosed quote
                lines[n] = re.sub(r": (.*)$", r': "\1', lines[n], count=1)
            elif choice == 1:  # a line indented one space too far
                lines[n] = " " + lines[n]
            else:  # a tab for indentation
                lines[n] = "\t" + lines[n].lstrip(" ")
            if not _parses("\n".join(lines)):
                break
            # An unclosed quote can close on a later line's quote, and a line indented one space
            # further can read as the continuation of the scalar above it: a plan that is still
            # valid YAML is not the mistake asked for, so another line is broken instead.
        else:
            raise ValueError("no line of the plan could be broken into a YAML syntax error")
    else:
        raise ValueError(f"unknown kind of mistake: {kind}")
    return "\n".join(lines)


def _typo(word: str, rng: random.Random) -> str:
    """The word with a letter dropped or two neighbours swapped; swapping two equal letters
    (``meets``) would change nothing, so a letter is dropped instead."""
    n = rng.randrange(1, len(word) - 1)
    if rng.random() < 0.5 or word[n] == word[n + 1]:
        return word[:n] + word[n + 1 :]
    return word[:n] + word[n + 1] + word[n] + word[n + 2 :]


def _parses(text: str) -> bool:
    try:
        yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError:
        return False
    return True


# ---------------------------------------------------------------- the corpus


@dataclass(frozen=True)
class GeneratedPlan:
    path: str  # relative to the corpus folder, with / separators
    text: str
    invalid: str | None  # the kind of mistake, or None for a valid plan
    data: dict[str, Any]  # the plan as data, before any mistake


def invalid_at(index: int, seed: int, rate: float) -> bool:
    """Exactly ``rate`` of every prefix of the corpus (to within one plan) is broken,
    spread evenly, so a 1,000-plan corpus is the first 1,000 plans of a larger one."""
    offset = random.Random(f"qipp-bench:{seed}:offset").random()
    return int((index + 1 + offset) * rate) > int((index + offset) * rate)


def generate_one(index: int, seed: int, invalid_rate: float) -> GeneratedPlan:
    orgs = organisations()
    org = orgs[index % len(orgs)]
    version, cycle = divmod(index // len(orgs), CYCLES)
    start_year = FIRST_YEAR + YEARS_PER_CYCLE * cycle
    rng = random.Random(f"qipp-bench:{seed}:{index}")
    plan = build_plan(org, start_year, rng)
    kind_label = "area team" if org.type == "area_team" else "CCG"
    text = to_yaml(plan, f"QIPP plan {plan['period'][0]} to {plan['period'][-1]}: {org.name} ({kind_label}). Synthetic data for benchmarking.")
    invalid = None
    if invalid_at(index, seed, invalid_rate):
        invalid = INVALID_KINDS[rng.randrange(len(INVALID_KINDS))]
        text = break_plan(text, invalid, rng)
    folder = f"{org.region}/{org.area_team or org.code}"
    stem = f"{org.code}-area-team-{start_year}" if org.type == "area_team" else f"{org.code}-{start_year}"
    name = f"{stem}-v{version + 1}.yaml" if version else f"{stem}.yaml"
    return GeneratedPlan(path=f"{folder}/{name}", text=text, invalid=invalid, data=plan)


def generate(count: int, seed: int = 1, invalid_rate: float = 0.03) -> Iterator[GeneratedPlan]:
    for index in range(count):
        yield generate_one(index, seed, invalid_rate)


def write_corpus(out: Path, count: int, seed: int = 1, invalid_rate: float = 0.03) -> dict[str, Any]:
    """Write the corpus and a manifest (``manifest.json``: parameters, files, mistakes)."""
    out.mkdir(parents=True, exist_ok=True)
    files: list[str] = []
    invalid: dict[str, str] = {}
    for item in generate(count, seed, invalid_rate):
        target = out / item.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(item.text, encoding="utf-8", newline="\n")
        files.append(item.path)
        if item.invalid:
            invalid[item.path] = item.invalid
    manifest = {"generator_version": GENERATOR_VERSION, "count": count, "seed": seed, "invalid_rate": invalid_rate, "files": files, "invalid": invalid}
    (out / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return manifest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Generate synthetic, realistic QIPP plans for benchmarking.")
    parser.add_argument("--count", type=int, required=True, help="how many plan files")
    parser.add_argument("--seed", type=int, default=1, help="the same seed gives the same bytes (default 1)")
    parser.add_argument("--invalid-rate", type=float, default=0.03, help="share of files with a realistic mistake (default 0.03)")
    parser.add_argument("--out", type=Path, required=True, help="folder to write into (created if needed)")
    args = parser.parse_args(argv)
    if args.count < 0 or not 0 <= args.invalid_rate <= 1:
        parser.error("--count must be 0 or more and --invalid-rate between 0 and 1")
    manifest = write_corpus(args.out, args.count, args.seed, args.invalid_rate)
    print(f"wrote {manifest['count']} plans ({len(manifest['invalid'])} with a deliberate mistake) to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
