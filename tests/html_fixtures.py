"""Realistic assessments built in Python, for the HTML report's tests.

``sample_assessment()`` is a dozen plans across the four regions and several
area teams with every rating (error plans included), ``n/a`` and waived
findings and delivery figures.  ``large_assessment(n)`` scales the same
shapes up for the size test, and ``hostile_assessment(payload)`` puts a
payload into every text field a plan, a rule pack or a waivers file can
reach the report through.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal as D

from qipp_rag.confidence import plan_confidence, shortfall
from qipp_rag.rollup import summarise
from qipp_rag.results import (
    Assessment,
    Band,
    DeliveryFigures,
    Distance,
    Finding,
    Location,
    OrganisationInfo,
    PlanFigures,
    PlanResult,
    Problem,
    RuleInfo,
    RulePackInfo,
    Shortfall,
    ToolInfo,
    WaiverApplied,
    WaiverRecord,
)

AS_OF = dt.date(2014, 9, 30)
PACK = "green-criteria"

# id, criterion, title, unit, critical, green band, amber band, measures
_CATALOGUE: list[tuple[str, str, str, str, bool, Band, Band | None, str]] = [
    ("SP01", "savings_plan", "A savings plan exists", "count", True, Band(min=D(1)), None, "count of live schemes"),
    ("SP02", "savings_plan", "Identified savings cover the target", "percent", True, Band(min=D(100)), Band(min=D(90)), "identified savings ÷ target, worst year, %"),
    ("SP03", "savings_plan", "Risk-adjusted savings cover the target", "percent", True, Band(min=D(100)), Band(min=D(90)), "risk-adjusted savings ÷ target, worst year, %"),
    ("SP04", "savings_plan", "Schemes are past the ideas stage", "percent", False, Band(min=D(80)), Band(min=D(50)), "share of value at stage planned or later, %"),
    ("GV01", "governance", "A senior responsible owner is named", "check", True, Band(min=D(1)), None, "senior responsible owner named"),
    ("GV02", "governance", "A clinical lead is named", "check", False, Band(min=D(1)), Band(), "programme clinical lead named"),
    ("GV03", "governance", "A PMO meets at least monthly", "check", True, Band(min=D(2)), Band(min=D(1)), "PMO in place and meeting at least monthly"),
    ("GV04", "governance", "A programme board reports to a named body", "check", False, Band(min=D(1)), Band(), "programme board that reports to a named body"),
    ("GV05", "governance", "The plan was approved before the year began", "check", False, Band(min=D(2)), Band(min=D(1)), "plan approved on or before 31 March before the first plan year"),
    ("GV06", "governance", "The risk register is reviewed monthly", "check", False, Band(min=D(1)), Band(), "risk register reviewed at least monthly"),
    ("GV07", "governance", "A contingency is held", "percent", False, Band(min=D("0.5")), Band(above=D(0)), "contingency ÷ first-year allocation, %"),
    ("GV08", "governance", "Large schemes have approved business cases", "percent", False, Band(min=D(100)), Band(min=D(80)), "share of £50k+ schemes' value with an approved business case, %"),
    ("GV09", "governance", "Every scheme has a lead", "percent", False, Band(min=D(100)), Band(min=D(80)), "share of value with a named scheme lead, %"),
    ("TR01", "trajectory", "The target is realistic for the allocation", "percent", True, Band(min=D(1), max=D(5)), Band(max=D(7)), "target ÷ allocation, worst year, %"),
    ("TR02", "trajectory", "Savings are not back-loaded", "ratio", True, Band(max=D("1.5")), Band(max=D("2.5")), "growth of identified savings beyond growth of the target"),
    ("TR03", "trajectory", "Savings are not left to the last quarter", "percent", False, Band(max=D(35)), Band(max=D(45)), "share of first-year profiled savings in January to March, %"),
    ("TR04", "trajectory", "Schemes have complete baselines", "percent", False, Band(min=D(100)), Band(min=D(80)), "share of value with a complete baseline, %"),
    ("TR05", "trajectory", "Demand and activity assumptions are given", "count", False, Band(min=D(100)), Band(above=D(0)), "plan years with demand and activity assumptions"),
    ("TR06", "trajectory", "Savings are recurrent", "percent", False, Band(max=D(10)), Band(max=D(25)), "non-recurrent share of identified savings, worst year, %"),
    ("TR07", "trajectory", "No single scheme dominates", "percent", False, Band(max=D(40)), Band(max=D(60)), "largest scheme's share of first-year identified savings, %"),
    ("QL01", "quality", "Quality impact assessments are signed off", "percent", False, Band(min=D(100)), Band(min=D(80)), "share of value with a signed-off quality impact assessment, %"),
    ("QL02", "quality", "Schemes do not harm quality", "percent", False, Band(max=D(0)), Band(max=D(10)), "share of assessed value with a negative quality impact, %"),
    ("QL03", "quality", "Schemes have finance and activity or quality KPIs", "percent", False, Band(min=D(100)), Band(min=D(80)), "share of value with a finance KPI and an activity or quality KPI, %"),
    ("QL04", "quality", "High risks are mitigated and owned", "count", False, Band(max=D(0)), None, "high risks lacking a mitigation or an owner"),
    ("DL01", "delivery", "Savings to date match the plan", "percent", True, Band(min=D(95)), Band(min=D(85)), "actual ÷ planned savings to date, %"),
    ("DL02", "delivery", "The forecast outturn meets the target", "percent", True, Band(min=D(100)), Band(min=D(90)), "forecast outturn ÷ first-year target, %"),
    ("DL03", "delivery", "Milestones are met", "percent", False, Band(max=D(0)), Band(max=D(20)), "share of milestones due and not completed, %"),
    ("PT01", "partnership", "The health and wellbeing board has seen the plan", "check", False, Band(min=D(1)), Band(), "plan presented to the health and wellbeing board"),
    ("PT02", "partnership", "Savings are reflected in provider contracts", "check", False, Band(min=D(1)), Band(), "savings reflected in provider contracts"),
    ("PT03", "partnership", "Schemes are reconciled with providers' CIPs", "check", False, Band(min=D(1)), Band(), "schemes reconciled with providers' cost improvement plans"),
    ("PF01", "portfolio", "One plan per organisation and period", "check", True, Band(min=D(1)), None, "two plan files for the same organisation and overlapping period"),
    ("PF02", "portfolio", "An area team's CCG list matches its CCGs' plans", "check", False, Band(min=D(1)), Band(), "area team plan's ccgs list against the CCG plans in the run"),
    ("PF03", "portfolio", "No scheme is counted twice", "check", False, Band(min=D(1)), Band(), "a scheme in two plans with the same provider and baseline"),
    ("PF04", "portfolio", "The area team named is in the run", "check", False, Band(min=D(1)), Band(), "a CCG names an area team no area team plan in the run has"),
]


def rules(text: str | None = None) -> list[RuleInfo]:
    """The default catalogue as the assessment carries it; ``text`` replaces every free-text field."""
    out = []
    for rule_id, criterion, title, unit, critical, green, amber, measures in _CATALOGUE:
        out.append(
            RuleInfo(
                id=rule_id,
                title=text or title,
                criterion=criterion,
                measures=text or measures,
                unit=unit,
                critical=critical,
                applies_to=["ccg"] if rule_id == "PF04" else (["area_team"] if rule_id == "PF02" else ["ccg", "area_team"]),
                green=green,
                amber=amber,
                rationale=text
                or f"{title} matters because assurance of QIPP plans turns on it: a plan that falls short here is less likely "
                "to deliver its savings in full and on time, and the shortfall is found too late to act on it.",
                remediation=text
                or "Review the schemes concerned with their leads, record the missing information in the plan, "
                "and bring the revised plan to the programme board before the next assurance round.",
                basis=text or "Green criteria for QIPP plans, 2013-14 assurance.",
                pack=text or PACK,
            )
        )
    return out


@dataclass
class PlanSpec:
    """One plan of the sample: who it is and how its findings turn out."""

    file: str
    code: str
    name: str
    region: str
    area_team: str
    rating: str
    type: str = "ccg"
    allocation: D = D(300000)
    target_share: D = D("0.025")  # target ÷ allocation
    coverage: D = D("1.05")  # identified ÷ target
    overrides: dict[str, tuple[str, D | None, str]] = field(default_factory=dict)  # rule -> (rating, value, message)
    delivery: bool = False
    waived: dict[str, tuple[str, str, dt.date, str]] = field(default_factory=dict)  # rule -> (reason, approver, expires, would-be rating)
    errors: list[Problem] = field(default_factory=list)
    distances: dict[str, Distance] = field(default_factory=dict)  # rule -> distance to green of its amber or red finding


YEARS = ["2014/15", "2015/16", "2016/17"]
_GROWTH = [D("1.000"), D("1.021"), D("1.043")]


def _figures(spec: PlanSpec) -> PlanFigures:
    allocation = {year: (spec.allocation * growth).quantize(D(1)) for year, growth in zip(YEARS, _GROWTH)}
    target = {year: (allocation[year] * spec.target_share).quantize(D("0.1")) for year in YEARS}
    identified = {year: (target[year] * spec.coverage * (D(1) - D("0.06") * index)).quantize(D("0.1")) for index, year in enumerate(YEARS)}
    risk_adjusted = {year: identified[year] * D("0.78") for year in YEARS}
    delivery = None
    if spec.delivery:
        first = YEARS[0]
        planned = (identified[first] * D("0.5")).quantize(D("0.1"))
        delivery = DeliveryFigures(
            as_of=AS_OF,
            year=first,
            planned_to_date=planned,
            actual_to_date=(planned * D("0.88")).quantize(D("0.1")),
            forecast_outturn=(identified[first] * D("0.93")).quantize(D("0.1")),
            target=target[first],
        )
    return PlanFigures(years=YEARS, allocation=allocation, target=target, identified=identified, risk_adjusted=risk_adjusted, delivery=delivery)


def _inside(band: Band) -> D:
    """A plausible value inside a green band."""
    if band.min is not None and band.max is not None:
        return (band.min + band.max) / 2
    if band.min is not None:
        return band.min if band.min >= 100 else band.min * D("1.08")
    if band.max is not None:
        return band.max * D("0.8")
    return D(1)


def _default_finding(rule: RuleInfo, spec: PlanSpec) -> tuple[str, D | None, str, Location | None, list[str]]:
    """A green (or n/a) finding with the kind of value and message the metrics give."""
    file_line = 12 + sum(ord(ch) for ch in rule.id) % 60
    if rule.criterion == "delivery" and not spec.delivery:
        return "n/a", None, "no scheme gives delivery data yet: nothing to compare", None, []
    if rule.id == "TR03":
        return "n/a", None, "no scheme gives a monthly_profile", None, []
    if rule.criterion == "portfolio":
        return "green", None, "no other plan in the run conflicts with this one", None, []
    if rule.unit == "check":
        return "green", None, f"{rule.measures}: yes", Location(line=file_line, column=3, path="governance"), []
    if rule.unit == "count":
        return "green", D(4), f"{rule.measures}: 4", Location(line=file_line, column=3, path="schemes"), []
    if rule.unit == "ratio":
        return "green", D("1.0416666666666667"), "identified savings grow 1.04 times as fast as the target from 2014/15 to 2016/17", None, []
    value = _inside(rule.green)
    # Like the real metrics: share-of-value rules list the schemes behind the figure, up to 12 lines.
    schemes = ("Urgent care redesign", "Prescribing efficiency", "Referral management centre", "Falls response service",
               "Community anticoagulation clinic", "Estates rationalisation", "Care home medication review",
               "Specials and dressings formulary", "Shared back-office services", "Neonatal critical care network",
               "Continuing healthcare review", "Diabetes pathway redesign", "Musculoskeletal triage")
    lines = 12 if "share" in rule.measures else 3
    evidence = [
        f"scheme {spec.code}-{index + 1:02d} '{name}' saves {D(640) - 37 * index} in 2014/15: recorded in the plan with its stage and lead"
        for index, name in enumerate(schemes[:lines - 1])
    ] + ([f"... and {len(schemes) - lines + 1} more"] if lines < len(schemes) else [])
    message = (f"{rule.measures}: {value} in 2014/15 (£{D(5635) * value / 100:.1f}k of £5,635.4k), "
               f"the weakest year of the plan")
    return "green", value, message, Location(line=file_line, column=5, path=f"schemes[0].{rule.criterion}"), evidence


def _plan(spec: PlanSpec, catalogue: list[RuleInfo]) -> PlanResult:
    org = OrganisationInfo(code=spec.code, name=spec.name, type=spec.type, area_team=spec.area_team, region=spec.region)
    if spec.rating == "error":
        return PlanResult(file=spec.file, organisation=org, rating="error", errors=spec.errors)
    findings = []
    for rule in catalogue:
        if spec.type not in rule.applies_to:
            continue
        rating, value, message, location, evidence = _default_finding(rule, spec)
        if rule.id in spec.overrides:
            rating, value, message = spec.overrides[rule.id]
            evidence = [*evidence, f"checked against the {rule.id} bands"]
        waiver = None
        if rule.id in spec.waived:
            reason, approver, expires, would_be = spec.waived[rule.id]
            waiver = WaiverApplied(reason=reason, approved_by=approver, expires=expires, rating=would_be)
            rating = "waived"
        findings.append(Finding(rule=rule.id, rating=rating, value=value, message=message, location=location, evidence=evidence, waiver=waiver,
                                distance=spec.distances.get(rule.id)))
    figures = _figures(spec)
    critical = {rule.id: rule.critical for rule in catalogue}
    return PlanResult(file=spec.file, organisation=org, rating=spec.rating, findings=findings, figures=figures,
                      confidence=plan_confidence(spec.rating, findings, critical), shortfall=shortfall(figures),
                      waived=sum(1 for finding in findings if finding.rating == "waived"))


def _specs() -> list[PlanSpec]:
    waiver = ("Clinical lead recruited, starts in May", "Area team finance lead", dt.date(2014, 12, 31), "amber")
    return [
        PlanSpec("plans/north/02N-airedale.yaml", "02N", "NHS Airedale, Wharfedale and Craven", "north", "Q52", "green", delivery=True,
                 overrides={"DL01": ("green", D("96.4"), "actual savings to date are 96.4 % of those planned (£482k of £500k)"),
                            "DL02": ("green", D("101.2"), "forecast outturn is 101.2 % of the 2014/15 target")}),
        PlanSpec("plans/north/02V-leeds-north.yaml", "02V", "NHS Leeds North", "north", "Q52", "amber",
                 overrides={"TR07": ("amber", D("47.83"), "the largest scheme, S1 Urgent care redesign, is 47.83 % of 2014/15 identified savings"),
                            "GV07": ("amber", D("0.25"), "contingency of £750k is 0.25 % of the 2014/15 allocation")},
                 waived={"GV02": waiver}, distances={"TR07": Distance(to_green=D("0.35"), year="2014/15")}),
        PlanSpec("plans/north/00T-bolton.yaml", "00T", "NHS Bolton", "north", "Q46", "red", coverage=D("0.82"), delivery=True,
                 overrides={"SP02": ("red", D("77.08"), "identified savings are 77.08 % of the target in 2016/17 (the worst year)"),
                            "SP03": ("red", D("60.12"), "risk-adjusted savings are 60.12 % of the target in 2016/17"),
                            "DL01": ("amber", D("88"), "actual savings to date are 88 % of those planned"),
                            "DL02": ("amber", D("93"), "forecast outturn is 93 % of the 2014/15 target")},
                 distances={"SP02": Distance(to_green=D("1534.20"), to_amber=D("868.75"), year="2016/17"),
                            "SP03": Distance(to_green=D("2992.50"), to_amber=D("2326.05"), year="2016/17"),
                            "DL01": Distance(to_green=D("35.00"), year="2014/15")}),
        PlanSpec("plans/north/Q46-greater-manchester.yaml", "Q46", "Greater Manchester Area Team", "north", "Q46", "green", type="area_team",
                 allocation=D(120000)),
        PlanSpec("plans/london/07L-barking.yaml", "07L", "NHS Barking & Dagenham", "london", "Q71", "amber",
                 overrides={"QL01": ("amber", D("84.5"), "quality impact assessments are signed off for 84.5 % of first-year value"),
                            "TR06": ("amber", D("18.2"), "non-recurrent savings are 18.2 % of identified savings in 2015/16"),
                            "TR04": ("amber", D("91"), "91 % of first-year value has a complete baseline")},
                 distances={"QL01": Distance(to_green=D("312.40"), year="2014/15"), "TR06": Distance(to_green=D("460.00"), year="2015/16")}),
        PlanSpec("plans/london/07M-barnet.yaml", "07M", "NHS Barnet", "london", "Q71", "red",
                 overrides={"GV01": ("red", None, "no senior responsible owner is named (governance.senior_responsible_owner.name is blank)"),
                            "TR01": ("amber", D("6.45"), "the target is 6.45 % of the 2014/15 allocation")}),
        PlanSpec("plans/london/08H-islington.yaml", "08H", "NHS Islington", "london", "Q71", "error",
                 errors=[Problem(message="mapping values are not allowed here (is a colon missing a space after it, or is the text not quoted?)", line=14, column=22, path="schemes[1].name"),
                         Problem(message="unknown key `savigns`; did you mean `savings`?", line=31, column=5, path="schemes[2].savigns")]),
        PlanSpec("plans/south/09C-ashford.yaml", "09C", "NHS Ashford", "south", "Q67", "green", delivery=True,
                 overrides={"DL01": ("green", D("97.5"), "actual savings to date are 97.5 % of those planned"),
                            "DL02": ("green", D("100.4"), "forecast outturn is 100.4 % of the 2014/15 target"),
                            "DL03": ("green", D("0"), "no milestone due by 2014-09-30 is outstanding")}),
        PlanSpec("plans/south/10Y-aylesbury.yaml", "10Y", "NHS Aylesbury Vale", "south", "Q69", "amber",
                 overrides={"SP04": ("amber", D("62.3"), "62.3 % of first-year value is at stage planned or later")},
                 waived={"TR02": ("Year 3 schemes are being scoped with the acute trust", "Regional director of finance", dt.date(2015, 3, 31), "red")}),
        PlanSpec("plans/south/10Q-oxfordshire.yaml", "10Q", "NHS Oxfordshire", "south", "Q69", "error",
                 errors=[Problem(message="a financial year is written YYYY/YY with consecutive years, such as 2014/15; got '2014/16'", line=7, column=11, path="period[1]")]),
        PlanSpec("plans/midlands/06Q-mid-essex.yaml", "06Q", "NHS Mid Essex", "midlands_and_east", "Q57", "red", coverage=D("0.9"), delivery=True,
                 overrides={"SP03": ("red", D("70.2"), "risk-adjusted savings are 70.2 % of the target in 2016/17"),
                            "DL01": ("red", D("72"), "actual savings to date are 72 % of those planned"),
                            "QL04": ("red", D(2), "2 high risks lack a mitigation or an owner: S3 R1, S4 R2")},
                 distances={"SP03": Distance(to_green=D("1809.30"), to_amber=D("1190.45"), year="2016/17"),
                            "DL01": Distance(to_green=D("115.50"), to_amber=D("65.25"), year="2014/15")}),
        PlanSpec("plans/midlands/99E-basildon.yaml", "99E", "NHS Basildon and Brentwood", "midlands_and_east", "Q57", "green"),
    ]


def _waiver_records(plans: list[PlanResult], specs: list[PlanSpec]) -> list[WaiverRecord]:
    records = []
    for spec in specs:
        for rule_id, (reason, approver, expires, _) in spec.waived.items():
            records.append(WaiverRecord(rule=rule_id, plan=spec.code, reason=reason, approved_by=approver, expires=expires, status="applied", applied_to=[spec.file]))
    records.append(WaiverRecord(rule="GV06", plan="02V", reason="Register moved to the new system", approved_by="Head of governance", expires=dt.date(2014, 6, 30), status="expired"))
    records.append(WaiverRecord(rule="SP04", plan="03Z", reason="Merger pending", approved_by="Area team director", expires=dt.date(2015, 3, 31), status="unmatched"))
    return records


def _assessment(specs: list[PlanSpec], catalogue: list[RuleInfo], errors: list[Problem] | None = None, pack: str = PACK) -> Assessment:
    plans = [_plan(spec, catalogue) for spec in sorted(specs, key=lambda s: s.file)]
    summary, portfolio = summarise(plans)
    return Assessment(
        tool=ToolInfo(version="0.1.0"),
        as_of=AS_OF,
        rule_packs=[RulePackInfo(name=pack, source="rules/green-criteria.yaml", rules=len(catalogue))],
        rules=catalogue,
        waivers=_waiver_records(plans, specs),
        plans=plans,
        portfolio=portfolio,
        summary=summary,
        errors=errors or [],
    )


def sample_assessment() -> Assessment:
    return _assessment(_specs(), rules())


def large_assessment(count: int) -> Assessment:
    """``count`` plans cycling through the sample's shapes, each with its own file and code."""
    base = _specs()
    specs = []
    for index in range(count):
        spec = base[index % len(base)]
        specs.append(
            PlanSpec(
                file=f"plans/bulk/{index:05d}-{spec.file.rsplit('/', 1)[1]}",
                code=f"X{index:04d}",
                name=f"{spec.name} {index}",
                region=spec.region,
                area_team=spec.area_team,
                rating=spec.rating,
                type=spec.type,
                coverage=spec.coverage,
                overrides=spec.overrides,
                delivery=spec.delivery,
                waived=spec.waived,
                errors=spec.errors,
                distances=spec.distances,
            )
        )
    return _assessment(specs, rules())


