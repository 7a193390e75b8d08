"""Discovery, the strict YAML loader and the source map (path -> line, column).

The public face of loading: :func:`discover` finds plan files,
:func:`load_plan` reads and validates one plan, and :func:`load_document`
does the same for any other YAML input (rule packs, waivers, configuration).
None of them raises for bad input; every problem comes back with its line
and column, all of a file's problems at once, in file order.

The parts live in :mod:`qipp_rag.load.yamlsafe` (bytes to data),
:mod:`qipp_rag.load.sourcemap` (positions) and :mod:`qipp_rag.load.discovery`.
"""

from __future__ import annotations

import difflib
import os
import stat
import sys
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple, Protocol, TypeVar

from pydantic import BaseModel, ValidationError

from ..plan.models import Plan, consistency_problems, model_keys_at
from ..results import OrganisationInfo, Problem, format_path
from ..vocabulary import Loc
from . import yamlsafe
from .discovery import STDIN, discover
from .scalars import clip, describe
from .sourcemap import NodeSourceMap

__all__ = ["FailedPlan", "LoadedPlan", "SourceMap", "discover", "load_document", "load_plan", "read_bytes"]

M = TypeVar("M", bound=BaseModel)
MAX_PROBLEMS = 100  # listed per file


class SourceMap(Protocol):
    def locate(self, loc: Loc) -> tuple[int, int]:
        """1-based (line, column) of the node at ``loc``; the nearest existing
        ancestor where the path does not exist (a missing key)."""
        ...

    def locate_key(self, loc: Loc) -> tuple[int, int]:
        """1-based (line, column) of the *key* that ``loc`` ends in (for unknown
        or duplicate keys); falls back to :meth:`locate`."""
        ...


class LoadedPlan(NamedTuple):
    file: str  # the path as it will be shown (relative where the input was)
    plan: Plan
    source: SourceMap


class FailedPlan(NamedTuple):
    file: str
    problems: list[Problem]  # every problem found, each with line and column
    organisation: OrganisationInfo  # what could be salvaged, for grouping in reports


def load_plan(file: str) -> LoadedPlan | FailedPlan:
    """Read, parse and validate one plan file.  Never raises for bad input."""
    outcome = _load(file, Plan, "plan")
    if outcome.instance is None or outcome.problems:
        problems = [problem.model_copy(update={"file": None}) for problem in outcome.problems]
        return FailedPlan(file=file, problems=problems, organisation=salvage_organisation(outcome.data))
    assert outcome.source is not None
    return LoadedPlan(file=file, plan=outcome.instance, source=outcome.source)


def load_document(file: str, model: type[M], what: str = "file") -> tuple[M | None, list[Problem]]:
    """Load any YAML input (rule pack, waivers, config) with the same strict
    loader and validate it against ``model``; problems carry file, line and
    column.  Returns (model instance or None, problems)."""
    outcome = _load(file, model, what)
    if outcome.problems:
        return None, outcome.problems
    return outcome.instance, []


# ---------------------------------------------------------------- reading


_STDIN_TEXT: list[bytes] = []  # standard input, read once


def _stdin_bytes(what: str) -> tuple[bytes | None, yamlsafe.Issue | None]:
    if not _STDIN_TEXT:
        _STDIN_TEXT.append(sys.stdin.buffer.read(yamlsafe.MAX_BYTES + 1))
    raw = _STDIN_TEXT[0]
    if len(raw) > yamlsafe.MAX_BYTES:
        return None, yamlsafe.too_big(len(raw), what)
    return raw, None


