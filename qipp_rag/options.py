"""The command-line options, each defined once.

Every option of ``qipp-rag assess`` is one :class:`Option` in :data:`ASSESS`:
its name (the long option, and the key of the configuration file), help
text, metavar, kind of value, choices, default, and where its value goes.
Everything else is derived from that one tuple:

- the command line: the typer parameters (:func:`qipp_rag.commands._options.takes`)
  and the plain parser of the fast path (:func:`qipp_rag.commands.assess.parse_args_fast`);
- the configuration file's schema and checks (:mod:`qipp_rag.config`);
- :data:`DEFAULTS`, the merged :class:`Settings`, and the engine's :class:`AssessOptions`.

Adding an option to ``assess`` is adding one entry here and using its value
where it matters.  Options that other commands share (``--rules``,
``--format``, ``--no-color``, ``--debug`` ...) are these same entries; a
command that words one differently takes a variant (:meth:`Option.but`).

This module is read on every start, before anything heavy: it imports no
typer, pydantic or engine.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from dataclasses import field
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

from .reporters import FORMATS, formats_text
from .vocabulary import FAIL_ON, REGIONS, REGIONS_TEXT

Kind = Literal["text", "flag", "count", "date"]
"""``text``: a string; ``flag``: on or off; ``count``: a whole number, 1 or more; ``date``: YYYY-MM-DD."""
Form = Literal["report", "code"]
"""Text with a form of its own: ``report`` is F:PATH (F a format); ``code`` an ODS code (upper-cased)."""


class Option(NamedTuple):
    """One command-line option, and what the configuration file, the settings and the engine make of it.

    (A named tuple: immutable and hashable like a frozen dataclass, and several times quicker to define,
    which every start of the program pays.)
    """

    name: str  # the long option without its dashes; also the configuration file's key
    help: str
    metavar: str | None = None  # None: the choices joined by `|` when there are choices
    kind: Kind = "text"
    repeatable: bool = False  # given again, it adds a value; its value is a list
    choices: tuple[str, ...] = ()  # the values allowed (matched in any case on the command line)
    default: Any = None  # when neither the command line nor the file gives it (flags: False; lists: empty)
    short: str | None = None  # a short form, such as "-q"
    form: Form | None = None
    path: bool = False  # a file or folder: in the configuration file, relative to the file's folder
    configurable: bool = True  # the configuration file may set it, and the run's Settings hold it
    engine: bool = False  # the engine takes it: a field of AssessOptions
    show_default: bool = False  # help shows the default (and typer passes it when the option is not given)
    parameter_name: str | None = None  # the Python parameter, when the name with `_` would not do
    attribute_name: str | None = None  # the Settings attribute, when the name with `_` would not do

    @property
    def flag(self) -> str:
        return f"--{self.name}"

    @property
    def flags(self) -> tuple[str, ...]:
        return (self.flag, self.short) if self.short else (self.flag,)

    @property
    def parameter(self) -> str:
        """The Python name typer gives the option's value."""
        return self.parameter_name or self.name.replace("-", "_")

    @property
    def attribute(self) -> str:
        """The option's attribute in :class:`Settings` and :class:`AssessOptions`."""
        return self.attribute_name or self.name.replace("-", "_")

    @property
    def shown_metavar(self) -> str | None:
        if self.metavar is None and self.choices:
            return "|".join(self.choices)
        return self.metavar

    def initial(self) -> Any:
        """The value when nothing gives one (a fresh list for a repeatable option)."""
        if self.repeatable:
            return []
        if self.kind == "flag":
            return False
        return self.default

    def but(self, **changes: Any) -> Option:
        """The same option as another command words it (its own help, choices or default)."""
        return self._replace(**changes)


# ---------------------------------------------------------------- the options

ROLL_UPS = ("region", "area_team")  # the groups with a roll-up of their own
GROUP_BY = (*ROLL_UPS, "provider")
SORTS = ("rating", "path")

RULES = Option(
    "rules",
    "A rule pack file or folder; repeatable. Replaces the shipped pack unless the pack says `extends: green-criteria`.",
    metavar="PATH",
    repeatable=True,
    path=True,
    engine=True,
)
FORMAT = Option(
    "format",
    f"Standard output format: {formats_text()} (default table).",
    metavar="F",
    choices=FORMATS,
    default="table",
    parameter_name="output_format",
)
REPORT = Option(
    "report",
    "Also write format F to PATH; repeatable.",
    metavar="F:PATH",
    repeatable=True,
    form="report",
    attribute_name="reports",
)
FAIL_ON_OPTION = Option(
    "fail-on",
    "The gate: exit 1 when a plan is rated at or above this (default red).",
    choices=FAIL_ON,
    default="red",
)
ONLY = Option(
    "only",
    "Check only these rules (id or glob such as 'GV*'); repeatable.",
    metavar="ID",
    repeatable=True,
    engine=True,
)
SKIP = Option("skip", "Leave out these rules (id or glob); repeatable.", metavar="ID", repeatable=True, engine=True)
WAIVERS = Option("waivers", "A waivers file.", metavar="PATH", path=True, engine=True)
AS_OF = Option(
    "as-of",
    "The assessment's date, for milestones and waiver expiry (default today).",
    metavar="YYYY-MM-DD",
    kind="date",
    engine=True,
)
JOBS = Option(
    "jobs",
    "Parallel worker processes (default: the machine's cores); never more than the cores available or the plans.",
    metavar="N",
    kind="count",
    engine=True,
)
GROUP_BY_OPTION = Option(
    "group-by",
    "Group the table by region or area team, each group with its roll-up; or add the savings by provider.",
    choices=GROUP_BY,
)
SORT = Option("sort", "The table's order: rating (worst first, the default) or path.", choices=SORTS, default="rating")
SHOW_NA = Option("show-na", "List n/a results under the table too.", kind="flag")
EXCLUDE = Option(
    "exclude",
    "Leave out plan files matching this glob (relative to each folder given); repeatable.",
    metavar="GLOB",
    repeatable=True,
    engine=True,
)
AREA_TEAM = Option(
    "area-team",
    "Report only this area team's plans (cross-plan rules still see all).",
    metavar="CODE",
    form="code",
    engine=True,
)
REGION = Option(
    "region", f"Report only this region's plans: {REGIONS_TEXT}.", metavar="NAME", choices=REGIONS, engine=True
)
QUIET = Option("quiet", "No summary line on standard error.", kind="flag", short="-q")
NO_COLOR = Option("no-color", "No colour (NO_COLOR is honoured too).", kind="flag")
DEBUG = Option("debug", "On an internal error, show the traceback too.", kind="flag", configurable=False)
OUTPUT = Option(
    "output", "Write to PATH instead of standard output.", metavar="PATH", short="-o", configurable=False
)  # init and report

