"""``--format junit``: JUnit XML for CI test reports (GitLab, Jenkins, Azure DevOps).

One ``testsuite`` per plan, named by its file; one ``testcase`` per rule
finding, with the organisation code as ``classname`` (codes hold no dots,
which Jenkins would split into packages) and "rule id + title" as ``name``.

- red: a ``failure`` (type ``red``);
- amber: a pass with its message kept in ``system-out``, or a ``failure``
  (type ``amber``) under ``--fail-on amber``;
- green: a pass, its message in ``system-out``;
- ``n/a`` and waived: ``skipped``, with the reason;
- a plan rated ``error``: one testcase whose ``error`` lists every problem
  with file, line and column;
- problems of rule packs, waivers or configuration files: a last suite,
  one testcase per file, each an ``error``.

Text is XML-escaped and characters XML 1.0 cannot hold (control characters)
are written as visible ``\\xNN`` escapes.  No timestamps or durations: the
same assessment gives the same bytes.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable

from ..results import Assessment, Finding, PlanResult, Problem, RuleInfo, round_value
from . import RenderOptions
from .text import CONFIDENCE_LEGEND, rating_and_confidence

INPUTS_SUITE = "qipp-rag inputs (rule packs, waivers, configuration)"
# Everything XML 1.0 forbids: C0 controls except tab, LF, CR; surrogates; U+FFFE and U+FFFF.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
UNIT_SUFFIX = {"percent": " %"}


def render(assessment: Assessment, options: RenderOptions = RenderOptions()) -> str:
    root = ET.Element("testsuites", {"name": f"qipp-rag assessment as of {assessment.as_of.isoformat()}"})
    suites = [_plan_suite(plan, assessment, options) for plan in assessment.plans]
    if assessment.errors:
        suites.append(_inputs_suite(assessment.errors))
    totals = {"tests": 0, "failures": 0, "errors": 0}
    for suite in suites:
        root.append(suite)
        for key in totals:
            totals[key] += int(suite.get(key, "0"))
    for key, value in totals.items():
        root.set(key, str(value))
    ET.indent(root, space="  ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def xml_text(text: str) -> str:
    """Text that XML 1.0 can carry: forbidden characters become visible escapes."""
    return _NOT_XML.sub(
        lambda match: f"\\x{ord(match.group()):02x}" if ord(match.group()) < 0x100 else f"\\u{ord(match.group()):04x}",
        text,
    )


def _element(tag: str, attributes: dict[str, str] | None = None, text: str | None = None) -> ET.Element:
    element = ET.Element(tag, {key: xml_text(value) for key, value in (attributes or {}).items()})
    if text is not None:  # XML readers turn CR LF into LF anyway; say so rather than leave a raw CR
        element.text = xml_text(text.replace("\r\n", "\n").replace("\r", "\n"))
    return element


def _plan_suite(plan: PlanResult, assessment: Assessment, options: RenderOptions) -> ET.Element:
    org = plan.organisation
    suite = _element("testsuite", {"name": plan.file, "file": plan.file})
    properties = ET.SubElement(suite, "properties")
    for name, value in (
        ("organisation.code", org.code),
        ("organisation.name", org.name),
        ("organisation.type", org.type),
        ("organisation.area_team", org.area_team),
        ("organisation.region", org.region),
        ("rating", plan.rating),
        ("confidence", plan.confidence),
        ("waived", None if plan.waived is None else str(plan.waived)),
        ("rating.shown", rating_and_confidence(plan)),
        ("confidence.legend", CONFIDENCE_LEGEND if plan.confidence else None),
        ("as_of", assessment.as_of.isoformat()),
    ):
        if value is not None:
            properties.append(_element("property", {"name": name, "value": value}))
    classname = org.code or plan.file
    if plan.rating == "error":
        cases = [_error_case(classname, "QIPP-ERROR plan file is valid", plan.errors, plan.file)]
    else:
        cases = [
            _finding_case(classname, finding, assessment.rule(finding.rule), plan, options) for finding in plan.findings
        ]
    _fill(suite, cases)
    return suite


def _inputs_suite(problems: list[Problem]) -> ET.Element:
    suite = _element("testsuite", {"name": INPUTS_SUITE})
    by_file: dict[str, list[Problem]] = {}
    for problem in problems:
        by_file.setdefault(problem.file or "(command line)", []).append(problem)
    _fill(
        suite, [_error_case("qipp-rag", f"QIPP-ERROR {file} is valid", items, file) for file, items in by_file.items()]
    )
    return suite


def _fill(suite: ET.Element, cases: Iterable[ET.Element]) -> None:
    counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for case in cases:
        suite.append(case)
        counts["tests"] += 1
        counts["failures"] += case.find("failure") is not None
        counts["errors"] += case.find("error") is not None
        counts["skipped"] += case.find("skipped") is not None
    for key, value in counts.items():
        suite.set(key, str(value))


def _finding_case(
    classname: str, finding: Finding, rule: RuleInfo | None, plan: PlanResult, options: RenderOptions
) -> ET.Element:
    title = rule.title if rule else ""
    case = _element("testcase", {"classname": classname, "name": f"{finding.rule} {title}".strip()})
    detail = _detail(finding, rule, plan)
    rating = finding.rating
    if rating == "red" or (rating == "amber" and options.fail_on == "amber"):
        case.append(_element("failure", {"type": rating, "message": finding.message}, detail))
    elif rating == "n/a":
        case.append(_element("skipped", {"message": f"n/a: {finding.message}"}))
    elif rating == "waived":
        waiver = finding.waiver
        if waiver is not None:
            reason = (
                f"waived: {waiver.reason} (approved by {waiver.approved_by}, until "
                f"{waiver.expires.isoformat()}; would be {waiver.rating})"
            )
        else:
            reason = "waived"
        case.append(_element("skipped", {"message": reason}))
        case.append(_element("system-out", None, detail))
    else:
        case.append(_element("system-out", None, f"{rating.upper()}: {detail}"))
    return case


def _detail(finding: Finding, rule: RuleInfo | None, plan: PlanResult) -> str:
    lines = [finding.message]
    value = round_value(finding.value)
    if value is not None:
        lines.append(f"value: {value}{UNIT_SUFFIX.get(rule.unit, '') if rule else ''}")
    location = finding.location
    if location is not None:
        lines.append(
            f"at: {plan.file}:{location.line}:{location.column}" + (f" ({location.path})" if location.path else "")
        )
    else:
        lines.append(f"plan: {plan.file}")
    lines.append(f"plan rating: {rating_and_confidence(plan)}")
    if rule is not None and finding.rating in ("red", "amber"):
        lines.append(f"how to fix: {rule.remediation}")
    return "\n".join(lines)


def _error_case(classname: str, name: str, problems: list[Problem], file: str) -> ET.Element:
    case = _element("testcase", {"classname": classname, "name": name})
    count = len(problems)
    message = (
        f"{count} problem{'s' if count != 1 else ''} in {file}: {problems[0].message}"
        if problems
        else f"{file} could not be read"
    )
    listing = "\n".join(
        f"{problem.file or file}:{problem.line}:{problem.column}: {problem.message}"
        + (f" ({problem.path})" if problem.path else "")
        for problem in problems
    )
    case.append(_element("error", {"type": "input-error", "message": message}, listing))
    return case
