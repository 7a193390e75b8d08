"""The QIPP plan format, version 1, as pydantic models.

Field validators here are strict on purpose: plans are untrusted input and a
silently coerced value (``"1200"`` as money, ``NO`` as false, ``010`` as
eight) is a wrong number in a report.  Checks that need more than one field
(years against ``period``, unique scheme ids, profiles that add up) live in
:func:`consistency_problems`, which reports every problem with the path it
belongs to rather than stopping at the first.
"""

from __future__ import annotations

import datetime as dt
import re
import types
import typing
from decimal import Decimal
from enum import Enum
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    PlainValidator,
    WithJsonSchema,
)
from pydantic_core import PydanticCustomError

from ..load.scalars import Ambiguous, describe
from ..vocabulary import Loc, OrgType, Region

FORMAT_VERSION = 1
MAX_TEXT = 2_000  # characters; longer is a mistake, and keeps reports bounded
MAX_MONEY = Decimal("1000000000")  # £000: a trillion pounds is no commissioner's budget
MAX_DECIMAL_PLACES = 5

# ---------------------------------------------------------------- scalar types


def _fail(kind: str, message: str, **context: Any) -> typing.NoReturn:
    raise PydanticCustomError(kind, message, context)


def text_value(value: object) -> str:
    if isinstance(value, Ambiguous):
        _fail("ambiguous_text", "expected text, got {got}; put it in quotes", got=describe(value))
    if not isinstance(value, str):
        _fail("text_type", "expected text, got {got}; put it in quotes if it is meant as text", got=describe(value))
    if len(value) > MAX_TEXT:
        _fail("text_too_long", "text is {n} characters long; at most {limit} are allowed", n=len(value), limit=MAX_TEXT)
    control = _CONTROL_RE.search(value)
    if control is not None:
        _fail("text_control", "text cannot hold the control character U+{code} (a YAML escape such as \\0 or \\e); "
              "only tab and line breaks are allowed", code=f"{ord(control.group()):04X}")
    return value


# C0 controls but tab and line feed, DEL, C1 controls, and lone surrogates (a YAML "\ud800")
_CONTROL_RE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


_CODE_RE = re.compile(r"[A-Z0-9]{3,6}")


def _org_code(value: object) -> str:
    text = text_value(value)
    if not _CODE_RE.fullmatch(text):
        _fail(
            "org_code",
            ("an organisation code is 3 to 6 capital letters and digits (an ODS code such as 03Q or Q50), got {got}"),
            got=describe(text),
        )
    return text


def _exact_number(value: object, what: str) -> Decimal:
    """A number written in plain decimal notation, held exactly."""
    if isinstance(value, Ambiguous):
        _fail(
            "number_form",
            "{what} must be written in plain decimal notation such as 1200 or 1200.5, got {got}",
            what=what,
            got=describe(value),
        )
    if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
        if isinstance(value, float):
            _fail("number_float", "{what} must be exact: give a Decimal, not a binary float", what=what)
        _fail(
            "number_type", "{what} must be a number written without quotes, got {got}", what=what, got=describe(value)
        )
    number = Decimal(value)
    if number.is_zero():  # `-0.0` is zero; a sign on it would only show up in reports
        number = number.copy_abs()
    if not number.is_finite():
        _fail("number_finite", "{what} must be a finite number", what=what)
    exponent = number.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -MAX_DECIMAL_PLACES:
        _fail("number_places", "{what} has more than {n} decimal places", what=what, n=MAX_DECIMAL_PLACES)
    if abs(number) > MAX_MONEY:
        _fail("number_size", "{what} is implausibly large (more than {limit})", what=what, limit=str(MAX_MONEY))
    return number


_MONEY_TEXT = re.compile(r"£?\s*(?P<digits>\d[\d,\s]*(?:\.\d+)?)\s*(?P<unit>k|m|bn|mn)?", re.IGNORECASE)
_UNITS = {"": Decimal(1), "k": Decimal(1), "m": Decimal(1000), "mn": Decimal(1000), "bn": Decimal(1_000_000)}


