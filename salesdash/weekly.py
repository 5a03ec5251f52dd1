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

import numpy as np
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


def week_choices(as_of: date, first: date | None, count: int = 52, last: date | None = None) -> list[Week]:
    """Completed weeks, newest first: the `count` up to the last one before the as-of day and, when the data's
    last day (`last`) comes before those, the `count` up to the week holding it too (a company database read
    as of today may end long ago); none wholly before the data's first day."""
    latest = last_completed_week(as_of)
    newest = [latest.start]
    if last is not None and last < latest.start - timedelta(days=7 * (count - 1)):
        newest.append(monday(last))
    starts = {start - timedelta(days=7 * i) for start in newest for i in range(count)}
    weeks = [Week(start) for start in sorted(starts, reverse=True)]
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
    rep_name, team, customer_type, channel, product, region (with rep_id and team, the segment filters'
    columns), created_on, close_day, exists_0, created_in_week,
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
    return _movers_at(flow_table, mover_rows(flow_table))


def mover_rows(flow_table: pd.DataFrame) -> np.ndarray:
    """The positions in `flow_table` of movers' rows, in movers' order (larger amount first, then deal id:
    a total order, so the movers of a subset of the deals are the subset of the movers)."""
    ft = flow_table
    moved_stage = _changed(ft["stage_0"], ft["stage_1"])
    amount_change = (ft["amount_1"].fillna(0.0) - ft["amount_0"].fillna(0.0)).round(2)
    status_changed = _changed(ft["status_0"], ft["status_1"])
    moved = ft["exists_0"] & (moved_stage | (amount_change != 0) | _changed(ft["close_0"], ft["close_1"]) | status_changed)
    rows = np.flatnonzero(moved.to_numpy(dtype=bool))
    keys = pd.DataFrame(
        {"size": ft[["amount_0", "amount_1"]].max(axis=1).fillna(0.0).to_numpy()[rows], "deal_id": ft["deal_id"].to_numpy()[rows]}
    )
    return rows[keys.sort_values(["size", "deal_id"], ascending=[False, True]).index.to_numpy()]


def _movers_at(ft: pd.DataFrame, rows: np.ndarray) -> pd.DataFrame:
    picked = ft[[*MOVER_COLUMNS, "position_0", "position_1"]].take(rows)  # the columns shown and compared
    moved_stage = _changed(picked["stage_0"], picked["stage_1"])
    extra = pd.DataFrame(
        {
            "moved_stage": moved_stage,
            "advanced": moved_stage & (picked["position_1"] > picked["position_0"]),
            "amount_change": (picked["amount_1"].fillna(0.0) - picked["amount_0"].fillna(0.0)).round(2),
            "slip_days": (picked["close_1"] - picked["close_0"]).dt.days.astype("Float64"),
            "status_changed": _changed(picked["status_0"], picked["status_1"]),
            "category_changed": _changed(picked["category_0"], picked["category_1"]),
            "size": picked[["amount_0", "amount_1"]].max(axis=1).fillna(0.0),
        }
    )
    return pd.concat([picked[MOVER_COLUMNS], extra], axis=1).reset_index(drop=True)


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
class WeekState:
    """What one week's review holds for every deal, whatever the segment filters: a filter's review selects
    its deals from it (review_of), so a new filter on a week already seen costs no query.

    Computed once per dataset, week and as-of day (week_state) and shared by every filter and every session
    looking at the same data: never change a frame or array of it (the arrays refuse to be written).
    """

    week: Week
    as_of: date
    history: frozenset[str]  # which deal_events fields the dataset carries
    flow: pd.DataFrame  # flow() for every deal
    stalled_start: np.ndarray  # per flow row: stalled at the week's start (weekly_risk.stalled_flags)
    stalled_end: np.ndarray
    movers: pd.DataFrame  # movers(flow)
    mover_rows: np.ndarray  # position in flow of each movers row
    pipelines: tuple[weekly_risk.Pipeline, weekly_risk.Pipeline]  # the forecast's inputs at start and end


def week_state(
    conn: db.Connection,
    week: Week,
    as_of: date,
    learned: forecast.Learned | None = None,
    stay_lengths: pd.DataFrame | None = None,
) -> WeekState:
    """The week's flow of every deal with its stalled flags, movers and forecast inputs.

    `learned` = forecast.learn(conn, as_of) and `stay_lengths` = weekly_risk.stay_lengths(conn) depend on the
    dataset alone (a page caches them per dataset); computed here when not handed in.
    """
    everyone = Filters(date_from=as_of, date_to=as_of, as_of=as_of)
    table = flow(conn, everyone, week)
    learned = forecast.learn(conn, as_of) if learned is None else learned
    flags = weekly_risk.stalled_flags(conn, table, week.start, stay_lengths)
    # stalled_flags has a row per deal in the pipeline at either moment, in the flow's order
    inside = (table["in_start"] | table["in_end"]).to_numpy(dtype=bool)
    stalled = {}
    for moment in ("start", "end"):
        values = np.zeros(len(table), dtype=bool)
        values[inside] = flags[f"stalled_{moment}"].to_numpy(dtype=bool)
        stalled[moment] = weekly_risk.read_only(values)
    rows = weekly_risk.read_only(mover_rows(table))
    return WeekState(
        week=week,
        as_of=as_of,
        history=history_fields(conn),
        flow=table,
        stalled_start=stalled["start"],
        stalled_end=stalled["end"],
        movers=_movers_at(table, rows),
        mover_rows=rows,
        pipelines=weekly_risk.p50_inputs(table, learned, weekly_risk.stage_defaults(conn)),
    )


