"""``--format sarif``: SARIF 2.1.0, shaped for GitHub code scanning.

One run; the driver lists every rule in force (with its measures, bands,
rationale, remediation and basis as help) and one tool rule, ``QIPP-ERROR``,
for input that could not be read.

- A red finding is a result of level ``error``, an amber one ``warning``.
  Green and ``n/a`` findings are not results (code scanning closes an alert
  when its result no longer appears).
- A waived finding is a result at the level it would have had, carrying an
  external suppression whose justification is the waiver's reason, so that
  code scanning shows it as dismissed rather than forgetting it.
- Every problem of a plan rated ``error``, and every problem of a rule pack,
  waivers or configuration file, is a ``QIPP-ERROR`` result at its file,
  line and column: results, not notifications, because only results appear
  as alerts on the file.  A problem that names no file (no plans found) is
  a tool execution notification instead, since code scanning drops results
  without a location.
- ``invocations[0].executionSuccessful`` is false when any input could not
  be read (exit code 2), and ``exitCode`` is the exit code of the run.

Fingerprints hash the rule, the plan file and the organisation code (and,
for problems, the path and message), never the line, so an alert survives
edits that move it.  Output is deterministic: no times, no absolute paths
that were not given.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from pathlib import PureWindowsPath
from typing import Any
from urllib.parse import quote

from ..results import Assessment, Band, Finding, PlanResult, Problem, RuleInfo, round_value
from . import RenderOptions
from .tally import Tally, tally
from .text import CONFIDENCE_LEGEND, bounds_text, rating_and_confidence
from .text import markdown_no_html as _md

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/qipp-rag/qipp-rag"
ERROR_RULE_ID = "QIPP-ERROR"
FINGERPRINT_KEY = "qippRagFinding/v1"
_WINDOWS_ABSOLUTE = re.compile(r"^[A-Za-z]:[\\/]")
LEVELS = {"red": "error", "amber": "warning"}
UNIT_SUFFIX = {"percent": " %", "ratio": "", "count": "", "check": ""}


RESULTS_MARK = "\u2063qipp-rag results go here\u2063"  # a placeholder no text of a plan is dumped as


def render(assessment: Assessment, options: RenderOptions = RenderOptions()) -> str:
    return "".join(chunks(assessment, options))


def chunks(assessment: Assessment, options: RenderOptions = RenderOptions()) -> Iterator[str]:
    """The log a plan's results at a time, as ``json.dumps(sarif_log(...), indent=2)`` writes it whole.

    The frame (rules, invocation, counts) is dumped with a placeholder for the results, from
    counts gathered in a first pass; each plan's results are dumped at the depth they sit at."""
    counts = tally(assessment.plans)
    log = _frame(assessment, options, counts, RESULTS_MARK)
    index = {rule["id"]: position for position, rule in enumerate(log["runs"][0]["tool"]["driver"]["rules"])}
    frame = json.dumps(log, indent=2, ensure_ascii=False) + "\n"
    before, after = frame.split(json.dumps(RESULTS_MARK, ensure_ascii=False))
    depth = "\n" + " " * 8  # the results list sits in runs[0]: its items at depth 4
    first = True
    for results in _plan_results(assessment, index):
        if not results:
            continue
        items = (depth + json.dumps(result, indent=2, ensure_ascii=False).replace("\n", depth) for result in results)
        yield (before + "[" if first else ",") + ",".join(items)
        first = False
    extra = [_problem_result(problem, problem.file, None, index) for problem in assessment.errors if problem.file]
    if extra:
        items = (depth + json.dumps(result, indent=2, ensure_ascii=False).replace("\n", depth) for result in extra)
        yield (before + "[" if first else ",") + ",".join(items)
        first = False
    yield (before + "[]" if first else "\n" + " " * 6 + "]") + after


def sarif_log(assessment: Assessment, options: RenderOptions = RenderOptions()) -> dict[str, Any]:
    """The whole log as one structure (every result in memory: for tests and small runs)."""
    counts = tally(assessment.plans)
    log = _frame(assessment, options, counts, [])
    run = log["runs"][0]
    index = {rule["id"]: position for position, rule in enumerate(run["tool"]["driver"]["rules"])}
    for results in _plan_results(assessment, index):
        run["results"].extend(results)
    run["results"].extend(
        _problem_result(problem, problem.file, None, index) for problem in assessment.errors if problem.file
    )
    return log


def _plan_results(assessment: Assessment, index: dict[str, int]) -> Iterator[list[dict[str, Any]]]:
    """Each plan's results, a plan at a time."""
    for plan in assessment.plans:
        if plan.rating == "error":
            yield [_problem_result(problem, plan.file, plan, index) for problem in plan.errors]
            continue
        results = []
        for finding in plan.findings:
            result = _finding_result(finding, plan, assessment.rule(finding.rule), index)
            if result is not None:
                results.append(result)
        yield results


