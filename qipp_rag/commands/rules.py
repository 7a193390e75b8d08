"""`qipp-rag rules [ID]`: the rules in force, or everything about one of them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import typer

from ..options import DEBUG, RULES
from ..reporters.text import bounds_text, exact
from ..vocabulary import CRITERION_LABELS
from ._options import takes

if TYPE_CHECKING:
    from ..results import Band, Problem, RuleInfo

EXIT_INPUT = 2
UNIT_WORDS = {"percent": "%", "ratio": "", "count": "", "check": ""}
OPTIONS = (RULES.but(help="A rule pack file or folder; repeatable (as for `assess`)."), DEBUG)


def register(app: typer.Typer) -> None:
    @app.command("rules")
    @takes(*OPTIONS)
    def rules_command(
        rule_id: str | None = typer.Argument(
            None,
            metavar="[ID]",
            help="A rule id to explain; without it, every rule in force is listed.",
            show_default=False,
        ),
        **values: Any,
    ) -> None:
        """List the rules of the packs in force, or show one: what it measures, thresholds, rationale,
        remediation, basis."""
        raise typer.Exit(run(rule_id, list(values["rules"] or [])))


def band_words(band: Band | None, unit: str) -> str:
    """A band as a reader says it: ``≥ 90 %``, ``1 to 5 %``, ``> 0``, ``any value``."""
    if band is None:
        return "—"
    suffix = f" {UNIT_WORDS.get(unit, '')}".rstrip()
    return bounds_text(band, exact, suffix)


def thresholds(rule: RuleInfo) -> list[str]:
    green = band_words(rule.green, rule.unit)
    lines = [f"green: {green}"]
    if rule.amber is None:
        lines.append("amber: — (anything not green is red)")
        lines.append("red: anything else")
    else:
        lines.append(f"amber: {band_words(rule.amber, rule.unit)}, when not green")
        lines.append(
            "red: anything else"
            if band_words(rule.amber, rule.unit) != "any value"
            else "red: — (never; anything not green is amber)"
        )
    if rule.unit == "check":
        lines.append("(a yes/no or frequency check: banded on a score; findings show no value, and say what was found)")
    return lines


def _load(paths: list[str]):  # -> tuple[Rulebook, list[Problem]]
    """The packs in force: those given, else those the configuration file names, else the shipped pack."""
    import os

    from ..config import load_config
    from ..reporters.text import visible
    from ..rulebook.packs import load_rulebook

    problems: list[Problem] = []
    if not paths:
        configured, problems = load_config(os.getcwd())
        configured_rules = configured.get("rules") or []
        paths = [configured_rules] if isinstance(configured_rules, str) else [str(path) for path in configured_rules]
    rulebook, pack_problems = load_rulebook(paths)
    problems = [*problems, *pack_problems]
    for problem in problems:
        place = f"{problem.file or ''}:{problem.line}:{problem.column}" if problem.line else (problem.file or "")
        typer.echo(visible(f"{place}: error: {problem.message}"), err=True)
    return rulebook, problems


def run(rule_id: str | None, paths: list[str]) -> int:
    import difflib

    rulebook, problems = _load(paths)
    infos = rulebook.infos()
    if rule_id is None:
        _list(infos, [f"{pack.name} ({pack.source}, {pack.rules} rules)" for pack in rulebook.packs])
        return EXIT_INPUT if problems else 0
    wanted = next((info for info in infos if info.id == rule_id), None) or next(
        (info for info in infos if info.id.upper() == rule_id.upper()), None
    )
    if wanted is None:
        near = difflib.get_close_matches(rule_id.upper(), [info.id for info in infos], n=3, cutoff=0.4)
        hint = f"; did you mean {', '.join(near)}?" if near else "; `qipp-rag rules` lists them"
        typer.echo(f"qipp-rag rules: no rule {rule_id!r} in force{hint}", err=True)
        return EXIT_INPUT
    _print(explain(wanted, rulebook.origin.get(wanted.id, "")).split("\n"))
    return EXIT_INPUT if problems else 0


def _print(lines: list[str]) -> None:
    """Lines on standard output as UTF-8 whatever the locale, pack text's control characters shown escaped."""
    from ..output_files import write_stdout
    from ..reporters.text import visible

    write_stdout("".join(visible(line) + "\n" for line in lines))


def _list(infos: list[RuleInfo], packs: list[str]) -> None:
    rows = [("ID", "Criterion", "Critical", "Green", "Amber", "Title")]
    for info in infos:
        amber = band_words(info.amber, info.unit) if info.amber is not None else "—"
        rows.append(
            (
                info.id,
                CRITERION_LABELS.get(info.criterion, info.criterion),
                "yes" if info.critical else "",
                band_words(info.green, info.unit),
                amber,
                info.title,
            )
        )
    widths = [max(len(row[column]) for row in rows) for column in range(5)]
    lines = [f"Rule packs in force: {'; '.join(packs) or 'none'}", ""]
    lines += [
        "  ".join(cell.ljust(width) for cell, width in zip(row[:5], widths, strict=False)) + "  " + row[5]
        for row in rows
    ]
    lines += ["", f"{len(infos)} rules; `qipp-rag rules ID` explains one. Red is anything outside green and amber."]
    _print(lines)


def explain(info: RuleInfo, pack: str) -> str:
    applies = " and ".join("CCGs" if kind == "ccg" else "area teams" for kind in info.applies_to)
    lines = [
        f"{info.id}: {info.title}",
        "",
        "Criterion:   "
        f"{CRITERION_LABELS.get(info.criterion, info.criterion)}"
        f"{' (critical: a red result makes the plan red)' if info.critical else ''}",
        f"Applies to:  {applies}",
        f"Measures:    {info.measures}",
        f"Unit:        {info.unit}",
        "Thresholds:  " + "\n             ".join(thresholds(info)),
        f"Pack:        {pack or info.pack}",
        "",
        "Why it matters:",
        _indent(info.rationale),
        "",
        "How to put it right:",
        _indent(info.remediation),
    ]
    if info.basis:
        lines += ["", "Basis:", _indent(info.basis)]
    return "\n".join(lines)


def _indent(text: str) -> str:
    import textwrap

    paragraphs = [" ".join(paragraph.split()) for paragraph in text.strip().split("\n\n")]
    return "\n\n".join(
        textwrap.fill(paragraph, width=88, initial_indent="  ", subsequent_indent="  ") for paragraph in paragraphs
    )
