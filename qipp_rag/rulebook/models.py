"""Rule packs: rules as data, validated by pydantic like any other input.

A pack is a YAML file (or a folder of them) holding a list of rules, each of
which names a registered metric, its parameters and its bands.  The shipped
``green-criteria`` pack uses exactly these models; so do users' own packs.
"""

from __future__ import annotations

import contextvars
import difflib
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PlainValidator,
    ValidationInfo,
    field_validator,
    model_validator,
)

from ..results import Band, empty_dict, empty_list
from ..vocabulary import BandRating, Criterion, OrgType, Stage
from .params import bounded_number, check_params
from .registry import PLAN_METRICS, PORTFOLIO_METRICS, metric_names, metric_params

Unit = Literal["percent", "ratio", "count", "check"]
"""``check`` is a yes/no or frequency finding: banded on a score, shown with value null."""

SHIPPED_PACK = "green-criteria"

PackNumber = Annotated[Decimal, AfterValidator(bounded_number)]
"""A number in a pack: finite, below 10^13, at most 30 digits."""


PACK_VERSIONS = (1,)


def _pack_version(value: object) -> int:
    if isinstance(value, bool) or value not in PACK_VERSIONS:
        known = ", ".join(str(version) for version in PACK_VERSIONS)
        raise ValueError(
            f"this qipp-rag reads rule pack version {known}, not {value!r}; upgrade qipp-rag or fix `version`"
        )
    return int(value)


class PackModel(BaseModel):
    # Built on first validation: a run with only the shipped pack takes it precompiled
    # (:mod:`qipp_rag.rulebook.compiled`) and never validates a pack.
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class BandSpec(Band):
    """One band as a pack writes it: ``{min: 90}``, ``{max: 7}``, ``{min: 1, max: 5}``, ``{above: 0}``;
    ``{}`` holds everything.  A :class:`~qipp_rag.results.Band` (and reported as one) whose bounds are
    a pack's numbers and whose edges are checked to make sense.

    ``min`` and ``max`` include their edge (the catalogue's "≥" and "≤");
    ``above`` and ``below`` exclude it (its ">" and "<").
    """

    model_config = ConfigDict(defer_build=True)  # as the other pack models: built on first validation

    min: PackNumber | None = None
    max: PackNumber | None = None
    above: PackNumber | None = None
    below: PackNumber | None = None

    @model_validator(mode="after")
    def _well_formed(self) -> BandSpec:
        if self.min is not None and self.above is not None:
            raise ValueError("a band gives either `min` or `above`, not both")
        if self.max is not None and self.below is not None:
            raise ValueError("a band gives either `max` or `below`, not both")
        low, high = self.lower(), self.upper()
        if (
            low is not None
            and high is not None
            and (low[0] > high[0] or (low[0] == high[0] and not (low[1] and high[1])))
        ):
            raise ValueError("a band's lower bound must lie below its upper bound")
        return self

    def contains(self, other: BandSpec) -> bool:
        """Whether every value ``other`` holds, this band holds too."""
        mine, theirs = self.lower(), other.lower()
        if mine is not None and (
            theirs is None or theirs[0] < mine[0] or (theirs[0] == mine[0] and theirs[1] and not mine[1])
        ):
            return False
        mine, theirs = self.upper(), other.upper()
        if mine is not None and (
            theirs is None or theirs[0] > mine[0] or (theirs[0] == mine[0] and theirs[1] and not mine[1])
        ):
            return False
        return True


# The ids seen so far in the pack being validated, so that a repeated id is
# reported at the repeat itself (its line and column), not at ``rules:``.
_PACK_IDS: contextvars.ContextVar[set[str] | None] = contextvars.ContextVar("_PACK_IDS", default=None)


