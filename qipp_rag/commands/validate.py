"""`qipp-rag validate PATH...`: check plans against the format only, no rules.

Every file found is listed with its outcome: ``valid``, or each of its
problems as ``file:line:column: message``.  On a terminal the list is a
table; elsewhere plain text, one line per outcome; ``--format json`` gives
a stable document for other tools.  The exit code is 0 when every file is
valid, 2 when any is not, a path does not exist, or no plan file is found.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import typer

from ..options import FORMAT, NO_COLOR, QUIET
from ._options import takes

if TYPE_CHECKING:
    from ..results import OrganisationInfo, Problem

EXIT_OK = 0
EXIT_INPUT = 2
FORMATS = ("table", "json")
OPTIONS = (
    FORMAT.but(choices=FORMATS, metavar=None, help="table (the default; plain text when not on a terminal) or json."),
    QUIET.but(help="List only the problems: no valid files, no summary."),
    NO_COLOR,
)


def register(app: typer.Typer) -> None:
    @app.command("validate")
    @takes(*OPTIONS)
    def validate_command(
        paths: list[str] = typer.Argument(
            ...,
            metavar="PATH...",
            help="Plan files, or folders searched recursively for *.yaml and *.yml.",
            show_default=False,
        ),
        **values: Any,
    ) -> None:
        """Check plans against the plan format only (no rules): every file is listed with its outcome."""
        chosen = values["output_format"] or FORMATS[0]
        if chosen not in FORMATS:
            typer.echo(f"qipp-rag validate: --format must be one of {', '.join(FORMATS)}, not {chosen!r}", err=True)
            raise typer.Exit(EXIT_INPUT)
        raise typer.Exit(run(list(paths), chosen, quiet=values["quiet"], no_color=values["no_color"]))


@dataclass(frozen=True)
class FileOutcome:
    file: str
    organisation: OrganisationInfo
    errors: tuple[Problem, ...]

    @property
    def valid(self) -> bool:
        return not self.errors


def check(paths: Sequence[str]) -> list[FileOutcome]:
    """Every plan file under ``paths`` with its outcome, and an entry for each path that failed, in path order."""
    from pathlib import PurePath

    from ..load.loading import FailedPlan, discover, load_plan
    from ..measuring import organisation_info
    from ..reporters.text import printable_path
    from ..results import OrganisationInfo

    files, problems = discover(paths)
    outcomes: dict[str, FileOutcome] = {}
    for problem in problems:
        name = problem.file or ""
        earlier = outcomes.get(name)
        errors = (earlier.errors if earlier else ()) + (problem.model_copy(update={"file": None}),)
        outcomes[name] = FileOutcome(name, OrganisationInfo(), errors)
    for file in files:
        loaded = load_plan(file)
        if isinstance(loaded, FailedPlan):
            outcomes[file] = FileOutcome(printable_path(file), loaded.organisation, tuple(loaded.problems))
        else:
            outcomes[file] = FileOutcome(printable_path(file), organisation_info(loaded.plan), ())
    return [outcomes[name] for name in sorted(outcomes, key=lambda name: PurePath(name).parts)]


def run(paths: Sequence[str], output_format: str = "table", quiet: bool = False, no_color: bool = False) -> int:
    import os

    from ..output_files import write_stdout

    outcomes = check(paths)
    if output_format == "json":
        write_stdout(to_json(outcomes))
    elif sys.stdout.isatty():
        color = not no_color and not os.environ.get("NO_COLOR")
        write_stdout(to_table(outcomes, quiet=quiet, color=color))
    else:
        write_stdout(to_text(outcomes, quiet=quiet))  # UTF-8 whatever the locale (PYTHONIOENCODING=latin-1)
    if not outcomes:
        print(f"qipp-rag validate: no plan files (*.yaml, *.yml) found under {', '.join(paths)}", file=sys.stderr)
    elif not quiet and output_format != "json":
        print(summary_line(outcomes), file=sys.stderr)
    return EXIT_OK if outcomes and all(outcome.valid for outcome in outcomes) else EXIT_INPUT


# ---------------------------------------------------------------- output


def where(file: str, problem: Problem) -> str:
    """``file:line:column`` (just ``file`` for a problem with the whole file)."""
    return f"{file}:{problem.line}:{problem.column}" if problem.line else file


def summary_line(outcomes: Sequence[FileOutcome]) -> str:
    valid = sum(outcome.valid for outcome in outcomes)
    files = "file" if len(outcomes) == 1 else "files"
    return f"{len(outcomes)} {files}: {valid} valid, {len(outcomes) - valid} invalid"


def to_text(outcomes: Sequence[FileOutcome], quiet: bool = False) -> str:
    from ..reporters.text import visible

    lines: list[str] = []
    for outcome in outcomes:
        if outcome.valid:
            if not quiet:
                lines.append(f"{outcome.file}: valid")
            continue
        lines.extend(f"{where(outcome.file, problem)}: {problem.message}" for problem in outcome.errors)
    return "".join(visible(line) + "\n" for line in lines)  # a line break in a key cannot start a line


def to_table(outcomes: Sequence[FileOutcome], quiet: bool = False, color: bool = True, width: int | None = None) -> str:
    import io
    import shutil

    from rich import box
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from ..reporters.text import visible

    stream = io.StringIO()
    console = Console(
        file=stream,
        force_terminal=color,
        no_color=not color,
        color_system="standard" if color else None,
        width=width or shutil.get_terminal_size((120, 24)).columns,
        highlight=False,
        emoji=False,
        markup=False,
        legacy_windows=False,
    )
    table = Table(box=box.SIMPLE_HEAD if color else box.ASCII2, show_edge=False, pad_edge=False)
    table.add_column("File", overflow="fold")
    table.add_column("Outcome", no_wrap=True)
    table.add_column("Line:col", justify="right", no_wrap=True)
    table.add_column("Problem", overflow="fold")
    for outcome in outcomes:
        if outcome.valid:
            if not quiet:
                table.add_row(
                    Text(visible(outcome.file)), Text("valid", style="green" if color else ""), Text(""), Text("")
                )
            continue
        for index, problem in enumerate(outcome.errors):
            position = f"{problem.line}:{problem.column}" if problem.line else ""
            table.add_row(
                Text(visible(outcome.file) if index == 0 else ""),
                Text("INVALID" if index == 0 else "", style="bold red" if color else ""),
                Text(position),
                Text(visible(problem.message)),
            )
    if table.row_count:
        console.print(table)
    return stream.getvalue()


def to_json(outcomes: Sequence[FileOutcome]) -> str:
    import json

    from .. import __version__

    valid = sum(outcome.valid for outcome in outcomes)
    document = {
        "tool": {"name": "qipp-rag", "version": __version__},
        "files": [
            {
                "file": outcome.file,
                "valid": outcome.valid,
                "organisation": outcome.organisation.model_dump(),
                "errors": [
                    problem.model_dump(include={"message", "line", "column", "path"}) for problem in outcome.errors
                ],
            }
            for outcome in outcomes
        ],
        "summary": {"files": len(outcomes), "valid": valid, "invalid": len(outcomes) - valid},
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
