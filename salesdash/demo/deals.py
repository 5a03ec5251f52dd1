"""What each demo deal is before it starts moving: when it was created, for whom, what, how much.

Deals are numbered in creation order (D0000001 is the oldest). Creation follows mild growth
(about 12% a year) and a sales-calendar seasonality (quiet August and late December).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from salesdash.demo import kit
from salesdash.demo.accounts import AccountBook
from salesdash.demo.clock import Clock, Days
from salesdash.demo.people import Roster
from salesdash.demo.vocabulary import (
    AMOUNT_MEDIAN,
    AMOUNT_SIGMA,
    CHANNEL_WEIGHTS,
    DEAL_TYPE_SHARE,
    DEAL_TYPES,
    LEAD_SOURCE_WEIGHTS,
    PRODUCT_PRICE_FACTOR,
    PRODUCT_SHARE,
    TEAMS,
)

YEARLY_GROWTH = 0.12
# Relative deal creation per calendar month, January first.
MONTH_FACTOR = (0.90, 1.00, 1.10, 1.00, 1.00, 1.05, 0.90, 0.75, 1.05, 1.10, 1.05, 0.80)
OWNER_SHARE = 0.9  # the rest go to whichever rep picked up the lead
RENEWAL = DEAL_TYPES.index("renewal")


@dataclass(frozen=True)
class DealDraft:
    """Per-deal attributes, arrays indexed by deal number (0 = D0000001)."""

    created: npt.NDArray[np.float64]  # business-day time, ascending
    account: npt.NDArray[np.int64]
    rep: npt.NDArray[np.int64]
    customer_type: npt.NDArray[np.int8]
    channel: npt.NDArray[np.int8]
    lead_source: npt.NDArray[np.int8]
    product: npt.NDArray[np.int8]
    deal_type: npt.NDArray[np.int8]
    first_stage: npt.NDArray[np.int8]
    amount: npt.NDArray[np.int64]  # final amount in USD, whole hundreds

    @property
    def size(self) -> int:
        return len(self.created)


def deal_ids(n: int) -> pa.Array:
    """D0000001 .. in creation order."""
    return kit.ids("D", np.arange(1, n + 1), 7)


def creation_times(n: int, clock: Clock, rng: kit.Rng) -> npt.NDArray[np.float64]:
    """Creation times (business days, ascending) weighted by growth and the sales calendar."""
    days = np.arange(int(clock.end), dtype=np.float64)
    calendar_day = clock.days(days)
    months = calendar_day.astype("datetime64[M]").astype(np.int64) % 12
    holidays = (months == 11) & _after_day(calendar_day, 20)
    # 260 business days make a year.
    intensity = np.asarray(MONTH_FACTOR)[months] * (1.0 + YEARLY_GROWTH) ** (days / 260.0)
    intensity = np.where(holidays, intensity * 0.5, intensity)
    picked = rng.choice(days.size, size=n, p=intensity / intensity.sum())
    return np.sort(picked + rng.random(n))


def _after_day(days: Days, day_of_month: int) -> npt.NDArray[np.bool_]:
    first = days.astype("datetime64[M]").astype("datetime64[D]")
    after: npt.NDArray[np.bool_] = (days - first).astype(np.int64) >= day_of_month
    return after


def draft_deals(n: int, clock: Clock, roster: Roster, book: AccountBook, rng: kit.Rng) -> DealDraft:
    created = creation_times(n, clock, rng)
    account = rng.choice(book.size, size=n, p=book.deal_weight / book.deal_weight.sum())
    rep = np.where(rng.random(n) < OWNER_SHARE, book.owner[account], rng.integers(0, roster.size, n))
    # Before a new hire started, teammates covered their accounts.
    before_hire = np.flatnonzero(clock.days(created) < roster.hired_on[rep])
    cover = rng.random(before_hire.size)
    for team in range(len(TEAMS)):
        veterans = np.flatnonzero((roster.team == team) & ~roster.new_hire)
        here = roster.team[rep[before_hire]] == team
        rep[before_hire[here]] = veterans[(cover[here] * veterans.size).astype(np.int64)]

    customer_type = book.customer_type[account]
    channel = kit.choose_per_row(rng, CHANNEL_WEIGHTS, customer_type)
    lead_source = kit.choose_per_row(rng, LEAD_SOURCE_WEIGHTS, channel)
    product = kit.choose(rng, PRODUCT_SHARE, n)
    deal_type = kit.choose(rng, DEAL_TYPE_SHARE, n)
    # Renewals skip prospecting: they open already qualified.
    first_stage = np.where(deal_type == RENEWAL, 2, 1).astype(np.int8)

    price = np.log(np.asarray(PRODUCT_PRICE_FACTOR))
    price -= np.dot(price, np.asarray(PRODUCT_SHARE))  # keep the customer-type medians where stated
    raw = np.asarray(AMOUNT_MEDIAN)[customer_type] * np.exp(price[product] + rng.normal(0.0, AMOUNT_SIGMA, n))
    amount = np.maximum(np.round(raw, -2), 500).astype(np.int64)
    return DealDraft(
        created=created,
        account=account.astype(np.int64),
        rep=rep.astype(np.int64),
        customer_type=customer_type,
        channel=channel,
        lead_source=lead_source,
        product=product,
        deal_type=deal_type,
        first_stage=first_stage,
        amount=amount,
    )
