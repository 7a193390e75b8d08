"""The Assessment: the one structure every reporter reads.

It is exactly what ``--format json`` writes, so any report can be rendered
again from a saved JSON file.  Money and measurements are Decimals and are
written to JSON as exact numbers (never through a binary float).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import secrets
from collections.abc import Iterator, Sequence
from decimal import ROUND_HALF_EVEN, Decimal
from functools import cached_property
from typing import Annotated, Any, Final, Literal, overload

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    SerializerFunctionWrapHandler,
    field_serializer,
)

from .reporters.text import printable_path
from .vocabulary import BandRating, FindingRating, Loc, PlanRating

JSON_FORMAT: Final = 1
Confidence = Literal["green", "amber/green", "amber", "amber/red", "red"]
# the Gateway five-point scale
CONFIDENCE_ORDER: tuple[str, ...] = ("green", "amber/green", "amber", "amber/red", "red")
SHORTFALL_KEYS: tuple[str, ...] = ("shortfall_identified", "shortfall_risk_adjusted")
TOTAL_KEYS: tuple[str, ...] = (
    "allocation", "target", "identified", "risk_adjusted", "delivered_to_date", *SHORTFALL_KEYS
)

# A Decimal is written to JSON as a marked string, then the mark is stripped
# so that the number appears exactly as held (never through a binary float).
# The mark holds a random key drawn when the process starts, so no input can
# forge it: a text that spells out any fixed mark ("\0D999", "\u0000D-") stays
# text, and the JSON stays valid.
_MARK = "\x00" + secrets.token_hex(16) + ":"
_MARKED = re.compile(r'"\\u0000' + _MARK[1:] + r'(-?[0-9]+(?:\.[0-9]+)?)"')


def mark_exact(value: Decimal) -> str:
    """``value`` as a marked string that :func:`exact_numbers` turns into an exact JSON number."""
    if not value.is_finite():  # never in an assessment (inputs are finite); kept as text, never marked
        return str(value)
    return _MARK + format(value, "f")


Exact = Annotated[Decimal, PlainSerializer(mark_exact, return_type=str, when_used="json")]
PerYear = dict[str, Exact]


# A file name or a message naming one: bytes that are not UTF-8 are shown escaped (``caf\xe9.yaml``).
ShownText = Annotated[str, AfterValidator(printable_path)]


def empty_list() -> list[Any]:
    """A field's empty list.  Not ``list`` itself: pydantic reads a factory's signature, and a builtin's
    is parsed from its text by the tokenize module, whose first use costs a run's start a third as much
    as Python's own start."""
    return []


def empty_dict() -> dict[Any, Any]:
    """A field's empty dict (see :func:`empty_list`)."""
    return {}


class Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def format_path(loc: Loc) -> str:
    """A plan path as users read it: ``schemes[2].savings.2014/15``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


@overload
def round_value(value: Decimal) -> Decimal: ...
@overload
def round_value(value: None) -> None: ...
@overload
def round_value(value: Decimal | None) -> Decimal | None: ...


def round_value(value: Decimal | None) -> Decimal | None:
    """Measurements are shown to 2 decimal places, half-even; banding used the exact value."""
    return None if value is None else value.quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN)


# ---------------------------------------------------------------- plans


class Location(Record):
    line: int
    column: int
    path: str


class Problem(Record):
    """An input error: in a plan, a rule pack, a waivers or a config file."""

    message: ShownText
    line: int
    column: int
    path: str = ""
    file: ShownText | None = None  # set for problems outside plan files


class WaiverApplied(Record):
    reason: str
    approved_by: str
    expires: dt.date
    rating: BandRating


class Distance(Record):
    """The least money (£000, rounded up to 2 places) that moves a finding to green,
    and, when it is red, to amber (``to_amber`` null when it is amber); ``year`` is the plan year it speaks of."""

    to_green: Exact
    to_amber: Exact | None = None
    year: str


class Finding(Record):
    rule: str
    rating: FindingRating
    value: Exact | None  # the exact measurement; JSON shows it rounded
    message: str
    location: Location | None = None
    evidence: list[str] = Field(default_factory=empty_list)
    waiver: WaiverApplied | None = None
    distance: Distance | None = None  # amber or red findings of money rules only

    @field_serializer("value", when_used="json")
    def _shown(self, value: Decimal | None) -> str | None:
        return None if value is None else mark_exact(round_value(value))


class OrganisationInfo(Record):
    code: str | None = None
    name: str | None = None
    type: str | None = None
    area_team: str | None = None
    region: str | None = None


class DeliveryFigures(Record):
    as_of: dt.date
    year: str
    planned_to_date: Exact
    actual_to_date: Exact
    forecast_outturn: Exact
    target: Exact


class PlanFigures(Record):
    """A plan's money by year (£000), for roll-ups and charts."""

    years: list[str]
    allocation: PerYear
    target: PerYear
    identified: PerYear
    risk_adjusted: PerYear
    delivery: DeliveryFigures | None = None
    # savings of live schemes by provider as first written in the plan, by year; for the provider roll-up
    # (kept out of the JSON entry: the roll-up in ``portfolio.providers`` carries it)
    providers: dict[str, PerYear] = Field(default_factory=empty_dict, exclude=True)


class Shortfall(Record):
    """One plan year's gap to target, never below 0: a surplus is not a negative shortfall."""

    identified: Exact
    risk_adjusted: Exact


class PlanResult(Record):
    file: ShownText
    organisation: OrganisationInfo
    rating: PlanRating
    findings: list[Finding] = Field(default_factory=empty_list)
    errors: list[Problem] = Field(default_factory=empty_list)
    figures: PlanFigures | None = None
    confidence: Confidence | None = None  # null for a plan rated error
    shortfall: dict[str, Shortfall] | None = None  # by plan year; null for a plan rated error
    waived: int | None = None  # findings waived; null for a plan rated error


# ---------------------------------------------------------------- rules and waivers


class Band(Record):
    """``min``/``max`` include their edge; ``above``/``below`` exclude it (GV07's "> 0").

    The one band model: a rule pack's band (:class:`~qipp_rag.rulebook.models.BandSpec`) is a
    ``Band`` whose bounds are checked as a pack's numbers are, and is reported as one.
    """

    min: Exact | None = None
    max: Exact | None = None
    above: Exact | None = None
    below: Exact | None = None

    def _bounds(self) -> tuple[Decimal | None, ...]:
        return self.min, self.max, self.above, self.below

    def __eq__(self, other: object) -> bool:
        """A band is its bounds: a pack's band equals the reported band with the same bounds."""
        return self._bounds() == other._bounds() if isinstance(other, Band) else NotImplemented

    def __hash__(self) -> int:
        return hash(self._bounds())

    def lower(self) -> tuple[Decimal, bool] | None:
        """The lower edge and whether it is inside the band: ``(90, True)`` for ``min: 90``; None for none."""
        if self.min is not None:
            return self.min, True
        return (self.above, False) if self.above is not None else None

    def upper(self) -> tuple[Decimal, bool] | None:
        """The upper edge and whether it is inside the band; None for none."""
        if self.max is not None:
            return self.max, True
        return (self.below, False) if self.below is not None else None

    def holds(self, value: Decimal) -> bool:
        return (
            (self.min is None or value >= self.min)
            and (self.max is None or value <= self.max)
            and (self.above is None or value > self.above)
            and (self.below is None or value < self.below)
        )


class RuleInfo(Record):
    id: str
    title: str
    criterion: str
    measures: str
    unit: str
    critical: bool
    applies_to: list[str]
    green: Band
    amber: Band | None = None
    rationale: str
    remediation: str
    basis: str
    pack: str


class RulePackInfo(Record):
    name: str
    source: str
    rules: int