def hostile_assessment(payload: str) -> Assessment:
    """Every text that reaches the report from an input file carries ``payload``."""
    waiver = (f"reason {payload}", f"approver {payload}", dt.date(2014, 12, 31), "red")
    specs = [
        PlanSpec(
            file=f"plans/{payload}.yaml",
            code=f"C{payload}",
            name=f"NHS {payload}",
            region=payload,
            area_team=f"A{payload}",
            rating="red",
            overrides={
                "SP02": ("red", D("50"), f"message {payload}"),
                "SP03": ("amber", D("95"), f"message {payload}"),
            },
            waived={"GV02": waiver},
            delivery=True,
        ),
        PlanSpec(
            file=f"plans/broken-{payload}.yaml",
            code="BRK",
            name=f"Broken {payload}",
            region="london",
            area_team="Q71",
            rating="error",
            errors=[Problem(message=f"error {payload}", line=3, column=4, path=f"schemes[0].{payload}")],
        ),
    ]
    catalogue = [rule.model_copy(update={"title": f"title {payload}", "rationale": f"rationale {payload}", "remediation": f"remedy {payload}", "basis": f"basis {payload}", "measures": f"measures {payload}"}) for rule in rules()]
    # The payload also becomes a rule id, evidence and a pack-level problem.
    catalogue.append(catalogue[0].model_copy(update={"id": f"R{payload}", "criterion": payload}))
    assessment = _assessment(specs, catalogue, errors=[Problem(message=f"pack {payload}", line=1, column=1, path=payload, file=f"rules/{payload}.yaml")], pack=payload)
    plans = []
    for plan in assessment.plans:
        findings = [finding.model_copy(update={"evidence": [f"evidence {payload}"]}) for finding in plan.findings]
        if plan.findings:
            findings.append(Finding(rule=f"R{payload}", rating="red", value=None, message=f"custom {payload}", location=Location(line=2, column=2, path=payload), evidence=[payload],
                                    distance=Distance(to_green=D(1), to_amber=D(1), year=payload)))
        figures = plan.figures
        if figures is not None:
            figures = figures.model_copy(update={"years": [*figures.years, payload], "target": {**figures.target, payload: D(5)}})
        organisation = plan.organisation.model_copy(update={"type": payload}) if plan.findings else plan.organisation
        gaps = {**plan.shortfall, payload: Shortfall(identified=D(5), risk_adjusted=D(5))} if plan.shortfall is not None else None
        plans.append(plan.model_copy(update={"findings": findings, "figures": figures, "organisation": organisation, "shortfall": gaps}))
    waivers = [*assessment.waivers, WaiverRecord(rule=payload, plan=payload, reason=payload, approved_by=payload, expires=AS_OF, status="unmatched")]
    return assessment.model_copy(update={"plans": plans, "waivers": waivers})