def money_hint(text: str) -> str | None:
    """What to write instead of money written as text (``£1,200``, ``3,300``, ``3.3m``), or None."""
    match = _MONEY_TEXT.fullmatch(text.strip())
    if match is None:
        return None
    digits = re.sub(r"[,\s]", "", match.group("digits"))
    unit = (match.group("unit") or "").lower()
    if not unit and "£" not in text and "," not in text:
        return None  # a quoted number: the usual message says to drop the quotes
    if unit == "k":  # £1.2k is 1.2 in £000
        amount = Decimal(digits)
        why = f"£{text.strip().lstrip('£').strip()} is {amount} in £000"
    else:
        amount = Decimal(digits) * _UNITS[unit]
    shown = format(amount.normalize(), "f")
    if unit != "k":
        why = f"{text.strip()} is {shown} in £000" if unit else ""
    advice = f"money is written in £000 as a plain number, without £, commas or units: write {shown}"
    return f"{advice} ({why})" if why else f"{advice} instead of `{text.strip()}`"


def _money(value: object) -> Decimal:
    if isinstance(value, str) and not isinstance(value, Ambiguous):
        hint = money_hint(value)
        if hint is not None:
            _fail("money_text", "{hint}", hint=hint)
    number = _exact_number(value, "money (£000)")
    if number < 0:
        _fail(
            "money_negative",
            "money cannot be negative (savings are net of a scheme's own costs), got {got}",
            got=str(number),
        )
    return number


def _number(value: object) -> Decimal:
    return _exact_number(value, "a number")


_FY_RE = re.compile(r"(20\d{2})/(\d{2})")  # 2000/01 to 2099/00: dates in every such year exist


def _financial_year(value: object) -> str:
    if isinstance(value, str) and not isinstance(value, Ambiguous):
        match = _FY_RE.fullmatch(value)
        if match and (int(match.group(1)) + 1) % 100 == int(match.group(2)):
            return value
    _fail(
        "financial_year",
        (
            "a financial year is written YYYY/YY with consecutive years from 2000/01 to 2099/00, such as 2014/15; "
            "got {got}"
        ),
        got=describe(value),
    )


def _date(value: object) -> dt.date:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, str) and not isinstance(value, Ambiguous) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    _fail("date", "expected a date written YYYY-MM-DD that exists in the calendar, got {got}", got=describe(value))


def _bool(value: object) -> bool:
    if isinstance(value, bool):
        return value
    _fail("bool", "expected true or false, got {got}", got=describe(value))


def _score(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
        _fail("score", "expected a whole number from 1 to 5, got {got}", got=describe(value))
    return value


def _decimal_schema(minimum: int | None) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "number"}
    if minimum is not None:
        schema["minimum"] = minimum
    return schema


def _as_number(value: Decimal) -> Any:
    exponent = value.as_tuple().exponent
    return int(value) if isinstance(exponent, int) and exponent >= 0 and value == value.to_integral_value() else value


Text = Annotated[str, PlainValidator(text_value), WithJsonSchema({"type": "string", "maxLength": MAX_TEXT})]
OrgCode = Annotated[str, PlainValidator(_org_code), WithJsonSchema({"type": "string", "pattern": "^[A-Z0-9]{3,6}$"})]
Money = Annotated[Decimal, PlainValidator(_money), PlainSerializer(_as_number), WithJsonSchema(_decimal_schema(0))]
Number = Annotated[Decimal, PlainValidator(_number), PlainSerializer(_as_number), WithJsonSchema(_decimal_schema(None))]
FinancialYear = Annotated[
    str, PlainValidator(_financial_year), WithJsonSchema({"type": "string", "pattern": r"^20\d{2}/\d{2}$"})
]
Date = Annotated[
    dt.date,
    PlainValidator(_date),
    PlainSerializer(lambda d: d.isoformat()),
    WithJsonSchema({"type": "string", "format": "date"}),
]
Flag = Annotated[bool, PlainValidator(_bool), WithJsonSchema({"type": "boolean"})]
Score = Annotated[int, PlainValidator(_score), WithJsonSchema({"type": "integer", "minimum": 1, "maximum": 5})]
PerYear = dict[FinancialYear, Money]


