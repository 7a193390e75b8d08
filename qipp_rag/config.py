"""The configuration file: `assess` options a repository of plans sets once.

Where it is found: from the starting folder upwards, the nearest folder that
holds either a ``.qipp-rag.yaml`` or a ``pyproject.toml`` with a
``[tool.qipp-rag]`` table wins; in one folder ``.qipp-rag.yaml`` wins (the
``pyproject.toml`` beside it is then not read).  A ``pyproject.toml`` without
the table does not count, so the search goes on past it.

What it holds: the long option names of ``qipp-rag assess`` as keys
(``fail-on: amber``, ``skip: ['GV*']``).  Paths (``rules``, ``waivers`` and
the PATH of ``report: F:PATH``) are relative to the file's folder and come
back resolved, so the same file works from any folder below it.

Precedence: the command line wins over the file, the file over the
built-in defaults; a repeatable option given on the command line replaces
the file's list rather than adding to it.  The merge is done by the
``assess`` command; this module only finds, reads and checks the file.

Both files are untrusted input: YAML goes through the project's strict
loader, TOML through :mod:`tomllib`, and both are checked by the same
pydantic model, every problem with file, line and column.
"""

from __future__ import annotations

import difflib
import functools
import os
import re
from pathlib import Path
from typing import Annotated, Any, cast

from pydantic import BaseModel, ConfigDict, Field, PlainValidator, ValidationError, create_model
from pydantic_core import PydanticCustomError

from .load.loading import load_document
from .options import ASSESS, Option
from .plan.models import Date, Flag, OrgCode, Text, text_value
from .reporters import FORMATS
from .results import Problem

YAML_NAME = ".qipp-rag.yaml"
PYPROJECT = "pyproject.toml"
TOOL_KEY = "qipp-rag"
PATH_OPTIONS = tuple(option.name for option in ASSESS if option.configurable and option.path)
REPORT_OPTIONS = tuple(option.name for option in ASSESS if option.configurable and option.form == "report")

LAST_SOURCE: str | None = None
"""The configuration file the latest :func:`load_config` read (None: there was none), for messages."""
LAST_WARNINGS: list[str] = []
"""Near misses the latest :func:`find_config` passed over (``[tool.qipp_rag]``, ``.qipp-rag.yml``)."""
NEAR_YAML_NAMES = (".qipp-rag.yml", ".qipp_rag.yaml", ".qipp_rag.yml", "qipp-rag.yaml", ".qipprag.yaml")


# ---------------------------------------------------------------- the model


def _text_list(value: object) -> list[str]:
    items = value if isinstance(value, list) else [value]
    if isinstance(value, list) and not value:
        raise PydanticCustomError("empty_list", "give at least one value, or leave the key out")
    return [_one_text(item) for item in items]


def _one_text(item: object) -> str:
    text = text_value(item)  # the plan format's text check: rejects unquoted `NO`, `010` and friends
    if not text.strip():
        raise PydanticCustomError("blank", "a value cannot be blank")
    return text


def _report(value: object) -> list[str]:
    specs = _text_list(value)
    for spec in specs:
        name, sep, target = spec.partition(":")
        if not sep or not target.strip():
            raise PydanticCustomError(
                "report_form", "a report is written F:PATH, such as html:report.html; got {got}", {"got": repr(spec)}
            )
        if name not in FORMATS:
            raise PydanticCustomError(
                "report_format",
                "unknown format {name} in {got}; formats: {formats}",
                {"name": repr(name), "got": repr(spec), "formats": ", ".join(FORMATS)},
            )
    return specs


