"""The weekly pipeline review: what changed in one Monday–Sunday week, for the meeting that walks through it.

The week's flow is reconstructed from deal_events: each deal's status, stage, amount, expected close and
forecast category at the week's start and at its end. The waterfall (DESIGN.md "Weekly pipeline flow")
explains how the period's open pipeline got from one to the other, and reconciles exactly: per deal,
start + new + increased − decreased − won − lost − pushed out + pulled in = end, in whole cents.
Definitions: docs/metrics.md, "Weekly review".
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

import pandas as pd

from salesdash import db, forecast, stage_history, weekly_risk
from salesdash.filters import Filters
from salesdash.stalled import INACTIVE_DAYS
from salesdash.weekly_risk import quarter_of

METRICS = (
    "weekly_flow",
    "weekly_open_pipeline",
    "weekly_new",
    "weekly_won",
    "weekly_lost",
    "weekly_commit",
    "weekly_movers",
    "weekly_by_rep",
)

# The waterfall's bars in DESIGN.md order; sign: +1 adds to the pipeline, -1 takes away, 0 a total.
STEPS: dict[str, int] = {
    "start": 0,
    "new": 1,
    "increased": 1,
    "decreased": -1,
    "won": -1,
    "lost": -1,
    "pushed_out": -1,
    "pulled_in": 1,
    "end": 0,
}
HISTORY_FIELDS = ("stage", "amount", "expected_close", "forecast_category", "status")


@dataclass(frozen=True)
class Week:
    """A Monday-to-Sunday week, named by its Monday."""

    start: date

    def __post_init__(self) -> None:
        if self.start.weekday() != 0:
            raise ValueError(f"{self.start} is not a Monday")

    @property
    def end(self) -> date:
        """Its Sunday (inclusive)."""
        return self.start + timedelta(days=6)

    @property
    def next_start(self) -> date:
        return self.start + timedelta(days=7)

    @property
    def previous(self) -> Week:
        return Week(self.start - timedelta(days=7))

    @property
    def period(self) -> tuple[date, date]:
        """The period whose pipeline the week moves: the calendar quarter holding the week's Sunday."""
        return quarter_of(self.end)


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def last_completed_week(as_of: date) -> Week:
    """The latest week whose Sunday is before the as-of day (the as-of day itself may be incomplete)."""
    return Week(monday(as_of) - timedelta(days=7))


def week_choices(as_of: date, first: date | None, count: int = 52) -> list[Week]:
    """Completed weeks, newest first: up to `count`, none wholly before the data's first day."""
    latest = last_completed_week(as_of)
    weeks = [Week(latest.start - timedelta(days=7 * i)) for i in range(count)]
    return [w for w in weeks if first is None or w.end >= first] or [latest]


def chosen_week(text: str | None, as_of: date) -> Week:
    """The week named in a URL (any day of it, ISO), never later than the last completed one."""
    latest = last_completed_week(as_of)
    try:
        picked = Week(monday(date.fromisoformat(text))) if text else latest
    except ValueError:
        return latest
    return picked if picked.start <= latest.start else latest


def flow(conn: db.Connection, f: Filters, week: Week) -> pd.DataFrame:
    """Per deal, its state at the week's start (suffix _0) and end (_1) and its part in the waterfall.

    Rows: deals in the period's open pipeline at the start or the end, deals created, won or lost in the
    week or the week before, deals whose stage, amount, close date or status changed in the week, and
    deals won so far in the period at the start or the end. Columns: deal_id, deal_key (a number the deal
    id decides, to put deals in an order of their own), name, account_name, rep_id,
    rep_name, team, customer_type, channel, product, created_on, close_day, exists_0, created_in_week,
    created_prev, closed_in_week, closed_in_prev, status_/stage_/position_/amount_/close_/category_ 0 and 1
    (days — created_on, close_day, close_0/1 — as datetime64 at midnight, NaT when unknown),
    in_start, in_end, entry (new / reopened / pulled_in / None), exit (won / lost / pushed_out / None),
    won_0/1 (counts in the period's won so far), age_0/1 (days in the stage it was in, NaN when unknown)
    and inactive_0/1 (no activity for more than 14 days) as the stalled rule sees them on the day before
    each moment, and one *_cents column per waterfall step.
    """
    start, end = week.period
    start_day = week.start - timedelta(days=1)
    params = f.params() | {
        "prev_start": week.previous.start,
        "week_start": week.start,
        "next_start": week.next_start,
        "period_start": start,
        "period_end": end,
        "start_day": start_day,
        "end_day": week.end,
        "window_start": start_day - timedelta(days=INACTIVE_DAYS),
        "inactive_days": INACTIVE_DAYS,
    }
    return db.query(conn, f.apply(stage_history.sql(conn, "weekly_flow")), params)


