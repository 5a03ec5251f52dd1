"""The global filters as one value object, its SQL predicate with bound parameters, and its URL form.

A `Filters` is immutable and hashable, so it can key caches. `segment_sql` composes a WHERE fragment
from fixed column names only; every value the user chose travels as a bound parameter, so a
hostile value (quotes, `'; DROP TABLE deals; --`) simply matches nothing. `segment_mask` is its twin
over rows already in pandas (a page that fetched every deal once and narrows them per filter): the same
rows, by the same rule.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd

# Filter dimension -> column name in the *_facts views (deal_facts, survey_facts, activity_facts).
DIMENSIONS: dict[str, str] = {
    "customer_types": "customer_type",
    "channels": "channel",
    "teams": "team",
    "reps": "rep_id",
    "products": "product",
    "regions": "region",
}
# Dimensions that describe the rep, so they also apply to quotas (a quota belongs to a rep, not a channel).
REP_DIMENSIONS = ("teams", "reps", "regions")

PRESETS = ("this_quarter", "last_quarter", "year_to_date", "last_12_months", "custom")
DEFAULT_PRESET = "this_quarter"

# Short names used in the URL, so a copied link stays readable.
URL_KEYS: dict[str, str] = {
    "customer_types": "ct",
    "channels": "ch",
    "teams": "team",
    "reps": "rep",
    "products": "product",
    "regions": "region",
}


def quarter_start(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def add_months(day: date, months: int) -> date:
    """The first of the month `months` after day's month."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def preset_range(preset: str, as_of: date) -> tuple[date, date]:
    """The date range a preset stands for, relative to the data's reference date `as_of`."""
    q0 = quarter_start(as_of)
    if preset == "this_quarter":
        return q0, add_months(q0, 3) - timedelta(days=1)
    if preset == "last_quarter":
        return add_months(q0, -3), q0 - timedelta(days=1)
    if preset == "year_to_date":
        return date(as_of.year, 1, 1), as_of
    if preset == "last_12_months":
        return add_months(as_of, -11), as_of
    raise ValueError(f"unknown preset {preset!r}")


