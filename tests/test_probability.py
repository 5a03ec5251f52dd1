"""Learned win probabilities and the weighted pipeline, on a fixture built so the shares are round."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from salesdash import db
from salesdash.filters import Filters
from salesdash.probability import stage_win_probabilities, weighted_pipeline

AS_OF = date(2025, 6, 30)
F = Filters(date_from=date(2025, 4, 1), date_to=AS_OF, as_of=AS_OF)


def deal(deal_id, ct, ch, stage, status, amount=10.0, closed="2025-03-01"):
    return {
        "deal_id": deal_id, "account_id": ct, "rep_id": "R1", "channel": ch, "amount": amount,
        "created_on": date(2025, 1, 1), "closed_on": None if status == "open" else date.fromisoformat(closed),
        "stage": stage, "status": status,
    }  # fmt: skip


@pytest.fixture(scope="module")
def conn(tmp_path_factory):
    rows = []
    # Enterprise x Direct, 40 closed: 10 won, 20 lost at Qualification, 10 lost at Lead
    rows += [deal(f"W{i}", "ENT", "Direct", "Won", "won") for i in range(10)]
    rows += [deal(f"LQ{i}", "ENT", "Direct", "Qualification", "lost") for i in range(20)]
    rows += [deal(f"LL{i}", "ENT", "Direct", "Lead", "lost") for i in range(10)]
    # Enterprise x Partner, 5 closed: 1 won, 4 lost at Lead -> too few, defaults apply
    rows += [deal("PW", "ENT", "Partner", "Won", "won")] + [deal(f"PL{i}", "ENT", "Partner", "Lead", "lost") for i in range(4)]
    # closed after as_of: must not be learned from
    rows += [deal("LATE", "ENT", "Direct", "Won", "won", closed="2025-07-05")]
    rows += [
        deal("OA", "ENT", "Direct", "Qualification", "open", 300),
        deal("OB", "ENT", "Partner", "Lead", "open", 1000),
        deal("OC", "SMB", "Online", "Qualification", "open", 50),
        deal("OD", "ENT", "Direct", "Mystery", "open", 70),
    ]
    stages = pd.DataFrame(
        {"stage": ["Lead", "Qualification", "Won", "Lost"], "position": [1, 2, 3, 4],
         "kind": ["open", "open", "won", "lost"], "default_probability": [0.1, 0.2, 1.0, 0.0]}
    )  # fmt: skip
    accounts = pd.DataFrame({"account_id": ["ENT", "SMB"], "customer_type": ["Enterprise", "Small business"]})
    path = tmp_path_factory.mktemp("prob") / "prob.duckdb"
    db.build_database_file(path, lambda c: db.load_tables(c, {"stages": stages, "accounts": accounts, "deals": pd.DataFrame(rows)}))
    c = db.open_company(path)
    yield c
    c.close()


def test_learned_where_30_closed_else_default(conn):
    p = stage_win_probabilities(conn, F).set_index(["stage", "customer_type", "channel"])
    # Ent/Direct Lead: all 40 reached it, 10 won -> 0.25 (LATE closed after as_of is not counted)
    assert p.loc[("Lead", "Enterprise", "Direct"), "closed"] == 40
    assert p.loc[("Lead", "Enterprise", "Direct"), "probability"] == pytest.approx(0.25)
    # Qualification: 10 won + 20 lost there = 30 reached -> 10 / 30
    assert p.loc[("Qualification", "Enterprise", "Direct"), "probability"] == pytest.approx(1 / 3)
    assert p.loc[("Qualification", "Enterprise", "Direct"), "source"] == "learned"
    # Ent/Partner Lead: 5 closed, 1 won -> empirical 0.2 but fewer than 30: default 0.1
    assert p.loc[("Lead", "Enterprise", "Partner"), "empirical"] == pytest.approx(0.2)
    assert p.loc[("Lead", "Enterprise", "Partner"), "probability"] == pytest.approx(0.1)


def test_weighted_pipeline(conn):
    w = weighted_pipeline(conn, F).set_index("deal_id")
    assert sorted(w.index) == ["OA", "OB", "OC", "OD"]
    assert w.loc["OA", "weighted_learned"] == pytest.approx(100)  # 300 x 1/3
    assert w.loc["OA", "weighted_default"] == pytest.approx(60)  # 300 x 0.2
    assert w.loc["OB", "weighted_learned"] == pytest.approx(100)  # 1000 x default 0.1
    # Small business x Online never closed a deal: the Qualification default 0.2 -> 10
    assert (w.loc["OC", "weighted_learned"], w.loc["OC", "source"]) == (pytest.approx(10), "default")
    assert (w.loc["OD", "weighted_learned"], w.loc["OD", "source"]) == (0, "unknown_stage")
    # total learned = 100 + 100 + 10 + 0 = 210; naive = 60 + 100 + 10 + 0 = 170
    assert w["weighted_learned"].sum() == pytest.approx(210)
    assert w["weighted_default"].sum() == pytest.approx(170)
