"""Confidence intervals for survey scores, from the counts and sums SQL aggregates return.

Three intervals, all at 95 % (docs/metrics.md, "Satisfaction"):
- a share (CSAT % of 4–5): Wilson score interval, which stays inside 0..1 and behaves at small n;
- NPS: normal approximation on the promoter / passive / detractor multinomial. A response scores
  +1 (promoter), 0 (passive) or −1 (detractor); NPS/100 is the mean of that score, whose variance is
  p_P + p_D − (p_P − p_D)². Interval = NPS ± z·100·√(variance / n), clipped to −100..100;
- a mean (CSAT mean, dimension means): mean ± t(n−1)·s/√n with s from Σx and Σx².

All take numpy arrays (one value per month / segment) and return NaN where n is too small.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from scipy import stats

Z95 = float(stats.norm.ppf(0.975))  # 1.959964
SMALL_SAMPLE = 30  # fewer responses than this carry a visible small-sample warning (DESIGN.md)

Array = npt.NDArray[np.float64]
ArrayLike = npt.ArrayLike


def _f(x: ArrayLike) -> Array:
    return np.asarray(x, dtype=np.float64)


def share(k: ArrayLike, n: ArrayLike) -> Array:
    """k ÷ n, NaN where n is 0."""
    k, n = _f(k), _f(n)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(n > 0, k / n, np.nan)


def wilson(k: ArrayLike, n: ArrayLike, z: float = Z95) -> tuple[Array, Array]:
    """Wilson score interval (low, high) for the share k ÷ n; NaN where n is 0."""
    k, n = _f(k), _f(n)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = k / n
        denom = 1 + z**2 / n
        centre = (p + z**2 / (2 * n)) / denom
        half = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / denom
    low = np.where(n > 0, np.clip(centre - half, 0, 1), np.nan)
    high = np.where(n > 0, np.clip(centre + half, 0, 1), np.nan)
    return low, high


def nps(promoters: ArrayLike, detractors: ArrayLike, n: ArrayLike, z: float = Z95) -> tuple[Array, Array, Array]:
    """(NPS, low, high) in points −100..100; the interval is NaN below 2 responses."""
    pp, pd_, n = share(promoters, n), share(detractors, n), _f(n)
    score = pp - pd_
    variance = pp + pd_ - score**2
    with np.errstate(divide="ignore", invalid="ignore"):
        half = z * np.sqrt(variance / n)
    half = np.where(n >= 2, half, np.nan)
    low = np.clip(score - half, -1, 1)
    high = np.clip(score + half, -1, 1)
    return 100 * score, 100 * low, 100 * high


def mean(total: ArrayLike, total_sq: ArrayLike, n: ArrayLike) -> tuple[Array, Array, Array]:
    """(mean, low, high) from Σx, Σx² and n, Student t interval; NaN interval below 2 values."""
    total, total_sq, n = _f(total), _f(total_sq), _f(n)
    with np.errstate(divide="ignore", invalid="ignore"):
        m = np.where(n > 0, total / n, np.nan)
        variance = np.maximum((total_sq - total**2 / n) / (n - 1), 0)
        t = stats.t.ppf(0.975, np.maximum(n - 1, 1))
        half = np.where(n >= 2, t * np.sqrt(variance / n), np.nan)
    return m, m - half, m + half


def correlation(n: ArrayLike, sx: ArrayLike, sy: ArrayLike, sxx: ArrayLike, syy: ArrayLike, sxy: ArrayLike) -> Array:
    """Pearson r from n, Σx, Σy, Σx², Σy², Σxy over paired values; NaN below 3 pairs or without spread."""
    n, sx, sy, sxx, syy, sxy = (_f(v) for v in (n, sx, sy, sxx, syy, sxy))
    with np.errstate(divide="ignore", invalid="ignore"):
        cov = n * sxy - sx * sy
        var_x, var_y = n * sxx - sx**2, n * syy - sy**2
        r = cov / np.sqrt(var_x * var_y)
    return np.where((n >= 3) & (var_x > 0) & (var_y > 0), np.clip(r, -1, 1), np.nan)


def small(n: ArrayLike) -> npt.NDArray[np.bool_]:
    """True where a figure rests on fewer than SMALL_SAMPLE responses (0 included)."""
    return _f(n) < SMALL_SAMPLE
