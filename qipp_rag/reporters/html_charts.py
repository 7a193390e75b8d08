"""Inline SVG charts for the HTML report, drawn in Python (no charting library).

Every chart is a ``role="img"`` SVG with a ``<title>`` and ``<desc>``, a
text legend, and patterns as well as colours (defined once in the report's
``PATTERN_DEFS``), so it reads in greyscale print and without colour vision.
Every piece of text from the assessment goes through ``_t`` (markupsafe's
``escape``); everything else in the markup is a constant or a number this
module formatted.  Geometry may use floats; every number shown is formatted
from the exact Decimal.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import ROUND_CEILING, Decimal
from functools import cache

from markupsafe import Markup, escape

from ..results import GroupSummary, PlanFigures

Fmt = Callable[[Decimal], str]

# Series of the savings chart: (key, label, css class); the classes fill with
# the patterns below and carry a dark outline for non-text contrast.
SAVINGS_SERIES: tuple[tuple[str, str, str], ...] = (
    ("target", "Target", "c-t"),
    ("identified", "Identified", "c-i"),
    ("risk_adjusted", "Risk-adjusted", "c-r"),
)
RATING_SERIES: tuple[tuple[str, str, str], ...] = (
    ("green", "Green", "c-g"),
    ("amber", "Amber", "c-a"),
    ("red", "Red", "c-rd"),
    ("error", "Error", "c-e"),
)

PATTERN_DEFS = Markup(
    '<svg class="defs" aria-hidden="true" focusable="false" width="0" height="0"><defs>'
    '<pattern id="q-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">'
    '<rect width="6" height="6" fill="#fff"/><rect width="3" height="6" fill="#005eb8"/></pattern>'
    '<pattern id="q-dots" width="5" height="5" patternUnits="userSpaceOnUse">'
    '<rect width="5" height="5" fill="#fff"/><circle cx="2.5" cy="2.5" r="1.5" fill="#003087"/></pattern>'
    '<pattern id="q-amber" width="7" height="7" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">'
    '<rect width="7" height="7" fill="#ffb81c"/><rect width="1.5" height="7" fill="#212b32"/></pattern>'
    '<pattern id="q-red" width="6" height="6" patternUnits="userSpaceOnUse">'
    '<rect width="6" height="6" fill="#d5281b"/><path d="M0 0L6 6M6 0L0 6" stroke="#fff" stroke-width="1"/></pattern>'
    '<pattern id="q-error" width="5" height="5" patternUnits="userSpaceOnUse">'
    '<rect width="5" height="5" fill="#425563"/><circle cx="2.5" cy="2.5" r="1.2" fill="#fff"/></pattern>'
    "</defs></svg>"
)


def _n(x: float) -> str:
    """A coordinate, short and stable."""
    text = f"{x:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _t(text: object) -> str:
    """Text from the assessment, escaped for SVG inside HTML."""
    return str(escape(str(text)))


def nice_step(top: Decimal, ticks: int = 4) -> Decimal:
    """A round step (1, 2, 2.5 or 5 times a power of ten) giving about ``ticks`` intervals up to ``top``."""
    if top <= 0:
        return Decimal(1)
    raw = top / ticks
    magnitude = Decimal(1).scaleb(raw.adjusted())
    for multiple in (Decimal(1), Decimal(2), Decimal("2.5"), Decimal(5), Decimal(10)):
        if multiple * magnitude >= raw:
            return (multiple * magnitude).normalize()
    return (10 * magnitude).normalize()  # pragma: no cover - the loop always returns


@cache
def _legend(series: Sequence[tuple[str, str, str]], x: float, y: float, spacing: float) -> str:
    return "".join(
        f'<rect class="{css}" x="{_n(x + index * spacing)}" y="{_n(y)}" width="14" height="14"/>'
        f'<text x="{_n(x + index * spacing + 19)}" y="{_n(y + 11.5)}">{_t(label)}</text>'
        for index, (_, label, css) in enumerate(series)
    )


def _bar(css: str, x: float, y: float, width: float, height: float) -> str:
    """A rectangle as a short path (1,000 plans' charts add up)."""
    return f'<path class="{css}" d="M{_n(x)} {_n(y)}h{_n(width)}v{_n(height)}h{_n(-width)}z"/>'


def savings_chart(figures: PlanFigures, anchor: str, who: str, fmt: Fmt) -> Markup:
    """Grouped bars: target, identified and risk-adjusted savings for each plan year (£000)."""
    years = list(figures.years)
    values = [[getattr(figures, key).get(year, Decimal(0)) for key, _, _ in SAVINGS_SERIES] for year in years]
    top_value = max((value for group in values for value in group), default=Decimal(0))
    step = nice_step(top_value)
    intervals = max(1, int((top_value / step).to_integral_value(rounding=ROUND_CEILING))) if top_value > 0 else 4
    top = step * intervals

    left, right, plot_top, plot_bottom = 70.0, 552.0, 40.0, 196.0
    plot_height = plot_bottom - plot_top
    out = [
        f'<svg class="chart" role="img" viewBox="0 0 560 222" aria-labelledby="{anchor}-st {anchor}-sd">'
        f'<title id="{anchor}-st">Savings by year (£000): {_t(who)}</title>'
        f'<desc id="{anchor}-sd">Target, identified and risk-adjusted savings by plan year; the table beside it '
        "gives the figures.</desc>",
        _legend(SAVINGS_SERIES, left + 20, 4, 140),
        '<text class="ax" x="4" y="15.5">£000</text>',
    ]
    grid, ticks = [], []
    for index in range(int(intervals) + 1):
        tick = step * index
        y = plot_bottom - plot_height * float(tick / top)
        grid.append(f"M{_n(left)} {_n(y)}H{_n(right)}")
        ticks.append(f'<text class="ay" x="{_n(left - 6)}" y="{_n(y + 4)}">{_t(fmt(tick))}</text>')
    out.append(f'<path class="gl" d="{"".join(grid)}"/>')
    out.extend(ticks)
    group_width = (right - left) / max(1, len(years))
    bar = min(34.0, group_width * 0.8 / len(SAVINGS_SERIES))
    for position, (year, group) in enumerate(zip(years, values, strict=False)):
        start = left + position * group_width + (group_width - bar * len(SAVINGS_SERIES)) / 2
        for series_index, value in enumerate(group):
            height = plot_height * float(value / top) if top > 0 else 0.0
            out.append(
                _bar(SAVINGS_SERIES[series_index][2], start + series_index * bar, plot_bottom - height, bar, height)
            )
        out.append(
            f'<text class="ax ac" x="{_n(left + (position + 0.5) * group_width)}" '
            f'y="{_n(plot_bottom + 18)}">{_t(year)}</text>'
        )
    out.append(f'<path class="axl" d="M{_n(left)} {_n(plot_bottom)}H{_n(right)}"/></svg>')
    return Markup("".join(out))


def delivery_chart(figures: PlanFigures, anchor: str, who: str, fmt: Fmt) -> Markup:
    """Horizontal bars: planned against actual to date, and the year's target against the forecast outturn."""
    delivery = figures.delivery
    assert delivery is not None
    rows = (
        ("Planned to date", delivery.planned_to_date, "c-t"),
        ("Actual to date", delivery.actual_to_date, "c-i"),
        (f"Target {delivery.year}", delivery.target, "c-t"),
        ("Forecast outturn", delivery.forecast_outturn, "c-i"),
    )
    top = max(value for _, value, _ in rows)
    label_width, bar_left, bar_right, row_height = 140.0, 146.0, 470.0, 24.0
    height = 8 + row_height * len(rows) + 10
    summary = "; ".join(f"{label} {fmt(value)}" for label, value, _ in rows)
    out = [
        f'<svg class="chart dchart" role="img" viewBox="0 0 560 {_n(height)}" aria-labelledby="{anchor}-dt '
        f'{anchor}-dd">'
        f'<title id="{anchor}-dt">Delivery to {delivery.as_of.isoformat()} (£000): {_t(who)}</title>'
        f'<desc id="{anchor}-dd">{_t(summary)}.</desc>'
    ]
    for index, (label, value, css) in enumerate(rows):
        y = 8 + index * row_height + (6 if index >= 2 else 0)
        length = (bar_right - bar_left) * float(value / top) if top > 0 else 0.0
        out.append(
            f'<text class="ay" x="{_n(label_width)}" y="{_n(y + 12.5)}">{_t(label)}</text>'
            + _bar(css, bar_left, y, length, 16)
            + f'<text x="{_n(bar_left + length + 6)}" y="{_n(y + 12.5)}">{_t(fmt(value))}</text>'
        )
    out.append("</svg>")
    return Markup("".join(out))


def rating_mix_chart(groups: Sequence[GroupSummary], label_of: Callable[[GroupSummary], str], anchor: str) -> Markup:
    """Stacked bars: plans by rating in each group, each segment labelled with its count."""
    label_width, bar_left, bar_right, row_height = 190.0, 198.0, 480.0, 30.0
    widest = max((group.plans for group in groups), default=0) or 1
    height = 30 + row_height * len(groups) + 4
    out = [
        f'<svg class="chart mix" role="img" viewBox="0 0 560 {_n(height)}" aria-labelledby="{anchor}-t {anchor}-d">'
        f'<title id="{anchor}-t">Plans by rating in each region</title>'
        f'<desc id="{anchor}-d">Stacked bars, one per region, with a segment for each rating labelled with its '
        "number of plans; "
        "the table after the chart gives the same figures.</desc>",
        _legend(RATING_SERIES, bar_left, 4, 80),
    ]
    for index, group in enumerate(groups):
        y = 30 + index * row_height
        out.append(f'<text class="ay" x="{_n(label_width)}" y="{_n(y + 15)}">{_t(label_of(group))}</text>')
        x = bar_left
        for key, _, css in RATING_SERIES:
            count = group.ratings.get(key, 0)
            if not count:
                continue
            length = (bar_right - bar_left) * count / widest
            out.append(_bar(css, x, y, length, 20))
            if length >= 22:
                chip = 8 + 7 * len(str(count))
                out.append(
                    f'<rect class="chip" x="{_n(x + (length - chip) / 2)}" y="{_n(y + 3)}" width="{_n(chip)}" '
                    'height="14" rx="2"/>'
                    f'<text class="ac" x="{_n(x + length / 2)}" y="{_n(y + 14.5)}">{count}</text>'
                )
            x += length
        out.append(f'<text x="{_n(x + 6)}" y="{_n(y + 15)}">{group.plans} plan{"" if group.plans == 1 else "s"}</text>')
    out.append("</svg>")
    return Markup("".join(out))
