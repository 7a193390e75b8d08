"""`qipp-rag assess PATH...`: load, check and rate every plan, print the RAG table, write reports, exit by the gate.

The command only turns options (from the command line, else the nearest
configuration file) into an :class:`~qipp_rag.engine.AssessOptions`, hands
the assessment to reporters and turns the outcome into an exit code; the
work is done by :mod:`qipp_rag.engine`.  Heavy imports happen inside the
functions, so that registering the command costs nothing.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from ..options import ASSESS, PLAN_PATHS_HELP, Option, Settings, engine_values, settings_class, settings_of
from ..options import DEFAULTS as DEFAULTS  # option name -> default
from ..spill import SpilledSequence
from ._options import takes

if TYPE_CHECKING:
    import datetime as dt

    import typer

    from ..results import Assessment, Problem

EXIT_INPUT = 2
MIN_WIDTH = 40  # the narrowest table drawn, whatever the terminal says
SETTINGS = settings_of(ASSESS)


class InputError(Exception):
    """A wrong option value: the message is shown and the run exits 2 before assessing anything."""


def register(app: typer.Typer) -> None:
    global typer  # the command's annotations are resolved in this module's namespace
    import typer

    @app.command("assess")
    @takes(*ASSESS)
    def assess_command(
        ctx: typer.Context,
        paths: list[str] = typer.Argument(
            ...,
            metavar="PATH",
            help=PLAN_PATHS_HELP,
            show_default=False,
        ),
        **values: Any,
    ) -> None:
        """Check plans against the rule packs, print the RAG table, write reports, and exit by the gate."""
        given = {
            option.name: values[option.parameter]
            for option in SETTINGS
            if _on_command_line(ctx, option.parameter)
        }
        raise typer.Exit(run(list(paths), given))


# ---------------------------------------------------------------- options


def _echo(message: str, err: bool = True) -> None:
    print(message, file=sys.stderr if err else sys.stdout, flush=True)


def parse_args_fast(args: list[str], options: tuple[Option, ...] = ASSESS) -> tuple[list[str], dict[str, Any]] | None:
    """The paths and the options given, for a plain ``assess`` command line, without typer.

    Importing and building typer costs a one-plan pre-commit check about a
    fifth of its time.  Only the forms this parser is sure of are taken:
    known long options (``--name value`` or ``--name=value``), flags, short
    forms, paths, and ``--`` before paths only.  Anything else (help, a typo, a missing value, a
    count that is not a whole number) returns None, and typer parses the
    line as before, with its own messages.
    """
    long = {option.name: option for option in options}
    short = {option.short: option for option in options if option.short}
    paths: list[str] = []
    given: dict[str, Any] = {}
    items = iter(args)
    for item in items:
        if item == "--":  # the pre-commit hook's form: every item after it is a path
            paths += items
            break
        if item == "-" or not item.startswith("-"):
            paths.append(item)
            continue
        name, has_value, written = item[2:].partition("=") if item.startswith("--") else ("", "", "")
        option = long.get(name) if name else short.get(item)
        if option is None:
            return None
        if option.kind == "flag":
            if has_value:
                return None
            if option.configurable:
                given[option.name] = True
            continue
        value = written if has_value else next(items, None)
        if value is None or (not has_value and value == "--"):
            return None
        if option.kind == "count":
            if not value.lstrip("-").isdigit() or not value.lstrip("-").isascii():
                return None
            given[option.name] = int(value)
        elif option.repeatable:
            given.setdefault(option.name, []).append(value)
        else:
            given[option.name] = value
    return (paths, given) if paths else None


def _on_command_line(ctx: typer.Context, name: str) -> bool:
    # Compared by name: typer may bring its own copy of click's ParameterSource.
    source = ctx.get_parameter_source(name)
    return getattr(source, "name", None) == "COMMANDLINE"


def _from_config() -> tuple[dict[str, Any], list[Problem]]:
    """Option values (keyed by long option name) from the nearest configuration file, and its problems."""
    import os

    from .. import config
    from ..config import load_config
    from ..reporters.text import visible

    values, problems = load_config(os.getcwd())
    for warning in config.LAST_WARNINGS:
        _echo(f"qipp-rag: warning: {visible(warning)}", err=True)
    return {str(key).replace("_", "-"): value for key, value in (values or {}).items()}, list(problems)


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return [str(item) for item in value]
    return [str(value)]


def merge(
    paths: list[str], given: dict[str, Any], configured: dict[str, Any], options: tuple[Option, ...] = ASSESS
) -> Settings:
    """The command line wins over the file; the file over the defaults.  Raises :class:`InputError`."""

    def pick(option: Option) -> Any:
        if option.name in given:
            return given[option.name]
        if configured.get(option.name) is not None:
            return configured[option.name]
        return option.initial()

    def where(option: Option) -> str:
        return option.flag if option.name in given else f"`{option.name}` in the configuration file"

    values = {option.attribute: _checked(option, pick(option), where(option)) for option in settings_of(options)}
    settings = settings_class(options)(paths=paths, **values)
    _check_report_paths(settings.reports)
    return settings


def _checked(option: Option, value: Any, where: str) -> Any:
    """The option's value as the run uses it, or :class:`InputError` naming ``where`` it was given."""
    if option.kind == "flag":
        return bool(value)
    if option.repeatable:
        items = _as_list(value)
        return [_report(item, where) for item in items] if option.form == "report" else items
    if value is None:
        return None
    if option.choices:
        return _choice(value, option.choices, where)
    if option.kind == "count":
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise InputError(f"{where}: give a whole number, 1 or more (got {value!r})")
        return value
    if option.kind == "date":
        return _date(value, where)
    if option.form == "code":
        return str(value).strip().upper()
    return str(value)


