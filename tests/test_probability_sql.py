"""The weighted pipeline summed per rep in SQL (reps_board.sql with probability.sql_params) against the pandas
rule (probability.apply_probabilities), on a fixture with every fallback: a learned segment, a segment too
small to learn (stage default), a segment never seen (stage default), a blank customer type and a blank
channel learned as segments of their own, a stage the stages table does not know (0), a blank amount (0),
a deal without a rep and a rep missing from the reps table.

Learned as of Jun 30 from 130 deals closed Mar 1 (rep RH, closed outside the period: not on the board):
- Enterprise x Direct: 12 won, 18 lost at Lead -> Lead 12 / 30 = 0.4 (learned); Qualification reached by
  the 12 won only -> 12 closed < 30 -> default 0.2
- blank customer type x Direct: 15 won, 15 lost at Lead -> Lead 15 / 30 = 0.5 (learned); Qualification
  15 closed -> default 0.2
- Enterprise x blank channel: 10 won, 30 lost at Qualification -> Lead and Qualification 10 / 40 = 0.25
- Small business x Online: nothing closed -> no learned row, stage defaults (Lead 0.1)
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from salesdash import db, probability, reps
from salesdash.filters import Filters

AS_OF = date(2025, 6, 30)
F = Filters(date_from=date(2025, 4, 1), date_to=AS_OF, as_of=AS_OF)


def deal(deal_id, account, rep, ch, stage, status, amount=10.0):
    return {
        "deal_id": deal_id, "account_id": account, "rep_id": rep, "channel": ch, "amount": amount,
        "created_on": date(2025, 1, 1), "closed_on": None if status == "open" else date(2025, 3, 1),
        "stage": stage, "status": status,
    }  # fmt: skip


def closed(prefix, account, ch, won, lost, lost_at):
    return [deal(f"{prefix}W{i}", account, "RH", ch, "Won", "won") for i in range(won)] + [
        deal(f"{prefix}L{i}", account, "RH", ch, lost_at, "lost") for i in range(lost)
    ]


OPEN = [
    # deal, account, rep, channel, stage, amount            p                          weighted
    ("OA", "ENT", "R1", "Direct", "Lead", 1000.0),  # learned 0.4                  400
    ("OB", "ENT", "R1", "Direct", "Qualification", 500.0),  # too few closed: 0.2  100
    ("OC", "GHOST", "R1", "Direct", "Lead", 200.0),  # blank customer type: 0.5    100
    ("OD", "SMB", "R2", "Online", "Lead", 300.0),  # never closed: default 0.1     30
    ("OE", "ENT", "R2", "Direct", "Mystery", 700.0),  # unknown stage: 0            0
    ("OF", "ENT", "R2", None, "Qualification", 80.0),  # blank channel: 0.25       20
    ("OG", "ENT", "R2", "Direct", "Lead", None),  # no amount                       0
    ("OH", "GHOST", "R3", "Direct", "Qualification", 100.0),  # default 0.2         20
    ("OI", "ENT", None, "Direct", "Lead", 50.0),  # no rep: 0.4                     20
    ("OJ", "ENT", "RX", "Direct", "Lead", 10.0),  # rep not in the reps table: 0.4  4
]


@pytest.fixture(scope="module")
def conn(tmp_path_factory):
    rows = closed("E", "ENT", "Direct", 12, 18, "Lead") + closed("G", "GHOST", "Direct", 15, 15, "Lead")
    rows += closed("N", "ENT", None, 10, 30, "Qualification")
    rows += [deal(d, a, r, ch, s, "open", amount) for d, a, r, ch, s, amount in OPEN]
    stages = pd.DataFrame(
        {"stage": ["Lead", "Qualification", "Won", "Lost"], "position": [1, 2, 3, 4],
         "kind": ["open", "open", "won", "lost"], "default_probability": [0.1, 0.2, 1.0, 0.0]}
    )  # fmt: skip
    accounts = pd.DataFrame({"account_id": ["ENT", "SMB"], "customer_type": ["Enterprise", "Small business"]})
    people = pd.DataFrame(
        {"rep_id": ["R1", "R2", "R3", "RH"], "name": ["One", "Two", "Three", "History"], "team": ["T1", "T1", "T2", "T2"]}
    )
    tables = {"stages": stages, "accounts": accounts, "reps": people, "deals": pd.DataFrame(rows)}
    path = tmp_path_factory.mktemp("prob_sql") / "prob_sql.duckdb"
    db.build_database_file(path, lambda c: db.load_tables(c, tables))
    c = db.open_company(path)
    yield c
    c.close()


def test_the_fixture_learns_what_the_docstring_says(conn):
    p = probability.stage_win_probabilities(conn, F)
    assert (p["source"] == "learned").sum() == 4
    rows = p.set_index(["stage", "customer_type", "channel"])
    assert rows.loc[("Lead", "Enterprise", "Direct"), "probability"] == pytest.approx(0.4)
    assert rows.loc[("Qualification", "Enterprise", "Direct"), "source"] == "default"
    blank_type = p[p["customer_type"].isna() & (p["stage"] == "Lead")]
    assert blank_type["probability"].tolist() == [pytest.approx(0.5)]
    blank_channel = p[p["channel"].isna()].set_index("stage")
    assert blank_channel["probability"].to_dict() == {"Lead": pytest.approx(0.25), "Qualification": pytest.approx(0.25)}
    assert not ((p["customer_type"] == "Small business") | (p["stage"] == "Mystery")).any()


def _by_key(rows: pd.DataFrame) -> dict[object, float]:
    """weighted_pipeline by the row's key, a blank key as None."""
    keys = rows["key"].astype(object).where(rows["key"].notna(), None)
    return dict(zip(keys, rows["weighted_pipeline"], strict=True))


