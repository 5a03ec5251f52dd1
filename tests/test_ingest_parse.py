"""Values as CRMs and people write them (salesdash.ingest.parse)."""

from __future__ import annotations

import codecs
from datetime import date, datetime

import pandas as pd
import pytest

from salesdash.ingest import parse, stages


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1234", 1234), ("USD 485,000.00", 485_000), ("$1,234.50", 1234.5), ("€ 12", 12), ("¥12.5万", 125_000),
        ("(300)", -300), ("-12", -12), ("12-", -12), ("1.2k", 1200), ("3.5M", 3_500_000), ("2bn", 2e9),
        ("12万", 120_000), ("12万元", 120_000), ("1.2亿", 120_000_000), ("1.234,56", 1234.56), ("1 234", 1234),
        ("1,5", 1.5), ("1.234.567", 1_234_567), ("", None),
    ],
)  # fmt: skip
def test_amounts(text, value):
    assert parse.parse_amount(text) == value


@pytest.mark.parametrize("text", ["TBD", "12abc", "1,23,4", "--5"])
def test_unreadable_amounts(text):
    with pytest.raises(ValueError):
        parse.parse_amount(text)


def test_amount_column_marks_unreadable_cells():
    values, bad = parse.parse_amounts(pd.Series(["1", "2.5", "$3", "x", ""]))
    assert values.tolist()[:3] == [1, 2.5, 3] and values.isna().tolist()[3:] == [True, True]
    assert bad.tolist() == [False, False, False, True, False]  # blank is not unreadable


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("2024-03-05", datetime(2024, 3, 5)), ("2024-03-05 14:22:01", datetime(2024, 3, 5, 14, 22, 1)),
        ("2024-03-05T10:00:00.000Z", datetime(2024, 3, 5, 10)), ("2024/3/5", datetime(2024, 3, 5)),
        ("2024年3月5日", datetime(2024, 3, 5)), ("45356", datetime(2024, 3, 5)), ("Mar 5, 2024", datetime(2024, 3, 5)),
        ("5-Mar-24", datetime(2024, 3, 5)), ("20240305", datetime(2024, 3, 5)), ("2024-02-30", None), ("soon", None),
    ],
)  # fmt: skip
def test_dates(text, value):
    assert parse.parse_date(text) == value


def test_day_month_order_is_decided_per_column():
    # 13/05 can only be day-first, so 03/05 in the same column is 3 May
    values, decided = parse.parse_dates(pd.Series(["03/05/2024", "13/05/2024"]))
    assert [v.date() for v in values] == [date(2024, 5, 3), date(2024, 5, 13)]
    assert decided == parse.DateColumn("dmy", ambiguous=False, conflicting=False)
    values, decided = parse.parse_dates(pd.Series(["03/05/24", "03/25/24"]))
    assert [v.date() for v in values] == [date(2024, 3, 5), date(2024, 3, 25)] and decided.order == "mdy"
    # nothing tells: "/" is read month-first and "." day-first, and the choice is reported as assumed
    assert parse.parse_dates(pd.Series(["03/05/2024"]))[1] == parse.DateColumn("mdy", True, False)
    assert parse.parse_dates(pd.Series(["03.05.2024"]))[1] == parse.DateColumn("dmy", True, False)
    # the user's choice wins
    values, _ = parse.parse_dates(pd.Series(["03/05/2024"]), order="dmy")
    assert values.iloc[0].date() == date(2024, 5, 3)


def test_won_lost_words():
    words = ["Closed Won", "won", "赢单", "成交", "Closed Lost", "Lost", "输单", "丢单", "Closed Lost to Competition", "Open", "Engaging", ""]
    assert [parse.status_word(w) for w in words] == ["won"] * 4 + ["lost"] * 5 + ["open", None, None]


def test_probabilities_are_fractions():
    assert parse.parse_probabilities(pd.Series(["90%", "10", "50"]))[0].tolist() == [0.9, 0.1, 0.5]
    assert parse.parse_probabilities(pd.Series(["0.9", "0.1"]))[0].tolist() == [0.9, 0.1]


def test_periods():
    assert parse.quarter_or_month("2025-Q4") == (date(2025, 10, 1), date(2025, 12, 31))
    assert parse.quarter_or_month("Q1 2025") == (date(2025, 1, 1), date(2025, 3, 31))
    assert parse.quarter_or_month("2025年3月") == (date(2025, 3, 1), date(2025, 3, 31))


def test_stage_order_from_history_probability_names_and_counts():
    history = pd.DataFrame({"deal_id": ["a", "a", "a", "b", "b"], "changed_at": [1, 2, 3, 1, 2],
                            "stage": ["Intro", "Pitch", "Deal talk", "Intro", "Pitch"]})
    got = stages.order_stages(pd.Series(["Pitch", "Deal talk", "Intro"]), ["Won"], ["Lost"], sequences=history)
    assert got.how == "history" and got.table["stage"].tolist() == ["Intro", "Pitch", "Deal talk", "Won", "Lost"]
    probs = pd.DataFrame({"stage": ["Zeta", "Alpha", "Mid"], "probability": [0.9, 0.1, 0.5]})
    got = stages.order_stages(pd.Series(["Zeta", "Alpha", "Mid"]), [], [], probabilities=probs)
    assert got.how == "probability" and got.table["stage"].tolist()[:3] == ["Alpha", "Mid", "Zeta"]
    assert got.table["default_probability"].tolist()[:3] == [0.1, 0.5, 0.9]
    got = stages.order_stages(pd.Series(["Negotiation/Review", "Prospecting", "Qualification"]), [], [])
    assert got.how == "known" and got.table["stage"].tolist()[:3] == ["Prospecting", "Qualification", "Negotiation/Review"]
    # 3 deals at Foo, 2 at Bar, 1 at Baz: a funnel narrows, so Foo, Bar, Baz (a guess, said so)
    got = stages.order_stages(pd.Series(["Baz", "Bar", "Bar", "Foo", "Foo", "Foo"]), [], [])
    assert got.how == "deal_counts" and got.table["stage"].tolist()[:3] == ["Foo", "Bar", "Baz"]
    got = stages.order_stages(pd.Series(["Baz", "Bar", "Foo"]), [], [], user_order=("Baz", "Foo", "Bar"))
    assert got.how == "user" and got.table["stage"].tolist()[:3] == ["Baz", "Foo", "Bar"]
    assert got.table["kind"].tolist() == ["open", "open", "open", "won", "lost"]


def test_utf8_is_told_from_the_bytes():
    from salesdash.ingest.textfile import _utf8

    text = "Deal,金额\nD1,12万\n"
    assert _utf8(text.encode("utf-8")) == "utf-8"
    assert _utf8(codecs.BOM_UTF8 + text.encode("utf-8")) == "utf-8-sig"
    assert _utf8(b"") == "utf-8"
    for other in (text.encode("gb18030"), text.encode("utf-16"), "Café,1\n".encode("cp1252")):
        assert _utf8(other) is None
    assert _utf8(text.encode("utf-8")[:-4] + b"\xe4\xb8") is None  # a character cut off at the end
    assert _utf8(b"a,b\n" * 1000 + b"\xff\n") is None  # far from the start