class Strict(BaseModel):
    """Every plan object: unknown keys are errors, and values never change after loading."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=False)


# ---------------------------------------------------------------- enumerations


class Stage(str, Enum):
    identified = "identified"
    planned = "planned"
    in_delivery = "in_delivery"
    delivered = "delivered"
    cancelled = "cancelled"


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
    schemes: list[Scheme] = Field(default_factory=list, max_length=1000)
    delivery_as_of: Date | None = None

    @property
    def first_year(self) -> str:
        return self.period[0]

    @property
    def live_schemes(self) -> list[Scheme]:
        return [scheme for scheme in self.schemes if scheme.live]


# ---------------------------------------------------------------- cross-field checks



def year_start(year: str) -> dt.date:
    """1 April of a financial year: ``2014/15`` starts 2014-04-01."""
    return dt.date(int(year[:4]), 4, 1)


def year_end(year: str) -> dt.date:
    """31 March closing a financial year: ``2014/15`` ends 2015-03-31."""
    return dt.date(int(year[:4]) + 1, 3, 31)


def consistency_problems(plan: Plan) -> list[tuple[Loc, str]]:
    """Every rule of the format that ties one field to another, as (path, message)."""
    problems: list[tuple[Loc, str]] = []
    period = plan.period
    in_period = set(period)

    for index, year in enumerate(period):
        if index and int(year[:4]) != int(period[index - 1][:4]) + 1:
            problems.append(
                (
                    ("period", index),
                    f"`period` must list consecutive financial years; {year} does not follow {period[index - 1]}",
                )
            )

    for key in ("allocation", "target"):
        per_year: dict[str, Decimal] = getattr(plan, key)
        missing = [year for year in period if year not in per_year]
        if missing:
            problems.append(
                ((key,), f"`{key}` gives no value for {', '.join(missing)}; it must cover every year of `period`")
            )
        for year in per_year:
            if year not in in_period:
                problems.append(((key, year), f"`{key}` gives {year}, which is not in `period` ({', '.join(period)})"))
    for year, amount in plan.allocation.items():
        if amount <= 0:
            problems.append((("allocation", year), f"the allocation for {year} must be above 0"))

    if plan.assumptions is not None:
        for key in Assumptions.model_fields:
            for year in getattr(plan.assumptions, key) or {}:
                if year not in in_period:
                    problems.append(
                        (("assumptions", key, year), f"`assumptions.{key}` gives {year}, which is not in `period`")
                    )

    org = plan.organisation
    if org.type is OrgType.ccg and org.area_team is None:
        problems.append(
            (
                ("organisation",),
                "a CCG's `organisation` must give `area_team`, the code of the area team that assures it",
            )
        )
    if org.type is OrgType.ccg and org.ccgs is not None:
        problems.append((("organisation", "ccgs"), "only an area team plan lists `ccgs`"))

    seen: dict[str, int] = {}
    for index, scheme in enumerate(plan.schemes):
        where: Loc = ("schemes", index)
        if scheme.id in seen:
            problems.append(
                (
                    (*where, "id"),
                    (
                        f"scheme id `{scheme.id}` is used twice (first by scheme {seen[scheme.id] + 1}); ids must be "
                        "unique within a plan"
                    ),
                )
            )
        else:
            seen[scheme.id] = index
        for year in scheme.savings:
            if year not in in_period:
                problems.append(
                    ((*where, "savings", year), f"scheme `{scheme.id}` saves in {year}, which is not in `period`")
                )
        if scheme.monthly_profile is not None:
            profiled = sum(scheme.monthly_profile, Decimal(0))
            first = scheme.saving(plan.first_year)
            if profiled != first:
                problems.append(
                    (
                        (*where, "monthly_profile"),
                        (
                            f"scheme `{scheme.id}`'s `monthly_profile` sums to {profiled}, but its {plan.first_year} "
                            f"saving is {first}"
                        ),
                    )
                )
        if scheme.delivery is not None and plan.delivery_as_of is None:
            problems.append(
                (
                    (*where, "delivery"),
                    f"scheme `{scheme.id}` has `delivery` figures, so the plan must give `delivery_as_of`",
                )
            )

    if plan.delivery_as_of is not None:
        if not any(scheme.delivery is not None for scheme in plan.schemes):
            problems.append((("delivery_as_of",), "`delivery_as_of` is given but no scheme has `delivery` figures"))
        if not year_start(plan.first_year) <= plan.delivery_as_of <= year_end(plan.first_year):
            problems.append(
                (
                    ("delivery_as_of",),
                    (
                        f"`delivery_as_of` ({plan.delivery_as_of.isoformat()}) must fall within the first plan year, "
                        f"{plan.first_year}"
                    ),
                )
            )
    return problems


# ---------------------------------------------------------------- keys, for "did you mean"


def valid_keys_at(loc: Loc) -> list[str] | None:
    """The keys allowed in the plan mapping that ``loc`` (a path ending in a key) sits in.

    Walks the model types along the path, so an unknown key anywhere in a
    plan can be answered with the nearest valid one.
    """
    return model_keys_at(Plan, loc)


def model_keys_at(root: type[BaseModel], loc: Loc) -> list[str] | None:
    """The keys allowed in the mapping that ``loc`` sits in, for any model ``root``
    (a plan, a rule pack, waivers, configuration).  Keys are as written in the
    file: a field's alias where it has one."""
    annotation: Any = root
    for part in loc[:-1]:
        annotation = _step(annotation, part)
        if annotation is None:
            return None
    model = _unwrap_model(annotation)
    return [_written_name(name, field) for name, field in model.model_fields.items()] if model is not None else None


