"""Rep performance: the leaderboard with its roll-ups, stage strengths and activity against outcome.

Every figure uses the Overview's definitions (docs/metrics.md); what is new here is per rep:
win rates carry a 95% Wilson interval and the board ranks by its lower end, so a rep with 2 of 2
won does not top a rep with 60 of 100; pacing compares attainment with the share of the period
elapsed; coverage divides the pipeline closing in the period by the quota still to win.
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pandas as pd
from statsmodels.stats.proportion import proportion_confint

from salesdash import db, stage_history
from salesdash.filters import Filters
from salesdash.probability import learned_probabilities, sql_params

METRICS = (
    "rep_win_rate",
    "win_rate_interval",
    "win_rate_value",
    "rep_rank",
    "quota",
    "rep_attainment",
    "pacing",
    "coverage",
    "rep_weighted_pipeline",
    "activities",
    "activities_per_won",
    "stage_deviation",
    "busy_not_converting",
)
MIN_CLOSED = 30  # fewer closed deals than this: a small sample, marked on the board
MIN_STAGE_DEALS = 20  # a rep x stage cell with fewer deals reaching the stage is greyed
MIN_TEAM_REPS = 2  # a rep alone in their team is compared with all reps instead
LEVELS = ("rep", "team", "manager", "region", "total")
SORT_KEYS = (
    "win_rate_low",
    "won_value",
    "attainment",
    "pacing",
    "coverage",
    "open_value",
    "weighted_pipeline",
    "activities",
)
# busy but not converting: at least twice the median rep's activities, and a win rate below the median
# rep's on at least BUSY_MIN_CLOSED closed deals (one unlucky deal flags no one)
BUSY_FACTOR = 2.0
BUSY_MIN_CLOSED = 10


def elapsed_share(f: Filters) -> float:
    """Share of the period's days up to the reference date: 1 for a past period, 0.5 half-way."""
    elapsed = (f.effective_to - f.date_from).days + 1
    return min(max(elapsed / f.days, 0.0), 1.0)


def wilson(successes: pd.Series, trials: pd.Series) -> tuple[pd.Series, pd.Series]:
    """The 95% Wilson interval of successes ÷ trials per row (NaN where there are no trials)."""
    n = trials.astype(float)
    k = successes.astype(float)
    has = n > 0
    low = pd.Series(np.nan, index=n.index)
    high = pd.Series(np.nan, index=n.index)
    if has.any():
        lo, hi = proportion_confint(k[has].to_numpy(), n[has].to_numpy(), alpha=0.05, method="wilson")
        low[has], high[has] = lo, hi
    return low, high


