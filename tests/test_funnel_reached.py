"""The cohort funnel of the tiny fixture, worked out by hand."""

from __future__ import annotations

import pytest

from salesdash.funnel import reached_by_stage


def test_reached_by_stage(tiny, q2_2025):
    table = reached_by_stage(tiny, q2_2025).set_index("stage")
    # cohort created in Q2: D3 (lost at Needs analysis, furthest 3), D4 (went to Quote, came back: 5),
    # D5 (open in Qualification: 2), D8 (won: 6)
    assert table["reached"].to_dict() == {
        "Lead identification": 4,
        "Qualification": 4,
        "Needs analysis": 3,  # D3, D4, D8
        "Solution design": 2,  # D4, D8
        "Quote & negotiation": 2,
        "Won": 1,
    }
    # values: all 300+400+500+700 = 1900; Needs 300+400+700 = 1400; Solution 400+700 = 1100; Won 700
    assert table.loc["Needs analysis", "reached_value"] == 1400
    assert table.loc["Solution design", "reached_value"] == 1100
    assert table.loc["Won", "reached_value"] == 700
    assert table.loc["Needs analysis", "pct_of_previous"] == pytest.approx(0.75)
    assert table.loc["Solution design", "pct_of_previous"] == pytest.approx(2 / 3)
    assert table.loc["Won", "pct_of_first"] == pytest.approx(0.25)
