"""Which source column feeds which contract field: proposed from headers and values, corrected by
the user, saved to and restored from a mapping file.

A proposal gives every column a field (or none), a confidence (0..1) and how it was found:
"header" (a known name, 0.95), "partial" (a known name inside the header, 0.6), "values" (the values
look like dates / amounts / won-lost words, 0.4), "user" or "file" (a correction, 1.0). The mapping
file is JSON: per sheet the columns it had, the table and column fields chosen, and date orders; a
new export is matched to the saved sheet with the most columns in common, so next week's file maps
with one click even when its name changed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import pandas as pd

from salesdash.ingest import parse
from salesdash.ingest.synonyms import ALL_NAMES, INDEX, TABLE_SYNONYMS, normalise

TABLES = tuple(TABLE_SYNONYMS)
IGNORE = ""
MAPPING_VERSION = 1


@dataclass
class ColumnGuess:
    column: str
    field: str  # IGNORE = not used
    confidence: float
    how: str  # header / partial / values / user / file / "" (unused)


@dataclass
class SheetMapping:
    """The proposal (or the user's choice) for one sheet."""

    source: str
    table: str  # one of TABLES, or IGNORE
    confidence: float
    columns: list[ColumnGuess]
    date_order: dict[str, str] = field(default_factory=dict)  # column -> "mdy" / "dmy" chosen by the user

    def fields(self) -> dict[str, str]:
        """field -> source column (the first column chosen for a field)."""
        out: dict[str, str] = {}
        for c in self.columns:
            if c.field and c.field not in out:
                out[c.field] = c.column
        return out


STAGE_ENTERED = "stage_entered"  # a deal-sheet column holding the date the deal entered one stage
_ENTERED = re.compile(r'^date entered\s*["“]?(.+?)(?:\s*\(([^()]*)\))?["”]?\s*$', re.IGNORECASE)


def entered_stage(header: str) -> str | None:
    """'Date entered "Contract Sent (Sales Pipeline)"' -> 'Contract Sent'; None for other headers."""
    m = _ENTERED.match(str(header).strip())
    return m.group(1).strip() if m else None


def fields_of(table: str) -> list[str]:
    """The fields a column of this table's sheet can be mapped to, in catalogue order."""
    return list(TABLE_SYNONYMS.get(table, {})) + ([STAGE_ENTERED] if table == "deals" else [])


def header_score(text: str) -> float:
    """1 when a header cell is a name some CRM writes (used to find the header row), else 0."""
    return 1.0 if normalise(text) in ALL_NAMES else 0.0


def map_columns(table: str, frame: pd.DataFrame, columns: Sequence[str]) -> list[ColumnGuess]:
    """Propose a field for every column of a sheet read as `table`."""
    names = INDEX[table]
    guesses = {c: ColumnGuess(c, IGNORE, 0.0, "") for c in columns}
    taken: set[str] = set()
    if table == "deals":  # HubSpot: one 'Date entered "<stage> (<pipeline>)"' column per stage
        for c in columns:
            if entered_stage(c) is not None:
                guesses[c] = ColumnGuess(c, STAGE_ENTERED, 0.95, "header")
    for c in columns:  # exact names first, left to right
        if guesses[c].field:
            continue
        # "nps / 推荐值 (0–10)": a bilingual header (the survey template's) is known by either half
        keys = [normalise(c), *(normalise(part) for part in str(c).split(" / ") if " / " in str(c))]
        found = next((names[k] for k in keys if k in names and names[k] not in taken), None)
        if found:
            guesses[c] = ColumnGuess(c, found, 0.95, "header")
            taken.add(found)
    for c in columns:  # a known name inside a longer header: "Amount (USD)", "商机金额(元)"
        if guesses[c].field:
            continue
        key = normalise(c)
        hits = [(len(n), f) for n, f in names.items() if len(n) >= 4 and f not in taken and (n in key or key in n) and key]
        if hits:
            found = max(hits)[1]
            guesses[c] = ColumnGuess(c, found, 0.6, "partial")
            taken.add(found)
    if table == "deals":
        _check_flags(frame, guesses, taken)
        _by_values(frame, [c for c in columns if not guesses[c].field], guesses, taken)
    return [guesses[c] for c in columns]


def _check_flags(frame: pd.DataFrame, guesses: dict[str, ColumnGuess], taken: set[str]) -> None:
    """A "Closed" / "Won" header over dates is a close date, not a yes/no flag (hand-made sheets)."""
    for c, g in guesses.items():
        if g.field not in ("is_closed", "is_won"):
            continue
        sample = frame[c][frame[c] != ""].head(300)
        if len(sample) == 0 or parse.parse_bools(sample).notna().mean() >= 0.5:
            continue
        dates, _ = parse.parse_dates(sample)
        if dates.notna().mean() >= 0.8 and "closed_on" not in taken:
            taken.discard(g.field)
            guesses[c] = ColumnGuess(c, "closed_on", 0.6, "values")
            taken.add("closed_on")


def _by_values(frame: pd.DataFrame, columns: Iterable[str], guesses: dict[str, ColumnGuess], taken: set[str]) -> None:
    """Unnamed columns of a deal sheet: won/lost words -> stage, dates -> created / close, money -> amount."""
    for c in columns:
        sample = frame[c][frame[c] != ""].head(300)
        if len(sample) < 3:
            continue
        share_status = sample.map(lambda v: parse.status_word(v) is not None).mean()
        if "stage" not in taken and share_status >= 0.2:
            guesses[c] = ColumnGuess(c, "stage", 0.4, "values")
            taken.add("stage")
            continue
        dates, _ = parse.parse_dates(sample)
        if dates.notna().mean() >= 0.9:
            for target in ("created_on", "close_date"):
                if target not in taken:
                    guesses[c] = ColumnGuess(c, target, 0.4, "values")
                    taken.add(target)
                    break
            continue
        amounts, bad = parse.parse_amounts(sample)
        money_like = sample.str.contains(r"[$€£¥￥万亿]|\d,\d{3}", regex=True).mean() >= 0.5
        if "amount" not in taken and not bad.any() and money_like:
            guesses[c] = ColumnGuess(c, "amount", 0.4, "values")
            taken.add("amount")


# ---- the mapping file -------------------------------------------------------------------------


def to_file(mappings: Sequence[SheetMapping], stage_order: Sequence[str] = ()) -> bytes:
    """The mapping as a JSON file the user can keep and upload with next week's export."""
    payload: dict[str, Any] = {
        "salesdash_mapping": MAPPING_VERSION,
        "sheets": [
            {
                "source": m.source,
                "columns_seen": [c.column for c in m.columns],
                "table": m.table,
                "fields": {c.column: c.field for c in m.columns if c.field},
                "date_order": m.date_order,
            }
            for m in mappings
        ],
        "stage_order": list(stage_order),
    }
    return json.dumps(payload, ensure_ascii=False, indent=2).encode("utf-8")


def from_file(data: bytes) -> dict[str, Any]:
    """Read a mapping file; ValueError with a plain reason when it is not one."""
    try:
        payload = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError("not a JSON mapping file") from exc
    if not isinstance(payload, dict) or payload.get("salesdash_mapping") != MAPPING_VERSION:
        raise ValueError("not a salesdash mapping file")
    sheets = payload.get("sheets")
    if not isinstance(sheets, list):
        raise ValueError("no sheets in the mapping file")
    return payload


def apply_saved(proposal: SheetMapping, saved: dict[str, Any], how: str = "file") -> SheetMapping:
    """The saved sheet whose columns overlap this sheet's most (at least half) replaces the proposal."""
    mine = {c.column for c in proposal.columns}
    best, best_share = None, 0.5
    for entry in saved.get("sheets", []):
        seen = set(entry.get("columns_seen", []))
        if not seen:
            continue
        share = len(mine & seen) / len(mine | seen)
        if share >= best_share:
            best, best_share = entry, share
    if best is None:
        return proposal
    table = best.get("table", proposal.table)
    table = table if table in TABLES or table == IGNORE else proposal.table
    allowed = set(fields_of(table))
    chosen = {k: v for k, v in dict(best.get("fields", {})).items() if v in allowed}
    columns = [
        ColumnGuess(c.column, chosen.get(c.column, IGNORE), 1.0 if c.column in chosen else 0.0, how if c.column in chosen else "")
        for c in proposal.columns
    ]
    order = {k: v for k, v in dict(best.get("date_order", {})).items() if v in ("mdy", "dmy") and k in mine}
    return SheetMapping(proposal.source, table, 1.0, columns, order)


def as_dict(m: SheetMapping) -> dict[str, Any]:
    return asdict(m)


# ---- the editable table on the page -----------------------------------------------------------

EDIT_COLUMNS = ["column", "field", "confidence", "how", "sample"]
NOT_USED = "-"  # the editable table's choice for "this column is not used" (a blank cell reads as missing)


def edit_table(m: SheetMapping, frame: pd.DataFrame) -> pd.DataFrame:
    """The mapping of one sheet as rows the user can edit: column, field, confidence, how, sample."""
    rows = []
    for c in m.columns:
        values = frame[c.column][frame[c.column] != ""].head(3) if c.column in frame else pd.Series(dtype="str")
        rows.append({"column": c.column, "field": c.field or NOT_USED, "confidence": round(c.confidence, 2), "how": c.how,
                     "sample": " · ".join(str(v)[:30] for v in values)})
    return pd.DataFrame(rows, columns=EDIT_COLUMNS)


def from_edit_table(m: SheetMapping, table: str, edited: pd.DataFrame) -> SheetMapping:
    """The user's choice: the table, and each column's field (unknown fields become IGNORE)."""
    allowed = set(fields_of(table))
    before = {c.column: c for c in m.columns}
    columns = []
    for row in edited.itertuples(index=False):
        chosen = row.field if isinstance(row.field, str) and row.field in allowed else IGNORE
        old = before.get(str(row.column))
        same = old is not None and old.field == chosen and table == m.table
        columns.append(ColumnGuess(str(row.column), chosen, old.confidence if same and old else 1.0 if chosen else 0.0,
                                   old.how if same and old else "user" if chosen else ""))
    return SheetMapping(m.source, table, 1.0 if table != m.table else m.confidence, columns, dict(m.date_order))
