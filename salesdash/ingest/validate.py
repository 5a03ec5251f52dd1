"""The validation report: per sheet rows read = rows loaded + rows rejected, every rejected row with
its reason, and every suspicious-but-loaded value counted with a warning.

`Issues` collects row-level findings as whole columns at a time (a mask over a sheet), so a million
rows with the same warning cost one vectorised step, not a million Python calls. Reasons and
warnings are catalogue keys (`upload.issue.<key>`), translated by the page.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from salesdash.ingest.limits import Problem
from salesdash.ingest.read import ROW, RawSheet

ISSUE_COLUMNS = ["source", "row", "column", "value", "issue", "action"]
REJECTED = "rejected"
LOADED = "loaded"

# Warnings a manager should look at (counted per sheet; each row listed in the issues table).
WARNINGS = (
    "negative_amount", "zero_amount", "close_before_create", "duplicate_id", "unknown_stage",
    "future_close_won", "blank_created", "blank_closed", "unreadable_amount", "unreadable_date",
    "unreadable_value", "formula_text", "unknown_word", "history_unknown_deal", "estimated_amount", "blank_account",
)  # fmt: skip
# Reasons a row is not loaded.
REASONS = (
    "blank_id", "duplicate_row", "duplicate_key", "no_status", "survey_rule", "no_date", "no_rep",
    "no_amount", "no_period", "report_footer", "broken_quote", "field_count", "sheet_ignored", "sheet_failed",
)  # fmt: skip



@dataclass
class SheetReport:
    source: str
    table: str
    rows_read: int
    rows_loaded: int = 0
    rows_rejected: int = 0
    blank_rows: int = 0
    title_rows: int = 0
    warnings: dict[str, int] = field(default_factory=dict)

    @property
    def balanced(self) -> bool:
        return self.rows_read == self.rows_loaded + self.rows_rejected


class Issues:
    """Row-level findings of one upload, appended a sheet column at a time."""

    def __init__(self) -> None:
        self._parts: list[pd.DataFrame] = []

    def add(self, sheet: RawSheet, mask: pd.Series, column: str, issue: str, action: str, values: pd.Series | None = None) -> int:
        """Record `issue` for the rows of `sheet.frame` where mask is true; returns how many."""
        n = int(mask.sum())
        if n == 0:
            return 0
        rows = sheet.frame.loc[mask]
        shown = (values if values is not None else rows[column] if column in rows else pd.Series("", index=rows.index))
        self._parts.append(
            pd.DataFrame(
                {
                    "source": sheet.source,
                    "row": rows[ROW].to_numpy(),
                    "column": column,
                    "value": shown.loc[rows.index].astype("str").str.slice(0, 200).to_numpy(),
                    "issue": issue,
                    "action": action,
                }
            )
        )
        return n

    def add_frame(self, frame: pd.DataFrame) -> None:
        if len(frame):
            self._parts.append(frame[ISSUE_COLUMNS])

    def table(self) -> pd.DataFrame:
        if not self._parts:
            return pd.DataFrame({c: pd.Series(dtype="str" if c != "row" else "int64") for c in ISSUE_COLUMNS})
        out = pd.concat(self._parts, ignore_index=True)
        return out.sort_values(["source", "row"], kind="stable").reset_index(drop=True)


@dataclass
class Report:
    """Everything the page shows about an upload."""

    sheets: list[SheetReport]
    issues: pd.DataFrame  # ISSUE_COLUMNS
    problems: list[Problem]  # file-level messages and notes (dates, stages, estimates)

    def summary(self) -> pd.DataFrame:
        """Columns: source, table, rows_read, rows_loaded, rows_rejected, warnings, balanced."""
        return pd.DataFrame(
            [
                {
                    "source": s.source,
                    "table": s.table,
                    "rows_read": s.rows_read,
                    "rows_loaded": s.rows_loaded,
                    "rows_rejected": s.rows_rejected,
                    "warnings": sum(s.warnings.values()),
                    "balanced": s.balanced,
                }
                for s in self.sheets
            ],
            columns=["source", "table", "rows_read", "rows_loaded", "rows_rejected", "warnings", "balanced"],
        )

    def warning_counts(self) -> pd.DataFrame:
        """Columns: source, issue, rows — one line per kind of warning per sheet."""
        rows = [{"source": s.source, "issue": k, "rows": v} for s in self.sheets for k, v in s.warnings.items() if v]
        return pd.DataFrame(rows, columns=["source", "issue", "rows"])

    def rejected(self) -> pd.DataFrame:
        return self.issues[self.issues["action"] == REJECTED].reset_index(drop=True)

    @property
    def loaded_anything(self) -> bool:
        return any(s.rows_loaded for s in self.sheets if s.table not in ("", "products"))