def waterfall(flow_table: pd.DataFrame) -> pd.DataFrame:
    """The bars: step, sign (+1 / -1 / 0 for a total), value (money, signed as it moves the pipeline),
    deals (how many deals make the bar), reconciles (True when the bars add up to the end, to the cent)."""
    totals = {step: int(flow_table[f"{step}_cents"].sum()) for step in STEPS}
    counts = {step: int((flow_table[f"{step}_cents"] != 0).sum()) for step in STEPS}
    out = pd.DataFrame(
        {
            "step": list(STEPS),
            "sign": list(STEPS.values()),
            "cents": list(totals.values()),
            "deals": list(counts.values()),
        }
    )
    moved = sum(totals[step] * sign for step, sign in STEPS.items())
    out["value"] = out["cents"].where(out["sign"] >= 0, -out["cents"]) / 100
    out["reconciles"] = totals["start"] + moved == totals["end"]
    return out


def bar_deals(flow_table: pd.DataFrame, step: str) -> pd.DataFrame:
    """The deals behind one bar, largest first: the flow's columns plus `value` (money in that bar)."""
    if step not in STEPS:
        raise ValueError(f"unknown step {step!r}")
    cents = flow_table[f"{step}_cents"]
    out = flow_table[cents != 0].assign(value=cents[cents != 0] / 100)
    return out.sort_values(["value", "deal_id"], ascending=[False, True]).reset_index(drop=True)


MOVER_COLUMNS = [
    "deal_id", "name", "account_name", "rep_id", "rep_name", "team",
    *(f"{name}_{moment}" for name in ("status", "stage", "amount", "close", "category") for moment in (0, 1)),
]  # fmt: skip


def movers(flow_table: pd.DataFrame) -> pd.DataFrame:
    """Deals that existed at the week's start and whose stage, amount, close date or status changed
    by its end (net of changes undone within the week), largest first.

    Columns: the flow's deal_id, name, account_name, rep_id, rep_name, team, status_/stage_/amount_/close_/
    category_ 0 and 1, plus moved_stage, advanced, amount_change, slip_days (close date moved, in days;
    > 0 = slipped), status_changed, category_changed, size (larger amount of the two).
    """
    ft = flow_table
    moved_stage = _changed(ft["stage_0"], ft["stage_1"])
    amount_change = (ft["amount_1"].fillna(0.0) - ft["amount_0"].fillna(0.0)).round(2)
    close_0, close_1 = ft["close_0"], ft["close_1"]
    status_changed = _changed(ft["status_0"], ft["status_1"])
    moved = (ft["exists_0"] & (moved_stage | (amount_change != 0) | _changed(close_0, close_1) | status_changed)).to_numpy()
    extra = pd.DataFrame(
        {
            "moved_stage": moved_stage,
            "advanced": moved_stage & (ft["position_1"] > ft["position_0"]),
            "amount_change": amount_change,
            "slip_days": (close_1 - close_0).dt.days.astype("Float64"),
            "status_changed": status_changed,
            "category_changed": _changed(ft["category_0"], ft["category_1"]),
            "size": ft[["amount_0", "amount_1"]].max(axis=1).fillna(0.0),
        }
    )[moved]
    # order the few key columns first, then take the wide rows once
    order = extra.assign(deal_id=ft["deal_id"][moved]).sort_values(["size", "deal_id"], ascending=[False, True]).index
    return pd.concat([ft.loc[order, MOVER_COLUMNS], extra.loc[order]], axis=1).reset_index(drop=True)


