"""The `deals` and `deal_events` tables, built together so that replaying the events gives the deal.

Every chain of values is consistent: each event's old_value is the previous event's new_value for
the same deal and field, the first old_value is the value the deal was created with, and the last
new_value is what `deals` holds. Amount changes and close-date slips happen strictly between
creation and close (or as_of); forecast-category changes ride on the stage move that caused them.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from salesdash.demo import kit
from salesdash.demo.accounts import AccountBook, account_ids
from salesdash.demo.clock import Clock, Days, month_end, quarter_end
from salesdash.demo.deals import DealDraft, deal_ids
from salesdash.demo.lifecycle import LAST_OPEN, LOST_STATUS, MEDIAN_DAYS, OPEN_STATUS, Journeys
from salesdash.demo.people import Roster
from salesdash.demo.vocabulary import (
    CHANNELS,
    COMPETITOR_WEIGHTS,
    COMPETITORS,
    CYCLE_FACTOR,
    DEAL_TYPES,
    FORECAST_CATEGORIES,
    FORECAST_WEIGHTS,
    LEAD_SOURCES,
    LOST_REASON_WEIGHTS,
    LOST_REASONS,
    NO_DECISION,
    PRODUCTS,
    STAGE_NAMES,
    STATUS_NAMES,
)

FIELDS = ("stage", "amount", "expected_close", "forecast_category", "status")
STAGE_F, AMOUNT_F, CLOSE_F, FORECAST_F, STATUS_F = range(5)
AMOUNT_CHANGE_SHARE = 0.30
CLOSED_SLIP_SHARE = 0.30
STALLED_SLIP_SHARE = 0.30
SECOND_CHANGE_SHARE = 0.35
Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]


class _Events:
    """deal_events rows gathered field by field, as Arrow pieces plus the numbers to sort by."""

    def __init__(self, clock: Clock, deal_ids: pa.Array) -> None:
        self.clock, self.deal_ids = clock, deal_ids
        self.deal: list[Ints] = []
        self.time: list[Floats] = []
        self.tables: list[pa.Table] = []

    def add(self, deal: Ints, time: Floats, field: int, old: pa.Array, new: pa.Array) -> None:
        self.deal.append(deal)
        self.time.append(time)
        self.tables.append(pa.table({
            "deal_id": self.deal_ids.take(pa.array(deal)),
            "changed_at": kit.timestamps(self.clock.timestamps(time)),
            "field": kit.labels(np.full(deal.size, field), FIELDS),
            "old_value": old.cast(pa.string()),
            "new_value": new.cast(pa.string()),
        }))

    def table(self) -> pa.Table:
        order = np.lexsort((np.concatenate(self.time), np.concatenate(self.deal)))
        return pa.concat_tables(self.tables).take(pa.array(order)).combine_chunks()


def _change_times(rng: kit.Rng, start: Floats, end: Floats, second: npt.NDArray[np.bool_]) -> tuple[Floats, Floats]:
    """Two ordered times strictly inside (start, end); the second is only used where `second`."""
    u = np.sort(rng.uniform(0.1, 0.95, (start.size, 2)), axis=1)
    # Keep the two apart so a replay never meets two changes of one field at the same second.
    u[:, 1] = np.maximum(u[:, 1], u[:, 0] + 0.01)
    first = np.where(second, u[:, 0], u[:, 1])
    return start + first * (end - start), start + u[:, 1] * (end - start)


def _values_chain(events: _Events, deal: Ints, t1: Floats, t2: Floats, second: npt.NDArray[np.bool_],
                  first_value: pa.Array, middle: pa.Array, last: pa.Array, field: int) -> None:
    """One change first -> last, or two changes first -> middle -> last where `second`."""
    one = ~second
    events.add(deal[one], t1[one], field, first_value.filter(pa.array(one)), last.filter(pa.array(one)))
    m = pa.array(second)
    events.add(deal[second], t1[second], field, first_value.filter(m), middle.filter(m))
    events.add(deal[second], t2[second], field, middle.filter(m), last.filter(m))


def build_history(clock: Clock, draft: DealDraft, journeys: Journeys, book: AccountBook,
                  roster: Roster, rng: kit.Rng) -> dict[str, pa.Table]:
    """Return {'deals': ..., 'deal_events': ...}."""
    n = draft.size
    ids = deal_ids(n)
    events = _Events(clock, ids)
    is_open = journeys.status == OPEN_STATUS
    life_end = np.where(is_open, clock.end, journeys.closed_at)
    can_change = life_end - draft.created > 1.0  # room for a change strictly inside the deal's life

    # Stage and status moves come straight from the walk.
    events.add(journeys.stage_deal, journeys.stage_time, STAGE_F,
               kit.plain_labels(journeys.stage_old, STAGE_NAMES, journeys.stage_old > 0),
               kit.plain_labels(journeys.stage_new, STAGE_NAMES))
    events.add(journeys.status_deal, journeys.status_time, STATUS_F,
               kit.plain_labels(journeys.status_old, STATUS_NAMES),
               kit.plain_labels(journeys.status_new, STATUS_NAMES))
    forecast = _forecast_categories(events, journeys, n, rng)

    # Amount: the deal ends at its drafted amount; earlier values were re-quoted on the way.
    changed = (rng.random(n) < AMOUNT_CHANGE_SHARE) & can_change
    second = changed & (rng.random(n) < SECOND_CHANGE_SHARE)
    final = draft.amount
    middle = _requote(final, rng)
    first = _requote(np.where(second, middle, final), rng)
    idx = np.flatnonzero(changed)
    t1, t2 = _change_times(rng, draft.created[idx], life_end[idx], second[idx])
    _values_chain(events, idx, t1, t2, second[idx], kit.number_text(first[idx]),
                  kit.number_text(middle[idx]), kit.number_text(final[idx]), AMOUNT_F)

    expected_close = _expected_close(events, clock, draft, journeys, life_end, can_change, rng)
    lost_reason, competitor = _loss_details(journeys, rng)
    closed = ~is_open
    return {
        "deals": pa.table({
            "deal_id": ids,
            "name": pc.binary_join_element_wise(
                pa.array(book.names, pa.string()).take(pa.array(draft.account)),
                kit.plain_labels(draft.product, PRODUCTS), " – "),
            "account_id": account_ids(draft.account),
            "rep_id": kit.labels(draft.rep, roster.rep_ids),
            "product": kit.labels(draft.product, PRODUCTS),
            "channel": kit.labels(draft.channel, CHANNELS),
            "lead_source": kit.labels(draft.lead_source, LEAD_SOURCES),
            "deal_type": kit.labels(draft.deal_type, DEAL_TYPES),
            "amount": pa.array(final.astype(np.float64)),
            "currency": kit.labels(np.zeros(n, dtype=np.int8), ("USD",)),
            "created_on": kit.dates(clock.days(draft.created)),
            "expected_close": kit.dates(expected_close),
            "closed_on": kit.dates(clock.days(np.nan_to_num(journeys.closed_at)), closed),
            "stage": kit.labels(journeys.stage, STAGE_NAMES),
            "status": kit.labels(journeys.status, STATUS_NAMES),
            "lost_reason": kit.labels(lost_reason, LOST_REASONS, lost_reason >= 0),
            "competitor": kit.labels(competitor, COMPETITORS, competitor >= 0),
            "forecast_category": kit.labels(forecast, FORECAST_CATEGORIES),
        }),
        "deal_events": events.table(),
    }


def _requote(amount: Ints, rng: kit.Rng) -> Ints:
    """An earlier quote for a deal now worth `amount`: usually a little higher (discounts), never equal."""
    ratio = np.exp(rng.normal(0.06, 0.18, amount.size))
    earlier = np.maximum(np.round(amount * ratio, -2), 500).astype(np.int64)
    return np.where(earlier == amount, amount + 500, earlier)


def _forecast_categories(events: _Events, journeys: Journeys, n: int, rng: kit.Rng) -> npt.NDArray[np.int8]:
    """Each deal picks a category per open stage; entering a stage with a new category logs a change.

    Won and lost moves keep the category, so a closed deal keeps its last one.
    """
    per_stage = np.stack([kit.choose(rng, FORECAST_WEIGHTS[s], n) for s in range(LAST_OPEN + 1)], axis=1)
    order = np.lexsort((journeys.stage_time, journeys.stage_deal))
    deal, time, new = journeys.stage_deal[order], journeys.stage_time[order], journeys.stage_new[order]
    sets = new <= LAST_OPEN
    category = np.where(sets, per_stage[deal, np.minimum(new, LAST_OPEN)], 0)
    # Forward-fill through Won/Lost rows; every deal's first row is its creation, which always sets one.
    source = np.maximum.accumulate(np.where(sets, np.arange(new.size), 0))
    category = category[source]
    first_of_deal = np.r_[True, deal[1:] != deal[:-1]]
    before = np.r_[0, category[:-1]]
    change = sets & ~first_of_deal & (category != before)
    events.add(deal[change], time[change], FORECAST_F,
               kit.plain_labels(before[change], FORECAST_CATEGORIES),
               kit.plain_labels(category[change], FORECAST_CATEGORIES))
    last_of_deal = np.r_[deal[1:] != deal[:-1], True]
    final = np.empty(n, dtype=np.int8)
    final[deal[last_of_deal]] = category[last_of_deal]
    return final


def _expected_close(events: _Events, clock: Clock, draft: DealDraft, journeys: Journeys,
                    life_end: Floats, can_change: npt.NDArray[np.bool_], rng: kit.Rng) -> Days:
    """Optimistic close dates at creation, slipped towards reality, and open deals' current forecasts."""
    n = draft.size
    cycle = np.asarray(CYCLE_FACTOR)[draft.customer_type]
    remaining = np.cumsum(MEDIAN_DAYS[::-1])[::-1]  # remaining[s] = median days from entering s to close
    planned = remaining[draft.first_stage] * cycle * rng.uniform(0.55, 0.95, n)
    initial = clock.days(draft.created + planned)
    target = initial.copy()

    closed = journeys.status != OPEN_STATUS
    close_day = clock.days(np.nan_to_num(journeys.closed_at))
    near_close = close_day + np.round(rng.normal(0.0, 6.0, n)).astype("timedelta64[D]")
    pushed_out = initial + rng.integers(14, 46, n).astype("timedelta64[D]")
    # A win may come early and pull the date in; a loss never does (the date slipped until it died).
    near_close = np.where(np.abs((near_close - initial).astype(np.int64)) < 7, pushed_out, near_close)
    near_close = np.where(journeys.status == LOST_STATUS, np.maximum(near_close, pushed_out), near_close)
    target = np.where(closed & (rng.random(n) < CLOSED_SLIP_SHARE), near_close, target)

    # Live deals carry the rep's current estimate: when the walk would finish, often rounded to a
    # month or quarter end; late-stage deals due soon are often called for this quarter.
    is_open = ~closed
    stage = np.minimum(journeys.stage, LAST_OPEN)
    after_next = np.where(stage < LAST_OPEN, remaining[np.minimum(stage + 1, LAST_OPEN)], 0.0)
    projected = clock.days(np.nan_to_num(journeys.next_move_at) + after_next * cycle)
    snap = rng.random(n)
    projected = np.where(snap < 0.20, quarter_end(projected), np.where(snap < 0.35, month_end(projected), projected))
    this_quarter_end = quarter_end(np.array([clock.as_of_day]))[0]
    call_it = (stage >= 4) & (projected <= this_quarter_end + np.timedelta64(14, "D")) & (rng.random(n) < 0.5)
    projected = np.where(call_it, this_quarter_end, projected)
    live = is_open & ~journeys.stalled
    differs = np.abs((projected - initial).astype(np.int64)) >= 5
    target = np.where(live & differs, projected, target)
    # Stalled deals were pushed once or twice and then forgotten, so many are now past due.
    pushed = initial + rng.integers(20, 61, n).astype("timedelta64[D]")
    target = np.where(is_open & journeys.stalled & (rng.random(n) < STALLED_SLIP_SHARE), pushed, target)

    slipped = (target != initial) & can_change
    target = np.where(slipped, target, initial)
    gap = (target - initial).astype(np.int64)
    second = slipped & (np.abs(gap) >= 6) & (rng.random(n) < SECOND_CHANGE_SHARE)
    middle = initial + np.round(gap * rng.uniform(0.3, 0.7, n)).astype("timedelta64[D]")
    # Some reps first pull the date in (the customer sounded keen) before it slips out again.
    keen = (gap > 0) & ((initial - clock.days(draft.created)).astype(np.int64) >= 30) & (rng.random(n) < 0.4)
    middle = np.where(keen, initial - rng.integers(7, 22, n).astype("timedelta64[D]"), middle)
    idx = np.flatnonzero(slipped)
    t1, t2 = _change_times(rng, draft.created[idx], life_end[idx], second[idx])
    _values_chain(events, idx, t1, t2, second[idx], kit.date_text(initial[idx]),
                  kit.date_text(middle[idx]), kit.date_text(target[idx]), CLOSE_F)
    return target


def _loss_details(journeys: Journeys, rng: kit.Rng) -> tuple[npt.NDArray[np.int8], npt.NDArray[np.int8]]:
    """Lost reason by the stage lost in (no budget early, price and competitors late); -1 = none."""
    n = journeys.status.size
    lost = journeys.status == LOST_STATUS
    reason = kit.choose_per_row(rng, LOST_REASON_WEIGHTS, np.minimum(journeys.stage, LAST_OPEN))
    reason = np.where(journeys.lost_while_stalled & (rng.random(n) < 0.6), NO_DECISION, reason)
    reason = np.where(lost, reason, -1).astype(np.int8)
    named = np.where(reason == LOST_REASONS.index("Competitor"), 1.0,
                     np.where(reason == LOST_REASONS.index("Price"), 0.5, 0.1))
    competitor = kit.choose(rng, COMPETITOR_WEIGHTS, n)
    competitor = np.where(lost & (rng.random(n) < named), competitor, -1).astype(np.int8)
    return reason, competitor