def _frame(assessment: Assessment, options: RenderOptions, counts: Tally, results: Any) -> dict[str, Any]:
    rules = [_rule_descriptor(rule) for rule in assessment.rules]
    described = {rule.id for rule in assessment.rules}
    # A finding whose rule the assessment does not describe (a hand-edited JSON file) is still reported.
    for rule_id in sorted(counts.rules - described):
        rules.append({"id": rule_id, "shortDescription": {"text": rule_id}, "defaultConfiguration": {"level": "error"}})
    rules.append(_error_rule())
    index = {rule["id"]: position for position, rule in enumerate(rules)}
    notifications = [
        {
            "level": "error",
            "message": {"text": problem.message},
            "descriptor": {"id": ERROR_RULE_ID, "index": index[ERROR_RULE_ID]},
        }
        for problem in assessment.errors
        if not problem.file
    ]
    code = counts.exit_code(assessment, options.fail_on)
    invocation: dict[str, Any] = {"executionSuccessful": code != 2, "exitCode": code}
    if notifications:
        invocation["toolExecutionNotifications"] = notifications
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": assessment.tool.name,
                "version": assessment.tool.version,
                "semanticVersion": assessment.tool.version,
                "informationUri": INFORMATION_URI,
                "rules": rules,
            }
        },
        "invocations": [invocation],
        "columnKind": "unicodeCodePoints",
        "results": results,
        "properties": {
            "asOf": assessment.as_of.isoformat(),
            "failOn": options.fail_on,
            "ratings": counts.rating_counts(),
            "confidence": dict(assessment.summary.confidence),
            "confidenceLegend": CONFIDENCE_LEGEND,
        },
    }
    return {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}


# ---------------------------------------------------------------- rules


def describe_band(band: Band | None, unit: str) -> str:
    """A band as people read it: ``≥ 90 %``, ``1 to 5 %``, ``> 0 %``, ``any value``."""
    if band is None:
        return "none"
    text = bounds_text(band, suffix=UNIT_SUFFIX.get(unit, ""))
    # A yes/no or frequency check is banded on a score; say so rather than show a bare number.
    return f"score {text}" if unit == "check" and text != "any value" else text


def _unit_text(unit: str) -> str:
    return {"check": "a yes/no or frequency check, scored higher for better"}.get(unit, unit)


def _can_be_red(rule: RuleInfo) -> bool:
    amber = rule.amber
    return amber is None or any(bound is not None for bound in (amber.min, amber.max, amber.above, amber.below))


def _rule_descriptor(rule: RuleInfo) -> dict[str, Any]:
    green = describe_band(rule.green, rule.unit)
    amber = describe_band(rule.amber, rule.unit) if rule.amber is not None else "none (outside green is red)"
    red = "anything outside amber" if _can_be_red(rule) else "none"
    critical = (
        "Critical: a red result makes the plan red."
        if rule.critical
        else "Not critical: a red result makes the plan amber."
    )
    text = (
        f"Measures: {rule.measures} ({_unit_text(rule.unit)}).\n"
        f"Bands: green {green}; amber {amber}; red {red}.\n"
        f"{critical}\n"
        f"Why: {rule.rationale}\n"
        f"How to fix: {rule.remediation}"
    ) + (f"\nBasis: {rule.basis}" if rule.basis else "")
    markdown = (
        f"**{_md(rule.id)}: {_md(rule.title)}**\n\n"
        f"**Measures:** {_md(rule.measures)} ({_unit_text(rule.unit)})\n\n"
        f"| rating | band |\n|---|---|\n| green | {_md(green)} |\n| amber | {_md(amber)} |\n| red | {_md(red)} |\n\n"
        f"{critical}\n\n"
        f"**Why:** {_md(rule.rationale)}\n\n"
        f"**How to fix:** {_md(rule.remediation)}"
    ) + (f"\n\n**Basis:** {_md(rule.basis)}" if rule.basis else "")
    tags = ["qipp", rule.criterion] + (["critical"] if rule.critical else [])
    return {
        "id": rule.id,
        "name": _pascal(rule.title) or rule.id,
        "shortDescription": {"text": f"{rule.id}: {rule.title}"},
        "fullDescription": {"text": f"{rule.title}. Measures {rule.measures}."},
        "help": {"text": text, "markdown": markdown},
        "defaultConfiguration": {"level": "error" if _can_be_red(rule) else "warning"},
        "properties": {
            "tags": tags,
            "criterion": rule.criterion,
            "critical": rule.critical,
            "unit": rule.unit,
            "pack": rule.pack,
            "appliesTo": list(rule.applies_to),
        },
    }


def _error_rule() -> dict[str, Any]:
    text = (
        "A plan, rule pack, waivers or configuration file could not be read or does not match its format. "
        "The plan is rated error and is not assessed; the run exits 2."
    )
    remediation = (
        "Fix the file at the line and column given; `qipp-rag validate PATH` checks plans against the format "
        "without the rules."
    )
    return {
        "id": ERROR_RULE_ID,
        "name": "InputIsValid",
        "shortDescription": {"text": f"{ERROR_RULE_ID}: input file could not be read"},
        "fullDescription": {"text": text},
        "help": {"text": f"{text}\nHow to fix: {remediation}", "markdown": f"{text}\n\n**How to fix:** {remediation}"},
        "defaultConfiguration": {"level": "error"},
        "properties": {"tags": ["qipp", "input-error"], "criterion": "input", "critical": True},
    }