def by_rep(flow_table: pd.DataFrame) -> pd.DataFrame:
    """Each rep's week: rep_id, rep_name, new (deals created), advanced (open deals moved to a later
    stage), won, won_value, lost, slipped (open deals whose close date moved later). Reps with nothing
    to show are left out; most won value first."""
    ft = flow_table
    open_both = ft["exists_0"] & (ft["status_0"] == "open") & (ft["status_1"] == "open")
    won = ft["closed_in_week"] & (ft["status_1"] == "won")
    lost = ft["closed_in_week"] & (ft["status_1"] == "lost")
    marks = pd.DataFrame(
        {
            "rep_id": ft["rep_id"].fillna(""),
            "rep_name": ft["rep_name"].fillna(""),
            "new": ft["created_in_week"].fillna(False).astype(int),
            "advanced": (open_both & (ft["position_1"] > ft["position_0"])).astype(int),
            "won": won.astype(int),
            "won_value": ft["amount_1"].fillna(0.0).where(won, 0.0),
            "lost": lost.astype(int),
            "slipped": (open_both & (ft["close_1"] > ft["close_0"])).fillna(False).astype(int),
        }
    )
    counted = ["new", "advanced", "won", "lost", "slipped"]
    marks = marks[marks[counted].sum(axis=1) > 0]  # a rep with nothing to show is left out
    out = marks.groupby(["rep_id", "rep_name"], as_index=False, dropna=False).sum()
    return out.sort_values(["won_value", "won", "new", "rep_name"], ascending=[False, False, False, True]).reset_index(
        drop=True
    )


def _changed(before: pd.Series, after: pd.Series) -> pd.Series:
    both_missing = before.isna() & after.isna()
    return ((before != after) & ~both_missing).fillna(True).astype(bool)


# card -> unit kind (salesdash.fmt.value) and whether a rise is good news
CARDS: dict[str, tuple[str, bool]] = {
    "weekly_open_pipeline": ("money", True),
    "weekly_new": ("money", True),
    "weekly_won": ("money", True),
    "weekly_lost": ("money", False),
    "weekly_commit": ("money", True),
    "weekly_forecast_p50": ("money", True),
    "weekly_stalled": ("count", False),
}


def cards(
    flow_table: pd.DataFrame,
    stalled: pd.DataFrame,
    p50: tuple[float, float],
) -> pd.DataFrame:
    """The 'what changed' cards: metric, value, previous, change, unit, count, previous_count, rise_is_good.

    `stalled` is weekly_risk.stalled_flags' frame, `p50` the forecast P50 at the week's start and end
    (weekly_risk.forecast_p50). Pipeline cards (open pipeline, commit, forecast P50, stalled) compare the
    week's end with its start
    (= the end of the week before); flow cards (new, won, lost) compare the week with the week before.
    """
    ft = flow_table
    won_now = ft["closed_in_week"] & (ft["status_1"] == "won")
    won_before = ft["closed_in_prev"] & (ft["status_0"] == "won")
    lost_now = ft["closed_in_week"] & (ft["status_1"] == "lost")
    lost_before = ft["closed_in_prev"] & (ft["status_0"] == "lost")
    commit_end = ft["in_end"] & (ft["category_1"] == "commit")
    commit_start = ft["in_start"] & (ft["category_0"] == "commit")
    figures = {
        "weekly_open_pipeline": (_cents(ft, "end_cents", ft["in_end"]), _cents(ft, "start_cents", ft["in_start"])),
        "weekly_new": (_sum(ft, "amount_1", ft["created_in_week"]), _sum(ft, "amount_0", ft["created_prev"])),
        "weekly_won": (_sum(ft, "amount_1", won_now), _sum(ft, "amount_0", won_before)),
        "weekly_lost": (_sum(ft, "amount_1", lost_now), _sum(ft, "amount_0", lost_before)),
        "weekly_commit": (_cents(ft, "end_cents", commit_end), _cents(ft, "start_cents", commit_start)),
        "weekly_forecast_p50": ((p50[1], float("nan")), (p50[0], float("nan"))),
        "weekly_stalled": (
            (float(stalled["stalled_end"].sum()), float("nan")),
            (float(stalled["stalled_start"].sum()), float("nan")),
        ),
    }
    rows = []
    for metric, (unit, rise_is_good) in CARDS.items():
        (value, count), (previous, previous_count) = figures[metric]
        rows.append(
            {
                "metric": metric,
                "value": value,
                "previous": previous,
                "change": value - previous,
                "unit": unit,
                "count": count,
                "previous_count": previous_count,
                "rise_is_good": rise_is_good,
            }
        )
    return pd.DataFrame(rows)


