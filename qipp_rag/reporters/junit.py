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
from collections.abc import Iterator
from typing import NamedTuple

from ..results import Assessment, Finding, PlanResult, Problem, RuleInfo, round_value
from . import RenderOptions
from .text import CONFIDENCE_LEGEND, rating_and_confidence

INPUTS_SUITE = "qipp-rag inputs (rule packs, waivers, configuration)"
# Everything XML 1.0 forbids: C0 controls except tab, LF, CR; surrogates; U+FFFE and U+FFFF.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
UNIT_SUFFIX = {"percent": " %"}
DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'
INDENT = "  "


class Element(NamedTuple):
    """One XML element of a suite, written by :func:`xml`."""

    tag: str
    attributes: list[tuple[str, str]]
    text: str | None = None
    children: list[Element] = []


def render(assessment: Assessment, options: RenderOptions = RenderOptions()) -> str:
    return "".join(chunks(assessment, options))


def chunks(assessment: Assessment, options: RenderOptions = RenderOptions()) -> Iterator[str]:
    """The document a suite at a time: the totals on the root element come from a first pass
    that counts each plan's cases, then each plan's suite is made and written in turn.

    The text is what ``ElementTree`` writes after ``indent(space="  ")``: attributes in the
    order given, ``/>`` after a space for an empty element, the same escaping."""
    totals = {"tests": 0, "failures": 0, "errors": 0}
    for plan in assessment.plans:
        tests, failures, errors = _plan_counts(plan, options)
        totals["tests"] += tests
        totals["failures"] += failures
        totals["errors"] += errors
    inputs = _inputs_suite(assessment.errors) if assessment.errors else None
    if inputs is not None:
        totals["tests"] += int(dict(inputs.attributes)["tests"])
        totals["errors"] += int(dict(inputs.attributes)["errors"])
    name = f"qipp-rag assessment as of {assessment.as_of.isoformat()}"
    root = [("name", xml_text(name)), *((key, str(value)) for key, value in totals.items())]
    if not len(assessment.plans) and inputs is None:
        yield DECLARATION + _start("testsuites", root) + " />\n"
        return
    yield DECLARATION + _start("testsuites", root) + ">"
    for plan in assessment.plans:
        yield "\n" + INDENT + xml(_plan_suite(plan, assessment, options), 1)
    if inputs is not None:
        yield "\n" + INDENT + xml(inputs, 1)
    yield "\n</testsuites>\n"


def xml(element: Element, level: int) -> str:
    """The element at indentation ``level``: children each on a line, indented by ``level + 1``."""
    out = [_start(element.tag, element.attributes)]
    if element.children:
        inner = "\n" + INDENT * (level + 1)
        out.append(">")
        out.extend(inner + xml(child, level + 1) for child in element.children)
        out.append("\n" + INDENT * level + f"</{element.tag}>")
    elif element.text:
        out.append(f">{_escape_text(element.text)}</{element.tag}>")
    else:
        out.append(" />")
    return "".join(out)


def _start(tag: str, attributes: list[tuple[str, str]]) -> str:
    return "<" + tag + "".join(f' {key}="{_escape_attribute(value)}"' for key, value in attributes)


def _escape_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _escape_attribute(text: str) -> str:
    return (
        _escape_text(text)
        .replace('"', "&quot;")
        .replace("\r", "&#13;")
        .replace("\n", "&#10;")
        .replace("\t", "&#09;")
    )


def xml_text(text: str) -> str:
    """Text that XML 1.0 can carry: forbidden characters become visible escapes."""
    return _NOT_XML.sub(
        lambda match: f"\\x{ord(match.group()):02x}" if ord(match.group()) < 0x100 else f"\\u{ord(match.group()):04x}",
        text,
    )


def _element(
    tag: str, attributes: dict[str, str] | None = None, text: str | None = None, children: list[Element] | None = None
) -> Element:
    if text is not None:  # XML readers turn CR LF into LF anyway; say so rather than leave a raw CR
        text = xml_text(text.replace("\r\n", "\n").replace("\r", "\n"))
    pairs = [(key, xml_text(value)) for key, value in (attributes or {}).items()]
    return Element(tag, pairs, text, children or [])


def _fails(rating: str, options: RenderOptions) -> bool:
    return rating == "red" or (rating == "amber" and options.fail_on == "amber")


def _plan_counts(plan: PlanResult, options: RenderOptions) -> tuple[int, int, int]:
    """The plan suite's (tests, failures, errors), as :func:`_plan_suite` will write them."""
    if plan.rating == "error":
        return 1, 0, 1
    return len(plan.findings), sum(1 for finding in plan.findings if _fails(finding.rating, options)), 0


def _plan_suite(plan: PlanResult, assessment: Assessment, options: RenderOptions) -> Element:
    org = plan.organisation
    properties = [
        _element("property", {"name": name, "value": value})
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
        )
        if value is not None
    ]
    classname = org.code or plan.file
    if plan.rating == "error":
        cases = [_error_case(classname, "QIPP-ERROR plan file is valid", plan.errors, plan.file)]
    else:
        cases = [
            _finding_case(classname, finding, assessment.rule(finding.rule), plan, options) for finding in plan.findings
        ]
    return _suite({"name": plan.file, "file": plan.file}, [_element("properties", None, None, properties)], cases)


def _inputs_suite(problems: list[Problem]) -> Element:
    by_file: dict[str, list[Problem]] = {}
    for problem in problems:
        by_file.setdefault(problem.file or "(command line)", []).append(problem)
    cases = [_error_case("qipp-rag", f"QIPP-ERROR {file} is valid", items, file) for file, items in by_file.items()]
    return _suite({"name": INPUTS_SUITE}, [], cases)


def _suite(attributes: dict[str, str], head: list[Element], cases: list[Element]) -> Element:
    counts = {"tests": len(cases), "failures": 0, "errors": 0, "skipped": 0}
    for case in cases:
        tags = {child.tag for child in case.children}
        counts["failures"] += "failure" in tags
        counts["errors"] += "error" in tags
        counts["skipped"] += "skipped" in tags
    suite = _element("testsuite", attributes, None, head + cases)
    return suite._replace(attributes=suite.attributes + [(key, str(value)) for key, value in counts.items()])


def _finding_case(
    classname: str, finding: Finding, rule: RuleInfo | None, plan: PlanResult, options: RenderOptions
) -> Element:
    title = rule.title if rule else ""
    detail = _detail(finding, rule, plan)
    rating = finding.rating
    if _fails(rating, options):
        inner = [_element("failure", {"type": rating, "message": finding.message}, detail)]
    elif rating == "n/a":
        inner = [_element("skipped", {"message": f"n/a: {finding.message}"})]
    elif rating == "waived":
        waiver = finding.waiver
        if waiver is not None:
            reason = (
                f"waived: {waiver.reason} (approved by {waiver.approved_by}, until "
                f"{waiver.expires.isoformat()}; would be {waiver.rating})"
            )
        else:
            reason = "waived"
        inner = [_element("skipped", {"message": reason}), _element("system-out", None, detail)]
    else:
        inner = [_element("system-out", None, f"{rating.upper()}: {detail}")]
    return _element("testcase", {"classname": classname, "name": f"{finding.rule} {title}".strip()}, None, inner)


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


def _error_case(classname: str, name: str, problems: list[Problem], file: str) -> Element:
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
    error = _element("error", {"type": "input-error", "message": message}, listing)
    return _element("testcase", {"classname": classname, "name": name}, None, [error])
