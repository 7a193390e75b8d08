"""``--format github``: GitHub Actions workflow commands, one annotation a line.

- ``::error`` for every red finding and every problem of a plan rated
  ``error`` (and of a rule pack, waivers or configuration file);
- ``::warning`` for every amber finding;
- ``::notice`` for a waiver that expired or matched nothing, and one last
  notice with the counts by rating.

Green, ``n/a`` and waived findings make no annotation.  A finding with a
location annotates its line and column; one without annotates the file.
Data is escaped as the Actions toolkit does (``%``, CR, LF) and properties
also escape ``:`` and ``,``, so no message can end a command early or start
another; other control characters are written as visible ``\\xNN``.

:func:`render` is pure.  :func:`job_summary` renders the markdown for
``$GITHUB_STEP_SUMMARY``; ``qipp_rag.github_summary`` writes it.
GitHub shows at most 10 error and 10 warning annotations per step (50 per
job) on the run page; every one stays in the log, and the job summary lists
every plan.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..results import Assessment, Finding, PlanResult, Problem, RuleInfo, round_value
from . import RenderOptions
from .tally import Tally, tally
from .text import CONFIDENCE_LEGEND, markdown_entities, rating_and_confidence, waived_note

SUMMARY_LIMIT = 1_000_000  # bytes; GitHub rejects a step summary over 1 MiB
RATING_ICONS = {"green": "🟢", "amber": "🟠", "red": "🔴", "error": "⛔", "waived": "⚪", "n/a": "➖"}
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def render(assessment: Assessment, options: RenderOptions = RenderOptions()) -> str:
    return "".join(chunks(assessment, options))


def chunks(assessment: Assessment, options: RenderOptions = RenderOptions()) -> Iterator[str]:
    """Each plan's annotations as a piece (every line ends with a newline), then the rest; the counts
    for the last notice are gathered as the plans go by."""
    counts = Tally()
    for plan in assessment.plans:
        counts.add(plan)
        if plan.rating == "error":
            lines = [_problem_command(problem, plan.file, _plan_label(plan)) for problem in plan.errors]
        else:
            found = (_finding_command(finding, plan, assessment.rule(finding.rule)) for finding in plan.findings)
            lines = [command for command in found if command]
        if lines:
            yield "\n".join(lines) + "\n"
    lines = [_problem_command(problem, problem.file, None) for problem in assessment.errors]
    for waiver in assessment.waivers:
        if waiver.status == "expired":
            lines.append(
                command_line(
                    "notice",
                    {"title": f"Waiver expired: {waiver.rule} for {waiver.plan}"},
                    (
                        f"the waiver of {waiver.rule} for {waiver.plan} expired on {waiver.expires.isoformat()} and no "
                        f"longer applies ({waiver.reason})"
                    ),
                )
            )
        elif waiver.status == "unmatched" and waiver.warning:  # a likely typo: a warning, with the nearest match
            lines.append(
                command_line(
                    "warning",
                    {"title": f"Waiver matches nothing: {waiver.rule} for {waiver.plan}"},
                    (f"the waiver of {waiver.rule} for {waiver.plan} matches no finding in this run: {waiver.warning}"),
                )
            )
        elif waiver.status == "unmatched":
            lines.append(
                command_line(
                    "notice",
                    {"title": f"Waiver matches nothing: {waiver.rule} for {waiver.plan}"},
                    f"the waiver of {waiver.rule} for {waiver.plan} matches no finding in this run",
                )
            )
        elif waiver.status == "refused":
            title = f"Waiver refused: {waiver.rule} for {waiver.plan}"
            message = (
                f"the waiver of {waiver.rule} for {waiver.plan} is refused and not applied: "
                f"{waiver.refused_because}"
            )
            lines.append(command_line("warning", {"title": title}, message))
    lines.append(command_line("notice", {"title": "qipp-rag"}, _counts_sentence(assessment, counts)))
    yield "\n".join(lines) + "\n"


def escape_data(text: str) -> str:
    """A command's message, as the Actions toolkit escapes it."""
    return _visible(text).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A command's property value (file, title): data escaping plus ``:`` and ``,``."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command_line(command: str, properties: dict[str, str | int | None], message: str) -> str:
    props = ",".join(f"{key}={escape_property(str(value))}" for key, value in properties.items() if value is not None)
    return f"::{command} {props}::{escape_data(message)}" if props else f"::{command}::{escape_data(message)}"