def _cents(ft: pd.DataFrame, column: str, mask: pd.Series) -> tuple[float, float]:
    return float(ft.loc[mask, column].sum()) / 100, float(mask.sum())


def _sum(ft: pd.DataFrame, column: str, mask: pd.Series) -> tuple[float, float]:
    mask = mask.fillna(False).astype(bool)
    return float(ft.loc[mask, column].fillna(0.0).sum()), float(mask.sum())


@dataclass(frozen=True)
class Review:
    """Everything the weekly page and its pack show for one week and one set of filters."""

    week: Week
    period: tuple[date, date]
    at_risk_period: tuple[date, date]
    history: frozenset[str]  # which deal_events fields the dataset carries
    flow: pd.DataFrame
    waterfall: pd.DataFrame
    cards: pd.DataFrame
    movers: pd.DataFrame
    by_rep: pd.DataFrame
    at_risk: pd.DataFrame

    @property
    def has_history(self) -> bool:
        """Without any deal history the week's start cannot be reconstructed: no waterfall, no movers."""
        return bool(self.history)

    @property
    def missing_history(self) -> tuple[str, ...]:
        """History fields the flow would use that this dataset does not record (their changes read as none)."""
        return tuple(
            name for name in ("stage", "amount", "expected_close", "forecast_category") if name not in self.history
        )


def history_fields(conn: db.Connection) -> frozenset[str]:
    """Which fields deal_events records (each check stops at its first row)."""
    sql = " UNION ALL ".join(
        f"SELECT '{name}' FROM (SELECT 1 FROM deal_events WHERE field = '{name}' LIMIT 1)"  # noqa: S608
        for name in HISTORY_FIELDS  # fixed names from the contract, never user text
    )
    return frozenset(str(r[0]) for r in db.query_rows(conn, sql))


def review(
    conn: db.Connection,
    f: Filters,
    week_start: date | None = None,
    with_risk: bool = True,
    learned: forecast.Learned | None = None,
    stay_lengths: pd.DataFrame | None = None,
) -> Review:
    """The week's review (default: the last completed week before f.as_of). Segment filters apply; the
    filters' date range does not (the week replaces it). At risk is judged now, for the current quarter;
    `with_risk=False` leaves it empty, for a caller that gets it from weekly_risk.at_risk_now (cached apart).

    What depends on the dataset alone is computed here when not handed in; a page caches it per dataset:
    `learned` = forecast.learn(conn, f.as_of) (the Forecast page's), `stay_lengths` = weekly_risk.stay_lengths.
    """
    week = Week(monday(week_start)) if week_start else last_completed_week(f.as_of)
    stages = weekly_risk.stage_defaults(conn)
    table = flow(conn, f, week)
    learned = forecast.learn(conn, f.as_of) if learned is None else learned
    stalled = weekly_risk.stalled_flags(conn, table, week.start, stay_lengths)
    p50 = weekly_risk.forecast_p50(table, learned, stages)
    risk_period = weekly_risk.this_quarter(f)
    return Review(
        week=week,
        period=week.period,
        at_risk_period=risk_period,
        history=history_fields(conn),
        flow=table,
        waterfall=waterfall(table),
        cards=cards(table, stalled, p50),
        movers=movers(table),
        by_rep=by_rep(table),
        at_risk=weekly_risk.at_risk(conn, f) if with_risk else pd.DataFrame(),
    )


def for_week(f: Filters, week: Week) -> Filters:
    """The filters narrowed to the week (for texts and links; segment choices unchanged)."""
    return replace(f, date_from=week.start, date_to=week.end, preset="custom")
