"""`qipp-rag init CODE`: write a new, valid plan skeleton for an organisation.

The organisation's name, type, area team and region come from the packaged
April 2013 list when CODE is a CCG or an area team in it (an area team's
skeleton lists its CCGs).  For any other code the command needs
``--region``, and ``--area-team`` for a CCG (or ``--type area_team``),
because a plan without them is not valid; ``--name`` is then advisable.
Options given override the list.  Three plan years start at the financial
year containing today, or at ``--period``.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import typer

from ..options import AREA_TEAM, OUTPUT, REGION, Option
from ..vocabulary import REGIONS, REGIONS_TEXT
from ._options import takes

TEMPLATE = "plan-skeleton.yaml.j2"
YEARS = 3
TYPES = ("ccg", "area_team")
OPTIONS = (
    Option(
        "period",
        "First plan year (default: the financial year containing today).",
        metavar="YYYY/YY",
        configurable=False,
    ),
    OUTPUT.but(help="Where to write the plan (default CODE.yaml; - for standard output)."),
    Option("force", "Overwrite PATH if it exists.", kind="flag", configurable=False),
    Option("name", "The organisation's name (default: from the CCG list).", configurable=False),
    Option(
        "type",
        "For a code not in the CCG list (default ccg).",
        choices=TYPES,
        parameter_name="org_type",
        configurable=False,
    ),
    AREA_TEAM.but(help="The area team that assures a CCG (default: from the CCG list).", engine=False),
    REGION.but(help=f"{REGIONS_TEXT} (default: from the CCG list).", engine=False),
)
EXIT_INPUT = 2
_CODE = re.compile(r"[A-Z0-9]{3,6}")
_YEAR = re.compile(r"(\d{4})/(\d{2})")


class InitError(Exception):
    """A reason the skeleton cannot be written; shown as one line, exit 2."""


@dataclass(frozen=True)
class Organisation:
    code: str
    name: str
    type: str
    region: str
    area_team: str | None = None
    ccgs: tuple[str, ...] = ()
    known: bool = True
    name_placeholder: bool = False


def register(app: typer.Typer) -> None:
    @app.command("init")
    @takes(*OPTIONS)
    def init_command(
        code: str = typer.Argument(
            ..., metavar="CODE", help="ODS code of the CCG or area team, e.g. 03Q or Q52.", show_default=False
        ),
        **values: Any,
    ) -> None:
        """Write a new, valid plan skeleton for an organisation, with comments explaining each section."""
        try:
            org = organisation(
                code,
                name=values["name"],
                org_type=values["org_type"],
                area_team=values["area_team"],
                region=values["region"],
            )
            years = plan_years(values["period"])
            target = values["output"] or f"{org.code}.yaml"
            text = skeleton(org, years, file_hint=target if target != "-" else f"{org.code}.yaml")
            write(target, text, force=values["force"])
        except InitError as error:
            typer.echo(f"qipp-rag init: {error}", err=True)
            raise typer.Exit(EXIT_INPUT) from None
        if target != "-":
            where = f"area team {org.area_team}, " if org.area_team else ""
            typer.echo(
                f"qipp-rag init: wrote {target}: a plan skeleton for {org.code} {org.name} ({org.type}, "
                f"{where}{org.region}), "
                f"{years[0]} to {years[-1]}. Replace the values marked CHANGE ME, then run: qipp-rag assess {target}",
                err=True,
            )


# ---------------------------------------------------------------- the organisation


def organisation(
    code: str,
    *,
    name: str | None = None,
    org_type: str | None = None,
    area_team: str | None = None,
    region: str | None = None,
) -> Organisation:
    """Who the plan is for: the CCG list's record, overridden by what was given."""
    from .. import reference

    code = code.strip().upper()
    if not _CODE.fullmatch(code):
        raise InitError(
            f"{code!r} is not an organisation code: an ODS code is 3 to 6 capital letters and digits, such as "
            "03Q or Q52"
        )
    if org_type is not None and org_type not in TYPES:
        raise InitError(f"--type {org_type!r} is not one of {', '.join(TYPES)}")
    if region is not None and region not in REGIONS:
        raise InitError(f"--region {region!r} is not one of {', '.join(REGIONS)}")
    if area_team is not None:
        area_team = area_team.strip().upper()
        if not _CODE.fullmatch(area_team):
            raise InitError(f"--area-team {area_team!r} is not an organisation code such as Q52")
    if name is not None and not name.strip():
        raise InitError("--name cannot be blank")
    from ..reporters.text import visible

    if name is not None and visible(name.replace("\t", " ")) != name.replace("\t", " "):
        raise InitError(
            f"--name {visible(name)!r} holds control characters or line breaks; give the name as plain text"
        )

    ccg = reference.ccg(code)
    team = reference.area_team(code)
    if ccg is not None and org_type in (None, "ccg"):
        return Organisation(code, name or ccg.name, "ccg", region or ccg.region, area_team or ccg.area_team_code)
    if team is not None and org_type in (None, "area_team"):
        return Organisation(
            code, name or f"NHS England {team.name} Area Team", "area_team", region or team.region, ccgs=team.ccgs
        )

    kind = org_type or "ccg"
    missing = [
        flag
        for flag, value in (("--region", region), ("--area-team", area_team if kind == "ccg" else "n/a"))
        if value is None
    ]
    if missing:
        hint = " (or --type area_team for an area team)" if kind == "ccg" and org_type is None else ""
        raise InitError(
            f"{code} is not a CCG or area team in the April 2013 list that qipp-rag ships, so give "
            f"{' and '.join(missing)}{hint}, "
            f"and --name; a plan is not valid without them"
        )
    assert region is not None
    return Organisation(
        code,
        name or f"{code} (name to be completed)",
        kind,
        region,
        area_team if kind == "ccg" else None,
        known=False,
        name_placeholder=name is None,
    )