PLAN_PATHS_HELP = "Plan files, or folders searched recursively for *.yaml and *.yml."  # assess and validate

ASSESS: tuple[Option, ...] = (
    RULES,
    FORMAT,
    REPORT,
    FAIL_ON_OPTION,
    ONLY,
    SKIP,
    WAIVERS,
    AS_OF,
    JOBS,
    GROUP_BY_OPTION,
    SORT,
    SHOW_NA,
    EXCLUDE,
    AREA_TEAM,
    REGION,
    QUIET,
    NO_COLOR,
    DEBUG,
)
"""Every option of ``qipp-rag assess``, in the order its help lists them."""


# ---------------------------------------------------------------- derived


def settings_of(options: tuple[Option, ...] = ASSESS) -> tuple[Option, ...]:
    """The options a run's settings hold (and a configuration file may set)."""
    return tuple(option for option in options if option.configurable)


def defaults(options: tuple[Option, ...] = ASSESS) -> dict[str, Any]:
    """Option name (as in the configuration file) -> its value when nothing gives one."""
    return {option.name: option.initial() for option in settings_of(options)}


def _default_field(option: Option) -> Any:
    if option.repeatable:
        return field(default_factory=list)
    return field(default=option.initial())


def _value_type(option: Option) -> Any:
    if option.repeatable:
        return list[str]
    return {"flag": bool, "count": int | None, "date": dt.date | None}.get(option.kind, str | None)


def _dataclass(name: str, doc: str, fields: list[Any], frozen: bool = True) -> type:
    """A dataclass of this module (so its instances pickle, for worker processes)."""
    namespace = {"__module__": __name__, "__doc__": doc}
    return dataclasses.make_dataclass(name, fields, frozen=frozen, namespace=namespace)


def settings_class(options: tuple[Option, ...] = ASSESS) -> type:
    """The class of a run's options after the configuration file and the command line are merged
    (made once for each tuple of options)."""
    return _settings_class(options)


@functools.cache
def _settings_class(options: tuple[Option, ...]) -> type:
    fields = [(option.attribute, _value_type(option), _default_field(option)) for option in settings_of(options)]
    doc = "The run's options after the configuration file and the command line are merged and checked."
    return _dataclass("Settings", doc, [("paths", list[str]), *fields], frozen=False)


def engine_options_class(options: tuple[Option, ...] = ASSESS) -> type:
    """The class of what the engine takes: the paths, every option marked ``engine`` (lists as tuples), and
    ``not_plans`` (other inputs, such as a configuration file, never to read as plans)."""
    fields: list[tuple[str, Any, Any]] = []
    for option in options:
        if not option.engine:
            continue
        if option.repeatable:
            fields.append((option.attribute, tuple[str, ...], field(default=())))
        elif option.kind == "date":  # the assessment's date: today unless given
            fields.append((option.attribute, dt.date, field(default_factory=dt.date.today)))
        else:
            fields.append((option.attribute, _value_type(option), field(default=option.initial())))
    doc = "Everything a run needs, as plain values (the command line fills it; so can any caller)."
    every = [("paths", tuple[str, ...]), *fields, ("not_plans", tuple[str, ...], field(default=()))]
    return _dataclass("AssessOptions", doc, every)


def engine_values(settings: Any, options: tuple[Option, ...] = ASSESS) -> dict[str, Any]:
    """The engine's options from a run's settings: lists as tuples, and a date left out when none was given."""
    values: dict[str, Any] = {}
    for option in options:
        if not option.engine:
            continue
        value = getattr(settings, option.attribute)
        if option.repeatable:
            values[option.attribute] = tuple(value)
        elif value is not None or option.kind != "date":
            values[option.attribute] = value
    return values


DEFAULTS: dict[str, Any] = defaults()
"""Option name (as in the configuration file) -> its value when neither the command line nor the file gives it."""

if TYPE_CHECKING:  # what a type checker sees of the classes built from ASSESS

    class Settings:
        paths: list[str]

        def __init__(self, paths: list[str], **values: Any) -> None: ...
        def __getattr__(self, name: str) -> Any: ...

    class AssessOptions:
        paths: tuple[str, ...]
        not_plans: tuple[str, ...]

        def __init__(self, paths: tuple[str, ...], **values: Any) -> None: ...
        def __getattr__(self, name: str) -> Any: ...

else:
    Settings = settings_class()
    AssessOptions = engine_options_class()
