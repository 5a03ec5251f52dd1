"""Downloads: formula-like cells are neutralised; the XLSX opens with its data intact."""

from __future__ import annotations

import io

import pandas as pd
from python_calamine import CalamineWorkbook

from salesdash import export


def test_formula_cells_are_neutralised_and_numbers_kept():
    df = pd.DataFrame({"name": ["=HYPERLINK(\"x\")", "+1", "-2", "@SUM(A1)", "ok", "客户"], "amount": [1, -2, 3, 4, 5, 6]})
    safe = export.neutralise(df)
    assert safe["name"].tolist() == ["'=HYPERLINK(\"x\")", "'+1", "'-2", "'@SUM(A1)", "ok", "客户"]
    assert safe["amount"].tolist() == [1, -2, 3, 4, 5, 6]
    csv = export.to_csv_bytes(df).decode("utf-8-sig")
    assert "'=HYPERLINK" in csv and "客户" in csv


def test_xlsx_has_one_sheet_per_table_with_values():
    a = pd.DataFrame({"stage": ["Won", "=cmd"], "deals": [3, 4]})
    b = pd.DataFrame({"x": [1.5, float("nan")], "label": ["a", None]})  # missing values must not break sizing
    data = export.to_xlsx_bytes({"Funnel: by stage/value": a, "Other": b})
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    assert book.sheet_names == ["Funnel  by stage value", "Other"]
    rows = book.get_sheet_by_index(0).to_python()
    assert rows == [["stage", "deals"], ["Won", 3.0], ["'=cmd", 4.0]]


def test_sheet_names_are_unique_and_short():
    taken: set[str] = set()
    names = [export.sheet_name("A" * 40, taken) for _ in range(3)]
    assert len(set(names)) == 3 and all(len(n) <= 31 for n in names)