# ---------------------------------------------------------------- the years


FIRST_YEAR, LAST_YEAR = 2000, 2099  # the plan format's financial years: 2000/01 to 2099/00


def financial_year_containing(day: dt.date) -> str:
    """``2014/15`` for any day from 2014-04-01 to 2015-03-31."""
    start = day.year if day.month >= 4 else day.year - 1
    return f"{start}/{(start + 1) % 100:02d}"


def plan_years(first: str | None, today: dt.date | None = None) -> list[str]:
    if first is None:
        first = financial_year_containing(today or dt.date.today())
    match = _YEAR.fullmatch(first.strip())
    if not match or (int(match.group(1)) + 1) % 100 != int(match.group(2)):
        raise InitError(
            f"--period {first!r} is not a financial year written YYYY/YY with consecutive years, such as 2014/15"
        )
    start = int(match.group(1))
    if not FIRST_YEAR <= start <= LAST_YEAR - YEARS + 1:
        raise InitError(
            f"--period {first!r}: plan years run from 2000/01 to 2099/00, so the first year is 2000/01 to "
            f"{LAST_YEAR - YEARS + 1}/{(LAST_YEAR - YEARS + 2) % 100:02d}"
        )
    return [f"{year}/{(year + 1) % 100:02d}" for year in range(start, start + YEARS)]


# ---------------------------------------------------------------- the text


def yaml_quote(text: str) -> str:
    """A YAML double-quoted scalar that reads back as exactly ``text``.

    Anything not plainly printable (control characters, and the line
    separators YAML would fold: NEL, U+2028, U+2029, and a stray BOM) is
    written as an escape.
    """
    out = ['"']
    for char in text:
        if char in '"\\':
            out.append("\\" + char)
        elif char.isprintable() and char not in "\x85\u2028\u2029\ufeff":
            out.append(char)
        elif ord(char) <= 0xFFFF:
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(f"\\U{ord(char):08x}")
    out.append('"')
    return "".join(out)


def _template_dir() -> Path:
    """``qipp_rag/templates`` in an installed wheel; the repository's ``templates/`` in a checkout."""
    here = Path(__file__).resolve()
    for candidate in (here.parents[1] / "templates", here.parents[2] / "templates"):
        if (candidate / TEMPLATE).is_file():
            return candidate
    raise FileNotFoundError(f"the plan template {TEMPLATE} is missing: reinstall qipp-rag")


