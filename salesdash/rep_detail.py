"""One rep, for a one-to-one: their funnel against their peers', their months, their stalled deals,
their customers' scores, and three plain-language strengths and weaknesses drawn from the numbers.

Peers are the rep's team; a rep alone in their team (or without one) is compared with all reps.
The comparison keeps every global filter except the rep filter.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import pandas as pd

from salesdash import db, fmt, i18n, stage_history
from salesdash.filters import Filters
from salesdash.funnel import reached_with_part
from salesdash.overview import chart_start
from salesdash.reps import MIN_TEAM_REPS, rows, wilson
from salesdash.stalled import stalled_deals

METRICS = ("rep_funnel", "rep_trend", "rep_satisfaction", "rep_findings")
MIN_WON = 5  # fewer won deals: average deal size and cycle say too little to call a strength
MIN_RESPONSES = 5
MONEY_GAP = 0.2  # average won deal, cycle: at least 20% apart from peers to count
NPS_GAP = 15.0  # NPS points apart from peers
SCORES = ("nps", "csat", "csat_mean", "product_quality", "service_attitude", "response_speed")


@dataclass(frozen=True)
class Peers:
    """Whom a rep is compared with: `kind` 'team' (then `team` names it) or 'all'."""

    filters: Filters
    kind: str
    team: str | None


def comparison_filters(f: Filters) -> Filters:
    """The global filters without the rep filter: the view a rep is compared within."""
    return replace(f, reps=())


def peers(conn: db.Connection, f: Filters, rep_id: str) -> Peers:
    rows_ = db.query_rows(conn, db.sql_text("rep_peers"), {"rep_id": rep_id})
    base = comparison_filters(f)
    if rows_ and rows_[0][1] is not None and rows_[0][2] >= MIN_TEAM_REPS:
        team = str(rows_[0][1])
        return Peers(replace(base, teams=(team,)), "team", team)
    return Peers(base, "all", None)


def rep_funnel(conn: db.Connection, f: Filters, rep_id: str) -> pd.DataFrame:
    """The rep's cohort funnel beside their peers' (funnel.reached_by_stage for each).

    Columns: stage, position, kind, reached, pct_of_first, pct_of_previous (the rep's),
    peer_reached, peer_pct_of_first, peer_pct_of_previous, gap (pct_of_previous − the peers'), peers.
    """
    group = peers(conn, f, rep_id)
    # one scan of the peers' cohort gives both funnels: the rep's deals are part of it (a rep's deals carry
    # their team), except when the filters name other teams than the rep's, which leaves the rep none
    theirs, mine = reached_with_part(conn, group.filters, "d.rep_id = $rep_id", {"rep_id": rep_id})
    if group.kind == "team" and f.teams and group.team not in f.teams:
        mine = mine.assign(reached=0, reached_value=0.0, still_open=0, pct_of_previous=math.nan, pct_of_first=math.nan)
    keep = ["stage", "reached", "pct_of_first", "pct_of_previous"]
    out = mine[["position", "kind", *keep]].merge(
        theirs[keep].rename(columns={c: f"peer_{c}" for c in keep[1:]}), on="stage", how="left"
    )
    out["gap"] = out["pct_of_previous"] - out["peer_pct_of_previous"]
    out["peers"] = group.kind
    return out[["stage", "position", "kind", *keep[1:], *(f"peer_{c}" for c in keep[1:]), "gap", "peers"]]


def rep_trend(conn: db.Connection, f: Filters, rep_id: str) -> pd.DataFrame:
    """The rep's months (at least the 12 up to the period's end) beside the average peer rep's.

    Columns: month, won_count, won_value, lost_count, win_rate, peer_won_value, peer_won_count,
    peer_lost_count, peer_reps (reps with a deal closed that month), peer_avg_won_value (peers' won
    value ÷ peer_reps), peer_win_rate, in_period, peers.
    """
    group = peers(conn, f, rep_id)
    params = group.filters.params() | {"rep_id": rep_id, "chart_from": chart_start(f)}
    out = db.query(conn, group.filters.apply(stage_history.sql(conn, "rep_monthly")), params)
    out["month"] = pd.to_datetime(out["month"]).dt.date
    closed = (out["won_count"] + out["lost_count"]).astype(float)
    out["win_rate"] = out["won_count"] / closed.where(closed > 0)
    peer_closed = (out["peer_won_count"] + out["peer_lost_count"]).astype(float)
    out["peer_win_rate"] = out["peer_won_count"] / peer_closed.where(peer_closed > 0)
    out["peer_avg_won_value"] = out["peer_won_value"] / out["peer_reps"].where(out["peer_reps"] > 0)
    out["peers"] = group.kind
    return out


def rep_stalled(conn: db.Connection, f: Filters, rep_id: str) -> pd.DataFrame:
    """The rep's stalled open deals (stalled.stalled_deals, the one definition), largest first."""
    return stalled_deals(conn, replace(comparison_filters(f), reps=(rep_id,)))


def rep_satisfaction(conn: db.Connection, f: Filters, rep_id: str) -> pd.DataFrame:
    """Survey scores of responses linked to the rep in the period, beside their peers'.

    One row per score: score (nps, csat, csat_mean, product_quality, service_attitude,
    response_speed), rep, peer, rep_responses, peer_responses, small_sample (rep_responses < 30),
    peers. NPS −100..100; csat a share 0..1 (4–5 of 5); the rest means on 1..5. NaN without responses.
    """
    group = peers(conn, f, rep_id)
    params = group.filters.params() | {"rep_id": rep_id}
    scored = db.query(conn, group.filters.apply(db.sql_text("rep_satisfaction")), params).set_index("who")
    mine = scored.loc["rep"] if "rep" in scored.index else pd.Series(dtype=float)
    theirs = scored.loc["peers"] if "peers" in scored.index else pd.Series(dtype=float)
    out = pd.DataFrame({"score": list(SCORES)})
    out["rep"] = [_value(mine, s) for s in SCORES]
    out["peer"] = [_value(theirs, s) for s in SCORES]
    out["rep_responses"] = int(_value(mine, "responses") or 0) if len(mine) else 0
    out["peer_responses"] = int(_value(theirs, "responses") or 0) if len(theirs) else 0
    out["small_sample"] = out["rep_responses"] < 30
    out["peers"] = group.kind
    return out


def _value(row: pd.Series, name: str) -> float:
    value = row.get(name)
    return math.nan if value is None or pd.isna(value) else float(value)


def findings(board: pd.DataFrame, heat: pd.DataFrame, satisfaction: pd.DataFrame, rep_id: str) -> pd.DataFrame:
    """Up to three strengths and weaknesses of one rep, the strongest first.

    `board` is reps.performance over the comparison filters (all reps of the view), `heat`
    reps.stage_strengths, `satisfaction` rep_satisfaction. A rate (win rate, stage conversion)
    counts only when the peers' rate lies outside the rep's 95% Wilson interval; money and time
    only with MIN_WON won deals and a gap of MONEY_GAP. Columns: kind (strength/weakness), topic,
    gap (signed, relative; positive = better), rep_value, peer_value, n, stage, next_stage, peers.
    The best strength and the worst weakness come first, then the next largest gap.
    """
    reps_ = rows(board, "rep").set_index("rep_id")
    if rep_id not in reps_.index:
        return pd.DataFrame(columns=_FINDING_COLUMNS)
    me = reps_.loc[rep_id]
    peer, kind = _peer_row(board, me)
    found: list[dict[str, object]] = []
    found += _rate_finding("win_rate", me["won_count"], me["closed_count"], peer["win_rate"])
    found += _stage_findings(heat[(heat["rep_id"] == rep_id) & heat["enough"]])
    if me["won_count"] >= MIN_WON:
        found += _ratio_finding("avg_won_deal", me["avg_won_deal"], peer["avg_won_deal"], me["won_count"])
        found += _ratio_finding("cycle", me["median_cycle_days"], peer["median_cycle_days"], me["won_count"], lower_is_better=True)
    found += _quota_findings(me)
    if me["won_count"] >= 3 and me["activities"] > 0:
        found += _ratio_finding(
            "activities_per_won", me["activities_per_won"], peer["activities_per_won"], me["won_count"],
            lower_is_better=True, threshold=0.5,
        )  # fmt: skip
    nps = satisfaction.set_index("score")
    if len(nps) and nps.loc["nps", "rep_responses"] >= MIN_RESPONSES:
        rep_nps, peer_nps = nps.loc["nps", "rep"], nps.loc["nps", "peer"]
        if abs(rep_nps - peer_nps) >= NPS_GAP:
            found.append(_finding("nps", (rep_nps - peer_nps) / 100, rep_nps, peer_nps, nps.loc["nps", "rep_responses"]))
    out = pd.DataFrame(found, columns=_FINDING_COLUMNS[:-1])
    out["peers"] = kind
    return _pick(out)


_FINDING_COLUMNS = ["kind", "topic", "gap", "rep_value", "peer_value", "n", "stage", "next_stage", "peers"]


def _peer_row(board: pd.DataFrame, me: pd.Series) -> tuple[pd.Series, str]:
    teams = rows(board, "team")
    mine = teams[teams["key"] == me["team"]] if pd.notna(me["team"]) else teams.iloc[0:0]
    if len(mine) and mine.iloc[0]["reps"] >= MIN_TEAM_REPS:
        return mine.iloc[0], "team"
    return rows(board, "total").iloc[0], "all"


def _finding(topic: str, gap: float, rep: float, peer: float, n: float, stage: object = None, nxt: object = None) -> dict[str, object]:
    return {
        "kind": "strength" if gap > 0 else "weakness",
        "topic": topic, "gap": float(gap), "rep_value": float(rep), "peer_value": float(peer), "n": int(n),
        "stage": stage, "next_stage": nxt,
    }  # fmt: skip


def _rate_finding(topic: str, hits: float, n: float, peer_rate: float, stage: object = None, nxt: object = None) -> list[dict[str, object]]:
    if not n or pd.isna(peer_rate) or peer_rate <= 0:
        return []
    low, high = wilson(pd.Series([hits]), pd.Series([n]))
    rate = hits / n
    if low.iloc[0] > peer_rate or high.iloc[0] < peer_rate:
        return [_finding(topic, (rate - peer_rate) / peer_rate, rate, peer_rate, n, stage, nxt)]
    return []


def _stage_findings(heat: pd.DataFrame) -> list[dict[str, object]]:
    found: list[dict[str, object]] = []
    for row in heat.itertuples():
        found += _rate_finding("stage", row.advanced, row.reached, row.peer_rate, row.stage, row.next_stage)
    return found


def _ratio_finding(
    topic: str, rep: float, peer: float, n: float, lower_is_better: bool = False, threshold: float = MONEY_GAP
) -> list[dict[str, object]]:
    if pd.isna(rep) or pd.isna(peer) or peer <= 0:
        return []
    gap = (peer - rep) / peer if lower_is_better else (rep - peer) / peer
    return [_finding(topic, gap, rep, peer, n)] if abs(gap) >= threshold else []


def _quota_findings(me: pd.Series) -> list[dict[str, object]]:
    found: list[dict[str, object]] = []
    if pd.notna(me["pacing"]) and abs(me["pacing"] - 1) >= 0.2:
        found.append(_finding("pacing", me["pacing"] - 1, me["pacing"], 1.0, me["won_count"]))
    if pd.notna(me["coverage"]) and me["coverage"] < 1:
        found.append(_finding("coverage", me["coverage"] - 1, me["coverage"], 1.0, me["open_count"]))
    return found


def _pick(found: pd.DataFrame, count: int = 3) -> pd.DataFrame:
    """The best strength, the worst weakness, then the largest remaining gaps; one stage line per kind."""
    if found.empty:
        return found
    found = found.assign(size=found["gap"].abs()).sort_values("size", ascending=False)
    # one stage strength and one stage weakness at most: three lines about stages say one thing
    found = found[~(found["topic"].eq("stage") & found.duplicated(["topic", "kind"]))]
    first = [found[found["kind"] == k].head(1) for k in ("strength", "weakness")]
    chosen = pd.concat([f for f in first if len(f)])
    rest = found.drop(index=chosen.index)
    out = pd.concat([chosen, rest]).head(count)
    return out.sort_values("size", ascending=False).drop(columns="size").reset_index(drop=True)


# topic -> how its values are written (fmt.value kinds, plus 'ratio' for coverage)
_UNITS = {
    "win_rate": "pct",
    "stage": "pct",
    "avg_won_deal": "money",
    "cycle": "days",
    "pacing": "pct0",
    "coverage": "ratio",
    "activities_per_won": "decimal",
    "nps": "score",
}


def finding_texts(found: pd.DataFrame, lang: str, currency: str | None = None) -> list[tuple[str, str]]:
    """(kind, sentence) per finding, in the user's language."""
    out = []
    for row in found.itertuples():
        unit = _UNITS[str(row.topic)]
        values = {
            "rep": _write(unit, float(row.rep_value), lang, currency),
            "peer": _write(unit, float(row.peer_value), lang, currency),
            "n": fmt.count(row.n, lang),
            "peers": i18n.t(f"reps.detail.peers_{row.peers}", lang),
            "stage": i18n.label("stage", row.stage, lang) if row.stage is not None else "",
            "next": i18n.label("stage", row.next_stage, lang) if row.next_stage is not None else "",
        }
        out.append((str(row.kind), i18n.t(f"reps.finding.{row.topic}_{row.kind}", lang, **values)))
    return out


def _write(unit: str, value: float, lang: str, currency: str | None) -> str:
    if unit == "ratio":
        return fmt.DASH if math.isnan(value) else f"{value:.1f}×"
    if unit == "decimal":
        return fmt.DASH if math.isnan(value) else f"{value:,.1f}"
    if unit == "score":
        return fmt.score(value, lang)
    if unit == "pct0":
        return fmt.pct(value, lang, 0)
    return fmt.value(unit, value, lang, currency)