def _visible(text: str) -> str:
    return _CONTROL.sub(lambda match: f"\\x{ord(match.group()):02x}", text)


def _finding_command(finding: Finding, plan: PlanResult, rule: RuleInfo | None) -> str | None:
    command = {"red": "error", "amber": "warning"}.get(finding.rating)
    if command is None:
        return None
    title = f"{finding.rule} {rule.title if rule else ''}".strip() + f" ({finding.rating})"
    message = f"{_plan_label(plan)} ({rating_and_confidence(plan)}): {finding.message}"
    value = round_value(finding.value)
    if value is not None:
        message += f" (value {value}{' %' if rule and rule.unit == 'percent' else ''})"
    if rule is not None:
        message += f"\nHow to fix: {rule.remediation}"
    location = finding.location
    return command_line(
        command,
        {
            "file": _path(plan.file),
            "line": location.line if location else None,
            "col": location.column if location else None,
            "title": title,
        },
        message,
    )


def _problem_command(problem: Problem, file: str | None, label: str | None) -> str:
    message = f"{label}: {problem.message}" if label else problem.message
    if problem.path:
        message += f" (at {problem.path})"
    properties: dict[str, str | int | None] = {"title": "qipp-rag: input error"}
    if file:
        properties = {"file": _path(file), "line": max(1, problem.line), "col": max(1, problem.column), **properties}
    return command_line("error", properties, message)


def _path(file: str) -> str:
    posix = re.sub(r"\\(?!x[0-9a-f]{2})", "/", file)  # a Windows separator, not an undecodable byte's escape
    while posix.startswith("./"):
        posix = posix[2:]
    return posix


def _plan_label(plan: PlanResult) -> str:
    org = plan.organisation
    if org.code and org.name:
        return f"{org.code} {org.name}"
    return org.code or plan.file


def _counts_sentence(assessment: Assessment, tallied: Tally) -> str:
    counts = tallied.rating_counts()
    plans = tallied.plans
    parts = ", ".join(f"{count} {rating}" for rating, count in counts.items() if count)
    return f"{plans} plan{'s' if plans != 1 else ''} assessed as of {assessment.as_of.isoformat()}" + (
        f": {parts}" if parts else ""
    )


# ---------------------------------------------------------------- job summary


def job_summary(assessment: Assessment, options: RenderOptions = RenderOptions()) -> str:
    """Markdown for ``$GITHUB_STEP_SUMMARY``: the verdict, counts, every plan, and what to act on.

    All text from plans is entity-escaped, so no plan can add markup, links
    or mentions to the summary.  Kept under GitHub's 1 MiB limit by dropping
    the per-finding details first.
    """
    counts = tally(assessment.plans)
    head = _summary_head(assessment, options, counts)
    details = _summary_details(assessment)
    text = head + details
    if len(text.encode("utf-8")) > SUMMARY_LIMIT:
        text = head + (
            "\n_Details of each finding are left out to keep this summary within GitHub's size limit; see the "
            "HTML, JUnit or SARIF report._\n"
        )
    if len(text.encode("utf-8")) > SUMMARY_LIMIT:
        text = (
            _summary_verdict(assessment, options, counts)
            + "\n_The plan table is left out to keep this summary within GitHub's size limit._\n"
        )
    return text


