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
from typing import Any

import typer

from ..options import FORMAT, NO_COLOR, PLAN_PATHS_HELP, QUIET
from ._options import takes

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
            help=PLAN_PATHS_HELP,
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


def run(paths: Sequence[str], output_format: str = "table", quiet: bool = False, no_color: bool = False) -> int:
    import os

    from ..output_files import write_stdout
    from ..reporters.validation import summary_line, to_json, to_table, to_text
    from ..validation import check

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