def _count(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise PydanticCustomError("count", "give a whole number, 1 or more; got {got}", {"got": repr(value)})
    return value


def _one_of(choices: tuple[str, ...]) -> PlainValidator:
    """A value that must be one of ``choices`` (checked as a Literal of them would be)."""
    expected = ", ".join(repr(choice) for choice in choices[:-1]) + f" or {choices[-1]!r}"

    def check(value: object) -> str:
        if isinstance(value, str) and value in choices:
            return value
        raise PydanticCustomError("literal_error", "Input should be {expected}", {"expected": expected})

    return PlainValidator(check)


TextList = Annotated[list[str], PlainValidator(_text_list)]


def value_type(option: Option) -> Any:
    """The type (with its checks) of the option's value in a configuration file."""
    if option.repeatable:
        return Annotated[list[str], PlainValidator(_report)] if option.form == "report" else TextList
    if option.choices:
        return Annotated[str, _one_of(option.choices)]
    if option.form == "code":
        return OrgCode
    return {"flag": Flag, "count": Annotated[int, PlainValidator(_count)], "date": Date}.get(option.kind, Text)


def config_model(options: tuple[Option, ...] = ASSESS) -> type[BaseModel]:
    """The keys a configuration file may hold: the long names of the options it may set, nothing else
    (made once for each tuple of options)."""
    return _config_model(options)


@functools.cache
def _config_model(options: tuple[Option, ...]) -> type[BaseModel]:
    fields: dict[str, Any] = {
        _field_name(option.name): (
            value_type(option) | None,
            Field(None, alias=option.name) if "-" in option.name else None,
        )
        for option in options
        if option.configurable
    }
    model = create_model(
        "ConfigFile",
        # Built on first validation: a run without a configuration file never needs it.
        __config__=ConfigDict(extra="forbid", frozen=True, populate_by_name=False, defer_build=True),
        __doc__="The keys a configuration file may hold: exactly the long options of ``assess`` it may set.",
        __module__=__name__,
        **fields,
    )
    return cast("type[BaseModel]", model)


def _field_name(key: str) -> str:
    return key.replace("-", "_")


def keys(options: tuple[Option, ...] = ASSESS) -> tuple[str, ...]:
    """The keys a configuration file may hold."""
    return tuple(field.alias or name for name, field in config_model(options).model_fields.items())


ConfigFile = config_model()
KEYS: tuple[str, ...] = keys()


# ---------------------------------------------------------------- finding the file


def find_config(start: str | os.PathLike[str]) -> Path | None:
    """The configuration file in force for ``start`` (a folder, or a file whose folder counts)."""
    LAST_WARNINGS.clear()
    folder = Path(start).absolute()
    if not folder.is_dir():
        folder = folder.parent
    for candidate in (folder, *folder.parents):
        yaml_file = candidate / YAML_NAME
        if yaml_file.is_file():
            return yaml_file
        pyproject = candidate / PYPROJECT
        if pyproject.is_file() and _mentions_tool(pyproject):
            return pyproject
        for near in NEAR_YAML_NAMES:
            if (candidate / near).is_file():
                LAST_WARNINGS.append(
                    f"{_shown(candidate / near)} is not read: the configuration file is named {YAML_NAME}"
                )
    return None


def _mentions_tool(pyproject: Path) -> bool:
    """Whether a pyproject.toml has a [tool.qipp-rag] table, or seems to but cannot be read (then
    its problem is reported, never ignored).  A near miss (``[tool.qipp_rag]``) is a warning."""
    try:
        data = pyproject.read_bytes()
    except OSError:
        return True  # it may configure us: say why it cannot be read
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return b"qipp" in data.lower()
    if not _may_name_tool(text):
        return False  # another project's file: no need to parse it (or import the TOML parser)
    import tomllib


    try:
        tool = tomllib.loads(text).get("tool")
    except tomllib.TOMLDecodeError:
        # A broken file counts only if it looks like it configures us; then its error is reported.
        return TOOL_KEY in text
    if not isinstance(tool, dict):
        return False
    if TOOL_KEY in tool:
        return True
    for key in tool:
        if str(key).lower().replace("_", "").replace("-", "").replace(" ", "") == "qipprag":
            LAST_WARNINGS.append(f"{_shown(pyproject)}: [tool.{key}] is not read; the table is [tool.{TOOL_KEY}]")
    return False


def _may_name_tool(text: str) -> bool:
    """Whether a TOML text can hold the table or a near miss at all: a key that, lowercased and without
    ``_``, ``-`` and spaces, reads ``qipprag``, unless it is spelt with ``\\u`` escapes."""
    lowered = text.lower()
    return "qipprag" in lowered.replace("_", "").replace("-", "").replace(" ", "") or "\\u" in lowered


# ---------------------------------------------------------------- reading it


def load_config(start: str | os.PathLike[str]) -> tuple[dict[str, Any], list[Problem]]:
    """Option values from the configuration file in force for ``start``, and its problems.

    Keys are the long option names (``fail-on``); only keys the file gives
    appear.  Lists (``rules``, ``report``, ``only``, ``skip``) are lists even
    when the file gives one value; paths are resolved against the file's
    folder (relative to the current folder where possible).  Any problem
    gives no values at all, so that a half-read file never half-applies.
    """
    global LAST_SOURCE
    file = find_config(start)
    LAST_SOURCE = None if file is None else str(file)
    if file is None:
        return {}, []
    shown = _shown(file)
    if file.name == PYPROJECT:
        model, problems = _read_toml(file, shown)
    else:
        model, problems = _read_yaml(file, shown)
    if problems or model is None:
        return {}, problems
    outside = _reports_outside(model, file)
    if outside:
        return {}, outside
    return _values(model, file.parent), []


def _shown(file: Path) -> str:
    """The file as messages name it: relative to the current folder when it is below it."""
    try:
        return str(file.relative_to(Path.cwd()))
    except ValueError:
        return str(file)


def _read_yaml(file: Path, shown: str) -> tuple[BaseModel | None, list[Problem]]:
    if _only_comments(file):  # an empty file sets nothing, as the command line without options
        return ConfigFile(), []
    model, problems = load_document(shown, ConfigFile)
    return model, [_with_suggestion(problem, shown) for problem in problems]


def _only_comments(file: Path) -> bool:
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False  # the loader reports it
    return all(
        not line.strip() or line.lstrip().startswith("#") or line.strip() in ("---", "...")
        for line in text.splitlines()
    )


def _with_suggestion(problem: Problem, shown: str) -> Problem:
    """Unknown top-level keys name the nearest valid one, in the file's own spelling."""
    key = problem.path.split(".")[0].split("[")[0] if problem.path else ""
    update: dict[str, Any] = {} if problem.file else {"file": shown}
    if key and key not in KEYS and problem.path == key and "did you mean" not in problem.message:
        guess = suggest(key)
        if guess:
            update["message"] = f"{problem.message}; did you mean `{guess}`?"
    return problem.model_copy(update=update) if update else problem


def suggest(key: str) -> str | None:
    """The valid key nearest to ``key`` (``fail_on`` and ``failon`` give ``fail-on``)."""
    normal = {name.replace("-", "").replace("_", ""): name for name in KEYS}
    squashed = key.lower().replace("-", "").replace("_", "")
    if squashed in normal:
        return normal[squashed]
    close = difflib.get_close_matches(key.lower(), KEYS, n=1, cutoff=0.6)
    return close[0] if close else None


def _read_toml(file: Path, shown: str) -> tuple[BaseModel | None, list[Problem]]:
    try:
        text = file.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        line = file.read_bytes()[: error.start].count(b"\n") + 1
        message = "pyproject.toml is not UTF-8 text (saved as Latin-1 or Windows-1252?); save it as UTF-8"
        return None, [Problem(message=message, line=line, column=1, file=shown)]
    except OSError as error:
        return None, [
            Problem(
                message=f"cannot read the configuration file: {error.strerror or error}", line=1, column=1, file=shown
            )
        ]
    import tomllib

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        line, column = _toml_error_position(str(error))
        message = re.sub(r"\s*\(at (line \d+, column \d+|end of document)\)$", "", str(error))
        return None, [Problem(message=f"not valid TOML: {message}", line=line, column=column, file=shown)]
    table = data.get("tool", {}).get(TOOL_KEY)
    header = _toml_header_line(text)
    if not isinstance(table, dict):
        return None, [
            Problem(
                message="`tool.qipp-rag` must be a table: write `[tool.qipp-rag]` and the options below it",
                line=header,
                column=1,
                file=shown,
            )
        ]
    try:
        return ConfigFile.model_validate(table), []
    except ValidationError as error:
        problems = []
        for issue in error.errors():
            loc = issue["loc"]
            key = str(loc[0]) if loc else ""
            line, column = _toml_key_position(text, key, header)
            if issue["type"] == "extra_forbidden":
                guess = suggest(key)
                message = f"unknown key `{key}` in [tool.qipp-rag]" + (
                    f"; did you mean `{guess}`?" if guess else f"; keys: {', '.join(KEYS)}"
                )
            else:
                where = key + "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in loc[1:])
                message = f"[tool.qipp-rag] `{where}`: {issue['msg']}"
            problems.append(Problem(message=message, line=line, column=column, path=key, file=shown))
        return None, sorted(problems, key=lambda problem: (problem.line, problem.column))


_TOML_HEADER = re.compile(r"""^\s*\[\s*tool\s*\.\s*(?:qipp-rag|"qipp-rag"|'qipp-rag')\s*\]""")
_TOML_ANY_HEADER = re.compile(r"^\s*\[")


def _toml_error_position(message: str) -> tuple[int, int]:
    match = re.search(r"at line (\d+), column (\d+)", message)
    return (int(match.group(1)), int(match.group(2))) if match else (1, 1)


def _toml_header_line(text: str) -> int:
    for number, line in enumerate(text.splitlines(), start=1):
        if _TOML_HEADER.match(line):
            return number
    return 1


def _toml_key_position(text: str, key: str, header: int) -> tuple[int, int]:
    """Where ``key`` is set inside the [tool.qipp-rag] table; the header's line when it cannot be found."""
    pattern = re.compile(rf"""^(\s*)(?:{re.escape(key)}|"{re.escape(key)}"|'{re.escape(key)}')\s*=""")
    lines = text.splitlines()
    for number in range(header, len(lines)):  # lines after the header, 1-based number + 1
        line = lines[number]
        if _TOML_ANY_HEADER.match(line):
            break
        match = pattern.match(line)
        if match:
            return number + 1, len(match.group(1)) + 1
    return header, 1


# ---------------------------------------------------------------- values


def _values(model: BaseModel, folder: Path) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name in model.model_fields_set:
        field = type(model).model_fields[name]
        key = field.alias or name
        value = getattr(model, name)
        if key in PATH_OPTIONS:
            value = [_resolve(item, folder) for item in value] if isinstance(value, list) else _resolve(value, folder)
        elif key in REPORT_OPTIONS:
            value = [_resolve_report(spec, folder) for spec in value]
        values[key] = value
    return dict(sorted(values.items()))


def _resolve(path: str, folder: Path) -> str:
    target = Path(path).expanduser()
    if target.is_absolute():
        return str(target)
    target = folder / target
    try:
        return os.path.relpath(target)
    except ValueError:  # another drive on Windows
        return str(target)


def _reports_outside(model: BaseModel, file: Path) -> list[Problem]:
    """A report path from a configuration file must stay inside the file's folder (links resolved):
    a plan repository's config must not write over files elsewhere on the machine."""
    folder = os.path.realpath(file.parent)
    problems = []
    specs = [spec for name in REPORT_OPTIONS for spec in getattr(model, _field_name(name)) or []]
    for spec in specs:
        target = spec.partition(":")[2]
        real = os.path.realpath(os.path.join(folder, os.path.expanduser(target)))
        if os.path.commonpath([folder, real]) != folder:
            line, column = _text_position(file, target)
            message = (
                f"`report`: {target} lies outside the folder of the configuration file; a configured report "
                "stays inside it"
            )
            problems.append(Problem(message=message, line=line, column=column, path="report", file=_shown(file)))
    return problems


def _text_position(file: Path, text: str) -> tuple[int, int]:
    try:
        lines = file.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return 1, 1
    for number, line in enumerate(lines, start=1):
        if text in line:
            return number, line.index(text) + 1
    return 1, 1


def _resolve_report(spec: str, folder: Path) -> str:
    name, _, target = spec.partition(":")
    return f"{name}:{_resolve(target, folder)}"
