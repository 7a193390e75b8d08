"""Assessments built directly in Python, for the tests of the CI formats and of diff.

They cover what a CI report must get right: green, amber, red and error
plans, ``n/a`` and waived findings, findings with and without a location,
problems outside plan files, and (in :func:`hostile_assessment`) text that
must be escaped: commas, colons, percent signs, newlines, control
characters, markup and spreadsheet formulas.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal

from qipp_rag.results import (
    Assessment,
    Band,
    Finding,
    GroupSummary,
    Location,
    OrganisationInfo,
    PlanFigures,
    PlanResult,
    Portfolio,
    Problem,
    RuleInfo,
    RulePackInfo,
    ToolInfo,
    WaiverApplied,
    WaiverRecord,
)

D = Decimal
AS_OF = dt.date(2014, 6, 30)


def _rule(rule_id: str, title: str, criterion: str, measures: str, unit: str, critical: bool, green: Band, amber: Band | None, **texts: str) -> RuleInfo:
    return RuleInfo(
        id=rule_id,
        title=title,
        criterion=criterion,
        measures=measures,
        unit=unit,
        critical=critical,
        applies_to=["ccg", "area_team"],
        green=green,
        amber=amber,
        rationale=texts.get("rationale", f"Why {rule_id} matters to assurance."),
        remediation=texts.get("remediation", f"What to change in the plan to meet {rule_id}."),
        basis=texts.get("basis", ""),
        pack="green-criteria",
    )


RULES: list[RuleInfo] = [
    _rule("SP01", "A savings plan exists", "savings_plan", "count of live schemes", "count", True, Band(min=D(1)), None, basis="2013-14 assurance: checking CCGs have a savings plan"),
    _rule("SP02", "Identified savings cover the target", "savings_plan", "identified savings ÷ target, worst year", "percent", True, Band(min=D(100)), Band(min=D(90)), basis="DH green criterion"),
    _rule("GV01", "Senior responsible owner named", "governance", "senior responsible owner named", "check", True, Band(min=D(1)), None),
    _rule("GV02", "Programme clinical lead named", "governance", "programme clinical lead named", "check", False, Band(min=D(1)), Band()),
    _rule("GV07", "Contingency held", "governance", "contingency ÷ first-year allocation", "percent", False, Band(min=D("0.5")), Band(above=D(0))),
    _rule("TR01", "Target is realistic", "trajectory", "target ÷ allocation, worst year", "percent", True, Band(min=D(1), max=D(5)), Band(max=D(7))),
    _rule("TR02", "No hockey stick", "trajectory", "growth of identified savings beyond the growth of the target", "ratio", True, Band(max=D("1.5")), Band(max=D("2.5"))),
    _rule("DL01", "Delivery to date", "delivery", "actual ÷ planned savings to date", "percent", True, Band(min=D(95)), Band(min=D(85))),
]
RULE_IDS = [rule.id for rule in RULES]


def finding(rule: str, rating: str, value: str | None = None, message: str | None = None, *, line: int | None = None, column: int = 1, path: str = "", waiver: WaiverApplied | None = None) -> Finding:
    return Finding(
        rule=rule,
        rating=rating,  # type: ignore[arg-type]
        value=None if value is None else D(value),
        message=message if message is not None else f"{rule} is {rating}",
        location=None if line is None else Location(line=line, column=column, path=path),
        waiver=waiver,
    )


def organisation(code: str | None, name: str | None, *, type: str = "ccg", area_team: str | None = "Q52", region: str | None = "north") -> OrganisationInfo:
    return OrganisationInfo(code=code, name=name, type=type, area_team=area_team if type == "ccg" else None, region=region)


def plan(file: str, org: OrganisationInfo, rating: str, findings: Sequence[Finding], figures: PlanFigures | None = None) -> PlanResult:
    return PlanResult(file=file, organisation=org, rating=rating, findings=list(findings), figures=figures)  # type: ignore[arg-type]


def error_plan(file: str, problems: Sequence[Problem], org: OrganisationInfo | None = None) -> PlanResult:
    return PlanResult(file=file, organisation=org or OrganisationInfo(), rating="error", errors=list(problems))


def figures(allocation: str, target: str, identified: str, risk_adjusted: str, year: str = "2014/15") -> PlanFigures:
    return PlanFigures(
        years=[year],
        allocation={year: D(allocation)},
        target={year: D(target)},
        identified={year: D(identified)},
        risk_adjusted={year: D(risk_adjusted)},
    )


def assessment(plans: Iterable[PlanResult], *, as_of: dt.date = AS_OF, errors: Sequence[Problem] = (), waivers: Sequence[WaiverRecord] = (), rules: Sequence[RuleInfo] = RULES) -> Assessment:
    plans = list(plans)
    ratings = {rating: sum(1 for p in plans if p.rating == rating) for rating in ("green", "amber", "red", "error")}
    summary = GroupSummary(key="national", plans=len(plans), ratings=ratings, totals={})
    return Assessment(
        tool=ToolInfo(version="0.1.0"),
        as_of=as_of,
        rule_packs=[RulePackInfo(name="green-criteria", source="rules/green-criteria.yaml", rules=len(rules))],
        rules=list(rules),
        waivers=list(waivers),
        plans=plans,
        portfolio=Portfolio(),
        summary=summary,
        errors=list(errors),
    )


GV07_WAIVER = WaiverApplied(reason="Contingency agreed with the area team, held centrally", approved_by="Area team finance lead", expires=dt.date(2014, 9, 30), rating="amber")


def green_plan() -> PlanResult:
    return plan(
        "plans/north/02N.yaml",
        organisation("02N", "NHS Airedale, Wharfedale and Craven CCG"),
        "green",
        [
            finding("SP01", "green", "4", "4 live schemes"),
            finding("SP02", "green", "104.5", "identified savings are 104.50 % of the target in the worst year, 2014/15"),
            finding("GV01", "green", None, "senior responsible owner: Jane Hart", line=20, column=5, path="governance.senior_responsible_owner"),
            finding("GV02", "green", None, "clinical lead: Dr A. Khan", line=23, column=5, path="governance.clinical_lead"),
            finding("GV07", "green", "0.61", "contingency is 0.61 % of the 2014/15 allocation", line=31, column=18, path="governance.contingency"),
            finding("TR01", "green", "2.4", "target is 2.40 % of the allocation in 2014/15"),
            finding("TR02", "green", "1.1", "identified savings grow 1.10 times as fast as the target"),
            finding("DL01", "n/a", None, "no scheme has delivery figures yet"),
        ],
        figures("385000", "9240", "9656", "8100"),
    )


def amber_plan() -> PlanResult:
    return plan(
        "plans/south/09C.yaml",
        organisation("09C", "NHS Ashford CCG", area_team="Q67", region="south"),
        "amber",
        [
            finding("SP01", "green", "3", "3 live schemes"),
            finding("SP02", "green", "100", "identified savings are 100.00 % of the target in the worst year, 2014/15"),
            finding("GV01", "green", None, "senior responsible owner: Sam Lee", line=18, column=5, path="governance.senior_responsible_owner"),
            finding("GV02", "amber", None, "no programme clinical lead is named", line=17, column=3, path="governance"),
            finding("GV07", "waived", "0.2", "contingency is 0.20 % of the 2014/15 allocation", line=29, column=18, path="governance.contingency", waiver=GV07_WAIVER),
            finding("TR01", "green", "3", "target is 3.00 % of the allocation in 2014/15"),
            finding("TR02", "amber", "1.8", "identified savings grow 1.80 times as fast as the target"),
            finding("DL01", "n/a", None, "no scheme has delivery figures yet"),
        ],
        figures("190000", "5700", "5700", "4400"),
    )


def red_plan() -> PlanResult:
    return plan(
        "plans/london/07L.yaml",
        organisation("07L", "NHS Barking & Dagenham CCG", area_team="Q71", region="london"),
        "red",
        [
            finding("SP01", "green", "2", "2 live schemes"),
            finding("SP02", "red", "85.5", "identified savings are 85.50 % of the target in the worst year, 2015/16", line=9, column=3, path="target.2015/16"),
            finding("GV01", "red", None, "no senior responsible owner is named"),
            finding("GV02", "green", None, "clinical lead: Dr B. Osei", line=15, column=5, path="governance.clinical_lead"),
            finding("GV07", "red", "0", "no contingency is held", line=14, column=3, path="governance"),
            finding("TR01", "amber", "5.5", "target is 5.50 % of the allocation in 2014/15"),
            finding("TR02", "green", "1.2", "identified savings grow 1.20 times as fast as the target"),
            finding("DL01", "n/a", None, "no scheme has delivery figures yet"),
        ],
        figures("250000", "13750", "11756.25", "9000"),
    )


def broken_plan() -> PlanResult:
    return error_plan(
        "plans/north/03Q.yaml",
        [
            Problem(message="unknown key `alocation`; did you mean `allocation`?", line=6, column=1, path="alocation"),
            Problem(message="`target` gives no value for 2016/17; it must cover every year of `period`", line=11, column=1, path="target"),
        ],
        organisation("03Q", None),
    )


def mixed_assessment() -> Assessment:
    """Four plans in path order: red (london), green (north/02N), error (north/03Q), amber (south)."""
    return assessment([red_plan(), green_plan(), broken_plan(), amber_plan()])


def clean_assessment() -> Assessment:
    """Green and amber only: the gate passes at --fail-on red."""
    return assessment([green_plan(), amber_plan()])


def hostile_assessment() -> Assessment:
    """Text that every format must escape rather than obey."""
    evil_org = organisation("05A", "=HYPERLINK(\"http://x\",\"click\"), 100%: ok", area_team="Q58", region="midlands_and_east")
    return assessment(
        [
            plan(
                "plans/odd name, with: colon%.yaml",
                evil_org,
                "red",
                [
                    finding("SP02", "red", "-12.5", "line one, with: colon and 50%\r\nline two <b>&amp;</b> \"quoted\" ]]>", line=3, column=7, path="target"),
                    finding("GV01", "red", None, "+cmd|' /C calc'!A0\x07 bell \x1b[31m escape \x00 nul"),
                    finding("GV02", "amber", None, "@SUM(1+1) | pipe `tick` *star* #hash"),
                    finding("TR01", "waived", "9", "-2+3", waiver=WaiverApplied(reason="\tTab-led reason, with = sign", approved_by="=evil()", expires=dt.date(2014, 12, 31), rating="red")),
                    finding("DL01", "n/a", None, "\u2028separator and émoji 🟢 text"),
                ],
            ),
            error_plan("plans/bad%0Aname.yaml", [Problem(message="::error::injected\nsecond", line=2, column=3, path="organisation")]),
        ],
        errors=[Problem(message="waiver 2 has no `reason`", line=4, column=5, path="waivers[1]", file="waivers.yaml")],
    )


# ---------------------------------------------------------------- real runs of the CLI

BROKEN_PLAN = """qipp_plan: 1
organisation:
  code: '99X'
  name: NHS Broken
  type: ccg
  area_team: 'Q52'
  region: north