def read_bytes(file: str, what: str = "file") -> tuple[bytes | None, yamlsafe.Issue | None]:
    """The file's bytes, refusing anything over the size limit before reading it.  ``<stdin>`` (the
    path ``-``) is standard input, read once by the process that asks first."""
    if file == STDIN:
        return _stdin_bytes(what)
    try:
        with open(file, "rb") as handle:
            info = os.fstat(handle.fileno())
            if stat.S_ISREG(info.st_mode):
                if info.st_size > yamlsafe.MAX_BYTES:
                    return None, yamlsafe.too_big(info.st_size, what)
                return handle.read(), None
            return handle.read(yamlsafe.MAX_BYTES + 1), None  # a pipe or device: read no more than the limit
    except FileNotFoundError:
        return None, yamlsafe.Issue("no such file", 0, 0)
    except IsADirectoryError:
        return None, yamlsafe.Issue("this is a folder, not a file", 0, 0)
    except PermissionError:
        return None, yamlsafe.Issue("the file cannot be read: permission denied", 0, 0)
    except OSError as error:
        return None, yamlsafe.Issue(
            f"the file cannot be read: {(error.strerror or type(error).__name__).lower()}", 0, 0
        )


# ---------------------------------------------------------------- loading


class _Outcome:
    __slots__ = ("instance", "problems", "data", "source")

    def __init__(self, instance: Any = None, problems: list[Problem] | None = None, data: Any = None,
                 source: NodeSourceMap | None = None) -> None:
        self.instance = instance
        self.problems: list[Problem] = [] if problems is None else problems
        self.data = data
        self.source = source


class _Found(NamedTuple):
    """A problem before it is worded: the wording (a "did you mean" search)
    is done only for the problems that will be listed."""

    line: int
    column: int
    loc: Loc
    message: str | Callable[[], str]

    def problem(self, file: str) -> Problem:
        message = self.message if isinstance(self.message, str) else self.message()
        path = format_path(self.loc)
        return Problem(
            message=f"{path}: {message}" if path else message, line=self.line, column=self.column, path=path, file=file
        )


def _from_issue(issue: yamlsafe.Issue) -> _Found:
    return _Found(issue.line, issue.column, issue.loc or (), issue.message)


def _load(file: str, model: type[BaseModel], what: str) -> _Outcome:
    raw, issue = read_bytes(file, what)
    if issue is not None or raw is None:
        return _Outcome(problems=_listed([_from_issue(issue)], file))  # type: ignore[arg-type]
    parsed = yamlsafe.parse(raw, what)
    if parsed.data is None or parsed.root is None:
        return _Outcome(problems=_listed([_from_issue(issue) for issue in parsed.issues], file))
    source = NodeSourceMap(parsed.text, parsed.root)
    found = [_from_issue(issue) for issue in parsed.issues]
    instance = None
    try:
        instance = model.model_validate(parsed.data)
    except ValidationError as error:
        covered = {issue.loc for issue in parsed.issues if issue.loc is not None}
        for detail in error.errors(include_url=False):
            problem = _validation_problem(detail, parsed.data, source, model)
            if not covered or not _under(problem.loc, covered):
                found.append(problem)
    if isinstance(instance, Plan):
        for loc, message in consistency_problems(instance):
            found.append(_Found(*source.locate_key(loc), loc, message))
    return _Outcome(instance=instance, problems=_listed(found, file), data=parsed.data, source=source)


def _under(loc: Loc, covered: set[Any]) -> bool:
    """Whether a validation error only repeats a YAML problem already reported at or above it
    (a problem with the whole document covers only itself)."""
    return loc in covered or any(loc[:length] in covered for length in range(1, len(loc)))


def _listed(found: list[_Found], file: str) -> list[Problem]:
    """In file order, each once, and at most :data:`MAX_PROBLEMS` of them (a
    file with ten thousand stray keys must not make a report of millions)."""
    ordered = sorted(found, key=lambda item: (item.line, item.column))
    problems = list(dict.fromkeys(item.problem(file) for item in ordered[:MAX_PROBLEMS]))
    rest = len(ordered) - MAX_PROBLEMS
    if rest > 0:
        problems.append(
            Problem(
                message=f"and {rest:,} more problems in this file (only the first {MAX_PROBLEMS} are listed)",
                line=0,
                column=0,
                file=file,
            )
        )
    return problems


# ---------------------------------------------------------------- validation errors


