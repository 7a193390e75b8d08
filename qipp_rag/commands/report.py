"""`qipp-rag report RESULTS.json --format F`: render a saved assessment again, without re-assessing.

Files are written by :mod:`qipp_rag.output_files` (all or nothing, never
over a file the tool does not own).
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import typer

from ..options import DEBUG, FAIL_ON_OPTION, FORMAT, GROUP_BY_OPTION, NO_COLOR, OUTPUT, ROLL_UPS
from ..output_files import TargetError, check_target, same_file, write_atomically, write_stdout
from ..reporters import formats_text
from ..vocabulary import FAIL_ON
from ._options import takes

__all__ = ["register", "run", "write_atomically", "write_stdout"]
EXIT_INPUT = 2
OPTIONS = (
    FORMAT.but(help=f"{formats_text()}.", show_default=True),
    OUTPUT,
    GROUP_BY_OPTION.but(choices=ROLL_UPS, help="Add a roll-up by region or area team (table, markdown)."),
    FAIL_ON_OPTION.but(help="What counts as a failure in JUnit output.", show_default=True),
    NO_COLOR,
    DEBUG,
)


def register(app: typer.Typer) -> None:
    global typer  # the command's annotations are resolved in this module's namespace
    import typer

    @app.command("report")
    @takes(*OPTIONS)
    def report_command(
        results: str = typer.Argument(
            ...,
            metavar="RESULTS.json",
            help="An assessment saved with `assess --format json` (or `--report json:PATH`).",
            show_default=False,
        ),
        **values: Any,
    ) -> None:
        """Render a saved JSON assessment in another format, without re-assessing."""
        output_format, output, group_by = values["output_format"], values["output"], values["group_by"]
        raise typer.Exit(run(results, output_format, output, group_by, values["fail_on"], values["no_color"]))


def _fail(message: str) -> int:
    print(f"qipp-rag report: {message}", file=sys.stderr, flush=True)
    return EXIT_INPUT


def read_assessment(file: str):  # -> tuple[Assessment | None, str | None]
    """A saved assessment, or a one-line reason why the file is not one.  In the tool's own layout
    its plans are read one at a time as the reports ask for them (:mod:`qipp_rag.saved`)."""
    import json

    from pydantic import ValidationError

    from ..saved import read_saved

    try:
        return read_saved(file), None
    except FileNotFoundError:
        return None, f"{file}: no such file"
    except OSError as error:
        return None, f"{file}: cannot read it: {error.strerror or error}"
    except json.JSONDecodeError as error:
        return None, f"{file}:{error.lineno}:{error.colno}: not valid JSON: {error.msg}"
    except UnicodeDecodeError:
        return None, f"{file}: not UTF-8 text, so not a saved assessment"
    except RecursionError:
        return None, f"{file}: nested too deeply to be a saved assessment"
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "the top level"
        more = f" (and {error.error_count() - 1} more problems)" if error.error_count() > 1 else ""
        return None, f"{file}: not a qipp-rag assessment: at {where}: {first['msg']}{more}"
    except ValueError as error:  # a number out of bounds, NaN, a lone surrogate
        return None, f"{file}: not a qipp-rag assessment: {error}"


def run(
    results: str, output_format: str, output: str | None, group_by: str | None, fail_on: str, no_color: bool
) -> int:
    import os
    import shutil

    from ..reporters import REPORTERS, RenderOptions, chunked

    if output_format not in REPORTERS:
        return _fail(f"--format: {output_format!r} is not one of {', '.join(REPORTERS)}")
    if group_by is not None and group_by not in ROLL_UPS:
        return _fail(f"--group-by: {group_by!r} is not one of {', '.join(ROLL_UPS)}")
    if fail_on not in FAIL_ON:
        return _fail(f"--fail-on: {fail_on!r} is not one of {', '.join(FAIL_ON)}")
    if output == "-":
        output = None  # standard output, as without --output
    if output is not None:
        try:
            check_target(output)
        except TargetError as error:
            return _fail(f"--output: {error}")
        if same_file(output, [results]):
            return _fail(f"--output: {output} is the assessment being read; give another path")
    assessment, problem = read_assessment(results)
    if assessment is None:
        return _fail(str(problem))

    to_terminal = output is None and sys.stdout.isatty()
    options = RenderOptions(
        color=to_terminal and not no_color and not os.environ.get("NO_COLOR"),
        group_by=group_by,
        fail_on=fail_on,
        width=max(shutil.get_terminal_size().columns, 40) if to_terminal else None,
    )
    text = chunked(output_format)(assessment, options)  # rendered as it is written, plan by plan where it can be
    if output is None:
        write_stdout(text)
        return 0
    try:
        write_atomically([(output, text)])
    except TargetError as error:
        return _fail(f"--output: {error}")
    except OSError as error:
        return _fail(f"cannot write {error.filename or output}: {error.strerror or error}")
    return 0