def _choice(value: Any, allowed: tuple[str, ...], where: str) -> str:
    folded = str(value).strip().lower()
    if "_" in "".join(allowed):
        folded = folded.replace("-", "_").replace(" ", "_")
    if folded not in allowed:
        raise InputError(f"{where}: {value!r} is not one of {', '.join(allowed)}")
    return folded


def _date(value: Any, where: str) -> dt.date:
    import datetime as dt
    import re

    if isinstance(value, dt.date):
        return value
    try:
        # Only YYYY-MM-DD: fromisoformat also takes week dates (2014-W26-1) and other forms.
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(value)):
            return dt.date.fromisoformat(str(value))
    except ValueError:
        pass
    raise InputError(f"{where}: {value!r} is not a date written YYYY-MM-DD")


def _report(spec: str, where: str) -> tuple[str, str]:
    """``F:PATH`` as (format, path)."""
    from ..reporters import FORMATS

    name, sep, target = spec.partition(":")
    if not sep or not target:
        raise InputError(f"{where}: {spec!r} must be written F:PATH, such as html:report.html")
    if name not in FORMATS:
        raise InputError(f"{where}: unknown format {name!r} in {spec!r}; formats: {', '.join(FORMATS)}")
    return name, target


def _check_report_paths(reports: list[tuple[str, str]]) -> None:
    """Fail before any work is done when a report cannot be written where asked."""
    import os

    from ..output_files import TargetError, check_target

    seen: set[str] = set()
    for _, target in reports:
        resolved = os.path.realpath(target)
        if resolved in seen:
            raise InputError(f"--report: two reports would be written to {target}")
        seen.add(resolved)
        try:
            check_target(target)
        except TargetError as error:
            raise InputError(f"--report: {error}") from None


def _input_files(settings: Settings) -> list[str]:
    """Every file the run reads: plans, rule packs, the waivers file and the configuration file."""
    from .. import config
    from ..load.discovery import discover
    from ..rulebook.packs import pack_files

    files, _ = discover(settings.paths)
    for path in settings.rules:
        files += pack_files(path)[0]
    files += [name for name in (settings.waivers, config.LAST_SOURCE) if name]
    return files


def check_reports_are_not_inputs(settings: Settings) -> None:
    """A report never overwrites a file the run reads, however its path is spelt (links, ``./``, absolute)."""
    import os

    from ..output_files import same_file

    existing = [target for _, target in settings.reports if os.path.exists(target)]
    if not existing:
        return
    inputs = _input_files(settings)
    for target in existing:
        clash = same_file(target, inputs)
        if clash is not None:
            raise InputError(f"--report: {target} is {clash}, one of the run's input files; give another path")


# ---------------------------------------------------------------- the run