class WaiverRecord(Record):
    rule: str
    plan: str
    reason: str
    approved_by: str
    expires: dt.date
    status: Literal["applied", "expired", "unmatched", "refused"]
    applied_to: list[ShownText] = Field(default_factory=empty_list)  # plan files it waived a finding in
    warning: str | None = None  # a likely typo: "rule SP2 is not in force; did you mean SP02?"
    approver_organisation: str | None = None
    refused_because: str | None = None  # why a refused waiver was not applied


# ---------------------------------------------------------------- summary and portfolio


class GroupSummary(Record):
    key: str  # "national", a region, or an area team code
    name: str | None = None
    region: str | None = None
    plans: int
    ratings: dict[str, int]
    totals: dict[str, PerYear]
    confidence: dict[str, int] = Field(default_factory=empty_dict)  # plans by delivery confidence (not rated error)


class ProviderSummary(Record):
    """The savings that every commissioner's live schemes place on one provider."""

    name: str  # as first written (plans in path order)
    savings: PerYear  # £000 by year, over every plan not rated error
    commissioners: list[str]  # organisation codes, sorted


class Portfolio(Record):
    by_region: list[GroupSummary] = Field(default_factory=empty_list)
    by_area_team: list[GroupSummary] = Field(default_factory=empty_list)
    providers: list[ProviderSummary] = Field(default_factory=empty_list)


class ToolInfo(Record):
    name: str = "qipp-rag"
    version: str


class Assessment(Record):
    tool: ToolInfo
    format: Literal[1] = JSON_FORMAT  # a format this tool does not know is refused, not half-read
    as_of: dt.date
    rule_packs: list[RulePackInfo]
    rules: list[RuleInfo]
    waivers: list[WaiverRecord] = Field(default_factory=empty_list)
    plans: Sequence[PlanResult]  # read from a spill file plan by plan after a run (see qipp_rag.spill)
    portfolio: Portfolio
    summary: GroupSummary
    errors: list[Problem] = Field(default_factory=empty_list)  # rule pack, waivers and config problems

    @field_serializer("plans", mode="wrap")
    def _every_plan(self, plans: Sequence[PlanResult], serialise: SerializerFunctionWrapHandler) -> Any:
        # Plans read back from a spill file are dumped whole only when asked to (reporters go plan by plan).
        return serialise(plans if isinstance(plans, list) else list(plans))

    def rule(self, rule_id: str) -> RuleInfo | None:
        """The rule of this id (looked up in a table built once: a finding of every plan asks)."""
        rules, by_id = self._rules_by_id
        if rules is not self.rules:  # a copy with other rules (model_copy carries the cache over)
            del self.__dict__["_rules_by_id"]
            rules, by_id = self._rules_by_id
        return by_id.get(rule_id)

    @cached_property
    def _rules_by_id(self) -> tuple[list[RuleInfo], dict[str, RuleInfo]]:
        by_id: dict[str, RuleInfo] = {}
        for info in self.rules:
            by_id.setdefault(info.id, info)  # the first of an id, as a scan would find
        return self.rules, by_id


# ---------------------------------------------------------------- exit codes


def gate_fails(assessment: Assessment, fail_on: str) -> bool:
    """Whether any plan is rated at or above ``fail_on`` (red, amber or never), from the summary's
    count of plans by rating (the plans themselves, which may be read from disk, are not read)."""
    if fail_on == "never":
        return False
    failing = ("red",) if fail_on == "red" else ("red", "amber")
    return any(assessment.summary.ratings.get(rating, 0) for rating in failing)


def exit_code(assessment: Assessment, fail_on: str) -> int:
    """2 for any input error (a plan rated error included), else 1 if the gate fails, else 0; from
    the summary's count of plans by rating."""
    if assessment.errors or assessment.summary.ratings.get("error", 0) or not len(assessment.plans):
        return 2
    return 1 if gate_fails(assessment, fail_on) else 0


# ---------------------------------------------------------------- JSON


_NO_PLANS = '\n  "plans": [],\n'