# ---------------------------------------------------------------- results


def _finding_result(
    finding: Finding, plan: PlanResult, rule: RuleInfo | None, index: dict[str, int]
) -> dict[str, Any] | None:
    rating = finding.waiver.rating if finding.rating == "waived" and finding.waiver else finding.rating
    level = LEVELS.get(rating)
    if level is None:
        return None
    title = rule.title if rule else finding.rule
    text = f"{_plan_label(plan)} ({rating_and_confidence(plan)}): {title}: {finding.message}"
    value = round_value(finding.value)
    if value is not None:
        text += f" (value {value}{UNIT_SUFFIX.get(rule.unit, '') if rule else ''})"
    location = finding.location
    result: dict[str, Any] = {
        "ruleId": finding.rule,
        "ruleIndex": index[finding.rule],
        "level": level,
        "message": {"text": text},
        "locations": [
            _location(
                plan.file,
                location.line if location else 1,
                location.column if location else 1,
                location.path if location else "",
            )
        ],
        "partialFingerprints": {
            FINGERPRINT_KEY: _fingerprint(finding.rule, _uri(plan.file), plan.organisation.code or "")
        },
        "properties": {
            "plan": _plan_properties(plan),
            "rating": finding.rating,
            "value": None if value is None else format(value, "f"),
        },
    }
    if finding.distance is not None:
        gap = finding.distance
        result["properties"]["distance"] = {
            "toGreen": format(gap.to_green, "f"),
            "toAmber": None if gap.to_amber is None else format(gap.to_amber, "f"),
            "year": gap.year,
        }
    if finding.rating == "waived" and finding.waiver is not None:
        waiver = finding.waiver
        result["suppressions"] = [
            {
                "kind": "external",
                "status": "accepted",
                "justification": waiver.reason,
                "properties": {
                    "approvedBy": waiver.approved_by,
                    "expires": waiver.expires.isoformat(),
                    "rating": waiver.rating,
                },
            }
        ]
    return result


def _problem_result(problem: Problem, file: str, plan: PlanResult | None, index: dict[str, int]) -> dict[str, Any]:
    owner = f"{_plan_label(plan)}: " if plan is not None else ""
    where = f" (at `{problem.path}`)" if problem.path else ""
    result: dict[str, Any] = {
        "ruleId": ERROR_RULE_ID,
        "ruleIndex": index[ERROR_RULE_ID],
        "level": "error",
        "message": {"text": f"{owner}{problem.message}{where}"},
        "locations": [_location(file, problem.line, problem.column, problem.path)],
        "partialFingerprints": {
            FINGERPRINT_KEY: _fingerprint(ERROR_RULE_ID, _uri(file), problem.path, problem.message)
        },
    }
    if plan is not None:
        result["properties"] = {"plan": _plan_properties(plan), "rating": "error"}
    return result


def _location(file: str, line: int, column: int, path: str) -> dict[str, Any]:
    uri = _uri(file)
    artifact: dict[str, Any] = {"uri": uri}
    if not uri.startswith("file:"):
        artifact["uriBaseId"] = "%SRCROOT%"
    location: dict[str, Any] = {
        "physicalLocation": {
            "artifactLocation": artifact,
            "region": {"startLine": max(1, line), "startColumn": max(1, column)},
        }
    }
    if path:
        location["logicalLocations"] = [{"fullyQualifiedName": path, "kind": "member"}]
    return location


def _uri(file: str) -> str:
    """A plan file as a URI reference: relative with forward slashes, percent-encoded;
    an absolute path becomes a ``file:`` URI."""
    if _WINDOWS_ABSOLUTE.match(file):  # C:\plans\x.yaml
        return "file:///" + quote(PureWindowsPath(file).as_posix(), safe="/:")
    posix = file.replace("\\", "/")
    if posix.startswith("/"):
        return "file://" + quote(posix, safe="/")
    while posix.startswith("./"):
        posix = posix[2:]
    return quote(posix, safe="/")


def _fingerprint(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def _plan_label(plan: PlanResult) -> str:
    org = plan.organisation
    if org.code and org.name:
        return f"{org.code} {org.name}"
    return org.code or plan.file


def _plan_properties(plan: PlanResult) -> dict[str, Any]:
    org = plan.organisation
    return {
        "file": plan.file,
        "code": org.code,
        "name": org.name,
        "rating": plan.rating,
        "confidence": plan.confidence,
        "waived": plan.waived,
    }


def _pascal(title: str) -> str:
    return "".join(word[:1].upper() + word[1:] for word in "".join(c if c.isalnum() else " " for c in title).split())