def md(text: str | None) -> str:
    """Plan text made inert in GitHub markdown (also inside table cells)."""
    if text is None:
        return ""
    return markdown_entities(text, _visible)


def _summary_verdict(assessment: Assessment, options: RenderOptions, counts: Tally) -> str:
    code = counts.exit_code(assessment, options.fail_on)
    if code == 2:
        verdict = "⛔ **Input errors**: some files could not be read (exit 2)."
    elif counts.gate_fails(options.fail_on):
        verdict = f"❌ **Gate failed**: at least one plan is rated {options.fail_on} or worse (exit 1)."
    else:
        verdict = f"✅ **Gate passed** (fail on {options.fail_on})."
    return f"## qipp-rag: QIPP plan assessment\n\n{verdict} {md(_counts_sentence(assessment, counts))}.\n"


def _summary_head(assessment: Assessment, options: RenderOptions, counts: Tally) -> str:
    out = [_summary_verdict(assessment, options, counts), "| rating | plans |", "|---|---:|"]
    out += [f"| {RATING_ICONS[rating]} {rating} | {count} |" for rating, count in counts.rating_counts().items()]
    out += ["", "| plan | organisation | rating | confidence | red | amber | waived |", "|---|---|---|---|---|---|---|"]
    for plan in assessment.plans:
        by_rating: dict[str, list[str]] = {"red": [], "amber": [], "waived": []}
        for finding in plan.findings:
            if finding.rating in by_rating:
                by_rating[finding.rating].append(finding.rule)
        org = plan.organisation
        organisation = " ".join(part for part in (org.code, org.name) if part)
        out.append(
            f"| {md(plan.file)} | {md(organisation)} | {RATING_ICONS[plan.rating]} {plan.rating}{waived_note(plan)} | "
            f"{md(plan.confidence or '')} | "
            + " | ".join(md(", ".join(rules)) for rules in by_rating.values())
            + " |"
        )
    out += ["", md(CONFIDENCE_LEGEND)]
    return "\n".join(out) + "\n"


def _summary_details(assessment: Assessment) -> str:
    out: list[str] = []
    for plan in assessment.plans:
        rows: list[str] = []
        if plan.rating == "error":
            rows = [f"| ⛔ error | {md(f'{plan.file}:{p.line}:{p.column}')} | {md(p.message)} |" for p in plan.errors]
            header = "| rating | where | problem |\n|---|---|---|"
        else:
            for finding in plan.findings:
                if finding.rating not in ("red", "amber", "waived"):
                    continue
                rule = assessment.rule(finding.rule)
                value = round_value(finding.value)
                where = (
                    f"{plan.file}:{finding.location.line}:{finding.location.column}" if finding.location else plan.file
                )
                note = f" (waived: {finding.waiver.reason})" if finding.waiver else ""
                rows.append(
                    f"| {md(finding.rule)} {md(rule.title if rule else '')} | {RATING_ICONS[finding.rating]} "
                    f"{finding.rating} | "
                    f"{'' if value is None else value} | {md(finding.message + note)} | {md(where)} |"
                )
            header = "| rule | rating | value | finding | where |\n|---|---|---:|---|---|"
        if rows:
            label = md(_plan_label(plan))
            shown = plan.rating + waived_note(plan) + (f", confidence {plan.confidence}" if plan.confidence else "")
            out += [
                "",
                f"<details><summary>{RATING_ICONS[plan.rating]} {label}: {md(shown)}</summary>",
                "",
                header,
                *rows,
                "",
                "</details>",
            ]
    problems = assessment.errors
    if problems:
        out += ["", "### Rule packs, waivers and configuration", ""]
        out += [f"- ⛔ {md(_where(p))}: {md(p.message)}" for p in problems]
    return ("\n### Findings to act on\n" + "\n".join(out) + "\n") if out else ""


def _where(problem: Problem) -> str:
    return f"{problem.file or 'command line'}:{problem.line}:{problem.column}"