def run(paths: list[str], given: dict[str, Any]) -> int:
    from ..engine import AssessOptions, OptionError, assess
    from ..spill import SpillError

    configured, config_problems = _from_config()
    try:
        settings = merge(paths, given, configured)
        check_reports_are_not_inputs(settings)
    except InputError as error:
        _print_config_problems(config_problems)
        _echo(_shown(f"qipp-rag assess: {error}"), err=True)
        return EXIT_INPUT

    options = AssessOptions(paths=tuple(settings.paths), not_plans=_config_file(), **engine_values(settings))
    try:
        assessment = assess(options, problems=config_problems)
    except OptionError as error:
        _print_config_problems(config_problems)
        _echo(_shown(f"qipp-rag assess: {error}"), err=True)
        return EXIT_INPUT
    except SpillError as error:
        _echo(_shown(f"qipp-rag assess: {error}"), err=True)
        return EXIT_INPUT
    # The plans are read back from the run's spill file; it is given back however delivering ends.
    with _spill_closed(assessment.plans):
        try:
            return deliver(assessment, settings)
        except SpillError as error:
            _echo(_shown(f"qipp-rag assess: {error}"), err=True)
            return EXIT_INPUT


@contextmanager
def _spill_closed(plans: Sequence[Any]) -> Iterator[None]:
    try:
        yield
    finally:
        if isinstance(plans, SpilledSequence):
            plans.close()


def _shown(text: str) -> str:
    from ..reporters.text import visible

    return visible(text)


def _config_file() -> tuple[str, ...]:
    import os

    from ..config import find_config

    found = find_config(os.getcwd())
    return (str(found),) if found is not None else ()


def _print_config_problems(problems: list[Problem]) -> None:
    from ..reporters.text import visible

    for problem in problems:
        _echo(visible(f"{problem.file or ''}:{problem.line}:{problem.column}: {problem.message}"), err=True)


def _render_options(settings: Settings, to_terminal: bool) -> Any:
    """What the reporters take: the settings of the same names (group_by, fail_on, sort ...), and the terminal's."""
    import os
    from dataclasses import fields

    from ..reporters import RenderOptions

    color = to_terminal and not settings.no_color and not os.environ.get("NO_COLOR")
    width = None
    if to_terminal:
        import shutil  # not for output to a file or a pipe

        width = max(shutil.get_terminal_size().columns, MIN_WIDTH)  # COLUMNS=5 must not hide rows
    same = {item.name: getattr(settings, item.name) for item in fields(RenderOptions) if hasattr(settings, item.name)}
    return RenderOptions(**(same | {"color": color, "width": width}))


def deliver(assessment: Assessment, settings: Settings) -> int:
    """Render every output, write the reports (each atomically), print, summarise, and pick the exit code."""
    from dataclasses import replace

    from ..output_files import TargetError, write_atomically, write_stdout
    from ..reporters import chunked
    from ..results import exit_code

    to_terminal = sys.stdout.isatty()
    options = _render_options(settings, to_terminal)
    # Each output is rendered as it is written, one at a time, piece by piece where its format can.
    stdout_text = chunked(settings.format)(assessment, options)
    # Files never hold terminal colour codes, whatever standard output is.
    plain = replace(options, color=False, width=None)
    files = [(target, chunked(name)(assessment, plain)) for name, target in settings.reports]

    code = exit_code(assessment, settings.fail_on)
    try:
        write_atomically(files)
    except TargetError as error:
        _echo(f"qipp-rag assess: --report: {error}; no report was written", err=True)
        code = max(code, EXIT_INPUT)
    except OSError as error:
        _echo(
            (f"qipp-rag assess: cannot write the report {error.filename}: {error.strerror}; no report was written"),
            err=True,
        )
        code = max(code, EXIT_INPUT)

    write_stdout(stdout_text)
    if settings.format == "github" or any(name == "github" for name, _ in settings.reports):
        _github_job_summary(assessment, options)
    if not settings.quiet:
        # the table and markdown list the plans' problems themselves
        problems, waived = read_from_plans(assessment, problems=settings.format not in ("table", "markdown"))
        for line in problems:
            _echo(line, err=True)
        for line in waiver_warnings(assessment):  # a misspelt waiver, in every format
            _echo(line, err=True)
        _echo(_fitted(summary_line(assessment, settings.fail_on, code, waived)), err=True)
    return code


