"""Deal life: every deal walks the stages from creation until it is won, lost, or still open at as_of.

The walk is vectorised over deals and looped over steps: each step moves every still-active deal
once (advance, lose, skip a stage, or step back), so the loop runs about a dozen times whatever the
number of deals. Planted patterns that live in the walk:

* Partner deals convert from Solution design at 0.60 instead of 0.82 (pattern 1);
* team Cedar spends 2.3x as long in Qualification (pattern 2);
* reps R07 and R23 convert 0.85x at every stage, about half the usual win rate (pattern 3);
* 30% of the wins due outside a quarter's last two weeks are moved into them (pattern 5).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from salesdash.demo import kit
from salesdash.demo.clock import Clock, quarter_end, quarter_start
from salesdash.demo.deals import DealDraft
from salesdash.demo.people import Roster
from salesdash.demo.vocabulary import CHANNELS, CYCLE_FACTOR, DEAL_TYPES

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]

# Index = stage position; 0 is unused. Business days spent in each open stage (median) and the
# chance of moving on from it. The chances sit above the stages' targets so the overall win rate
# among closed deals lands near 27% (the targets alone multiply out to about 11%).
MEDIAN_DAYS = np.array([0.0, 6.0, 8.0, 11.0, 13.0, 9.0])
CONVERSION = np.array([0.0, 0.72, 0.78, 0.82, 0.82, 0.74])
SOLUTION_DESIGN, QUALIFICATION, LAST_OPEN = 4, 2, 5
PARTNER = CHANNELS.index("Partner")
PARTNER_SOLUTION_CONVERSION = 0.60
RENEWAL_CONVERSION_FACTOR = 1.08
SLOW_QUALIFICATION_FACTOR = 2.3
DURATION_SIGMA = 0.6
LOSS_DURATION_FACTOR = 1.25  # deals that die linger a little before anyone admits it
MIN_DURATION = 0.02  # about 12 minutes: keeps every stage move on its own timestamp
SKIP_SHARE = 0.09  # of deals are set to jump one stage, if they get that far
BACK_SHARE = 0.08  # of deals are set to step back once
STALL_SHARE = 0.08  # of deals go quiet for a long time in one stage
STALL_CONVERSION_FACTOR = 0.6
ABANDON_SHARE = 0.2  # of stalls
REOPEN_SHARE = 0.06  # of deals lost late in the process come back
REOPEN_GAP = (15.0, 60.0)
PUSH_SHARE = 0.30  # of wins outside a quarter's last two weeks are moved into them
PUSH_WINDOW = 10.0  # business days: the last two weeks of a quarter
WON, LOST = 6, 7
OPEN_STATUS, WON_STATUS, LOST_STATUS = 0, 1, 2


@dataclass(frozen=True)
class Journeys:
    """The outcome of the walk: stage and status moves, and each deal's state at as_of."""

    stage_deal: Ints
    stage_time: Floats
    stage_old: npt.NDArray[np.int8]  # 0 for the creation row
    stage_new: npt.NDArray[np.int8]
    status_deal: Ints
    status_time: Floats
    status_old: npt.NDArray[np.int8]
    status_new: npt.NDArray[np.int8]
    status: npt.NDArray[np.int8]
    stage: npt.NDArray[np.int8]  # current stage (open), Won, or the stage it was lost in
    closed_at: Floats  # NaN while open
    entered_at: Floats  # when the deal entered its current (or last open) stage
    next_move_at: Floats  # open deals: when the walk would move them next (after as_of)
    stalled: npt.NDArray[np.bool_]  # open, and in its stage longer than 75% of past deals were
    lost_while_stalled: npt.NDArray[np.bool_]


