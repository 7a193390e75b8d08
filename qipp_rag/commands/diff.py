"""`qipp-rag diff OLD.json NEW.json`: what changed between two saved assessments."""

from __future__ import annotations

from typing import Any

import typer

from ..options import FORMAT, Option
from ..reporters import DIFF_FORMATS, diff_renderer
from ._options import takes

OPTIONS = (
    FORMAT.but(choices=DIFF_FORMATS, metavar=None, help="Output format.", show_default=True),
    Option("fail-on-worse", "Exit 1 when any plan's rating got worse.", kind="flag", configurable=False),
)
EXIT_WORSE = 1
EXIT_INPUT = 2


def register(app: typer.Typer) -> None:
    @app.command("diff")
    @takes(*OPTIONS)
    def diff_command(
        old: str = typer.Argument(
            ..., metavar="OLD.json", help="The earlier assessment (qipp-rag assess --format json).", show_default=False
        ),
        new: str = typer.Argument(..., metavar="NEW.json", help="The later assessment.", show_default=False),
        **values: Any,
    ) -> None:
        """Show plans whose rating moved, rules whose rating moved, and plans added or gone."""
        raise typer.Exit(run(old, new, values["output_format"], values["fail_on_worse"]))


def read_assessment(path: str):  # -> tuple[Assessment | None, str | None]
    """The assessment saved at ``path``, or a one-line reason it cannot be read."""
    import json

    from pydantic import ValidationError

    from ..results import from_json

    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError as error:
        return None, f"cannot read {path}: {error.strerror or error}"
    try:
        text = data.decode("utf-8-sig")  # JSON is UTF-8; a BOM from a Windows editor is forgiven
    except UnicodeDecodeError:
        return None, f"{path} is not UTF-8 JSON text"
    try:
        return from_json(text), None
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "the top level"
        return None, (
            f"{path} is not a qipp-rag JSON assessment: at {where}: {first['msg']} ({error.error_count()} "
            f"problem{'s' if error.error_count() != 1 else ''})"
        )
    except json.JSONDecodeError as error:
        return None, f"{path} is not valid JSON: {error}"
    except ValueError as error:  # a number out of bounds, NaN, a lone surrogate
        return None, f"{path} is not a qipp-rag JSON assessment: {error}"
    except RecursionError:
        return None, f"{path} is nested too deeply to be an assessment"


def run(old: str, new: str, output_format: str, fail_on_worse: bool) -> int:
    if output_format not in DIFF_FORMATS:
        typer.echo(f"qipp-rag diff: --format {output_format!r} is not one of {', '.join(DIFF_FORMATS)}", err=True)
        return EXIT_INPUT
    assessments = []
    for path in (old, new):
        assessment, reason = read_assessment(path)
        if assessment is None:
            typer.echo(f"qipp-rag diff: {reason}", err=True)
            return EXIT_INPUT
        assessments.append(assessment)

    from ..diffing import diff_assessments

    diff = diff_assessments(*assessments)
    import sys

    sys.stdout.buffer.write(diff_renderer(output_format)(diff).encode("utf-8"))
    sys.stdout.buffer.flush()
    return EXIT_WORSE if fail_on_worse and diff.any_worse else 0
