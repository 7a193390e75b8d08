"""Output formats, each a module with ``render(assessment) -> str``, found by name.

Modules are imported only when their format is asked for, so that heavy
libraries (jinja2, rich tables) cost nothing to a run that does not use them.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

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

Renderer = Callable[[Assessment], str]


def renderer(name: str) -> Renderer:
    """The render function of format ``name``; ``KeyError`` for an unknown one."""
    module = importlib.import_module(f"{__name__}.{REPORTERS[name]}")
    return module.render
