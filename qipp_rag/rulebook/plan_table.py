"""What the cross-plan rules know of a run's plans: a few small numbers a plan in memory, the rest
read back one plan at a time.

The cross-plan rules (PF01-PF04) compare every plan of a run with the
others, so what they read of a plan is held until they have seen them all.
To keep that flat as a run grows, a plan is split in two where it is read
(in the worker, while its parse tree is at hand):

- a :class:`PlanSketch`, kept in memory: organisation code, type and area
  team, period, and for each scheme the rules compare a 64-bit hash of its
  double-counting key.  Codes and periods repeat from plan to plan, so the
  table keeps one copy of each; the hashes go into arrays.
- a :class:`PlanDetail`, which the engine writes to a spill file: what only
  the *words* of a finding need (scheme ids, provider and baseline as
  written, the ``ccgs`` list, where things sit in the file).  A rule reads
  it back when it words that plan's finding, or to confirm that a hash
  match is a true match (two keys may share a hash; equal keys always do).
"""

from __future__ import annotations

import hashlib
import sys
from array import array
from bisect import bisect_left, bisect_right
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol

from ..plan.models import Plan, Scheme
from ..vocabulary import Loc, OrgType

if TYPE_CHECKING:
    from .measure import PlanRef

SchemeKey = tuple[str, str, Decimal]


def _normal(text: str) -> str:
    """Provider and measure compare without case and with runs of whitespace as one space."""
    return " ".join(text.split()).casefold()


def double_count_key(scheme: Any) -> SchemeKey | None:
    """(provider, baseline measure, baseline value) of a live scheme that gives all three, else None."""
    if not scheme.live or scheme.provider is None or scheme.baseline is None:
        return None
    measure, value = scheme.baseline.measure, scheme.baseline.value
    if measure is None or value is None:
        return None
    provider, measure = _normal(scheme.provider), _normal(measure)
    if not provider or not measure:
        return None
    return provider, measure, value  # Decimal: 1200 and 1200.0 are the same value, and hash alike


def key_hash(key: SchemeKey) -> int:
    """A 64-bit hash of a double-counting key, the same in every process (Python's own ``hash`` of a
    string is not): equal keys always hash alike, so only keys with equal hashes need comparing."""
    provider, measure, value = key
    if value.is_finite():
        # 1200 and 1200.0 are one value: its digits without trailing zeros, and where the point is
        # (worked out without the decimal context, whose precision a caller may have changed).
        sign, digits, exponent = value.as_tuple()
        kept = len(digits)
        while kept > 1 and digits[kept - 1] == 0:
            kept -= 1
        exponent = int(exponent) + len(digits) - kept
        number = "0" if not any(digits) else f"{'-' if sign else ''}{''.join(map(str, digits[:kept]))}e{exponent}"
    else:
        number = str(value)  # never equal to another value: the key is compared, and fails, on read-back
    text = f"{provider}\0{measure}\0{number}".encode()
    return int.from_bytes(hashlib.blake2b(text, digest_size=8).digest(), "little")


class SchemeDetail(NamedTuple):
    """A scheme the cross-plan rules compare, as its findings word it."""

    position: int  # in the plan's ``schemes``
    id: str
    provider: str  # as written (outer spaces dropped)
    measure: str
    value: Decimal

    @property
    def key(self) -> SchemeKey:
        return _normal(self.provider), _normal(self.measure), self.value


class PlanSketch(NamedTuple):
    """What the cross-plan rules keep of a plan while they wait for the rest of the run."""

    code: str
    kind: str  # the organisation type's value
    area_team: str | None
    period: tuple[str, ...]
    hashes: tuple[int, ...]  # key_hash of each compared scheme, in scheme order


class PlanDetail(NamedTuple):
    """What the cross-plan rules read of a plan only to word its findings or confirm a match."""

    ccgs: tuple[str, ...] | None
    schemes: tuple[SchemeDetail, ...]  # the compared schemes, in the order of the sketch's hashes
    positions: Any  # a positions.Positions (anything with ``locate(loc)``), or None: everything at 1:1


def compared_schemes(plan: Plan) -> list[tuple[int, Scheme, SchemeKey]]:
    """The schemes a cross-plan rule compares with other plans' (position, scheme, key), in order."""
    found = []
    for position, scheme in enumerate(plan.schemes):
        key = double_count_key(scheme)
        if key is not None:
            found.append((position, scheme, key))
    return found