class _Moves:
    """Collects (deal, time, old, new) rows step by step and joins them once at the end."""

    def __init__(self) -> None:
        self.parts: list[tuple[Ints, Floats, npt.NDArray[np.int8], npt.NDArray[np.int8]]] = []

    def add(self, deal: Ints, time: Floats, old: npt.ArrayLike, new: npt.ArrayLike) -> None:
        n = len(deal)
        self.parts.append((
            deal, time,
            np.broadcast_to(np.asarray(old, dtype=np.int8), n).copy(),
            np.broadcast_to(np.asarray(new, dtype=np.int8), n).copy(),
        ))

    def arrays(self) -> tuple[Ints, Floats, npt.NDArray[np.int8], npt.NDArray[np.int8]]:
        return (
            np.concatenate([p[0] for p in self.parts]).astype(np.int64),
            np.concatenate([p[1] for p in self.parts]),
            np.concatenate([p[2] for p in self.parts]),
            np.concatenate([p[3] for p in self.parts]),
        )


def walk(clock: Clock, draft: DealDraft, roster: Roster, rng: kit.Rng) -> Journeys:
    n = draft.size
    cycle = np.asarray(CYCLE_FACTOR)[draft.customer_type]
    partner = draft.channel == PARTNER
    slow = roster.slow_qualification[draft.rep]
    factor = roster.conversion_factor[draft.rep] * np.where(
        draft.deal_type == DEAL_TYPES.index("renewal"), RENEWAL_CONVERSION_FACTOR, 1.0)
    skip_at = np.where(rng.random(n) < SKIP_SHARE, rng.integers(1, 4, n), 0)
    back_at = np.where(rng.random(n) < BACK_SHARE, rng.integers(3, 6, n), 0)
    stall_at = np.where(rng.random(n) < STALL_SHARE, rng.integers(1, 6, n), 0)
    # Most stalls drag on for weeks; some deals are all but abandoned and sit open for a year or more.
    stall_factor = np.where(rng.random(n) < ABANDON_SHARE, rng.uniform(15.0, 40.0, n), rng.uniform(4.0, 10.0, n))
    may_reopen = rng.random(n) < REOPEN_SHARE

    pos = draft.first_stage.astype(np.int64)
    t = draft.created.copy()
    status = np.zeros(n, dtype=np.int8)
    stage = draft.first_stage.copy()
    closed_at = np.full(n, np.nan)
    entered_at = draft.created.copy()
    next_move_at = np.full(n, np.nan)
    went_back = np.zeros(n, dtype=bool)
    reopened = np.zeros(n, dtype=bool)
    lost_while_stalled = np.zeros(n, dtype=bool)
    stage_moves, status_moves = _Moves(), _Moves()
    stage_moves.add(np.arange(n), draft.created, 0, draft.first_stage)
    done_stage: list[Ints] = []
    done_days: list[Floats] = []

    active = np.arange(n)
    while active.size:
        s = pos[active]
        stalling = stall_at[active] == s
        p = np.where((s == SOLUTION_DESIGN) & partner[active], PARTNER_SOLUTION_CONVERSION, CONVERSION[s])
        p = np.minimum(p * factor[active] * np.where(stalling, STALL_CONVERSION_FACTOR, 1.0), 0.98)
        advance = rng.random(active.size) < p
        days = (MEDIAN_DAYS[s] * cycle[active]
                * np.where(slow[active] & (s == QUALIFICATION), SLOW_QUALIFICATION_FACTOR, 1.0)
                * np.where(stalling, stall_factor[active], 1.0)
                * np.where(advance, 1.0, LOSS_DURATION_FACTOR)
                * rng.lognormal(0.0, DURATION_SIGMA, active.size))
        t_next = t[active] + np.maximum(days, MIN_DURATION)

        late = t_next >= clock.end  # still in this stage at as_of
        next_move_at[active[late]] = t_next[late]
        moved = ~late
        deal, s, adv, t_new = active[moved], s[moved], advance[moved], t_next[moved]
        new = np.where(adv, s + 1, LOST)
        new = np.where(adv & (skip_at[deal] == s), s + 2, new)
        back = adv & (back_at[deal] == s) & ~went_back[deal]
        new = np.where(back, s - 1, new)
        went_back[deal[back]] = True
        won = new == WON
        t_new[won] = _close_near_quarter_end(clock, t_new[won], t[deal[won]], rng)
        done_stage.append(s)
        done_days.append(t_new - t[deal])

        stage_moves.add(deal, t_new, s, new)
        closing = new >= WON
        lost = new == LOST
        status_moves.add(deal[closing], t_new[closing], OPEN_STATUS,
                         np.where(won[closing], WON_STATUS, LOST_STATUS))
        status[deal[closing]] = np.where(won[closing], WON_STATUS, LOST_STATUS)
        stage[deal] = np.where(lost, s, new).astype(np.int8)
        closed_at[deal[closing]] = t_new[closing]
        lost_while_stalled[deal[lost]] = stall_at[deal[lost]] == s[lost]
        going = ~closing
        pos[deal[going]] = new[going]
        t[deal] = t_new
        entered_at[deal[going]] = t_new[going]

        # A few deals lost late come back (the customer returns) and walk on from where they were.
        back_again = lost & may_reopen[deal] & ~reopened[deal] & (s >= SOLUTION_DESIGN)
        t_back = t_new + rng.uniform(*REOPEN_GAP, deal.size)
        back_again &= t_back < clock.end
        again, s_again, t_again = deal[back_again], s[back_again], t_back[back_again]
        stage_moves.add(again, t_again, LOST, s_again)
        status_moves.add(again, t_again, LOST_STATUS, OPEN_STATUS)
        status[again], stage[again], closed_at[again] = OPEN_STATUS, s_again, np.nan
        pos[again], t[again], entered_at[again], reopened[again] = s_again, t_again, t_again, True
        lost_while_stalled[again] = False

        active = np.sort(np.concatenate([deal[going], again]))

    stalled = _stalled(clock, status, pos, entered_at, np.concatenate(done_stage), np.concatenate(done_days))
    sd, st, so, sn = stage_moves.arrays()
    xd, xt, xo, xn = status_moves.arrays()
    return Journeys(
        stage_deal=sd, stage_time=st, stage_old=so, stage_new=sn,
        status_deal=xd, status_time=xt, status_old=xo, status_new=xn,
        status=status, stage=stage, closed_at=closed_at, entered_at=entered_at,
        next_move_at=np.where(status == OPEN_STATUS, next_move_at, np.nan),
        stalled=stalled, lost_while_stalled=lost_while_stalled,
    )


