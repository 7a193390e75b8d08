"""``--format html``: one self-contained, accessible page for people who never open a terminal.

The page is rendered by jinja2 (autoescape on) from ``templates/report.html.j2``
with the stylesheet and script of ``templates/report.css`` and ``report.js``
inlined, and SVG charts drawn in :mod:`.html_charts`.  Nothing is fetched
from anywhere: a Content-Security-Policy allows only the page's own style
and script (by hash) and ``data:`` images.  The script only sorts and
filters the plans table; without it every plan, finding and chart is still
on the page.

A run of more than ``COMPACT_ABOVE`` plans (a whole national round is
about 240) gets a compact plan section so the file stays small enough to
e-mail and quick to open: red, amber and waived findings keep their value,
message and place in the file; green and ``n/a`` findings are listed with
their value (``n/a`` with its reason); each rule's title, bands, rationale
and remediation are given once, under "Rules in force", linked from every
finding; evidence stays in the JSON assessment.  Smaller runs show all of
it in every plan's section.

Filtering by criterion shows the plans whose *worst* result among that
criterion's rules is the chosen one (red beats amber beats green; a
criterion with only waived or only ``n/a`` results counts as such).

This module turns the Assessment into plain, already formatted values (the
"view"); the template only lays them out.  Money is formatted from the exact
Decimal, never through a float.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..results import Assessment
from . import RenderOptions
from .html_format import (  # noqa: F401 - the report's vocabulary, imported from here by callers
    COMPACT_ABOVE,
    EVIDENCE_SHOWN,
    MANY_ABOVE,
    band_text,
    bands_text,
    long_date,
    measured,
)
from .html_page import build_view, worst_first  # noqa: F401
from .html_plan import worst  # noqa: F401

TEMPLATE = "report.html.j2"
STYLE = "report.css"
SCRIPT = "report.js"

# ---------------------------------------------------------------- rendering


def template_dir() -> Path:
    """``qipp_rag/templates`` in an installed wheel; the repository's ``templates/`` in a checkout."""
    here = Path(__file__).resolve()
    for candidate in (here.parents[1] / "templates", here.parents[2] / "templates"):
        if (candidate / TEMPLATE).is_file():
            return candidate
    raise FileNotFoundError(f"the HTML report template {TEMPLATE} is missing from the installation")


def _csp_hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


_CODE_SPAN = re.compile(r"`([^`\n]+)`")


def code_spans(text: str) -> Any:
    """Messages quote plan keys in backticks (`governance.pmo`); the page shows them as code.

    The text is escaped first, so only the tool's own ``<code>`` tags are markup."""
    from markupsafe import Markup, escape

    return Markup(_CODE_SPAN.sub(r"<code>\1</code>", str(escape(text))))


PIECE = 16_384  # characters gathered before a piece of the page is handed to the writer


def render(assessment: Assessment, options: RenderOptions = RenderOptions()) -> str:
    return "".join(chunks(assessment, options))


def chunks(assessment: Assessment, options: RenderOptions = RenderOptions()) -> Iterator[str]:
    """The page in pieces as jinja2 generates it: the first screen from counts gathered in one pass
    over the plans, then the plans table and the plan sections a plan at a time."""
    import jinja2
    from markupsafe import Markup

    folder = template_dir()
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(folder)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["code_spans"] = code_spans
    # The stylesheet and script are the project's own files, not user data.
    style = (folder / STYLE).read_text(encoding="utf-8")
    script = (folder / SCRIPT).read_text(encoding="utf-8")
    csp = (
        "default-src 'none'; "
        f"style-src {_csp_hash(style)}; script-src {_csp_hash(script)}; img-src data:; "
        "base-uri 'none'; form-action 'none'"
    )
    view = build_view(assessment)
    pieces: list[str] = []
    size = 0
    for piece in env.get_template(TEMPLATE).generate(view=view, style=Markup(style), script=Markup(script), csp=csp):
        pieces.append(piece)
        size += len(piece)
        if size >= PIECE:
            yield "".join(pieces)
            pieces, size = [], 0
    yield "".join(pieces)