def _validation_problem(detail: Any, data: Any, source: NodeSourceMap, model: type[BaseModel]) -> _Found:
    kind = detail["type"]
    loc, at_key = _data_loc(data, detail["loc"], missing=kind == "missing")
    at_key = at_key or kind == "invalid_key"
    if kind == "missing":
        parent = loc[:-1]
        message = f"the required key `{loc[-1]}` is missing" if loc else "a required value is missing"
        return _Found(*source.locate(parent), parent, message)
    if kind == "extra_forbidden":
        key = str(loc[-1]) if loc else ""
        return _Found(
            *source.locate_key(loc), loc, lambda: f"unknown key `{clip(key)}`{_did_you_mean(model, loc, key)}"
        )
    position = source.locate_key(loc) if at_key else source.locate(loc)
    return _Found(*position, loc, _describe_error(detail))


def _data_loc(data: Any, loc: Sequence[Any], missing: bool) -> tuple[Loc, bool]:
    """pydantic's error path, as a path through the data: keys as written (text),
    without union members' names, and whether the error is about a key itself."""
    out: list[str | int] = []
    here: Any = data
    at_key = False
    last = len(loc) - 1
    for position, part in enumerate(loc):
        if part == "[key]":
            at_key = True
        elif isinstance(here, dict):
            if part in here:
                out.append(part if isinstance(part, str) else str(part))
                here = here[part]
            elif missing and position == last:
                out.append(part)
        elif isinstance(here, list) and isinstance(part, int) and 0 <= part < len(here):
            out.append(part)
            here = here[part]
        # anything else names a member of a union type, not a place in the file
    return tuple(out), at_key


def _did_you_mean(model: type[BaseModel], loc: Loc, key: str) -> str:
    allowed = model_keys_at(model, loc) if loc else None
    if not allowed:
        return ""
    near = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
    if near:
        return f"; did you mean `{near[0]}`?"
    return f"; the keys allowed here are {', '.join(f'`{name}`' for name in allowed)}"


_PLAIN_MESSAGES = {
    "dict_type": "expected a mapping of keys to values, got {got}",
    "model_type": "expected a mapping of keys to values, got {got}",
    "model_attributes_type": "expected a mapping of keys to values, got {got}",
    "list_type": "expected a list, got {got}",
    "string_type": "expected text, got {got}",
    "bool_type": "expected true or false, got {got}",
    "bool_parsing": "expected true or false, got {got}",
    "int_type": "expected a whole number, got {got}",
    "int_parsing": "expected a whole number, got {got}",
    "decimal_type": "expected a number, got {got}",
    "decimal_parsing": "expected a number, got {got}",
    "date_type": "expected a date written YYYY-MM-DD, got {got}",
    "date_parsing": "expected a date written YYYY-MM-DD, got {got}",
    "date_from_datetime_parsing": "expected a date written YYYY-MM-DD, got {got}",
    "invalid_key": "a key must be text, got {got}",
}


def _describe_error(detail: Any) -> str:
    kind, context = detail["type"], detail.get("ctx") or {}
    got = describe(detail.get("input"))
    if kind in ("literal_error", "enum"):
        expected = str(context.get("expected", "")).replace("'", "`")
        return f"expected {expected}, got {got}"
    if kind in ("too_short", "too_long"):
        bound = "at least" if kind == "too_short" else "at most"
        limit = context.get("min_length" if kind == "too_short" else "max_length")
        return f"expected {bound} {limit} items, got {context.get('actual_length', 'a different number')}"
    if kind in _PLAIN_MESSAGES:
        return _PLAIN_MESSAGES[kind].format(got=got)
    message = str(detail.get("msg", "is not valid"))
    for prefix in ("Value error, ", "Assertion failed, "):
        message = message.removeprefix(prefix)
    return message


# ---------------------------------------------------------------- salvage


def salvage_organisation(data: Any) -> OrganisationInfo:
    """What a failed plan says about its organisation, where it says it plainly,
    so that reports can still group it by region and area team."""
    organisation = data.get("organisation") if isinstance(data, dict) else None
    if not isinstance(organisation, dict):
        return OrganisationInfo()
    fields = {}
    for key in ("code", "name", "type", "area_team", "region"):
        value = organisation.get(key)
        if type(value) is str and value.strip():  # not Ambiguous, a number or a date
            fields[key] = clip(value.strip(), 200)
    return OrganisationInfo(**fields)
