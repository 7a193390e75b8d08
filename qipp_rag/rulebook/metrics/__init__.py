"""Every single-plan metric, registered by name on import.

Each submodule holds the metrics of one criterion, or the generic ones users
can point their own rules at without code; importing this package registers
them all in :data:`qipp_rag.rulebook.measure.PLAN_METRICS`.  A metric is a pure
function of a :class:`~qipp_rag.rulebook.measure.MetricContext`; it computes exactly
(one Decimal division per ratio, 60 significant digits) and returns a
:class:`~qipp_rag.rulebook.measure.Measurement` whose message states what was measured
with its numbers, whose evidence lists the years or schemes behind it, and
whose ``loc`` is the most relevant place in the plan.
"""

from __future__ import annotations

from . import credibility, delivery, generic, governance, quality, savings, trajectory  # noqa: F401  (import registers)
from .figures import identified_by_year, risk_adjusted_by_year, stage_factor

__all__ = ["identified_by_year", "risk_adjusted_by_year", "stage_factor"]
