"""The objects of a QIPP plan (format version 1) as pydantic models: a plan, its organisation,
governance, schemes and what each scheme holds.  Stages come from :mod:`qipp_rag.vocabulary`."""

from __future__ import annotations

from decimal import Decimal
from enum import Enum
from typing import Literal

from pydantic import (
    Field,
)

from ..vocabulary import OrgType, Region, Stage
from .fields import Date, FinancialYear, Flag, Money, Number, OrgCode, PerYear, Score, Strict, Text


class Frequency(str, Enum):
    weekly = "weekly"
    fortnightly = "fortnightly"
    monthly = "monthly"
    quarterly = "quarterly"
    annually = "annually"


Impact = Literal["positive", "neutral", "negative"]
KpiDomain = Literal["finance", "activity", "quality", "workforce"]

# ---------------------------------------------------------------- objects


class Organisation(Strict):
    code: OrgCode
    name: Text
    type: OrgType
    area_team: OrgCode | None = None
    region: Region
    ccgs: list[OrgCode] | None = None


class Assumptions(Strict):
    demographic_growth: dict[FinancialYear, Number] | None = None
    non_elective_growth: dict[FinancialYear, Number] | None = None
    elective_growth: dict[FinancialYear, Number] | None = None
    prescribing_growth: dict[FinancialYear, Number] | None = None
    tariff_deflator: dict[FinancialYear, Number] | None = None


class Person(Strict):
    name: Text
    role: Text | None = None


class Pmo(Strict):
    lead: Text | None = None
    meets: Frequency


class ProgrammeBoard(Strict):
    name: Text
    meets: Frequency | None = None
    reports_to: Text | None = None


class Approval(Strict):
    by: Text | None = None
    date: Date


class RiskRegister(Strict):
    reviewed: Frequency


class Governance(Strict):
    senior_responsible_owner: Person | None = None
    clinical_lead: Person | None = None
    pmo: Pmo | None = None
    programme_board: ProgrammeBoard | None = None
    approved: Approval | None = None
    risk_register: RiskRegister | None = None
    contingency: Money | None = None


class BoardPresentation(Strict):
    presented_on: Date


class Engagement(Strict):
    health_and_wellbeing_board: BoardPresentation | None = None
    provider_contracts_aligned: Flag | None = None
    provider_cips_reconciled: Flag | None = None


class Baseline(Strict):
    measure: Text | None = None
    value: Number | None = None
    year: FinancialYear | None = None
    source: Text | None = None


class QualityImpact(Strict):
    assessed_on: Date | None = None
    signed_off_by: Text | None = None
    impact: Impact | None = None


class BusinessCase(Strict):
    approved_on: Date
    by: Text | None = None


class Kpi(Strict):
    name: Text
    domain: KpiDomain
    baseline: Number | None = None
    target: Number | None = None


class Milestone(Strict):
    name: Text
    due: Date
    completed_on: Date | None = None


class Risk(Strict):
    description: Text
    likelihood: Score
    impact: Score
    owner: Text | None = None
    mitigation: Text | None = None


class Delivery(Strict):
    planned_to_date: Money
    actual_to_date: Money
    forecast_outturn: Money


class Scheme(Strict):
    id: Text
    title: Text
    workstream: Text
    stage: Stage
    savings: PerYear
    recurrent: Flag = True
    provider: Text | None = None
    lead: Text | None = None
    clinical_lead: Text | None = None
    baseline: Baseline | None = None
    quality_impact: QualityImpact | None = None
    business_case: BusinessCase | None = None
    kpis: list[Kpi] | None = None
    milestones: list[Milestone] | None = None
    risks: list[Risk] | None = None
    monthly_profile: list[Money] | None = Field(default=None, min_length=12, max_length=12)
    delivery: Delivery | None = None

    @property
    def live(self) -> bool:
        return self.stage is not Stage.cancelled

    def saving(self, year: str) -> Decimal:
        """The scheme's planned saving in ``year``; a year it does not name saves 0."""
        return self.savings.get(year, Decimal(0))


class Plan(Strict):
    qipp_plan: Literal[1]
    organisation: Organisation
    period: list[FinancialYear] = Field(min_length=1, max_length=10)
    allocation: PerYear
    target: PerYear
    assumptions: Assumptions | None = None
    governance: Governance | None = None
    engagement: Engagement | None = None
    # a Python function, not the builtin list: see qipp_rag.results.empty_list
    schemes: list[Scheme] = Field(default_factory=lambda: [], max_length=1000)
    delivery_as_of: Date | None = None

    @property
    def first_year(self) -> str:
        return self.period[0]

    @property
    def live_schemes(self) -> list[Scheme]:
        return [scheme for scheme in self.schemes if scheme.live]
