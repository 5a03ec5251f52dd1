"""The demo sales organisation: stages, the 40 reps in five teams, and their quarterly quotas.

Quotas are set after the deals are simulated, from what the organisation actually won, so that
attainment lands where real teams land (roughly 70–110%, new hires ramping) instead of wherever
an arbitrary number would put it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from salesdash.demo import kit
from salesdash.demo.clock import Clock, quarter_end, quarter_start
from salesdash.demo.vocabulary import (
    BUSY_REPS,
    CROSS_REGION,
    MANAGERS,
    NEW_HIRES,
    REGIONS,
    REP_NAMES,
    SLOW_QUALIFICATION_TEAM,
    STAGES,
    TEAMS,
)

REPS_PER_TEAM = 8
# Touches per day alive. Their deals die young, so the factor sits above the 2.5x they log in
# total; R23 needs less because Cedar's slow Qualification keeps every Cedar deal alive longer.
BUSY_ACTIVITY_FACTOR = {"R07": 3.1, "R23": 2.6}
BUSY_CONVERSION_FACTOR = 0.85  # per stage: 0.85**4..0.85**5 ≈ 0.45–0.52, about half the usual win rate
QUOTA_RAMP = (0.15, 0.8)  # share of a full quota in a new hire's first and second quarter


@dataclass(frozen=True)
class Roster:
    """Rep attributes as arrays indexed by rep number (0 = R01)."""

    rep_ids: tuple[str, ...]
    team: npt.NDArray[np.int8]
    region: npt.NDArray[np.int8]
    hired_on: npt.NDArray[np.datetime64]
    new_hire: npt.NDArray[np.bool_]
    activity_factor: npt.NDArray[np.float64]
    conversion_factor: npt.NDArray[np.float64]
    slow_qualification: npt.NDArray[np.bool_]

    @property
    def size(self) -> int:
        return len(self.rep_ids)


def hire_roster(clock: Clock, rng: kit.Rng) -> Roster:
    """Forty reps: veterans hired before the history starts, five hired within the last year."""
    n = len(REP_NAMES)
    rep_ids = tuple(f"R{i + 1:02d}" for i in range(n))
    team = (np.arange(n) // REPS_PER_TEAM).astype(np.int8)
    region = team.copy()
    for rep, name in CROSS_REGION.items():
        region[rep_ids.index(rep)] = REGIONS.index(name)
    start = np.datetime64(clock.start, "D")
    hired_on = start - rng.integers(60, 2900, n).astype("timedelta64[D]")
    new_hire = np.isin(np.array(rep_ids), NEW_HIRES)
    hired_on[new_hire] = clock.as_of_day - rng.integers(60, 330, new_hire.sum()).astype("timedelta64[D]")
    busy = np.isin(np.array(rep_ids), BUSY_REPS)
    activity_factor = np.array([BUSY_ACTIVITY_FACTOR.get(rep, 1.0) for rep in rep_ids])
    return Roster(
        rep_ids=rep_ids,
        team=team,
        region=region,
        hired_on=hired_on,
        new_hire=new_hire,
        activity_factor=activity_factor,
        conversion_factor=np.where(busy, BUSY_CONVERSION_FACTOR, 1.0),
        slow_qualification=team == TEAMS.index(SLOW_QUALIFICATION_TEAM),
    )


def stages_table() -> pa.Table:
    return pa.table({
        "stage": [s[0] for s in STAGES],
        "position": pa.array([s[1] for s in STAGES], pa.int32()),
        "kind": [s[2] for s in STAGES],
        "default_probability": pa.array([s[3] for s in STAGES], pa.float64()),
        "target_conversion": pa.array([s[4] for s in STAGES], pa.float64()),
    })


def reps_table(roster: Roster) -> pa.Table:
    return pa.table({
        "rep_id": list(roster.rep_ids),
        "name": list(REP_NAMES),
        "team": kit.plain_labels(roster.team, TEAMS),
        "region": kit.plain_labels(roster.region, REGIONS),
        "manager": kit.plain_labels(roster.team, MANAGERS),
        "hired_on": kit.dates(roster.hired_on),
    })


def quotas_table(
    clock: Clock,
    roster: Roster,
    won_rep: npt.NDArray[np.int64],
    won_day: npt.NDArray[np.datetime64],
    won_amount: npt.NDArray[np.float64],
    rng: kit.Rng,
) -> pa.Table:
    """Quarterly quotas for every quarter of the history plus the current and the next quarter."""
    first = quarter_start(np.array([clock.start], dtype="datetime64[D]"))[0].astype("datetime64[M]")
    last = quarter_start(np.array([clock.as_of_day]))[0].astype("datetime64[M]") + np.timedelta64(3, "M")
    starts = np.arange(first, last + np.timedelta64(1, "M"), np.timedelta64(3, "M")).astype("datetime64[D]")
    ends = quarter_end(starts)
    n_q, n_r = len(starts), roster.size

    quarter_of_win = ((won_day.astype("datetime64[M]") - first).astype(np.int64)) // 3
    won = np.bincount(won_rep * n_q + quarter_of_win, weights=won_amount, minlength=n_r * n_q)
    won = won.reshape(n_r, n_q)

    hired_quarter = quarter_start(roster.hired_on).astype("datetime64[M]")
    quarters_in = (starts.astype("datetime64[M]")[None, :] - hired_quarter[:, None]).astype(np.int64) // 3
    active = roster.hired_on[:, None] <= ends[None, :]
    ramp = np.where(quarters_in <= 0, QUOTA_RAMP[0], np.where(quarters_in == 1, QUOTA_RAMP[1], 1.0))
    ramp = np.where(active, ramp, 0.0)

    # What a fully ramped rep won per quarter, lightly smoothed (plans are set ahead and miss a
    # little), then projected forward. The first two quarters are left as they were: the pipeline
    # was still filling up, and smoothing would hand them the next quarters' numbers.
    finished = ends <= clock.as_of_day
    per_rep = won.sum(axis=0) / np.maximum(ramp.sum(axis=0), 1e-9)
    done = np.flatnonzero(finished)
    smooth = per_rep.copy()
    if done.size >= 3:
        inner = done[1:-1]
        smooth[inner] = 0.15 * per_rep[inner - 1] + 0.7 * per_rep[inner] + 0.15 * per_rep[inner + 1]
        smooth[done[:2]] = per_rep[done[:2]]
    recent = per_rep[done][-4:].mean() if done.size else 1.0
    ahead = np.flatnonzero(~finished)
    smooth[ahead] = recent * (1.0 + 0.03 * np.arange(1, ahead.size + 1))

    expected = smooth[None, :] * ramp
    raw_strength = won[:, done].sum(axis=1) / np.maximum(expected[:, done].sum(axis=1), 1e-9)
    # Quotas follow a rep's track record only partly, so weak reps still show weak attainment.
    strength = 0.7 + 0.3 * np.clip(raw_strength, 0.3, 1.6)
    target_attainment = rng.uniform(0.85, 1.05, n_r)
    noise = rng.uniform(0.96, 1.04, (n_r, n_q))
    quota = np.round(expected * strength[:, None] / target_attainment[:, None] * noise, -3)
    quota = np.maximum(quota, 1000.0)

    rep, q = np.nonzero(active)
    return pa.table({
        "rep_id": pa.array(list(roster.rep_ids), pa.string()).take(pa.array(rep)),
        "period_start": kit.dates(starts[q]),
        "period_end": kit.dates(ends[q]),
        "amount": pa.array(quota[rep, q], pa.float64()),
    })
