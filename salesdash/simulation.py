"""Monte Carlo over the open deals of a forecast period: how much may be won, and the chance of the target.

Each open deal closing in the period wins with its own chance — the learned stage win probability of
its stage and segment (salesdash.probability), scaled by how deals that sat as long in that stage fared
(`stage_age_factors`) — independently of the others. A run draws every deal once; thousands of runs
give the spread of the won value: P10 (nine runs in ten reach at least this), P50, P90.

The draws are vectorised numpy with a fixed seed, so the same data gives the same figures. With many
deals, the largest ones (by their share of the variance) are drawn one by one and the rest, each too
small to move the total on its own, enter as one normal draw per run with their exact mean and variance
(central limit theorem); that keeps a run over 100,000 deals as fast as one over 2,000.

The runs' sums are products of a (runs x 500) matrix with a vector, which OpenBLAS splits over all its
threads by default: on two cores that took ~64 ms against ~20 ms in one thread (the threads spin waiting for
work this small). So a simulation runs with one BLAS thread; each run's sum is one dot product either
way, so the figures do not change (tests/test_simulation_fast.py).
"""

from __future__ import annotations

import math
from contextlib import AbstractContextManager
from functools import cache
from typing import Any

import numpy as np
import pandas as pd
from threadpoolctl import ThreadpoolController

from salesdash import db

METRICS = ("simulated_won_value", "chance_of_target")

RUNS = 5000
SEED = 7
EXACT_DEALS = 2000  # deals drawn one by one; the rest enter through their mean and variance
_CHUNK = 500  # deals per block of random draws (runs x 500 float32 = 10 MB at 5,000 runs)
MIN_STAYS = 30  # closed stays an age band needs before its own win rate is trusted


def stage_age_factors(conn: db.Connection, as_of: Any) -> pd.DataFrame:
    """Per open stage and age band: columns stage, band, min_days, closed, won, win_rate, factor.

    factor = win rate of stays that lasted at least min_days ÷ win rate of all stays in that stage;
    1 when the band has fewer than 30 closed stays (too few to say) or the stage never saw a win.
    Learned only from deals closed by `as_of` (no leakage into backtests).
    """
    out = db.query(conn, db.sql_text("stage_age_win_rates"), {"as_of": as_of})
    if len(out) == 0:  # no stage history: age cannot be told, every factor is 1
        return pd.DataFrame(columns=["stage", "band", "min_days", "closed", "won", "win_rate", "factor"])
    out["win_rate"] = out["won"] / out["closed"].where(out["closed"] > 0)
    base = out[out["band"] == 0].set_index("stage")["win_rate"]
    overall = out["stage"].map(base)
    factor = out["win_rate"] / overall.where(overall > 0)
    trusted = (out["closed"] >= MIN_STAYS) & factor.notna()
    out["factor"] = factor.where(trusted, 1.0).astype(float)
    return out


def win_chances(deals: pd.DataFrame, factors: pd.DataFrame) -> pd.Series:
    """Each deal's chance in the simulation: p_learned x the factor of its stage's age band, within 0..1.

    `deals` needs stage, p_learned and age_in_stage_days (NaN without stage history: factor 1).
    """
    p = deals["p_learned"].astype(float).to_numpy()
    if len(deals) == 0 or len(factors) == 0:
        return pd.Series(p, index=deals.index, name="p_simulated")
    age = pd.to_numeric(deals["age_in_stage_days"], errors="coerce").astype(float).to_numpy()
    factor = np.ones(len(deals))
    for stage, bands in factors.sort_values("band").groupby("stage", sort=False):
        rows = (deals["stage"] == stage).to_numpy() & ~np.isnan(age)
        if not rows.any():
            continue
        starts = bands["min_days"].astype(float).to_numpy()
        # the band is the last one whose start the deal's age has reached
        band = np.searchsorted(starts, age[rows], side="right") - 1
        factor[rows] = bands["factor"].to_numpy()[np.clip(band, 0, len(starts) - 1)]
    return pd.Series(np.clip(p * factor, 0.0, 1.0), index=deals.index, name="p_simulated")