def exact_numbers(text: str) -> str:
    """JSON text with every marked Decimal (see :func:`mark_exact`) written as the exact number."""
    return _MARKED.sub(r"\1", text)


_exact_numbers = exact_numbers


def to_json(assessment: Assessment) -> str:
    """Deterministic JSON: the same assessment always gives the same text (see :func:`json_chunks`)."""
    return "".join(json_chunks(assessment))


def json_chunks(assessment: Assessment) -> Iterator[str]:
    """The JSON text of :func:`to_json` in pieces: the frame before the plans, each plan, the rest.

    Each plan is serialised when its piece is asked for, so a writer that
    writes each piece as it comes never holds the whole text of a national
    run; joined, the pieces are the text of serialising it in one piece.
    """
    frame = _exact_numbers(assessment.model_copy(update={"plans": []}).model_dump_json(indent=2))
    before, found, after = frame.partition(_NO_PLANS)
    if not assessment.plans or not found:
        yield _exact_numbers(assessment.model_dump_json(indent=2)) + "\n"
        return
    yield before + '\n  "plans": [\n'
    for number, plan in enumerate(assessment.plans):
        text = "    " + _exact_numbers(plan.model_dump_json(indent=2)).replace("\n", "\n    ")
        yield text if number == 0 else ",\n" + text
    yield "\n  ],\n" + after + "\n"


MAX_JSON_DIGITS = 20  # an integer in a saved assessment (a count, a line) has at most this many digits
MAX_JSON_MAGNITUDE = 17  # a number in a saved assessment lies below 10^18 (£000 or a measurement)
# An escaped UTF-16 surrogate; :func:`_lone_surrogates` then checks they come in pairs.
_ESCAPED_SURROGATE = re.compile(rb"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


def _json_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_JSON_DIGITS:
        raise ValueError(f"an integer of {len(text)} digits is not one an assessment holds")
    return int(text)


def _json_number(text: str) -> Decimal:
    number = Decimal(text)
    if number and (number.adjusted() > MAX_JSON_MAGNITUDE or len(number.as_tuple().digits) > 40):
        raise ValueError(
            f"the number {text[:20]}{'...' if len(text) > 20 else ''} is larger or longer than any an assessment holds"
        )
    return number


def _json_constant(text: str) -> Any:
    raise ValueError(f"{text} is not a number an assessment holds")


def _lone_surrogates(value: Any) -> bool:
    if isinstance(value, str):
        return any("\ud800" <= char <= "\udfff" for char in value)
    if isinstance(value, dict):
        return any(_lone_surrogates(key) or _lone_surrogates(item) for key, item in value.items())
    if isinstance(value, list):
        return any(_lone_surrogates(item) for item in value)
    return False


def from_json(text: str | bytes) -> Assessment:
    """Read a saved assessment back; numbers come back as exact Decimals.

    The file is untrusted: integers and numbers are bounded, NaN and
    Infinity refused, text must be Unicode (no lone surrogate such as
    ``"\\ud800"``), and the whole is validated by the model (an unknown
    ``format`` is refused).  Raises ``ValueError`` (json, pydantic or these
    checks) on a document that is not one, and ``RecursionError`` on one
    nested too deeply.
    """
    return Assessment.model_validate(json_value(text))


def json_value(text: str | bytes) -> Any:
    """JSON text as a saved assessment is read (exact and bounded numbers, no NaN, no lone surrogate);
    :func:`from_json` for the whole, :mod:`qipp_rag.saved` for each of its pieces."""
    data = json.loads(text, parse_float=_json_number, parse_int=_json_int, parse_constant=_json_constant)
    raw = text if isinstance(text, bytes) else text.encode("utf-8", "surrogatepass")
    if _ESCAPED_SURROGATE.search(raw) and _lone_surrogates(data):
        raise ValueError("the text holds a lone UTF-16 surrogate (\\ud800-\\udfff), which is not a character")
    return data