@dataclass(frozen=True)
class Figures:
    """What a segment filter's review computes over its deals (small: a page caches it per filter)."""

    waterfall: pd.DataFrame
    cards: pd.DataFrame
    by_rep: pd.DataFrame


# the flow's columns waterfall, cards and by_rep read
FIGURE_COLUMNS = [
    *(f"{step}_cents" for step in STEPS), "exists_0", "created_in_week", "created_prev", "closed_in_week",
    "closed_in_prev", "in_start", "in_end", "rep_id", "rep_name",
    *(f"{name}_{moment}" for name in ("status", "position", "amount", "close", "category") for moment in (0, 1)),
]  # fmt: skip


def figures(state: WeekState, f: Filters) -> Figures:
    """The waterfall, the cards (with the forecast P50 of the filter's deals) and the by-rep table of the
    deals of `state` that f's segment filters keep."""
    keep = _kept(state.flow, f)
    rows = None if keep is None else np.flatnonzero(keep)
    deals = state.flow if rows is None else state.flow[FIGURE_COLUMNS].take(rows)  # the columns read, not all
    stalled = pd.DataFrame(
        {
            "stalled_start": state.stalled_start if rows is None else state.stalled_start[rows],
            "stalled_end": state.stalled_end if rows is None else state.stalled_end[rows],
        }
    )
    p50 = weekly_risk.p50_of(state.pipelines, keep)
    return Figures(waterfall=waterfall(deals), cards=cards(deals, stalled, p50), by_rep=by_rep(deals))


def _kept(frame: pd.DataFrame, f: Filters) -> np.ndarray | None:
    """f's segment mask over `frame`, or None when f keeps every row (no dimension chosen)."""
    return f.segment_mask(frame) if f.active_dimensions() else None


@dataclass(frozen=True)
class Review:
    """Everything the weekly page and its pack show for one week and one set of filters.

    The long lists — flow, movers, at_risk — are the filter's rows of frames every filter shares (WeekState,
    weekly_risk.risk_list): each is selected when asked for (a new frame each time; with no segment filter,
    the shared frame itself, to be read, never changed), so a Review holds no copy of them.
    """

    week: Week
    period: tuple[date, date]
    at_risk_period: tuple[date, date]
    history: frozenset[str]  # which deal_events fields the dataset carries
    waterfall: pd.DataFrame
    cards: pd.DataFrame
    by_rep: pd.DataFrame
    state: WeekState
    risks: pd.DataFrame  # weekly_risk.risk_list (every deal's), or an empty frame
    flow_rows: np.ndarray | None  # positions of the filter's deals in state.flow (None: all)
    risk_rows: np.ndarray | None  # … in risks

    @property
    def flow(self) -> pd.DataFrame:
        """weekly.flow's frame for the filter's deals."""
        return _rows(self.state.flow, self.flow_rows)

    @property
    def movers(self) -> pd.DataFrame:
        """weekly.movers' frame for the filter's deals, largest first."""
        if self.flow_rows is None:
            return self.state.movers
        keep = np.zeros(len(self.state.flow), dtype=bool)
        keep[self.flow_rows] = True
        return self.state.movers.take(np.flatnonzero(keep[self.state.mover_rows])).reset_index(drop=True)

    @property
    def at_risk(self) -> pd.DataFrame:
        """weekly_risk.at_risk's frame for the filter's deals, largest first."""
        return _rows(self.risks, self.risk_rows)

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

    @property
    def quiet(self) -> bool:
        """No money in the period's pipeline at either end of the week and none moved in or out of it: the
        waterfall would be bars of zero."""
        return not self.waterfall["deals"].any()


def _rows(frame: pd.DataFrame, rows: np.ndarray | None) -> pd.DataFrame:
    return frame if rows is None else frame.take(rows).reset_index(drop=True)


def review_of(state: WeekState, risks: pd.DataFrame | None, f: Filters, computed: Figures | None = None) -> Review:
    """The review of the deals f's segment filters keep, from what the week holds for every deal.

    `risks` is weekly_risk.risk_list(conn, f.as_of) (None: no at-risk list); `computed` = figures(state, f)
    when a page has cached it (computed here when not). Costs no query.
    """
    risks = pd.DataFrame() if risks is None else risks
    keep = _kept(state.flow, f)
    risk_keep = _kept(risks, f) if len(risks) else None
    computed = figures(state, f) if computed is None else computed
    return Review(
        week=state.week,
        period=state.week.period,
        at_risk_period=quarter_of(f.as_of),
        history=state.history,
        waterfall=computed.waterfall,
        cards=computed.cards,
        by_rep=computed.by_rep,
        state=state,
        risks=risks,
        flow_rows=None if keep is None else np.flatnonzero(keep),
        risk_rows=None if risk_keep is None else np.flatnonzero(risk_keep),
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
    `with_risk=False` leaves it empty.

    A page computes the parts apart and caches each as long as it holds: week_state per dataset and week,
    weekly_risk.risk_list per dataset, figures per filter, then review_of. `learned` and `stay_lengths` as
    for week_state.
    """
    week = Week(monday(week_start)) if week_start else last_completed_week(f.as_of)
    state = week_state(conn, week, f.as_of, learned, stay_lengths)
    return review_of(state, weekly_risk.risk_list(conn, f.as_of) if with_risk else None, f)


def for_week(f: Filters, week: Week) -> Filters:
    """The filters narrowed to the week (for texts and links; segment choices unchanged)."""
    return replace(f, date_from=week.start, date_to=week.end, preset="custom")