@cache
def _controller() -> ThreadpoolController:
    # finds the loaded BLAS once (threadpool_limits searches on every call): numpy's, which the products use
    return ThreadpoolController()


def one_blas_thread() -> AbstractContextManager[Any]:
    """BLAS limited to one thread inside the block, as it was after it.

    threadpoolctl lets one live thread at a time change OpenBLAS's (process-wide) pool; a limit set from
    another thread meanwhile is skipped, figures unchanged, only slower. So a caller that runs simulations
    in worker threads holds the limit around them in its own thread (weekly_risk does)."""
    return _controller().limit(limits=1, user_api="blas")


def simulate_runs(
    amounts: np.ndarray | pd.Series,
    chances: np.ndarray | pd.Series,
    runs: int = RUNS,
    seed: int = SEED,
    exact_deals: int = EXACT_DEALS,
) -> np.ndarray:
    """Won value of each run: Σ amount_i x [deal i won], deal i winning with chance_i, independently."""
    a = np.nan_to_num(np.asarray(amounts, dtype=float), nan=0.0)
    p = np.clip(np.nan_to_num(np.asarray(chances, dtype=float), nan=0.0), 0.0, 1.0)
    rng = np.random.default_rng(seed)
    total = np.zeros(runs)
    # the deals that spread the outcome most are drawn one by one
    order = np.argsort(-(a * a * p * (1 - p)), kind="stable")
    exact, rest = order[:exact_deals], order[exact_deals:]
    with one_blas_thread():
        for first in range(0, len(exact), _CHUNK):
            block = exact[first : first + _CHUNK]
            won = rng.random((runs, len(block)), dtype=np.float32) < p[block].astype(np.float32)
            total += won.astype(np.float64) @ a[block]
    if len(rest):
        mean = float((a[rest] * p[rest]).sum())
        sd = math.sqrt(float((a[rest] ** 2 * p[rest] * (1 - p[rest])).sum()))
        total += np.maximum(rng.normal(mean, sd, runs), 0.0)
    return total


def percentile(values: np.ndarray, q: float) -> float:
    """The q-quantile of simulated values as one of the values (no interpolation between outcomes)."""
    if len(values) == 0:
        return math.nan
    return float(np.quantile(values, q, method="inverted_cdf"))


def chance_of_target(outcomes: np.ndarray | pd.Series, target: float | None) -> float:
    """Share of runs whose period total reaches the target (NaN without a positive target)."""
    if target is None or not target > 0 or len(outcomes) == 0:
        return math.nan
    return float(np.mean(np.asarray(outcomes, dtype=float) >= target))


def summarize(outcomes: np.ndarray, target: float | None = None) -> dict[str, float]:
    """p10, p50, p90, mean and p_target of simulated period totals."""
    return {
        "p10": percentile(outcomes, 0.10),
        "p50": percentile(outcomes, 0.50),
        "p90": percentile(outcomes, 0.90),
        "mean": float(np.mean(outcomes)) if len(outcomes) else math.nan,
        "p_target": chance_of_target(outcomes, target),
    }


def histogram(outcomes: np.ndarray, bins: int = 40) -> pd.DataFrame:
    """The simulated totals in equal-width bins: columns left, right, runs, share (of all runs)."""
    values = np.asarray(outcomes, dtype=float)
    if len(values) == 0:
        return pd.DataFrame(columns=["left", "right", "runs", "share"])
    lo, hi = float(values.min()), float(values.max())
    if hi <= lo:  # one outcome only (nothing open): one bar
        hi = lo + max(abs(lo) * 0.01, 1.0)
    counts, edges = np.histogram(values, bins=bins, range=(lo, hi))
    return pd.DataFrame({"left": edges[:-1], "right": edges[1:], "runs": counts, "share": counts / len(values)})
