"""`qipp-rag rules [ID]`: the rules in force, or everything about one of them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import typer

from ..options import DEBUG, RULES
from ._options import takes

if TYPE_CHECKING:
    from ..results import Problem

EXIT_INPUT = 2
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

    from ..reporters.rules import explain, listing

    rulebook, problems = _load(paths)
    infos = rulebook.infos()
    if rule_id is None:
        _print(listing(infos, [f"{pack.name} ({pack.source}, {pack.rules} rules)" for pack in rulebook.packs]))
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
