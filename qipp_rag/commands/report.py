"""`qipp-rag report RESULTS.json --format F`: render a saved assessment again, without re-assessing.

Also home of :func:`write_atomically`, which every command that writes a
report file uses: a reader never sees half a report, and a failed run leaves
nothing behind.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Optional

import typer

EXIT_INPUT = 2


def register(app: typer.Typer) -> None:
    @app.command("report", no_args_is_help=True)
    def report_command(
        results: str = typer.Argument(..., metavar="RESULTS.json", help="An assessment saved with `assess --format json` (or `--report json:PATH`).", show_default=False),
        output_format: str = typer.Option("table", "--format", metavar="F", help="table, markdown, json, html, sarif, junit, github or csv."),
        output: Optional[str] = typer.Option(None, "--output", "-o", metavar="PATH", help="Write to PATH instead of standard output.", show_default=False),
        group_by: Optional[str] = typer.Option(None, "--group-by", metavar="region|area_team", help="Add a roll-up by region or area team (table, markdown).", show_default=False),
        fail_on: str = typer.Option("red", "--fail-on", metavar="red|amber|never", help="What counts as a failure in JUnit output."),
        no_color: bool = typer.Option(False, "--no-color", help="No colour (NO_COLOR is honoured too)."),
        debug: bool = typer.Option(False, "--debug", help="On an internal error, show the traceback too."),
    ) -> None:
        """Render a saved JSON assessment in another format, without re-assessing."""
        raise typer.Exit(run(results, output_format, output, group_by, fail_on, no_color))


def _fail(message: str) -> int:
    typer.echo(f"qipp-rag report: {message}", err=True)
    return EXIT_INPUT


def read_assessment(file: str):  # -> tuple[Assessment | None, str | None]
    """A saved assessment, or a one-line reason why the file is not one."""
    import json

    from pydantic import ValidationError

    from ..results import from_json

    try:
        with open(file, "rb") as handle:
            data = handle.read()
    except FileNotFoundError:
        return None, f"{file}: no such file"
    except OSError as error:
        return None, f"{file}: cannot read it: {error.strerror or error}"
    try:
        return from_json(data), None
    except json.JSONDecodeError as error:
        return None, f"{file}:{error.lineno}:{error.colno}: not valid JSON: {error.msg}"
    except UnicodeDecodeError:
        return None, f"{file}: not UTF-8 text, so not a saved assessment"
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "the top level"
        more = f" (and {error.error_count() - 1} more problems)" if error.error_count() > 1 else ""
        return None, f"{file}: not a qipp-rag assessment: at {where}: {first['msg']}{more}"


def run(results: str, output_format: str, output: str | None, group_by: str | None, fail_on: str, no_color: bool) -> int:
    import os
    import shutil

    from ..reporters import REPORTERS, RenderOptions, renderer

    if output_format not in REPORTERS:
        return _fail(f"--format: {output_format!r} is not one of {', '.join(REPORTERS)}")
    if group_by not in (None, "region", "area_team"):
        return _fail(f"--group-by: {group_by!r} is not one of region, area_team")
    if fail_on not in ("red", "amber", "never"):
        return _fail(f"--fail-on: {fail_on!r} is not one of red, amber, never")
    assessment, problem = read_assessment(results)
    if assessment is None:
        return _fail(str(problem))

    to_terminal = output is None and sys.stdout.isatty()
    options = RenderOptions(
        color=to_terminal and not no_color and not os.environ.get("NO_COLOR"),
        group_by=group_by,
        fail_on=fail_on,
        width=shutil.get_terminal_size().columns if to_terminal else None,
    )
    text = renderer(output_format)(assessment, options)
    if output is None:
        write_stdout(text)
        return 0
    try:
        write_atomically([(output, text)])
    except OSError as error:
        return _fail(f"cannot write {error.filename or output}: {error.strerror or error}")
    return 0


_CHUNK = 1 << 20  # characters written at a time


def write_stdout(text: str) -> None:
    """The report on standard output as UTF-8, whatever the locale; a reader that
    stops early (``| head``) is not an error."""
    import os

    try:
        sys.stdout.flush()
        for start in range(0, len(text), _CHUNK):  # a national report is hundreds of MB: no second whole copy as bytes
            sys.stdout.buffer.write(text[start : start + _CHUNK].encode("utf-8"))
        sys.stdout.buffer.flush()
    except BrokenPipeError:
        # Python would complain again when it flushes at exit; point stdout at nothing instead.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())


def write_atomically(files: Sequence[tuple[str, str]]) -> None:
    """Write every (path, text) as UTF-8, all or nothing as far as the file system allows.

    Each text goes to a temporary file in its target's folder first; only
    when all are written are they moved into place (``os.replace``, atomic
    on one file system).  On any failure the temporary files are removed and
    ``OSError`` is raised with the target's name.
    """
    import os
    import tempfile
    from pathlib import Path

    staged: list[tuple[str, str]] = []
    try:
        for target, text in files:
            folder = Path(target).parent
            try:
                handle, temp = tempfile.mkstemp(prefix=f".{Path(target).name}.", suffix=".tmp", dir=folder)
            except OSError as error:
                raise OSError(error.errno, error.strerror, target) from error
            staged.append((temp, target))
            try:
                with os.fdopen(handle, "wb") as stream:
                    for start in range(0, len(text), _CHUNK):
                        stream.write(text[start : start + _CHUNK].encode("utf-8"))
                os.chmod(temp, _mode_for(target))
            except OSError as error:  # a full disk names no file: name the report
                raise OSError(error.errno, error.strerror, target) from error
        for temp, target in staged:
            try:
                os.replace(temp, target)
            except OSError as error:
                raise OSError(error.errno, error.strerror, target) from error
    finally:
        for temp, _ in staged:
            if os.path.exists(temp):
                os.unlink(temp)


def _mode_for(target: str) -> int:
    """Keep an existing report's permissions; a new one gets what the user's umask allows."""
    import os
    import stat

    try:
        return stat.S_IMODE(os.stat(target).st_mode)
    except OSError:
        mask = os.umask(0)
        os.umask(mask)
        return 0o666 & ~mask