def _fitted(line: str) -> str:
    """On a terminal, the line wrapped at spaces to its width; elsewhere as it is."""
    if not sys.stderr.isatty():
        return line
    import shutil
    import textwrap

    width = shutil.get_terminal_size().columns
    return "\n".join(textwrap.wrap(line, width, subsequent_indent="  ", break_on_hyphens=False)) or line


def _github_job_summary(assessment: Assessment, options: Any) -> None:
    """In GitHub Actions, the GitHub format also appends a summary to the job's page.

    A summary that cannot be written is a warning, not a failure: the
    annotations, which are what the format is for, already went out.
    """
    from dataclasses import replace

    from ..github_summary import write_job_summary

    try:
        write_job_summary(assessment, options=replace(options, color=False, width=None))
    except OSError as error:
        _echo(
            f"qipp-rag assess: warning: cannot write the GitHub job summary ({error.strerror or error})", err=True
        )


def read_from_plans(assessment: Assessment, problems: bool = True) -> tuple[list[str], int]:
    """Every input error as ``file:line:column: message``, the way editors and CI logs read them (when
    ``problems``), and the number of results waived; the plans (each read from disk, after a run) are
    read at most once, and only when some plan is rated error (only such a plan has problems) or some
    waiver applied (a result is waived only by one)."""
    from ..reporters.text import visible

    lines = [
        f"{problem.file or ''}:{problem.line}:{problem.column}: error: {problem.message}"
        for problem in assessment.errors
    ]
    with_problems = problems and bool(assessment.summary.ratings.get("error", 0))
    with_waived = any(waiver.status == "applied" for waiver in assessment.waivers)
    waived = 0
    if with_problems or with_waived:
        for plan in assessment.plans:
            if with_problems:
                lines += [f"{plan.file}:{problem.line}:{problem.column}: error: {problem.message}"
                          for problem in plan.errors]
            if with_waived:
                waived += plan.waived or 0  # counted when the plan was rated (None: rated error)
    # a line break in a key must not start a `::command` line in a CI log
    return ([visible(line) for line in lines] if problems else []), waived


def waiver_warnings(assessment: Assessment) -> list[str]:
    """``waivers.yaml: warning: waiver of SP2 for 03Q: rule SP2 is not in force; did you mean SP02?``"""
    from ..reporters.text import visible

    return [
        visible(f"warning: waiver of {waiver.rule} for {waiver.plan} matches nothing: {waiver.warning}")
        for waiver in assessment.waivers
        if waiver.warning
    ]


def summary_line(assessment: Assessment, fail_on: str, code: int, waived: int | None = None) -> str:
    """The run in a line; ``waived``, the results waived, when :func:`read_from_plans` counted them."""
    counts = assessment.summary.ratings
    plans = len(assessment.plans)
    parts = [
        f"{counts.get(rating, 0)} {rating}" for rating in ("red", "amber", "green", "error") if counts.get(rating, 0)
    ]
    text = f"qipp-rag: {plans} plan{'s' if plans != 1 else ''} assessed" + (f" ({', '.join(parts)})" if parts else "")
    if waived is None:
        waived = read_from_plans(assessment, problems=False)[1]
    if waived:
        text += f"; {waived} result{'s' if waived != 1 else ''} waived"
    expired = sum(1 for waiver in assessment.waivers if waiver.status == "expired")
    unmatched = sum(1 for waiver in assessment.waivers if waiver.status == "unmatched")
    refused = sum(1 for waiver in assessment.waivers if waiver.status == "refused")
    if expired or unmatched:
        text += f"; waivers: {expired} expired, {unmatched} unmatched"
    if refused:
        text += (
            f"; {refused} waiver{'s' if refused != 1 else ''} refused "
            "(a critical rule needs another organisation's approval)"
        )
    if assessment.errors:
        text += (
            f"; {len(assessment.errors)} input error{'s' if len(assessment.errors) != 1 else ''} in rule "
            "packs, waivers, configuration or paths"
        )
    if not plans:
        text += "; no plan files were found"
    verdict = {0: "passed", 1: "FAILED", 2: "input errors", 3: "internal error"}[code]
    text += f"; gate --fail-on {fail_on}: {verdict} (exit {code})"
    return text
