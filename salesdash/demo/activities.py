"""Demo activities: calls, emails, meetings, demos, visits and social touches over each deal's life.

A deal gets about one touch up front plus one every eleven business days while it is alive, so
long deals carry more history than quick losses. Stalled open deals went quiet at least two weeks
before as_of (DESIGN.md "Stalled deal"). Reps R07 and R23 log about 2.5x their peers' activity
(planted pattern 3). About 8% of activities are account-level, with no deal.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from salesdash.demo import kit
from salesdash.demo.accounts import AccountBook, account_ids
from salesdash.demo.clock import Clock
from salesdash.demo.deals import DealDraft, deal_ids
from salesdash.demo.lifecycle import OPEN_STATUS, Journeys
from salesdash.demo.people import Roster
from salesdash.demo.vocabulary import (
    ACTIVITY_OUTCOME_WEIGHTS,
    ACTIVITY_OUTCOMES,
    ACTIVITY_TYPE_WEIGHTS,
    ACTIVITY_TYPES,
)

FIRST_TOUCHES = 1.0
TOUCHES_PER_DAY = 0.09  # per business day alive
ACCOUNT_LEVEL_SHARE = 0.08
# 11 business days before the first business day after as_of is at least 15 calendar days back.
QUIET_DAYS = 11.0
QUIET_EXTRA_MEAN = 8.0


def log_activities(clock: Clock, draft: DealDraft, journeys: Journeys, roster: Roster,
                   book: AccountBook, rng: kit.Rng) -> pa.Table:
    n = draft.size
    end = np.where(journeys.status == OPEN_STATUS, clock.end, journeys.closed_at)
    quiet_since = clock.end - QUIET_DAYS - rng.exponential(QUIET_EXTRA_MEAN, n)
    end = np.where(journeys.stalled, np.minimum(end, quiet_since), end)
    span = np.maximum(end - draft.created, 0.0)
    rate = roster.activity_factor[draft.rep] * (FIRST_TOUCHES + TOUCHES_PER_DAY * span)
    count = rng.poisson(np.where(span > 0, rate, 0.0))
    deal = np.repeat(np.arange(n), count)
    deal_time = draft.created[deal] + rng.random(deal.size) * span[deal]

    # Account-level touches (check-ins, newsletters) by the account owner, after they were hired.
    k = round(ACCOUNT_LEVEL_SHARE * deal.size)
    weight = book.deal_weight * roster.activity_factor[book.owner]
    account = rng.choice(book.size, size=k, p=weight / weight.sum())
    owner = book.owner[account]
    hired = np.maximum(clock.index(roster.hired_on), 0.0)[owner]
    account_time = hired + rng.random(k) * (clock.end - hired)

    deal_all = np.concatenate([deal, np.full(k, -1)])
    time = np.concatenate([deal_time, account_time])
    order = np.argsort(time, kind="stable")  # activity ids run in time order, as a CRM assigns them
    deal_all, time = deal_all[order], time[order]
    account_all = np.concatenate([draft.account[deal], account])[order]
    rep_all = np.concatenate([draft.rep[deal], owner])[order]
    has_deal = deal_all >= 0

    kind = kit.choose(rng, ACTIVITY_TYPE_WEIGHTS, time.size)
    slot = kit.choose_per_row(rng, ACTIVITY_OUTCOME_WEIGHTS, kind)
    outcomes = sorted({o for row in ACTIVITY_OUTCOMES for o in row})
    lookup = np.array([[outcomes.index(o) for o in row] for row in ACTIVITY_OUTCOMES])
    return pa.table({
        "activity_id": kit.ids("A", np.arange(1, time.size + 1), 8),
        "deal_id": deal_ids(n).take(pa.array(np.maximum(deal_all, 0), mask=~has_deal)),
        "account_id": account_ids(account_all),
        "rep_id": kit.labels(rep_all, roster.rep_ids),
        "type": kit.labels(kind, ACTIVITY_TYPES),
        "occurred_at": kit.timestamps(clock.timestamps(time)),
        "outcome": kit.labels(lookup[kind, slot], outcomes),
    })
