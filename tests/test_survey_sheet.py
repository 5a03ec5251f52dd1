"""Uploaded survey rows: out-of-range and malformed scores are rejected with a reason, nothing is lost;
the template's survey sheet reads back through the same check."""

from __future__ import annotations

import io
from datetime import date

import pandas as pd
import pytest

from salesdash import db, satisfaction
from salesdash.survey_sheet import SURVEY_COLUMNS, contract_name, template_header, validate_survey_rows


def rows(*records: dict[str, object]) -> pd.DataFrame:
    base = {"response_id": None, "submitted_on": "2025-05-01", "nps": None, "csat": None}
    return pd.DataFrame([base | r for r in records])


def test_valid_rows_are_typed_and_keep_their_index():
    frame = rows(
        {"response_id": "S1", "nps": 10, "csat": "5", "comment": "很好"},
        {"response_id": 17.0, "nps": 9.0, "submitted_on": "2025/5/2"},  # Excel floats and slashes
    )
    valid, rejected = validate_survey_rows(frame)
    assert rejected.empty
    assert list(valid.columns) == list(SURVEY_COLUMNS)
    assert list(valid["response_id"]) == ["S1", "17"]
    assert list(valid["nps"]) == [10, 9] and str(valid["nps"].dtype) == "Int64"
    assert list(valid["submitted_on"]) == [date(2025, 5, 1), date(2025, 5, 2)]
    assert valid["csat"].isna().iloc[1]  # a blank score is allowed, stored as missing


@pytest.mark.parametrize(
    ("record", "reason"),
    [
        ({"nps": 11}, "nps 11 is outside 0–10"),
        ({"nps": -1}, "nps -1 is outside 0–10"),
        ({"csat": 0}, "csat 0 is outside 1–5"),
        ({"nps": 5, "response_speed": 6}, "response_speed 6 is outside 1–5"),
        ({"nps": 5, "product_quality": "7"}, "product_quality 7 is outside 1–5"),
        ({"nps": 8.5}, "nps 8.5 is not a whole number"),
        ({"nps": "very good"}, "nps 'very good' is not a number"),
        ({"nps": 5, "submitted_on": "not a date"}, "submitted_on 'not a date' is missing or not a date"),
        ({"nps": 5, "submitted_on": None}, "submitted_on '' is missing or not a date"),
        ({}, "no score at all"),
    ],
)
def test_bad_rows_are_rejected_with_a_reason(record, reason):
    frame = rows({"response_id": "OK", "nps": 7}, {"response_id": "BAD"} | record)
    valid, rejected = validate_survey_rows(frame)
    assert list(valid["response_id"]) == ["OK"]
    assert list(rejected["response_id"]) == ["BAD"]
    assert reason in rejected["reason"].iloc[0]
    assert rejected.index[0] == 1  # the input's row position travels with the reject


def test_every_reason_of_a_row_is_listed_and_no_row_is_lost():
    frame = rows(
        {"response_id": "A", "nps": 12, "csat": 9},
        {"response_id": None, "nps": 5},
        {"response_id": "A", "nps": 5},  # duplicate of the first (which is itself rejected, but its id was seen)
        {"response_id": "C", "nps": 3, "csat": 2},
    )
    valid, rejected = validate_survey_rows(frame)
    assert len(valid) + len(rejected) == len(frame)
    reasons = dict(zip(rejected.index, rejected["reason"], strict=True))
    assert reasons[0] == "nps 12 is outside 0–10; csat 9 is outside 1–5"
    assert reasons[1] == "response_id is missing"
    assert reasons[2] == "response_id A appears more than once (the first row is kept)"
    assert list(valid["response_id"]) == ["C"]
    assert rejected.loc[0, "nps"] == 12  # the reject keeps what was uploaded


def test_reasons_in_chinese():
    _, rejected = validate_survey_rows(rows({"response_id": "X", "nps": 11}), "zh")
    assert rejected["reason"].iloc[0] == "nps 11 超出范围 0–10"


def test_valid_rows_load_into_the_contract_table():
    frame = rows({"response_id": "S1", "nps": 10, "csat": 5, "product_quality": 4, "comment": "快"})
    valid, _ = validate_survey_rows(frame)
    conn = db.new_memory_db()
    db.load_tables(conn, {"surveys": valid})
    assert db.query_rows(conn, "SELECT response_id, nps, product_quality, comment FROM surveys") == [
        ("S1", 10, 4, "快")
    ]


def test_headers_in_english_chinese_or_both():
    assert contract_name("nps") == "nps"
    assert contract_name(" NPS ") == "nps"
    assert contract_name("Response Speed") == "response_speed"
    assert contract_name(template_header("response_speed")) == "response_speed"
    assert contract_name("响应速度 (1–5)") == "response_speed"
    assert contract_name("anything else") is None


def test_template_round_trip():
    data = satisfaction.survey_template_xlsx()
    sheets = pd.read_excel(io.BytesIO(data), sheet_name=None, engine="calamine")
    assert list(sheets) == ["surveys", "instructions 说明"]
    headers = list(sheets["surveys"].columns)
    assert headers[0] == "response_id / 回复编号"
    assert "nps / 推荐值 (0–10)" in headers
    assert [contract_name(h) for h in headers] == list(SURVEY_COLUMNS)
    filled = pd.DataFrame([["R1", "A1", None, "R9", "2025-05-01", 9, 5, 5, 4, 3, "满意"]], columns=headers)
    valid, rejected = validate_survey_rows(filled)
    assert rejected.empty and valid.iloc[0]["nps"] == 9 and valid.iloc[0]["comment"] == "满意"
    guide = sheets["instructions 说明"]
    assert len(guide) == len(SURVEY_COLUMNS) and guide["说明"].str.len().min() > 0
