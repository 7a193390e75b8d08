"""Distance to green: the least money that moves an amber or red finding of a money rule.

With N and D a rule's numerator and denominator in £000 and t a band's
threshold in %, an "at least" rule needs max(0, t ÷ 100 × D − N) more in N,
an "at most" rule max(0, N − t ÷ 100 × D) less.  Thresholds come from the
bands of the pack in force (the green band's lower bound for an "at least"
rule, its upper bound for an "at most" one), so a user's own pack moves the
distance with it.  Amounts are computed exactly and rounded up to 2 decimal
places: the least amount, to the £10, that moves the finding.  A band edge
that excludes itself (``above``, ``below``) needs a step beyond it.
"""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction

from .reporters.text import money
from .results import Distance
from .rulebook.measure import Share
from .rulebook.models import BandSpec, RuleSpec

CENTS = 100  # amounts are given to 2 decimal places of £000


def _edge(band: BandSpec | None, more_is_better: bool) -> tuple[Decimal, bool] | None:
    """The band's edge a value must cross, and whether the edge itself is inside the band."""
    if band is None:
        return None
    return band.lower() if more_is_better else band.upper()


def amount_to(band: BandSpec | None, share: Share) -> Decimal | None:
    """The least amount (rounded up to 2 places) that brings ``share`` inside ``band``; None if no money can."""
    edge = _edge(band, share.more_is_better)
    if edge is None:
        return None
    threshold, inclusive = edge
    allowed = Fraction(threshold) / 100 * Fraction(share.denominator)
    exact = allowed - Fraction(share.numerator) if share.more_is_better else Fraction(share.numerator) - allowed
    if exact < 0 or (exact == 0 and inclusive):
        return Decimal(0).quantize(Decimal("0.01"))
    cents = math.ceil(exact * CENTS) if inclusive else math.floor(exact * CENTS) + 1
    return (Decimal(cents) / CENTS).quantize(Decimal("0.01"))


def distance(rule: RuleSpec, rating: str, share: Share | None) -> Distance | None:
    """The distance of an amber or red finding from green (and, when red, from amber); None otherwise."""
    if share is None or rating not in ("amber", "red"):
        return None
    to_green = amount_to(rule.green, share)
    if to_green is None:
        return None
    to_amber = amount_to(rule.amber, share) if rating == "red" else None
    return Distance(to_green=to_green, to_amber=to_amber, year=share.year)


def _money(value: Decimal) -> str:
    return money(value, zero="£0")


def in_words(found: Distance, share: Share) -> str:
    """ "identify £460k more in 2015/16 to be green (£0 to leave red)"."""
    # replace, not str.format: an action may quote a pack's own wording, braces and all
    words = share.action.replace("{year}", found.year).replace("{amount}", _money(found.to_green)) + " to be green"
    if found.to_amber is not None:
        words += f" ({_money(found.to_amber)} to leave red)"
    return words
