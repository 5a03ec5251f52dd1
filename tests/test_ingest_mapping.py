"""The mapping: proposals, the user's corrections, the mapping file, and the template workbook."""

from __future__ import annotations

from datetime import date

import crm_fixtures as cf
import pytest

from salesdash import ingest
from salesdash.ingest import mapping, template
from salesdash.ingest.synonyms import normalise

OPTIONS = ingest.Options(today=date(2025, 11, 25))


def test_normalise_headers():
    assert normalise("Close Date") == normalise("CloseDate") == normalise("close_date") == "closedate"
    assert normalise("Deal - Title") == "title"
    assert normalise("Close Date (2)") == "closedate"
    assert normalise("商机名称") == "商机名称"


def test_confidence_and_how():
    result = ingest.analyse(cf.as_files(cf.hand_made(), "csv"), options=OPTIONS)
    by_column = {c.column: c for c in result.mappings[0].columns}
    assert (by_column["Deal"].field, by_column["Deal"].how, by_column["Deal"].confidence) == ("name", "header", 0.95)
    assert (by_column["Value ($)"].field, by_column["Value ($)"].how) == ("amount", "header")  # "($)" is punctuation
    assert (by_column["Closed"].field, by_column["Closed"].how) == ("closed_on", "values")


def test_user_correction_changes_the_data():
    files = cf.as_files(cf.hubspot(), "csv")
    first = ingest.analyse(files, options=OPTIONS)
    m = first.mappings[0]
    table = mapping.edit_table(m, first.sheets[0].frame)
    table.loc[table["column"] == "Deal Name", "field"] = ""  # the user says: do not use the deal name
    table.loc[table["column"] == "Pipeline", "field"] = "product"  # and take the pipeline as the product
    corrected = mapping.from_edit_table(m, "deals", table)
    assert {c.column: c.how for c in corrected.columns}["Pipeline"] == "user"
    second = ingest.analyse(files, overrides={m.source: corrected}, options=OPTIONS)
    deals = second.tables["deals"]
    assert "name" not in deals and set(deals["product"]) == {"Sales Pipeline"}
    assert second.dataset_id != first.dataset_id


def test_mapping_file_round_trip_maps_next_weeks_export():
    files = cf.as_files(cf.hubspot(), "csv")
    first = ingest.analyse(files, options=OPTIONS)
    m = first.mappings[0]
    table = mapping.edit_table(m, first.sheets[0].frame)
    table.loc[table["column"] == "Pipeline", "field"] = "product"
    saved = mapping.to_file([mapping.from_edit_table(m, "deals", table)], ["Appointment Scheduled"])
    # next week: another file name, one more column; the saved choices still apply
    export = cf.hubspot()
    rows = export.sheets["deals"]
    next_week = [[*rows[0], "Last Activity Date"], *([*r, ""] for r in rows[1:])]
    again = ingest.analyse([("hubspot-week-2.csv", cf.to_csv(next_week))], saved=mapping.from_file(saved), options=OPTIONS)
    assert set(again.tables["deals"]["product"]) == {"Sales Pipeline"}
    assert {c.column: c.how for c in again.mappings[0].columns}["Pipeline"] == "file"


def test_a_file_that_is_not_a_mapping():
    with pytest.raises(ValueError):
        mapping.from_file(b"not json")
    with pytest.raises(ValueError):
        mapping.from_file(b'{"something": 1}')


def test_ignored_sheet_rows_are_rejected_not_dropped():
    # a sheet that looks like nothing salesdash knows
    junk = cf.to_csv([["Colour", "Shape"], ["red", "round"], ["blue", "square"]])
    result = ingest.analyse([("notes.csv", junk), *cf.as_files(cf.zoho(), "csv")], options=OPTIONS)
    notes = result.report.summary().set_index("source").loc["notes.csv"]
    assert (notes["table"], notes["rows_read"], notes["rows_rejected"]) == ("", 2, 2)
    assert "sheet_not_recognised" in {p.key for p in result.report.problems}


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_template_maps_completely(lang):
    result = ingest.analyse([(f"template-{lang}.xlsx", template.template_xlsx(lang))], options=OPTIONS)
    for m, sheet in zip(result.mappings, result.sheets, strict=True):
        table = next(k for k, names in template.SHEET_NAMES.items() if sheet.sheet in names)
        assert m.table == table
        assert {c.field for c in m.columns} == {f for f, *_ in template.COLUMNS[table]}
    assert result.report.summary()["rows_rejected"].sum() == 0
    assert result.row_counts()["deals"] == 3 and result.row_counts()["surveys"] == 2


def test_user_day_month_order():
    rows = [["Deal ID", "Amount", "Stage", "Created Date"], ["D1", "100", "Won", "03/05/2025"], ["D2", "200", "Won", "04/06/2025"]]
    files = [("dates.csv", cf.to_csv(rows))]
    first = ingest.analyse(files, options=OPTIONS)
    assert [p.key for p in first.report.problems] == ["date_order_assumed"]
    assert first.tables["deals"]["created_on"].dt.date.tolist() == [date(2025, 3, 5), date(2025, 4, 6)]
    m = first.mappings[0]
    m.date_order["Created Date"] = "dmy"  # the user: these are day-first
    second = ingest.analyse(files, overrides={m.source: m}, options=OPTIONS)
    assert second.tables["deals"]["created_on"].dt.date.tolist() == [date(2025, 5, 3), date(2025, 6, 4)]
    saved = mapping.from_file(mapping.to_file(second.mappings))
    third = ingest.analyse(files, saved=saved, options=OPTIONS)
    assert third.tables["deals"]["created_on"].dt.date.tolist() == [date(2025, 5, 3), date(2025, 6, 4)]


def test_stage_order_travels_in_the_mapping_file():
    files = cf.as_files(cf.hand_made(), "csv")
    first = ingest.analyse(files, options=OPTIONS)
    assert first.stage_how == "known"
    saved = mapping.from_file(mapping.to_file(first.mappings, ["Proposal"]))
    again = ingest.analyse(files, saved=saved, options=OPTIONS)
    assert again.stage_how == "user" and again.open_stages == ["Proposal"]


def test_the_satisfaction_survey_template_maps_completely():
    import pandas as pd

    from salesdash import export
    from salesdash.survey_sheet import SURVEY_COLUMNS, survey_template

    header = list(survey_template().columns)  # "nps / 推荐值 (0–10)", …
    rows = pd.DataFrame([["S1", "Acme", "", "", "2025-05-01", 9, 5, 4, 4, 5, "good"]], columns=header)
    result = ingest.analyse([("surveys.xlsx", export.to_xlsx_bytes({"surveys": rows}))], options=OPTIONS)
    m = result.mappings[0]
    assert m.table == "surveys" and [c.field for c in m.columns] == list(SURVEY_COLUMNS)
    assert result.row_counts()["surveys"] == 1
