"""The QIPP plan format, version 1, as pydantic models.

Field validators here are strict on purpose: plans are untrusted input and a
silently coerced value (``"1200"`` as money, ``NO`` as false, ``010`` as
eight) is a wrong number in a report.  Checks that need more than one field
(years against ``period``, unique scheme ids, profiles that add up) live in
:func:`consistency_problems`, which reports every problem with the path it
belongs to rather than stopping at the first.

The format is written in parts, one module each; this module gathers them, so
``from qipp_rag.plan.models import Plan`` keeps working:

- :mod:`~qipp_rag.plan.fields`: the scalar types (text, codes, money, years, dates ...) and ``Strict``;
- :mod:`~qipp_rag.plan.objects`: the plan's objects (``Plan``, ``Scheme`` ...);
- :mod:`~qipp_rag.plan.checks`: the cross-field checks;
- :mod:`~qipp_rag.plan.keys`: the keys each mapping allows, for "did you mean";
- :mod:`~qipp_rag.plan.schema`: the JSON Schema.
"""

from __future__ import annotations

from ..vocabulary import Stage
from .checks import consistency_problems, year_end, year_start
from .fields import (
    FORMAT_VERSION,
    MAX_DECIMAL_PLACES,
    MAX_MONEY,
    MAX_TEXT,
    Date,
    FinancialYear,
    Flag,
    Money,
    Number,
    OrgCode,
    PerYear,
    Score,
    Strict,
    Text,
    money_hint,
    text_value,
)
from .keys import _strip, _unwrap_model, model_keys_at, valid_keys_at
from .objects import (
    Approval,
    Assumptions,
    Baseline,
    BoardPresentation,
    BusinessCase,
    Delivery,
    Engagement,
    Frequency,
    Governance,
    Impact,
    Kpi,
    KpiDomain,
    Milestone,
    Organisation,
    Person,
    Plan,
    Pmo,
    ProgrammeBoard,
    QualityImpact,
    Risk,
    RiskRegister,
    Scheme,
)
from .schema import SCHEMA_DIALECT, SCHEMA_ID, json_schema

__all__ = [
    "FORMAT_VERSION", "MAX_DECIMAL_PLACES", "MAX_MONEY", "MAX_TEXT", "SCHEMA_DIALECT", "SCHEMA_ID",
    "Approval", "Assumptions", "Baseline", "BoardPresentation", "BusinessCase", "Date", "Delivery", "Engagement",
    "FinancialYear", "Flag", "Frequency", "Governance", "Impact", "Kpi", "KpiDomain", "Milestone", "Money", "Number",
    "OrgCode", "Organisation", "PerYear", "Person", "Plan", "Pmo", "ProgrammeBoard", "QualityImpact", "Risk",
    "RiskRegister", "Scheme", "Score", "Stage", "Strict", "Text",
    "_strip", "_unwrap_model", "consistency_problems", "json_schema", "model_keys_at", "money_hint", "text_value",
    "valid_keys_at", "year_end", "year_start",
]