@dataclass(frozen=True)
class Filters:
    """What the manager is looking at: a period, the data's reference date, and segment choices.

    Empty tuples mean "all". `as_of` is "today" for the dataset (an old upload's last date).
    """

    date_from: date
    date_to: date
    as_of: date
    customer_types: tuple[str, ...] = ()
    channels: tuple[str, ...] = ()
    teams: tuple[str, ...] = ()
    reps: tuple[str, ...] = ()
    products: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    preset: str = field(default="custom", compare=False)

    def __post_init__(self) -> None:
        if self.date_to < self.date_from:
            raise ValueError("date_to is before date_from")

    @property
    def effective_to(self) -> date:
        """The period's end, but never after the reference date (the future holds no results yet)."""
        return min(self.date_to, self.as_of)

    @property
    def days(self) -> int:
        return (self.date_to - self.date_from).days + 1

    def previous(self) -> Filters:
        """The period of equal length just before, cut at the same elapsed day.

        This quarter-to-date compares with the previous quarter's same first weeks, so a partly
        elapsed period is never compared with a whole one.
        """
        prev_from = self.date_from - timedelta(days=self.days)
        prev_to = self.date_from - timedelta(days=1)
        elapsed = (self.effective_to - self.date_from).days
        prev_as_of = min(prev_to, prev_from + timedelta(days=max(elapsed, 0)))
        return replace(self, date_from=prev_from, date_to=prev_to, as_of=prev_as_of)

    def active_dimensions(self) -> list[str]:
        return [name for name in DIMENSIONS if getattr(self, name)]

    def segment_sql(self, alias: str, dims: Sequence[str] = tuple(DIMENSIONS)) -> str:
        """` AND alias.col = ANY($dim) ...` for each active dimension among `dims` (or '')."""
        if not alias.isidentifier():
            raise ValueError(f"bad alias {alias!r}")
        parts = [
            f" AND list_contains(${name}, {alias}.{DIMENSIONS[name]})"
            for name in dims
            if getattr(self, name)
        ]
        return "".join(parts)

    def segment_mask(self, frame: pd.DataFrame, dims: Sequence[str] = tuple(DIMENSIONS)) -> np.ndarray:
        """The rows of `frame` that segment_sql's predicate keeps, as a boolean array (one per row).

        `frame` carries the DIMENSIONS columns of the active dimensions. The rule is list_contains': a row
        is kept when its value equals one of the chosen values, in every active dimension; a missing value
        (NULL / NaN / None) never matches, not even a chosen None; no choice in a dimension keeps every row.
        """
        keep = np.ones(len(frame), dtype=bool)
        for name in dims:
            chosen = getattr(self, name)
            if not chosen:
                continue
            column = frame[DIMENSIONS[name]]
            keep &= column.isin(list(chosen)).to_numpy(dtype=bool) & column.notna().to_numpy(dtype=bool)
        return keep

    def apply(self, sql: str) -> str:
        """Fill a query's filter slots with this filter's fragments.

        Slots, by the alias the query must use for the rows it filters:
        `/*segment*/` (deal_facts as d), `/*rep_segment*/` (reps as r, rep dimensions only),
        `/*survey_segment*/` (survey_facts as s), `/*activity_segment*/` (activity_facts as x).
        """
        return (
            sql.replace("/*segment*/", self.segment_sql("d"))
            .replace("/*rep_segment*/", self.segment_sql("r", REP_DIMENSIONS))
            .replace("/*survey_segment*/", self.segment_sql("s"))
            .replace("/*activity_segment*/", self.segment_sql("x"))
        )

    def params(self) -> dict[str, Any]:
        """Every value a query may bind; `db.query` passes on only those its SQL names."""
        out: dict[str, Any] = {
            "date_from": self.date_from,
            "date_to": self.date_to,
            "effective_to": self.effective_to,
            "as_of": self.as_of,
        }
        for name in DIMENSIONS:
            out[name] = list(getattr(self, name))
        return out

    def to_query(self, lang: str) -> dict[str, list[str]]:
        """The URL query parameters that reproduce this view."""
        out: dict[str, list[str]] = {"lang": [lang]}
        if self.preset != "custom":
            out["period"] = [self.preset]
        else:
            out["from"] = [self.date_from.isoformat()]
            out["to"] = [self.date_to.isoformat()]
        for name, key in URL_KEYS.items():
            values = getattr(self, name)
            if values:
                out[key] = list(values)
        return out


def from_query(
    query: Mapping[str, Sequence[str]],
    as_of: date,
    options: Mapping[str, Iterable[str]] | None = None,
) -> Filters:
    """Filters from URL parameters; unknown values and malformed dates are dropped, never fatal.

    `options` (dimension -> values present in the data) keeps only values that exist.
    """
    preset = _first(query, "period") or DEFAULT_PRESET
    date_from = _parse_date(_first(query, "from"))
    date_to = _parse_date(_first(query, "to"))
    if date_from and date_to and date_from <= date_to and "period" not in query:
        preset = "custom"
    else:
        if preset not in PRESETS or preset == "custom":
            preset = DEFAULT_PRESET
        date_from, date_to = preset_range(preset, as_of)
    chosen: dict[str, tuple[str, ...]] = {}
    for name, key in URL_KEYS.items():
        values = [v for v in query.get(key, []) if v]
        if options is not None:
            allowed = set(options.get(name, []))
            values = [v for v in values if v in allowed]
        chosen[name] = tuple(dict.fromkeys(values))
    return Filters(date_from=date_from, date_to=date_to, as_of=as_of, preset=preset, **chosen)


def _first(query: Mapping[str, Sequence[str]], key: str) -> str | None:
    values = query.get(key) or []
    return values[0] if values else None


def _parse_date(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None