def skeleton(org: Organisation, years: list[str], file_hint: str = "PLAN.yaml") -> str:
    """The skeleton plan's text, rendered from ``templates/plan-skeleton.yaml.j2``."""
    import jinja2

    # Not HTML: autoescape would corrupt YAML; every outside value goes through `q` instead.
    env = jinja2.Environment(  # noqa: S701
        loader=jinja2.FileSystemLoader(str(_template_dir())),
        autoescape=False,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["q"] = yaml_quote
    first_start = int(years[0][:4])
    return align_comments(env.get_template(TEMPLATE).render(
        code=org.code,
        name=org.name,
        name_comment=" ".join(org.name.split()).translate({ord(c): " " for c in "\x85\u2028\u2029"}),
        name_placeholder=org.name_placeholder,
        placeholders=not org.known,
        type=org.type,
        area_team=org.area_team,
        region=org.region,
        ccgs=list(org.ccgs),
        period=years,
        file_hint=file_hint if " " not in file_hint else f'"{file_hint}"',
        approval_deadline=dt.date(first_start, 3, 31).isoformat(),
        first_milestone=dt.date(first_start, 6, 30).isoformat(),
        baseline_year=f"{first_start - 2}/{(first_start - 1) % 100:02d}",
    ))


_INLINE_COMMENT = re.compile(r"^(?P<code>.*?\S)\s{2,}(?P<comment>#.*)$")
LONG_CODE = 48  # a line whose text runs past this keeps its comment two spaces after it


def _inline_comment(line: str) -> tuple[str, str] | None:
    """A line's text and its trailing ``# comment`` (two or more spaces before it, outside quotes)."""
    match = _INLINE_COMMENT.match(line)
    if match is None:
        return None
    code = match.group("code")
    if len(re.findall(r'(?<!\\)"', code)) % 2:  # the `#` is inside a quoted value
        return None
    return code, match.group("comment")


def align_comments(text: str) -> str:
    """Line up the trailing comments of each paragraph (lines between blank lines) in one column."""
    out: list[str] = []
    block: list[str] = []

    def flush() -> None:
        found = [_inline_comment(line) for line in block]
        for number, part in enumerate(found):  # `#   # text`: a continuation only under a comment in its column
            if part is not None and part[0] == "#":
                above = block[number - 1] if number else ""
                continues = number and found[number - 1] is not None and above.find(" #") == block[number].find(" #")
                found[number] = part if continues else None
        widths = [len(part[0]) for part in found if part is not None and len(part[0]) <= LONG_CODE]
        column = max(widths, default=0) + 2
        for line, part in zip(block, found, strict=True):
            if part is None:
                out.append(line)
            else:
                code, comment = part
                out.append(f"{code.ljust(column - 2)}  {comment}" if len(code) <= LONG_CODE else f"{code}  {comment}")
        block.clear()

    for line in text.split("\n"):
        if line.strip():
            block.append(line)
        else:
            flush()
            out.append(line)
    flush()
    return "\n".join(out)


def write(target: str, text: str, force: bool) -> None:
    from ..output_files import TargetError, write_atomically

    if target == "-":
        sys.stdout.buffer.write(text.encode("utf-8"))
        sys.stdout.buffer.flush()
        return
    path = Path(target)
    if path.is_dir() or target.endswith(("/", os.sep)):
        raise InitError(f"{target} is a folder; give the path of the plan file to write")
    if not path.parent.is_dir():
        from ..output_files import creatable, make_folders

        if not creatable(path.parent):
            raise InitError(
                f"cannot write {target}: the folder {path.parent} does not exist (missing folders are made only "
                "inside the current folder)"
            )
        try:
            make_folders([target])
        except OSError as error:
            raise InitError(f"cannot write {target}: {error.strerror or error}") from None
    try:
        if force and os.path.lexists(target):  # replaced as reports are: never over a device, never keeping an exec bit
            write_atomically([(target, text)])
            return
        with path.open("x", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
    except FileExistsError:
        raise InitError(
            f"{target} already exists; give --force to overwrite it, or --output for another file"
        ) from None
    except TargetError as error:
        raise InitError(str(error)) from None
    except OSError as error:
        raise InitError(f"cannot write {target}: {error.strerror or error}") from None
