"""The plan format's values: text, codes, money, numbers, years, dates, flags and scores, each a type
that validates strictly and writes its JSON Schema; and :class:`Strict`, the base of every plan object."""

from __future__ import annotations

import datetime as dt
import re
import typing
from decimal import Decimal
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    PlainSerializer,
    PlainValidator,
    WithJsonSchema,
)
from pydantic_core import PydanticCustomError

from ..load.scalars import Ambiguous, describe

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
