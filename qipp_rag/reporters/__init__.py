"""Output formats, each a module with ``render(assessment, options) -> str``, found by name.

Modules are imported only when their format is asked for, so that heavy
libraries (jinja2, rich tables) cost nothing to a run that does not use them.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the results import reporters.text, whose package this is
    from ..diffing import AssessmentDiff
    from ..results import Assessment

# format name -> module under qipp_rag.reporters
REPORTERS: dict[str, str] = {
    "table": "table",
    "json": "json_report",
    "markdown": "markdown",
    "github": "github",
    "csv": "csv_report",
    "junit": "junit",
    "sarif": "sarif",
    "html": "html",
}
FORMATS: tuple[str, ...] = tuple(REPORTERS)
"""Every format's name: command-line choices, help texts and the configuration file take them from here."""


def formats_text(conjunction: str = "or") -> str:
    """The format names as a help text lists them: ``table, json, ... or html``."""
    return f"{', '.join(FORMATS[:-1])} {conjunction} {FORMATS[-1]}"


# `diff` format name -> its render function in qipp_rag.reporters.diff (imported only when a diff is shown)
DIFF_REPORTERS: dict[str, str] = {"table": "render_table", "markdown": "render_markdown", "json": "render_json"}
DIFF_FORMATS: tuple[str, ...] = tuple(DIFF_REPORTERS)
"""Every format of ``diff``: its command-line choices and checks take them from here."""


def diff_renderer(name: str) -> Callable[[AssessmentDiff], str]:
    """The function rendering a diff in format ``name``; ``KeyError`` for an unknown one."""
    module = importlib.import_module(f"{__name__}.diff")
    function: Callable[[AssessmentDiff], str] = getattr(module, DIFF_REPORTERS[name])
    return function


@dataclass(frozen=True)
class RenderOptions:
    """What a run asks of every format; a reporter uses what applies to it."""

    color: bool = False  # ANSI colour (table only; NO_COLOR and --no-color turn it off)
    group_by: str | None = None  # "region", "area_team" or "provider": grouped tables and roll-ups
    fail_on: str = "red"  # JUnit counts amber as a failure under --fail-on amber
    width: int | None = None  # terminal width for the table
    sort: str = "rating"  # the table's order: "rating" (worst first) or "path"
    show_na: bool = False  # the table lists n/a results too


Renderer = Callable[["Assessment", RenderOptions], str]


def renderer(name: str) -> Renderer:
    """The render function of format ``name``; ``KeyError`` for an unknown one.

    Every reporter module defines ``render(assessment, options=RenderOptions())``.
    """
    module = importlib.import_module(f"{__name__}.{REPORTERS[name]}")
    return module.render


Chunks = Callable[["Assessment", RenderOptions], Iterable[str]]


def chunked(name: str) -> Chunks:
    """Format ``name``'s output as pieces of text, made as they are asked for.

    A reporter module that can render piece by piece defines ``chunks`` (its
    pieces joined are exactly ``render``'s text); for the others the whole
    text is the one piece, rendered when it is asked for.
    """
    module = importlib.import_module(f"{__name__}.{REPORTERS[name]}")
    pieces = getattr(module, "chunks", None)
    if pieces is not None:
        return pieces
    render = module.render

    def whole(assessment: Assessment, options: RenderOptions) -> Iterable[str]:
        yield render(assessment, options)

    return whole
