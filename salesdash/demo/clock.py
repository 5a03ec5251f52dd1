"""Simulated time for the demo: business days in the generator, dates and timestamps in the database.

The generator measures time `t` as a float count of business days since the first business day of
the history (`origin`). Working in business days keeps every event on a weekday between 08:00 and
18:00, and the mapping is monotone, so an order that holds for `t` holds for the timestamps too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np
import numpy.typing as npt

Floats = npt.NDArray[np.float64]
# datetime64 arrays. numpy's stubs cannot follow date arithmetic (date - date is a timedelta,
# datetime64[M] -> [D] casts), so the element type is left open rather than cast at every step.
Days = npt.NDArray[Any]

DAY_START_SECONDS = 8 * 3600
WORKDAY_SECONDS = 10 * 3600
HISTORY_YEARS = 3


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year - years, day=28)


@dataclass(frozen=True)
class Clock:
    """The history window: `t` in [0, end) maps to business days from `origin` up to `as_of`."""

    as_of: date
    start: date
    origin: np.datetime64
    end: float

    @classmethod
    def ending(cls, as_of: date, years: int = HISTORY_YEARS) -> Clock:
        start = _years_before(as_of, years) + timedelta(days=1)
        origin = np.busday_offset(np.datetime64(start, "D"), 0, roll="forward")
        end = float(np.busday_count(origin, np.datetime64(as_of, "D") + 1))
        return cls(as_of=as_of, start=start, origin=origin, end=end)

    def days(self, t: Floats) -> Days:
        """The calendar date of each time (works beyond `end` too, for planned dates)."""
        days: Days = np.busday_offset(self.origin, np.floor(t).astype(np.int64), roll="forward")
        return days

    def timestamps(self, t: Floats) -> Days:
        """Second-resolution timestamps within business hours."""
        whole = np.floor(t)
        seconds = DAY_START_SECONDS + np.floor((t - whole) * WORKDAY_SECONDS).astype(np.int64)
        day: Days = np.busday_offset(self.origin, whole.astype(np.int64), roll="forward")
        stamps: Days = day.astype("datetime64[s]") + seconds.astype("timedelta64[s]")
        return stamps

    def index(self, days: Days) -> Floats:
        """Business-day time of the start of each date (a weekend maps to the next Monday)."""
        return np.busday_count(self.origin, days.astype("datetime64[D]")).astype(np.float64)

    def last_workday_index(self, days: Days) -> Floats:
        """Time of the start of the last business day on or before each date."""
        return self.index(days.astype("datetime64[D]") + np.timedelta64(1, "D")) - 1.0

    @property
    def as_of_day(self) -> np.datetime64:
        return np.datetime64(self.as_of, "D")


def quarter_start(days: Days) -> Days:
    """First day of each date's calendar quarter."""
    months = days.astype("datetime64[M]")
    offset = months.astype(np.int64) % 3
    starts: Days = (months - offset.astype("timedelta64[M]")).astype("datetime64[D]")
    return starts


def quarter_end(days: Days) -> Days:
    """Last day of each date's calendar quarter (inclusive)."""
    months = days.astype("datetime64[M]")
    offset = months.astype(np.int64) % 3
    next_quarter = months - offset.astype("timedelta64[M]") + np.timedelta64(3, "M")
    ends: Days = next_quarter.astype("datetime64[D]") - np.timedelta64(1, "D")
    return ends


def month_end(days: Days) -> Days:
    """Last day of each date's month."""
    next_month = days.astype("datetime64[M]") + np.timedelta64(1, "M")
    return next_month.astype("datetime64[D]") - np.timedelta64(1, "D")