# ---------------------------------------------------------------- reading a rendered report back

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


@dataclass
class Element:
    tag: str
    attrs: dict[str, str | None]
    children: list["Element | str"] = field(default_factory=list)

    def text(self) -> str:
        return "".join(child if isinstance(child, str) else child.text() for child in self.children)

    def iter(self):
        yield self
        for child in self.children:
            if isinstance(child, Element):
                yield from child.iter()

    def find_all(self, tag: str | None = None, **attrs: str) -> list["Element"]:
        return [
            element
            for element in self.iter()
            if (tag is None or element.tag == tag) and all(element.attrs.get(key.rstrip("_")) == value for key, value in attrs.items())
        ]

    def by_id(self, element_id: str) -> "Element":
        found = [element for element in self.iter() if element.attrs.get("id") == element_id]
        assert len(found) == 1, f"{len(found)} elements with id {element_id!r}"
        return found[0]


def parse_html(text: str) -> Element:
    """A small DOM of the report (stdlib only), strict about unbalanced tags."""
    from html.parser import HTMLParser

    root = Element("#document", {})
    stack = [root]

    class Builder(HTMLParser):
        def handle_starttag(self, tag, attrs):
            element = Element(tag, dict(attrs))
            stack[-1].children.append(element)
            if tag not in VOID:
                stack.append(element)

        def handle_startendtag(self, tag, attrs):
            stack[-1].children.append(Element(tag, dict(attrs)))

        def handle_endtag(self, tag):
            if tag in VOID:
                return
            assert stack[-1].tag == tag, f"</{tag}> closes <{stack[-1].tag}>"
            stack.pop()

        def handle_data(self, data):
            stack[-1].children.append(data)

    builder = Builder(convert_charrefs=True)
    builder.feed(text)
    builder.close()
    assert stack == [root], f"unclosed elements: {[element.tag for element in stack[1:]]}"
    return root