def sketch_plan(plan: Plan) -> tuple[PlanSketch, PlanDetail]:
    """A plan split into what stays in memory and what waits in a spill file (its detail without
    positions: a worker adds them from the parse tree it holds)."""
    compared = compared_schemes(plan)
    org = plan.organisation
    sketch = PlanSketch(
        code=org.code,
        kind=org.type.value,
        area_team=org.area_team,
        period=tuple(plan.period),
        hashes=tuple(key_hash(key) for _, _, key in compared),
    )
    schemes = tuple(
        SchemeDetail(
            position=position,
            id=scheme.id,
            provider=(scheme.provider or "").strip(),
            measure=(scheme.baseline.measure or "").strip() if scheme.baseline else "",
            value=key[2],
        )
        for position, scheme, key in compared
    )
    detail = PlanDetail(ccgs=None if org.ccgs is None else tuple(org.ccgs), schemes=schemes, positions=None)
    return sketch, detail


class Details(Protocol):
    """Where the table reads a plan's detail back by its number (a spill store, or a list)."""

    def __getitem__(self, number: int, /) -> Any: ...


_CACHED = 64  # details kept at hand: the rules ask for a plan's several times while wording it


class PlanTable:
    """Every plan of a run that loaded, as the cross-plan rules read them, numbered 0, 1, ... in run
    order (the *row*; :meth:`index` gives the plan's index in the run).

    Per plan it holds its file, its run index, a reference to a shared code,
    type, area team and period, and its hashes; :meth:`detail` reads the rest.
    """

    def __init__(self, details: Details) -> None:
        self._details = details
        self._indices = array("I")
        self._files: list[str] = []
        self._codes: list[str] = []
        self._kinds: list[OrgType] = []
        self._teams: list[str | None] = []
        self._periods: list[tuple[str, ...]] = []
        self._hashes = array("Q")  # every plan's hashes, one after another
        self._starts = array("I", [0])  # row r's hashes lie between starts r and r + 1
        self._shared: dict[Any, Any] = {}  # one copy of each period tuple
        self._years: dict[tuple[str, ...], frozenset[str]] = {}
        self._cache: OrderedDict[int, PlanDetail] = OrderedDict()
        self._order: Sequence[int] | None = None
        self._rank: Sequence[int] | None = None

    @classmethod
    def of(cls, refs: Iterable[PlanRef]) -> PlanTable:
        """A table of whole plans held in memory (tests, and callers that have the plans anyway)."""
        details: list[PlanDetail] = []
        table = cls(details)
        for ref in sorted(refs, key=lambda ref: ref.index):
            sketch, detail = sketch_plan(ref.plan)
            table.add(ref.index, ref.file, sketch)
            details.append(detail)
        return table

    def add(self, index: int, file: str, sketch: PlanSketch) -> int:
        """The next plan (in run order; its detail must be the details' next); its row comes back."""
        assert not self._indices or index > self._indices[-1], "plans are added in the run's order"
        self._indices.append(index)
        self._files.append(file)
        self._codes.append(sys.intern(sketch.code))
        self._kinds.append(OrgType(sketch.kind))
        self._teams.append(None if sketch.area_team is None else sys.intern(sketch.area_team))
        period = tuple(sys.intern(year) for year in sketch.period)
        self._periods.append(self._shared.setdefault(period, period))
        self._hashes.extend(sketch.hashes)
        self._starts.append(len(self._hashes))
        self._order = self._rank = None
        return len(self._files) - 1

    # ---------------------------------------------------------------- each plan

    def __len__(self) -> int:
        return len(self._files)

    def index(self, row: int) -> int:
        return self._indices[row]

    def row(self, index: int) -> int | None:
        """The row of the plan with run index ``index``, or None when that plan did not load."""
        found = bisect_left(self._indices, index)
        return found if found < len(self._indices) and self._indices[found] == index else None

    def file(self, row: int) -> str:
        return self._files[row]

    def code(self, row: int) -> str:
        return self._codes[row]

    def kind(self, row: int) -> OrgType:
        return self._kinds[row]

    def area_team(self, row: int) -> str | None:
        return self._teams[row]

    def period(self, row: int) -> tuple[str, ...]:
        return self._periods[row]

    def years(self, row: int) -> frozenset[str]:
        """The period as a set (one set for all the plans with the same period)."""
        period = self._periods[row]
        found = self._years.get(period)
        if found is None:
            found = self._years[period] = frozenset(period)
        return found

    def hash(self, row: int, slot: int) -> int:
        """The key hash of the plan's compared scheme ``slot`` (its place among them)."""
        return self._hashes[self._starts[row] + slot]

    def first_hash(self, row: int) -> int:
        """Where row ``row``'s hashes start among :meth:`all_hashes` (``len(self)``: where they end)."""
        return self._starts[row]

    def all_hashes(self) -> array[int]:
        """Every plan's hashes, row after row."""
        return self._hashes

    def row_of_hash(self, place: int) -> int:
        """The row whose hashes hold place ``place`` of :meth:`all_hashes`."""
        return bisect_right(self._starts, place) - 1

    def compared(self, row: int) -> int:
        """How many of the plan's schemes the rules compare."""
        return self._starts[row + 1] - self._starts[row]

    def detail(self, row: int) -> PlanDetail:
        found = self._cache.get(row)
        if found is not None:
            self._cache.move_to_end(row)
            return found
        found = self._details[row]
        self._cache[row] = found
        if len(self._cache) > _CACHED:
            self._cache.popitem(last=False)
        return found

    def locate(self, row: int, loc: Loc) -> tuple[int, int]:
        positions = self.detail(row).positions
        return (1, 1) if positions is None else positions.locate(loc)

    # ---------------------------------------------------------------- the run

    def by_file(self) -> Sequence[int]:
        """The rows in file order (by file, then run index): the order names are given in."""
        if self._order is None:
            files = self._files
            if all(files[row] <= files[row + 1] for row in range(len(files) - 1)):
                self._order = range(len(files))  # found in file order, as a folder is walked: nothing to hold
            else:
                self._order = array("I", sorted(range(len(files)), key=lambda row: (files[row], self._indices[row])))
        return self._order

    def rank(self) -> Sequence[int]:
        """Each row's place in file order, for sorting rows by file cheaply."""
        if self._rank is None:
            order = self.by_file()
            if isinstance(order, range):
                self._rank = order
            else:
                rank = array("I", bytes(4 * len(self)))
                for place, row in enumerate(order):
                    rank[row] = place
                self._rank = rank
        return self._rank