def _close_near_quarter_end(clock: Clock, natural: Floats, entered: Floats, rng: kit.Rng) -> Floats:
    """Move some wins into the last two weeks of a quarter, as reps chase the number.

    Wins due early in a quarter are pulled back into the previous quarter's close (if the deal was
    already in its last stage by then); wins due mid-quarter are pushed to this quarter's close.
    """
    day = clock.days(natural)
    hi = clock.last_workday_index(quarter_end(day)) + 1.0
    lo = hi - PUSH_WINDOW
    prev_hi = clock.last_workday_index(quarter_start(day) - np.timedelta64(1, "D")) + 1.0
    move = (natural < lo) & (rng.random(natural.size) < PUSH_SHARE)
    early = natural - prev_hi < 15.0
    new_lo = np.where(early, np.maximum(prev_hi - PUSH_WINDOW, entered + MIN_DURATION), lo)
    new_hi = np.where(early, prev_hi, np.minimum(hi, clock.end))
    ok = move & (new_lo < new_hi)
    return np.where(ok, new_lo + rng.random(natural.size) * (new_hi - new_lo), natural)


def _stalled(clock: Clock, status: npt.NDArray[np.int8], pos: Ints, entered_at: Floats,
             done_stage: Ints, done_days: Floats) -> npt.NDArray[np.bool_]:
    """Open deals older in their stage than the 75th percentile of finished stays there."""
    p75 = np.full(LAST_OPEN + 1, np.inf)
    for s in range(1, LAST_OPEN + 1):
        stays = done_days[done_stage == s]
        if stays.size:
            p75[s] = np.percentile(stays, 75)
    stalled: npt.NDArray[np.bool_] = (status == OPEN_STATUS) & (clock.end - entered_at > p75[pos])
    return stalled
