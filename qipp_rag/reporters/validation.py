"""`qipp-rag validate` output: each file's outcome as plain text, a terminal table (rich) or JSON."""

from __future__ import annotations

import io
import json
import shutil
from collections.abc import Sequence
from typing import TYPE_CHECKING

from .. import __version__
from .text import visible

if TYPE_CHECKING:
    from ..results import Problem
    from ..validation import FileOutcome


def where(file: str, problem: Problem) -> str:
    """``file:line:column`` (just ``file`` for a problem with the whole file)."""
    return f"{file}:{problem.line}:{problem.column}" if problem.line else file


def summary_line(outcomes: Sequence[FileOutcome]) -> str:
    valid = sum(outcome.valid for outcome in outcomes)
    files = "file" if len(outcomes) == 1 else "files"
    return f"{len(outcomes)} {files}: {valid} valid, {len(outcomes) - valid} invalid"


def to_text(outcomes: Sequence[FileOutcome], quiet: bool = False) -> str:
    lines: list[str] = []
    for outcome in outcomes:
        if outcome.valid:
            if not quiet:
                lines.append(f"{outcome.file}: valid")
            continue
        lines.extend(f"{where(outcome.file, problem)}: {problem.message}" for problem in outcome.errors)
    return "".join(visible(line) + "\n" for line in lines)  # a line break in a key cannot start a line


def to_table(outcomes: Sequence[FileOutcome], quiet: bool = False, color: bool = True, width: int | None = None) -> str:
    from rich import box  # only a terminal gets the table
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

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
