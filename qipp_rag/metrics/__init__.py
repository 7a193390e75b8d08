"""Every single-plan metric, registered by name on import.

Each submodule holds the metrics of one criterion (or the generic ones users
can point their own rules at); importing this package registers them all in
:data:`qipp_rag.measure.PLAN_METRICS`.
"""

from __future__ import annotations

from .figures import identified_by_year, risk_adjusted_by_year, stage_factor

__all__ = ["identified_by_year", "risk_adjusted_by_year", "stage_factor"]
