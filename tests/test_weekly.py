"""The weekly review on the weekly fixture: the week of Mon 2025-06-09 .. Sun 2025-06-15, as of 2025-06-18.

The period is Q2 2025 (Apr 1 .. Jun 30). Every figure below is worked out by hand from tests/data/weekly.sql.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import replace
from datetime import date

import pandas as pd
import pytest
from conftest import build_from_sql

from salesdash import db, weekly
from salesdash.filters import Filters
from salesdash.weekly import Week

AS_OF = date(2025, 6, 18)
F = Filters(date_from=date(2025, 4, 1), date_to=date(2025, 6, 30), as_of=AS_OF)
WEEK = Week(date(2025, 6, 9))


@pytest.fixture(scope="module")
def conn(tmp_path_factory):
    path = build_from_sql(tmp_path_factory.mktemp("weekly") / "weekly.duckdb", "weekly.sql")
    c = db.open_company(path)
    yield c
    c.close()


@pytest.fixture(scope="module")
def review(conn):
    return weekly.review(conn, F)


def exact_median(deals: list[tuple[float, float]]) -> float:
    """The median of Σ amount x won over every outcome of independent deals (amount, chance)."""
    outcomes: dict[float, float] = {}
    for won in itertools.product((False, True), repeat=len(deals)):
        value = sum(a for (a, _), w in zip(deals, won, strict=True) if w)
        chance = math.prod(p if w else 1 - p for (_, p), w in zip(deals, won, strict=True))
        outcomes[value] = outcomes.get(value, 0.0) + chance
    below = 0.0
    for value in sorted(outcomes):
        below += outcomes[value]
        if below >= 0.5:
            return value
    raise AssertionError("no median")


def test_weeks():
    # as of Wednesday Jun 18 the last completed week is Mon Jun 9 .. Sun Jun 15
    assert weekly.last_completed_week(AS_OF) == WEEK
    assert WEEK.end == date(2025, 6, 15) and WEEK.previous.start == date(2025, 6, 2)
    # a Monday as-of: the week that just ended; a Sunday as-of: that Sunday's week is not over yet
    assert weekly.last_completed_week(date(2025, 6, 16)) == WEEK
    assert weekly.last_completed_week(date(2025, 6, 15)) == Week(date(2025, 6, 2))
    # the period is the quarter of the week's Sunday: Mon Mar 31 .. Sun Apr 6 moves Q2's pipeline
    assert Week(date(2025, 3, 31)).period == (date(2025, 4, 1), date(2025, 6, 30))
    assert weekly.chosen_week("2025-06-12", AS_OF) == WEEK  # any day names its week
    assert weekly.chosen_week("2025-06-16", AS_OF) == WEEK  # not finished yet: the last completed one
    assert weekly.chosen_week("nonsense", AS_OF) == WEEK
    choices = weekly.week_choices(AS_OF, first=date(2025, 5, 20))
    assert choices[0] == WEEK and choices[-1] == Week(date(2025, 5, 19))  # its Sunday May 25 >= May 20
    with pytest.raises(ValueError):
        Week(date(2025, 6, 10))


def test_waterfall_reconciles_by_hand(review):
    bars = review.waterfall.set_index("step")
    # open at the start (Mon Jun 9 00:00), closing in Q2: W1 1000 (its push to July came on Jun 17, after
    # the week), W3 500, W4 400, W5 700 (close Jun 25 then), W6 900, W9 1000, W10 450 (created Jun 3, lost
    # Jun 14 with no status event: status from closed_on), W11 100, W17 150 = 5200.
    assert bars.loc["start", "value"] == 5200 and bars.loc["start", "deals"] == 9
    # new: W2 300 (created Jun 10, won Jun 12: it passes through), W8 200 (lost in May, reopened Jun 11),
    # W14 80 (created Jun 13). Not W12 5000: created in the week but closing in September.
    assert bars.loc["new", "value"] == 580
    # increased: W3 500 -> 800 -> 600 = +100 net; W9 1000 -> 1200 before it was won = +200
    assert bars.loc["increased", "value"] == 300
    # decreased: W4 400 -> 250
    assert bars.loc["decreased", "value"] == -150
    # won: W2 300, W9 1200 (at its won amount), W16 600 (won early from next quarter) = 2100
    assert bars.loc["won", "value"] == -2100 and bars.loc["won", "deals"] == 3
    # lost: W10 450. W11 was lost on Jun 10 and reopened on Jun 12: no net change, in no bar.
    assert bars.loc["lost", "value"] == -450
    # pushed out: W6 900 (Jun 30 -> Aug 1). W5 went Jun 25 -> Jul 15 -> Jun 28: back in, in no bar.
    assert bars.loc["pushed_out", "value"] == -900
    # pulled in: W7 350 (Jul 20 -> Jun 27), W16 600 (Jul 25, closed Jun 12) = 950
    assert bars.loc["pulled_in", "value"] == 950
    # at the end (Mon Jun 16 00:00): W1 1000, W3 600 (its Jun 17 raise to 650 comes later), W4 250, W5 700,
    # W7 350, W8 200, W11 100, W14 80, W17 150 = 3430
    assert bars.loc["end", "value"] == 3430 and bars.loc["end", "deals"] == 9
    # 5200 + 580 + 300 - 150 - 2100 - 450 - 900 + 950 = 3430
    assert 5200 + 580 + 300 - 150 - 2100 - 450 - 900 + 950 == 3430
    assert review.waterfall["reconciles"].all()
    assert bars["cents"].tolist() == [520000, 58000, 30000, 15000, 210000, 45000, 90000, 95000, 343000]


def test_every_deal_reconciles(review):
    ft = review.flow
    moved = (
        ft["start_cents"] + ft["new_cents"] + ft["increased_cents"] - ft["decreased_cents"] - ft["won_cents"]
        - ft["lost_cents"] - ft["pushed_out_cents"] + ft["pulled_in_cents"]
    )  # fmt: skip
    assert (moved == ft["end_cents"]).all()
    routes = ft.set_index("deal_id")[["entry", "exit"]]
    assert routes.loc["W2"].tolist() == ["new", "won"]
    assert routes.loc["W8"].tolist()[0] == "reopened"
    assert routes.loc["W16"].tolist() == ["pulled_in", "won"]


def test_clicking_a_bar_lists_its_deals(review):
    assert weekly.bar_deals(review.flow, "won")["deal_id"].tolist() == ["W9", "W16", "W2"]  # 1200, 600, 300
    assert weekly.bar_deals(review.flow, "new")["value"].tolist() == [300, 200, 80]
    assert weekly.bar_deals(review.flow, "increased")["deal_id"].tolist() == ["W9", "W3"]  # +200, +100
    with pytest.raises(ValueError):
        weekly.bar_deals(review.flow, "nonsense")


def test_cards(review):
    c = review.cards.set_index("metric")
    assert (c.loc["weekly_open_pipeline", "value"], c.loc["weekly_open_pipeline", "previous"]) == (3430, 5200)
    # new: this week W2 300, W12 5000, W14 80 = 5380 (3 deals); the week before W10 450, W17 150 = 600 (2)
    assert c.loc["weekly_new", ["value", "count", "previous", "previous_count"]].tolist() == [5380, 3, 600, 2]
    # won: W2 + W9 + W16 = 2100 (3); the week before W15 250 (won Jun 3)
    assert c.loc["weekly_won", ["value", "count", "previous", "previous_count"]].tolist() == [2100, 3, 250, 1]
    # lost: W10 450; W11's loss was undone within the week
    assert c.loc["weekly_lost", ["value", "count", "previous"]].tolist() == [450, 1, 0]
    # commit in the period: at the end W1 1000 + W5 700 + W7 350 (committed Jun 12) = 2050;
    # at the start W1 1000 + W5 700 + W9 1000 = 2700
    assert c.loc["weekly_commit", ["value", "previous"]].tolist() == [2050, 2700]
    # forecast P50 = won so far in Q2 + the median of the simulated open pipeline. No segment has 30 closed deals
    # and no age band 30 closed stays, so each deal wins with its stage's default p.
    # end: won W2 300 + W9 1200 + W15 250 + W16 600 = 2350; open W1 1000 .8, W3 600 .6, W4 250 .4, W5 700 .8,
    #      W7 350 .8, W8 200 .2, W11 100 .2, W14 80 .1, W17 150 .1
    # start (Jun 8): won W15 250; open W1 1000 .8, W3 500 .4, W4 400 .6, W5 700 .8, W6 900 .6, W9 1000 .8,
    #      W10 450 .4, W11 100 .2, W17 150 .1
    # The exact medians (all 512 outcomes of each, enumerated below) are 2350 + 2250 and 250 + 3450; the 5,000
    # runs find the same.
    end = [(1000, 0.8), (600, 0.6), (250, 0.4), (700, 0.8), (350, 0.8), (200, 0.2), (100, 0.2), (80, 0.1), (150, 0.1)]
    start = [(1000, 0.8), (500, 0.4), (400, 0.6), (700, 0.8), (900, 0.6), (1000, 0.8), (450, 0.4), (100, 0.2), (150, 0.1)]
    assert (exact_median(end), exact_median(start)) == (2250, 3450)
    assert c.loc["weekly_forecast_p50", ["value", "previous"]].tolist() == [2350 + 2250, 250 + 3450]
    # stalled (no activity for 14 days, counted to the day before each moment): at the start (Jun 8) W3,
    # never touched since Apr 1, and W6, first touched Jun 16; at the end (Jun 15) only W3 (W6 pushed out)
    assert c.loc["weekly_stalled", ["value", "previous", "change"]].tolist() == [1, 2, -1]
    assert c.loc["weekly_lost", "rise_is_good"] == False  # noqa: E712


def test_movers(review):
    m = review.movers.set_index("deal_id")
    # largest first by the larger of the two amounts; W3 and W16 tie at 600 (deal id decides)
    assert review.movers["deal_id"].tolist() == ["W9", "W6", "W5", "W16", "W3", "W10", "W4", "W7", "W8"]
    assert m.loc["W3", "advanced"] and m.loc["W3", "amount_change"] == 100
    assert m.loc["W4", "moved_stage"] and not m.loc["W4", "advanced"]  # moved back a stage
    assert m.loc["W5", "slip_days"] == 3  # Jun 25 -> Jun 28 net
    assert m.loc["W6", "slip_days"] == 32 and m.loc["W7", "slip_days"] == -23
    assert m.loc["W8", "status_changed"]
    assert "W11" not in m.index and "W2" not in m.index  # no net change; created in the week


def test_by_rep(review):
    r = review.by_rep.set_index("rep_id")
    cols = ["new", "advanced", "won", "won_value", "lost", "slipped"]
    assert r.loc["A2", cols].tolist() == [1, 0, 2, 1800, 0, 1]  # W12 new; W9 + W16 won; W5 slipped
    assert r.loc["A1", cols].tolist() == [1, 1, 1, 300, 0, 0]  # W2 new and won; W3 advanced
    assert r.loc["B1", cols].tolist() == [1, 0, 0, 0, 1, 1]  # W14 new; W10 lost; W6 slipped
    assert review.by_rep["rep_id"].tolist() == ["A2", "A1", "B1"]


def test_at_risk_now(review):
    # commit / best case, open now, expected to close in Q2: W5 slipped twice (May 20, Jun 10), W3 never
    # touched (stalled: no activity), W7 went quiet (3 activities Jun 2-9, none Jun 12-18). W1 was pushed
    # to July on Jun 17, W6 to August: not this quarter's.
    risk = review.at_risk.set_index("deal_id")
    assert review.at_risk["deal_id"].tolist() == ["W5", "W3", "W7"]
    assert risk.loc["W5", "slipped_twice"] and risk.loc["W5", "slips"] == 2
    assert risk.loc["W3", "no_activity"] and not risk.loc["W3", "went_quiet"]
    assert risk.loc["W7", "went_quiet"] and not risk.loc["W7", "no_activity"]
    assert review.at_risk_period == (date(2025, 4, 1), date(2025, 6, 30))


def test_filters_apply(conn):
    partner = weekly.review(conn, replace(F, channels=("Partner",)))
    bars = partner.waterfall.set_index("step")["value"]
    # Partner: W6 900 and W17 150 at the start; W6 pushed out
    assert bars.tolist() == [1050, 0, 0, 0, 0, 0, -900, 0, 150]
    assert partner.waterfall["reconciles"].all()
    assert partner.by_rep["rep_id"].tolist() == ["B1"]  # W6 slipped


def test_another_week(conn):
    before = weekly.review(conn, F, date(2025, 6, 4))  # any day names its week: Jun 2 .. Jun 8
    bars = before.waterfall.set_index("step")["value"]
    # Jun 2: W1 1000, W3 500, W4 400, W5 700, W6 900, W9 1000, W11 100, W15 250 (won Jun 3) = 4850;
    # new W10 450 + W17 150; won W15 250; end = 5200, the next week's start
    assert bars["start"] == 4850 and bars["new"] == 600 and bars["won"] == -250 and bars["end"] == 5200
    assert before.waterfall["reconciles"].all()


def test_without_history(tmp_path):
    source = build_from_sql(tmp_path / "full.duckdb", "weekly.sql")
    bare = tmp_path / "bare.duckdb"

    def copy_without_events(conn):
        conn.execute(f"ATTACH '{source}' AS src (READ_ONLY)")
        for name in ("stages", "reps", "accounts", "deals", "activities"):
            conn.execute(f"INSERT INTO {name} SELECT * FROM src.{name}")
        conn.execute("DETACH src")

    db.build_database_file(bare, copy_without_events)
    c = db.open_company(bare)
    try:
        r = weekly.review(c, F)
        assert not r.has_history
        assert r.missing_history == ("stage", "amount", "expected_close", "forecast_category")
        # the week's new, won and lost deals still come from created_on / closed_on
        cards = r.cards.set_index("metric")["value"]
        assert cards["weekly_won"] == 1200 + 300 + 600 and cards["weekly_new"] == 5380
    finally:
        c.close()


def test_pack(review):
    from salesdash import pack

    sheets = pack.workbook(review, "en", "USD")
    assert list(sheets) == ["Summary", "Pipeline flow", "Flow deals", "Movers", "At risk", "By rep", "Notes"]
    for table in sheets.values():
        assert table.columns.is_unique
    # the flow-deals sheet lists the deals of each changing bar: 3 new + 2 up + 1 down + 3 won + 1 lost
    # + 1 pushed out + 2 pulled in
    assert len(sheets["Flow deals"]) == 13 and len(sheets["Movers"]) == 9
    assert sheets["Summary"].set_index("Figure").loc["Won", "This week"] == 2100
    assert pack.xlsx(review, "zh", "USD", "全部", AS_OF)[:2] == b"PK"
    limited = pack.workbook(review, "en", "USD", limit=2)
    assert len(limited["Movers"]) == 2 and limited["Notes"]["Notes"].tolist() == [
        "Movers: the largest 2 of 9 deals.",
        "At risk: the largest 2 of 3 deals.",
    ]
    page = pack.html_pack(review, "en", "USD", "All deals", AS_OF).decode("utf-8")
    assert "Plotly.newPlot" in page and 'src="http' not in page  # the chart and its library, inlined
    assert "Acme – nine" in page and "Stage Quote &amp; negotiation" not in page  # W9 was won: 'Won'
    zh = pack.html_pack(review, "zh", "USD", "全部", AS_OF).decode("utf-8")
    assert "管道变动" in zh and 'lang="zh-CN"' in zh


def test_what_changed_texts(review):
    from salesdash import pack

    text = pack.movers_table(review.movers, "en", "USD").set_index("Deal")["What changed"]
    assert text["Acme – three"] == "Stage Needs analysis → Solution design · Amount $500 → $600"
    assert text["Acme – five"] == "Close 25 Jun 2025 → 28 Jun 2025 (+3 d)"
    assert text["Acme – seven"] == "Close 20 Jul 2025 → 27 Jun 2025 (−23 d) · Forecast Best case → Commit"
    assert text["Bolt – eight"].startswith("Reopened")
    assert text["Acme – nine"] == "Won · Amount $1.00K → $1.20K"
    risk = pack.risk_table(review.at_risk, "en", "USD").set_index("Deal")["Why"]
    assert risk["Acme – five"] == "Close date slipped 2×"
    assert risk["Acme – three"] == "No activity for 78 d"  # created Apr 1, never touched, as of Jun 18


def test_forecast_p50_by_hand():
    from salesdash.forecast import Learned
    from salesdash.weekly_risk import forecast_p50

    # Two open deals and one won deal; the stage defaults stand (no learned row), one age band halves Quote's chance
    flow = pd.DataFrame(
        {
            "deal_key": [1, 2, 3],
            "stage_0": ["Needs analysis", "Lead identification", "Won"],
            "stage_1": ["Quote & negotiation", "Lead identification", "Won"],
            "amount_0": [1000.0, 500.0, 100.0],
            "amount_1": [1000.0, 500.0, 100.0],
            "age_0": [3.0, 2.0, float("nan")],
            "age_1": [12.0, 9.0, float("nan")],
            "customer_type": ["Enterprise"] * 3,
            "channel": ["Direct"] * 3,
            "in_start": [True, False, False],
            "in_end": [True, True, False],
            "won_0": [False, False, False],
            "won_1": [False, False, True],
        }
    )
    stages = pd.DataFrame(
        {
            "stage": ["Lead identification", "Needs analysis", "Quote & negotiation"],
            "default_probability": [0.2, 0.4, 0.9],
        }
    )
    no_rows = pd.DataFrame(columns=["stage", "customer_type", "channel", "probability", "source"])
    plain = Learned(date(2025, 6, 18), no_rows, pd.DataFrame(columns=["stage", "band", "min_days", "factor"]))
    # start: 1000 at p .4 alone -> nothing in 60% of the runs: median 0; nothing won yet
    # end: won 100; 1000 at .9 and 500 at .2 -> 0 (.08), 500 (.02), 1000 (.72), 1500 (.18): the 50% is reached
    #      at 1000, so 100 + 1000 = 1100
    assert forecast_p50(flow, plain, stages) == (0.0, 1100.0)
    # Quote deals 10 days or more in the stage win half as often: 1000 at .45 by the end (12 days) ->
    # 0 (.44), 500 (.11), 1000 (.36), 1500 (.09): the 50% is reached at 500, so 100 + 500 = 600
    factors = pd.DataFrame(
        {"stage": ["Quote & negotiation"] * 2, "band": [0, 1], "min_days": [0.0, 10.0], "factor": [1.0, 0.5]}
    )
    aged = Learned(date(2025, 6, 18), no_rows, factors)
    assert forecast_p50(flow, aged, stages) == (0.0, 600.0)
