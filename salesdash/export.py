"""Tables as files a manager can mail: CSV and XLSX, safe to open in Excel.

A cell that starts with = + - @ (or a tab / carriage return) would run as a formula in a
spreadsheet (CSV injection), so text cells like that get a leading apostrophe. Numbers stay numbers.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping

import pandas as pd

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")


def neutralise(df: pd.DataFrame) -> pd.DataFrame:
    """A copy whose text cells cannot be read as formulas; column names too."""
    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(_safe_cell)
    out.columns = [_safe_cell(str(c)) for c in out.columns]
    return out


def _safe_cell(value: object) -> object:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def to_csv_bytes(df: pd.DataFrame) -> bytes:
    """UTF-8 with BOM so Excel opens Chinese text correctly."""
    return neutralise(df).to_csv(index=False).encode("utf-8-sig")


def sheet_name(name: str, taken: set[str]) -> str:
    """A valid, unique Excel sheet name (max 31 chars, no []:*?/\\)."""
    base = _SHEET_BAD.sub(" ", name).strip()[:31] or "Sheet"
    candidate, n = base, 2
    while candidate.lower() in {t.lower() for t in taken}:
        suffix = f" ({n})"
        candidate, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(candidate)
    return candidate


def to_xlsx_bytes(sheets: Mapping[str, pd.DataFrame]) -> bytes:
    """One workbook, one sheet per table, header row frozen, columns sized to their content."""
    buffer = io.BytesIO()
    taken: set[str] = set()
    with pd.ExcelWriter(buffer, engine="xlsxwriter") as writer:
        for name, df in sheets.items():
            safe = neutralise(df)
            title = sheet_name(name, taken)
            safe.to_excel(writer, sheet_name=title, index=False)
            sheet = writer.sheets[title]
            sheet.freeze_panes(1, 0)
            for i, col in enumerate(safe.columns):
                sample = safe[col].head(200)
                width = max([len(str(col)), *(len(str(v)) for v in sample)], default=8)
                sheet.set_column(i, i, min(max(width + 2, 8), 60))
    return buffer.getvalue()