period: [2014/15]
alocation: {2014/15: 1000}
target: {2014/15: 10}
"""
BROKEN_LINE = 9  # the line of `alocation`


def real_run(workdir, cli, *extra: str):
    """Assess a copy of the example plans plus one broken plan, writing every CI format.

    Returns (completed process, {format: Path}); paths in the outputs are relative
    to ``workdir``.  Skips when the example plans are not in the checkout.
    """
    import shutil
    from pathlib import Path

    examples = Path(__file__).resolve().parents[1] / "plans"
    assert any(examples.rglob("*.yaml")), f"no example plans under {examples}"
    workdir = Path(workdir)
    shutil.copytree(examples, workdir / "plans")
    (workdir / "plans" / "zz-broken").mkdir()
    (workdir / "plans" / "zz-broken" / "99X.yaml").write_text(BROKEN_PLAN, encoding="utf-8")
    outputs = {name: workdir / f"out.{name}" for name in ("json", "sarif", "junit", "csv", "github")}
    reports = [arg for name, path in outputs.items() if name != "json" for arg in ("--report", f"{name}:{path.name}")]
    result = cli("assess", "plans", "--as-of", "2014-09-30", "--format", "json", *reports, *extra, cwd=workdir)
    outputs["json"].write_text(result.stdout, encoding="utf-8")
    return result, outputs