def performance(conn: db.Connection, f: Filters, learned: pd.DataFrame | None = None) -> pd.DataFrame:
    """The leaderboard and its roll-ups: one row per rep and per team, manager, region, and a total.

    `learned`: probability.learned_probabilities(conn, f.as_of), which a page computes once per dataset;
    learned here when not given (or given for another day).

    Columns: level (rep/team/manager/region/total), key (rep_id, or the group's value; NULL when
    unknown), rep_id, rep_name, team, manager, region, reps, won_count, won_value, lost_count,
    lost_value, closed_count, win_rate, win_rate_low, win_rate_high (95% Wilson), win_rate_value,
    avg_won_deal, median_cycle_days, open_count, open_value (open at the end of the period),
    closing_value (of that, expected to close in the period), weighted_pipeline (learned weights,
    open deals as of the reference date), quota (prorated; NaN without one), attainment,
    elapsed_share, pacing, remaining_quota, coverage, activities, activities_per_won,
    small_sample (closed_count < 30), rank (reps only: 1 = highest win-rate lower bound).
    """
    if learned is None or (len(learned) and bool((learned["as_of"] != f.as_of).any())):
        learned = learned_probabilities(conn, f.as_of)
    out = db.query(conn, f.apply(stage_history.sql(conn, "reps_board")), f.params() | sql_params(learned))
    out["rep_name"] = out["rep_name"].where(out["rep_name"].notna(), out["rep_id"])
    for col in ("won_count", "lost_count", "open_count", "activities", "reps"):
        out[col] = out[col].fillna(0).astype("int64")
    out["closed_count"] = out["won_count"] + out["lost_count"]
    closed = out["closed_count"].where(out["closed_count"] > 0)
    out["win_rate"] = out["won_count"] / closed
    out["win_rate_low"], out["win_rate_high"] = wilson(out["won_count"], out["closed_count"])
    closed_value = out["won_value"] + out["lost_value"]
    out["win_rate_value"] = out["won_value"] / closed_value.where(closed_value > 0)
    out["avg_won_deal"] = out["won_value"] / out["won_count"].where(out["won_count"] > 0)
    out["quota"] = out["quota"].astype(float)
    quota = out["quota"].where(out["quota"] > 0)
    out["attainment"] = out["won_value"] / quota
    share = elapsed_share(f)
    out["elapsed_share"] = share
    out["pacing"] = out["attainment"] / share if share > 0 else math.nan
    out["remaining_quota"] = out["quota"] - out["won_value"]
    remaining = out["remaining_quota"].where(out["remaining_quota"] > 0)
    out["coverage"] = out["closing_value"] / remaining
    out["activities_per_won"] = out["activities"] / out["won_count"].where(out["won_count"] > 0)
    out["small_sample"] = out["closed_count"] < MIN_CLOSED
    out["level_order"] = out["level"].map({name: i for i, name in enumerate(LEVELS)})
    reps = out["level"] == "rep"
    order = out[reps].sort_values(["win_rate_low", "won_value", "rep_id"], ascending=[False, False, True])
    out["rank"] = pd.Series(range(1, len(order) + 1), index=order.index).reindex(out.index).astype("Int64")
    out = out.sort_values(["level_order", "rank", "key"], na_position="last").drop(columns="level_order")
    return out.reset_index(drop=True)


def rows(board: pd.DataFrame, level: str) -> pd.DataFrame:
    """The rows of one level of `performance` (rep, team, manager, region or total)."""
    return board[board["level"] == level].reset_index(drop=True)


def rollup(board: pd.DataFrame, level: str) -> pd.DataFrame:
    """The groups of one roll-up level (team, manager or region), largest won value first, then the total."""
    if level not in ("team", "manager", "region"):
        raise ValueError(f"cannot roll up by {level!r}")
    groups = rows(board, level).sort_values(["won_value", "key"], ascending=[False, True], na_position="last")
    return pd.concat([groups, rows(board, "total")], ignore_index=True)


def sort_board(board: pd.DataFrame, by: str = "win_rate_low") -> pd.DataFrame:
    """The rep rows, best first by `by` (one of SORT_KEYS); missing values last."""
    if by not in SORT_KEYS:
        raise ValueError(f"cannot sort by {by!r}")
    reps = rows(board, "rep")
    return reps.sort_values([by, "rank"], ascending=[False, True], na_position="last").reset_index(drop=True)


def with_team_subtotals(board: pd.DataFrame, by: str = "win_rate_low") -> pd.DataFrame:
    """Rep rows grouped by team (best first within it), each team followed by its subtotal, then the total.

    Adds row_kind: rep / subtotal / total. Teams are ordered by their own value of `by`.
    """
    reps = sort_board(board, by).assign(row_kind="rep")
    teams = rows(board, "team").assign(row_kind="subtotal")
    teams = teams.sort_values(by, ascending=False, na_position="last")
    parts = []
    for _, team in teams.iterrows():
        key = team["key"]
        members = reps[reps["team"].isna()] if pd.isna(key) else reps[reps["team"] == key]
        parts += [members, team.to_frame().T]
    parts.append(rows(board, "total").assign(row_kind="total"))
    out = pd.concat(parts, ignore_index=True)
    return out.astype({c: board[c].dtype for c in board.columns if c in out.columns})