def test_sql_weighting_per_rep_by_hand(conn):
    board = reps.performance(conn, F)
    by_rep = _by_key(reps.rows(board, "rep"))
    # R1 400 + 100 + 100; R2 30 + 0 + 20 + 0; R3 20; no rep 20; RX 4
    assert by_rep == {
        "R1": pytest.approx(600), "R2": pytest.approx(50), "R3": pytest.approx(20), None: pytest.approx(20), "RX": pytest.approx(4)
    }  # fmt: skip
    team = _by_key(reps.rows(board, "team"))
    # T1 = R1 + R2; T2 = R3 (RH has nothing in the period); the reps without a team: no rep + RX
    assert team == {"T1": pytest.approx(650), "T2": pytest.approx(20), None: pytest.approx(24)}
    assert reps.rows(board, "total")["weighted_pipeline"].iloc[0] == pytest.approx(694)


def test_sql_weighting_matches_the_pandas_rule(conn):
    for f in (F, Filters(date_from=date(2025, 4, 1), date_to=AS_OF, as_of=AS_OF, channels=("Direct",))):
        deals = probability.weighted_pipeline(conn, f)
        expected = deals.groupby(deals["rep_id"].fillna("(none)"))["weighted_learned"].sum()
        board = reps.rows(reps.performance(conn, f), "rep")
        got = board.set_index(board["rep_id"].fillna("(none)"))["weighted_pipeline"]
        assert got.sort_index().to_dict() == pytest.approx(expected.sort_index().to_dict())
        assert len(got) == len(expected)


def test_learned_probabilities_are_reused_only_for_their_day(conn):
    learned = probability.learned_probabilities(conn, AS_OF)
    assert set(learned["as_of"]) == {AS_OF}
    cached = reps.performance(conn, F, learned)
    pd.testing.assert_frame_equal(cached, reps.performance(conn, F))
    # learned for another day (nothing closed yet on Feb 1): ignored, the board learns for its own day
    stale = probability.learned_probabilities(conn, date(2025, 2, 1))
    assert stale.empty or set(stale["as_of"]) == {date(2025, 2, 1)}
    wrong_day = probability.learned_probabilities(conn, AS_OF).assign(as_of=date(2025, 2, 1), probability=0.0)
    pd.testing.assert_frame_equal(reps.performance(conn, F, wrong_day), cached)


def test_sql_params_send_blanks_as_null():
    table = pd.DataFrame(
        {"stage": ["Lead"], "customer_type": [float("nan")], "channel": [None], "probability": [float("nan")]}
    )
    assert probability.sql_params(table) == {
        "learned_stage": ["Lead"], "learned_customer_type": [None], "learned_channel": [None], "learned_probability": [None]
    }  # fmt: skip