class RuleSpec(PackModel):
    id: str = Field(pattern=r"^[A-Za-z][A-Za-z0-9_.-]{0,31}$")
    title: str = Field(min_length=1, max_length=200)
    criterion: Criterion
    applies_to: list[OrgType] = Field(default_factory=lambda: list(OrgType), min_length=1)
    measures: str = Field(min_length=1, max_length=500)
    unit: Unit
    metric: str
    params: dict[str, Any] = Field(default_factory=empty_dict)
    green: BandSpec
    amber: BandSpec | None = None  # None: anything outside green is red
    critical: bool = False
    rationale: str = Field(min_length=1, max_length=4000)
    remediation: str = Field(min_length=1, max_length=4000)
    basis: str = Field(default="", max_length=4000)

    @field_validator("id")
    @classmethod
    def _id_once_per_pack(cls, value: str) -> str:
        seen = _PACK_IDS.get()
        if seen is not None:
            if value in seen:
                raise ValueError(f"rule id {value} appears twice in the pack; give each rule its own id")
            seen.add(value)
        return value

    @field_validator("metric")
    @classmethod
    def _metric_registered(cls, value: str) -> str:
        known = metric_names()
        if value not in known:
            near = difflib.get_close_matches(value, known, n=3, cutoff=0.6)
            hint = f"; did you mean {' or '.join(near)}?" if near else f"; known metrics: {', '.join(known)}"
            raise ValueError(f"unknown metric `{value}`{hint}")
        return value

    @field_validator("params")
    @classmethod
    def _params_the_metric_accepts(cls, params: dict[str, Any], info: ValidationInfo) -> dict[str, Any]:
        """A metric may carry ``check_params(params)``, raising ValueError for params it cannot
        use; the pack is then refused here, at ``params``, instead of the rule measuring
        every plan as n/a."""
        name = info.data.get("metric")
        if not isinstance(name, str):
            name = None
        check_params(name, params, metric_params(name) if name is not None else None)  # bounds, names, values
        metric = PLAN_METRICS.get(name) or PORTFOLIO_METRICS.get(name) if isinstance(name, str) else None
        check = getattr(metric, "check_params", None)
        if check is not None:
            check(params)
        return params

    @field_validator("amber")
    @classmethod
    def _green_inside_amber(cls, amber: BandSpec | None, info: ValidationInfo) -> BandSpec | None:
        green = info.data.get("green")
        if amber is not None and green is not None and not amber.contains(green):
            raise ValueError("the green band must lie inside the amber band (every green value must be at least amber)")
        return amber

    def rate(self, value: Decimal) -> BandRating:
        """Bands include their edges, and the exact value is what is banded."""
        if self.green.holds(value):
            return "green"
        if self.amber is not None and self.amber.holds(value):
            return "amber"
        return "red"


class RulePack(PackModel):
    """One rule pack file."""

    pack: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
    version: Annotated[int, PlainValidator(_pack_version)] = 1  # a later format is refused, not half-understood
    description: str = ""
    extends: Literal["green-criteria"] | None = None  # build on the shipped pack
    stage_factors: dict[Stage, PackNumber] | None = None  # held keyed by the stage's name
    rules: list[RuleSpec] = Field(default_factory=empty_list)

    @model_validator(mode="wrap")
    @classmethod
    def _fresh_ids(cls, data: Any, handler: Any) -> RulePack:
        token = _PACK_IDS.set(set())
        try:
            return handler(data)
        finally:
            _PACK_IDS.reset(token)

    @field_validator("rules")
    @classmethod
    def _unique_ids(cls, rules: list[RuleSpec]) -> list[RuleSpec]:
        # Rules built in code (not validated from a document) get the same check.
        seen: set[str] = set()
        for rule in rules:
            if rule.id in seen:
                raise ValueError(f"rule id {rule.id} appears twice in the pack")
            seen.add(rule.id)
        return rules

    @field_validator("stage_factors")
    @classmethod
    def _factors_in_range(cls, factors: dict[Stage, Decimal] | None) -> dict[str, Decimal] | None:
        for stage, factor in (factors or {}).items():
            if not Decimal(0) <= factor <= Decimal(1):
                raise ValueError(f"the stage factor for {stage.value} must lie between 0 and 1")
        return None if factors is None else {stage.value: factor for stage, factor in factors.items()}


# Loading packs from disk (files and folders, `extends`, overriding by id) is
# in :mod:`qipp_rag.rulebook.packs`; the checks that need a line and column (unknown
# metrics, repeated ids, a green band outside amber) are validators above, so
# that the loader reports them where they are.