def stage_strengths(conn: db.Connection, f: Filters) -> pd.DataFrame:
    """Rep x stage conversion against the rep's team, for the deals created in the period.

    One row per rep and funnel stage except the last (the won stage). Columns: rep_id, rep_name,
    team, stage, next_stage, position, reached, advanced (reached the next stage), rate
    (advanced ÷ reached), peers ('team', or 'all' for a rep alone in their team or without one in
    the reps table),
    peer_reached, peer_advanced, peer_rate, deviation (rate − peer_rate, a share: 0.05 = 5 points),
    enough (reached >= MIN_STAGE_DEALS). The baseline ignores the rep filter (a rep is compared with
    their whole team) but keeps every other filter.
    """
    whole_teams = replace(f, reps=())
    params = whole_teams.params() | {"only_reps": list(f.reps), "min_team_reps": MIN_TEAM_REPS}
    out = db.query(conn, whole_teams.apply(db.sql_text("rep_stage_reached")), params)
    out["deviation"] = out["rate"] - out["peer_rate"]
    out["enough"] = out["reached"] >= MIN_STAGE_DEALS
    columns = ["rep_id", "rep_name", "team", "stage", "next_stage", "position", "reached", "advanced", "rate",
               "peers", "peer_reached", "peer_advanced", "peer_rate", "deviation", "enough"]  # fmt: skip
    return out[columns]


def mostly_thin(heat: pd.DataFrame) -> bool:
    """More than half the rep x stage cells have too few deals to judge."""
    return bool(len(heat)) and float((~heat["enough"]).mean()) > 0.5


def activity_mix(conn: db.Connection, f: Filters) -> pd.DataFrame:
    """Activities in the period per rep and type. Columns: rep_id, type, activities."""
    return db.query(conn, f.apply(db.sql_text("rep_activity_mix")), f.params())


def activity_vs_outcome(board: pd.DataFrame, mix: pd.DataFrame) -> pd.DataFrame:
    """Per rep: activities (total and one column per type, `type_<name>`), against outcome.

    Columns: rep_id, rep_name, team, activities, type_* columns, won_count, won_value, closed_count,
    win_rate, win_rate_low, win_rate_high, activities_per_won, busy_not_converting (at least
    BUSY_FACTOR x the median rep's activities, and a win rate below the median of the reps with at least
    BUSY_MIN_CLOSED closed deals, on at least that many closed deals). Reps without activities count 0.
    """
    reps = rows(board, "rep")
    wide = mix.pivot_table(index="rep_id", columns="type", values="activities", aggfunc="sum", fill_value=0)
    wide.columns = [f"type_{c}" for c in wide.columns]
    keep = ["rep_id", "rep_name", "team", "activities", "won_count", "won_value", "closed_count",
            "win_rate", "win_rate_low", "win_rate_high", "activities_per_won"]  # fmt: skip
    out = reps[keep].merge(wide, left_on="rep_id", right_index=True, how="left")
    type_cols = list(wide.columns)
    out[type_cols] = out[type_cols].fillna(0).astype("int64")
    judged = out[out["closed_count"] >= BUSY_MIN_CLOSED]
    busy_line = out["activities"].median() * BUSY_FACTOR if len(out) else math.nan
    poor_line = judged["win_rate"].median() if len(judged) else math.nan
    out["busy_not_converting"] = (
        (out["activities"] > 0)
        & (out["activities"] >= busy_line)
        & (out["closed_count"] >= BUSY_MIN_CLOSED)
        & (out["win_rate"] < poor_line)
    ).fillna(False).astype(bool)
    return out.sort_values("activities", ascending=False).reset_index(drop=True)


def activity_types(table: pd.DataFrame) -> list[str]:
    """The activity types present in an activity_vs_outcome table."""
    return [c.removeprefix("type_") for c in table.columns if c.startswith("type_")]