def grouped(keys: Iterable[int], count: int) -> tuple[array[int], array[int]]:
    """Positions 0, 1, ... of ``keys`` (each below ``count``) grouped by key, in their order within a
    group (a counting sort): group ``k`` is ``order[starts[k]:starts[k + 1]]``.  Two passes over the
    keys and two arrays of small numbers: no list of every entry, as sorting would build."""
    starts = array("I", bytes(4 * (count + 1)))
    keys = array("I", keys)
    for key in keys:
        starts[key + 1] += 1
    for key in range(count):
        starts[key + 1] += starts[key]
    order = array("I", bytes(4 * len(keys)))
    filled = array("I", starts[:count])
    for position, key in enumerate(keys):
        order[filled[key]] = position
        filled[key] += 1
    return starts, order


class SchemeIndex:
    """Every compared scheme of a run by its key's hash: the schemes with a given hash, in file order.

    The table's hashes are grouped by their top bits (about one scheme a
    group); a group is searched for the whole hash.  What this holds is one
    small number a scheme and one a group.
    """

    def __init__(self, table: PlanTable) -> None:
        self._table = table
        entries = array("I")  # the compared schemes (by place in the table's hashes), in file order
        for row in table.by_file():
            entries.extend(range(table.first_hash(row), table.first_hash(row + 1)))
        self._shift = 64 - max(1, min(24, len(entries).bit_length()))
        hashes = table.all_hashes()
        starts, order = grouped((hashes[entry] >> self._shift for entry in entries), 1 << (64 - self._shift))
        self._starts = starts
        self._entries = array("I", (entries[at] for at in order))

    def with_hash(self, value: int) -> Iterator[tuple[int, int]]:
        """(row, slot) of each scheme whose key hashes to ``value``, in file order; slot is the scheme's
        place among the row's compared ones."""
        group = value >> self._shift
        hashes = self._table.all_hashes()
        for at in range(self._starts[group], self._starts[group + 1]):
            entry = self._entries[at]
            if hashes[entry] == value:
                row = self._table.row_of_hash(entry)
                yield row, entry - self._table.first_hash(row)
