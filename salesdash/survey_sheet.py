"""Survey rows from a spreadsheet: the template sheet to fill in, and the check every uploaded row passes.

The template's survey sheet has the columns of the data contract's `surveys` table, each headed in
English and Chinese (`nps / 推荐值 (0–10)`), plus an instructions sheet. `validate_survey_rows`
reads those headers back (English, bilingual or Chinese), and splits the rows into those that can be
loaded and those rejected with a reason, so no row is lost silently (DESIGN.md, "Bad input").

How the upload calls it, after mapping its columns to contract names (or leaving template headers):

    valid, rejected = validate_survey_rows(frame, lang)
    db.load_tables(conn, {"surveys": valid})        # typed, contract columns only
    # len(valid) + len(rejected) == len(frame); rejected keeps the input's cells, its index and `reason`
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from salesdash import export, i18n

# contract column -> (low, high) for score columns; None for the others
SURVEY_COLUMNS: dict[str, tuple[int, int] | None] = {
    "response_id": None,
    "account_id": None,
    "deal_id": None,
    "rep_id": None,
    "submitted_on": None,
    "nps": (0, 10),
    "csat": (1, 5),
    "product_quality": (1, 5),
    "service_attitude": (1, 5),
    "response_speed": (1, 5),
    "comment": None,
}
SCORES = tuple(name for name, scale in SURVEY_COLUMNS.items() if scale)
REQUIRED = ("response_id", "submitted_on")
HEADER_SEPARATOR = " / "
REASON = "reason"


def template_header(column: str) -> str:
    """The bilingual header of a contract column in the template: `nps / 推荐值 (0–10)`."""
    return f"{column}{HEADER_SEPARATOR}{i18n.t(f'satisfaction.field.{column}', 'zh')}"


def survey_template() -> pd.DataFrame:
    """The empty survey sheet: one column per contract field, headed in English and Chinese."""
    return pd.DataFrame({template_header(c): pd.Series(dtype="str") for c in SURVEY_COLUMNS})


def template_guide() -> pd.DataFrame:
    """One row per survey column: header, meaning in English and Chinese, allowed values, required."""
    rows = []
    for column, scale in SURVEY_COLUMNS.items():
        allowed = f"{scale[0]}–{scale[1]}" if scale else ("YYYY-MM-DD" if column == "submitted_on" else "")
        rows.append(
            {
                "column / 列": template_header(column),
                "meaning": i18n.t(f"satisfaction.field_help.{column}", "en"),
                "说明": i18n.t(f"satisfaction.field_help.{column}", "zh"),
                "allowed / 取值": allowed,
                "required / 必填": "yes / 是" if column in REQUIRED else "",
            }
        )
    return pd.DataFrame(rows)


def survey_template_xlsx() -> bytes:
    """The template workbook: sheet `surveys` to fill in and a bilingual instructions sheet."""
    return export.to_xlsx_bytes({"surveys": survey_template(), "instructions 说明": template_guide()})


def contract_name(header: object) -> str | None:
    """The contract column a header stands for: `nps`, `NPS`, `nps / 推荐值 (0–10)` or `推荐值 (0–10)`."""
    text = str(header).strip()
    head = text.split(HEADER_SEPARATOR.strip())[0].strip().lower().replace(" ", "_")
    if head in SURVEY_COLUMNS:
        return head
    for column in SURVEY_COLUMNS:
        if text == i18n.t(f"satisfaction.field.{column}", "zh"):
            return column
    return None


def _text(values: pd.Series) -> pd.Series:
    """Cells as trimmed text, blanks as missing (Excel ids may arrive as floats: 12.0 -> '12')."""

    def one(v: Any) -> Any:
        if v is None or (isinstance(v, float) and v != v) or v is pd.NA or v is pd.NaT:
            return None
        if isinstance(v, float) and v.is_integer():
            v = int(v)
        s = str(v).strip()
        return s or None

    return values.map(one).astype("object")


def validate_survey_rows(frame: pd.DataFrame, lang: str = "en") -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split survey rows into (valid, rejected).

    `frame` has contract column names or the template's headers (other columns are ignored).
    A row is rejected, with every reason joined by "; " in column `reason` (in `lang`), when:
    its response_id or submitted_on is missing or not a date; a score is not a whole number or lies
    outside its scale (NPS 0–10; CSAT, product quality, service attitude, response speed 1–5); it
    carries no score at all; or its response_id repeats an earlier row (the first is kept).
    `valid` has exactly the contract columns, typed (str ids and comment, date, Int64 scores), and
    keeps the input's index; `rejected` keeps the input's cells as given, its index, plus `reason`.
    """
    renamed = {c: contract_name(c) for c in frame.columns}
    source = frame.rename(columns={c: n for c, n in renamed.items() if n}).loc[:, lambda d: ~d.columns.duplicated()]
    rows = pd.DataFrame(index=frame.index)
    reasons: list[pd.Series] = []

    def reason(mask: pd.Series, key: str, **values: Any) -> None:
        text = pd.Series("", index=frame.index, dtype="object")
        text[mask] = [i18n.t(f"satisfaction.reject.{key}", lang, **{k: _v(v, i) for k, v in values.items()})
                      for i in mask[mask].index]  # fmt: skip
        reasons.append(text)

    for column in ("response_id", "account_id", "deal_id", "rep_id", "comment"):
        rows[column] = _text(source[column]) if column in source else None
    reason(rows["response_id"].isna(), "missing_id")

    raw_dates = source["submitted_on"] if "submitted_on" in source else pd.Series(None, index=frame.index)
    dates = pd.to_datetime(_text(raw_dates), errors="coerce", format="mixed")
    rows["submitted_on"] = dates.dt.date.where(dates.notna(), None)
    reason(dates.isna(), "bad_date", value=_text(raw_dates))

    any_score = pd.Series(False, index=frame.index)
    for column in SCORES:
        low, high = SURVEY_COLUMNS[column] or (0, 0)
        cells = _text(source[column]) if column in source else pd.Series(None, index=frame.index, dtype="object")
        numbers = pd.to_numeric(cells, errors="coerce")
        present = cells.notna()
        not_number = present & numbers.isna()
        fractional = present & numbers.notna() & (numbers % 1 != 0)
        outside = present & numbers.notna() & ~fractional & ((numbers < low) | (numbers > high))
        reason(not_number, "not_number", field=column, value=cells)
        reason(fractional, "not_whole", field=column, value=cells)
        reason(outside, "out_of_range", field=column, value=cells, low=low, high=high)
        ok = present & ~not_number & ~fractional & ~outside
        rows[column] = numbers.where(ok).round().astype("Int64")
        any_score |= present
    reason(~any_score, "no_score")

    duplicate = rows["response_id"].notna() & rows["response_id"].duplicated(keep="first")
    reason(duplicate, "duplicate_id", value=rows["response_id"])

    joined = pd.Series("", index=frame.index, dtype="object")
    for text in reasons:  # vectorised "; ".join of the non-empty reasons, in check order
        joined = joined + np.where((joined != "") & (text != ""), "; ", "") + text
    bad = joined != ""
    valid = rows.loc[~bad, list(SURVEY_COLUMNS)]
    for column in ("response_id", "account_id", "deal_id", "rep_id", "comment"):
        valid[column] = valid[column].astype("object")
    rejected = frame.loc[bad].copy()
    rejected[REASON] = joined[bad]
    return valid, rejected


def _v(value: Any, index: Any) -> Any:
    """A value for a reason text: the row's cell when a Series was given."""
    out = value.loc[index] if isinstance(value, pd.Series) else value
    return "" if out is None or (not isinstance(out, str) and pd.isna(out)) else out