def _written_name(name: str, field: Any) -> str:
    alias = field.validation_alias if isinstance(field.validation_alias, str) else field.alias
    return alias or name


def _field(model: type[BaseModel], key: str) -> Any:
    for name, field in model.model_fields.items():
        if key in (name, _written_name(name, field)):
            return field
    return None


def _strip(annotation: Any) -> Any:
    """``Annotated[X, ...]`` and ``X | None`` both mean X for walking a path."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            members = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
            if len(members) > 1:  # `str | list[Item]`: only the member with keys or items can be walked
                members = [arg for arg in members if _walkable(arg)]
            if len(members) != 1:
                return None
            annotation = members[0]
        else:
            return annotation


def _walkable(annotation: Any) -> bool:
    inner = _strip(annotation)
    return typing.get_origin(inner) in (list, dict) or (isinstance(inner, type) and issubclass(inner, BaseModel))


def _unwrap_model(annotation: Any) -> type[BaseModel] | None:
    annotation = _strip(annotation)
    return annotation if isinstance(annotation, type) and issubclass(annotation, BaseModel) else None


def _step(annotation: Any, part: str | int) -> Any:
    model = _unwrap_model(annotation)
    if model is not None:
        field = _field(model, str(part))
        return field.annotation if field is not None else None
    annotation = _strip(annotation)
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is list and args:
        return args[0]
    if origin is dict and len(args) == 2:
        return args[1]
    return None


# ---------------------------------------------------------------- JSON Schema

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_ID = f"urn:qipp-rag:schema:plan:{FORMAT_VERSION}"


def json_schema() -> dict[str, Any]:
    """The plan format as a JSON Schema (draft 2020-12), for editors and other tools.

    It accepts every valid plan as a YAML 1.2 reader presents it (dates as
    ``YYYY-MM-DD`` strings, money as numbers).  Checks that tie one field to
    another (years against ``period``, profiles that add up) are not in it:
    ``qipp-rag validate`` makes those.
    """
    generated = Plan.model_json_schema(mode="validation")
    generated.pop("title", None)
    _close_per_year_maps(generated)
    return {
        "$schema": SCHEMA_DIALECT,
        "$id": SCHEMA_ID,
        "title": f"QIPP plan, format version {FORMAT_VERSION}",
        "description": (
            "One commissioner's QIPP savings plan for a run of financial years. Money is in £000, "
            "written in plain decimal notation; financial years are written YYYY/YY; dates YYYY-MM-DD."
        ),
        **generated,
    }


def _close_per_year_maps(schema: Any) -> None:
    """A per-year mapping allows no key but a financial year (pydantic leaves others open)."""
    if isinstance(schema, dict):
        if "patternProperties" in schema and "properties" not in schema:
            schema.setdefault("additionalProperties", False)
        for value in schema.values():
            _close_per_year_maps(value)
    elif isinstance(schema, list):
        for value in schema:
            _close_per_year_maps(value)
