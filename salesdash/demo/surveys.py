"""After-sale satisfaction surveys for won deals: NPS, CSAT and three service scores, with comments.

Each response draws one underlying mood; product quality, service attitude and response speed are
that mood plus their own noise, and NPS follows the three (response speed weighs most). Planted:

* Enterprise customers are a little harder to please than small businesses (pattern 6);
* for 'Data Platform', in the quarter two quarters before as_of's, support was overwhelmed:
  response speed scores fall to 1–2 and NPS with them, while product quality and service attitude
  stay normal; the next quarter is back to normal (pattern 4).

Chinese accounts (and a few others) answer in Chinese; comments match the scores.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from salesdash.demo import kit
from salesdash.demo.accounts import AccountBook, account_ids
from salesdash.demo.clock import Clock, quarter_start
from salesdash.demo.deals import DealDraft, deal_ids
from salesdash.demo.lifecycle import WON_STATUS, Journeys
from salesdash.demo.people import Roster
from salesdash.demo.vocabulary import COMMENT_SHARE, COMMENTS_EN, COMMENTS_ZH, DATA_PLATFORM

SURVEY_SHARE = 0.40  # of won deals answer
DELAY_DAYS = (14, 56)  # days after close
MOOD = 0.45
MOOD_BY_CUSTOMER_TYPE = (-0.12, 0.0, 0.10, -0.04)  # Enterprise, Mid-market, Small business, Public sector
MOOD_BY_PRODUCT = (0.05, 0.0, 0.0, 0.05, -0.05)
OVERWHELMED_SPEED = -2.6  # response-speed mood during the Data Platform support crisis
FLIPPED_LANGUAGE = 0.05  # share answering in the other language
PRAISE, NEUTRAL, COMPLAINT, SLOW = range(4)
Ints = npt.NDArray[np.int64]


def crisis_quarter(clock: Clock) -> np.datetime64:
    """First day of the quarter two quarters before as_of's quarter."""
    this_quarter = quarter_start(np.array([clock.as_of_day]))[0]
    crisis: np.datetime64 = (this_quarter.astype("datetime64[M]") - np.timedelta64(6, "M")).astype("datetime64[D]")
    return crisis


def _responders(clock: Clock, journeys: Journeys, count: int | None,
                rng: kit.Rng) -> tuple[Ints, npt.NDArray[np.datetime64]]:
    """Which won deals answered, and when. `count` overrides the natural ~40% response rate."""
    won = np.flatnonzero(journeys.status == WON_STATUS)
    closed = clock.days(journeys.closed_at[won])
    submitted = closed + rng.integers(DELAY_DAYS[0], DELAY_DAYS[1] + 1, won.size).astype("timedelta64[D]")
    due = submitted <= clock.as_of_day
    deal, day = won[due], submitted[due]
    if count is None:
        pick = rng.random(deal.size) < SURVEY_SHARE
        return deal[pick], day[pick]
    if count <= deal.size:
        pick = np.sort(rng.choice(deal.size, size=count, replace=False))
        return deal[pick], day[pick]
    # More responses than won deals (benchmarks): the rest are later relationship pulses on the
    # same customers, any time from two weeks after the close up to as_of.
    earliest = closed + np.timedelta64(DELAY_DAYS[0], "D")
    pool = np.flatnonzero(earliest <= clock.as_of_day)
    if pool.size == 0:
        return deal, day
    extra = pool[rng.integers(0, pool.size, count - deal.size)]
    room = (clock.as_of_day - earliest[extra]).astype(np.int64) + 1
    later = earliest[extra] + np.floor(rng.random(extra.size) * room).astype("timedelta64[D]")
    return np.concatenate([deal, won[extra]]), np.concatenate([day, later])


def _score(latent: npt.NDArray[np.float64]) -> Ints:
    """A 1–5 rating from a mood on a standard-normal scale."""
    return np.clip(np.round(3.7 + 0.85 * latent), 1, 5).astype(np.int64)


def collect_surveys(clock: Clock, draft: DealDraft, journeys: Journeys, roster: Roster,
                    book: AccountBook, rng: kit.Rng, count: int | None = None) -> pa.Table:
    deal, day = _responders(clock, journeys, count, rng)
    order = np.argsort(day, kind="stable")  # response ids in submission order
    deal, day = deal[order], day[order]
    k = deal.size
    product = draft.product[deal]
    mood = (MOOD + np.asarray(MOOD_BY_CUSTOMER_TYPE)[draft.customer_type[deal]]
            + np.asarray(MOOD_BY_PRODUCT)[product] + rng.normal(0.0, 1.0, k))
    quality = mood + rng.normal(0.0, 0.6, k)
    attitude = mood + rng.normal(0.0, 0.6, k)
    speed = mood + rng.normal(0.0, 0.6, k)
    crisis = (product == DATA_PLATFORM) & (quarter_start(day) == crisis_quarter(clock))
    speed = np.where(crisis, OVERWHELMED_SPEED + rng.normal(0.0, 0.5, k), speed)
    promoter_mood = 0.4 * quality + 0.3 * attitude + 0.3 * speed + rng.normal(0.0, 0.4, k)
    nps = np.clip(np.round(7.6 + 1.7 * promoter_mood), 0, 10).astype(np.int64)
    csat = _score(0.4 * quality + 0.3 * attitude + 0.3 * speed + rng.normal(0.0, 0.3, k))
    speed_score = _score(speed)

    kind = np.where(nps >= 9, PRAISE, np.where(nps >= 7, NEUTRAL, COMPLAINT))
    kind = np.where((speed_score <= 2) & (kind != PRAISE) & (rng.random(k) < 0.8), SLOW, kind)
    chinese = book.chinese[draft.account[deal]] ^ (rng.random(k) < FLIPPED_LANGUAGE)
    pools = [COMMENTS_EN, COMMENTS_ZH]
    sizes = np.array([len(group) for group in COMMENTS_EN])
    offsets = np.array([[sum(len(g) for g in pools[lang][:i]) for i in range(4)] for lang in range(2)])
    offsets[1] += sum(sizes)
    vocabulary = [c for pool in pools for group in pool for c in group]
    code = offsets[chinese.astype(np.int64), kind] + np.floor(rng.random(k) * sizes[kind]).astype(np.int64)
    commented = rng.random(k) < COMMENT_SHARE

    return pa.table({
        "response_id": kit.ids("S", np.arange(1, k + 1), 7),
        "account_id": account_ids(draft.account[deal]),
        "deal_id": deal_ids(draft.size).take(pa.array(deal)),
        "rep_id": kit.labels(draft.rep[deal], roster.rep_ids),
        "submitted_on": kit.dates(day),
        "nps": pa.array(nps, pa.int32()),
        "csat": pa.array(csat, pa.int32()),
        "product_quality": pa.array(_score(quality), pa.int32()),
        "service_attitude": pa.array(_score(attitude), pa.int32()),
        "response_speed": pa.array(speed_score, pa.int32()),
        "comment": kit.plain_labels(code, vocabulary, commented),
    })
