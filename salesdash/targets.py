"""Stage conversion targets: the defaults from `stages.target_conversion`, and the small CSV file a manager
downloads to keep edited targets and uploads to restore them.

The file is `stage,target_pct` with one row per open stage (percent, 0–100), readable in Excel. Reading
is forgiving — a share (0.65), a percent (65) or "65%" all mean 65 % — and never fails: rows that cannot
be used are reported with the reason and skipped.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import pandas as pd

from salesdash import db, export

Targets = tuple[tuple[str, float | None], ...]
HEADER = ("stage", "target_pct")


def defaults(conn: db.Connection) -> dict[str, float | None]:
    """Open stage -> its default target (share 0..1, None when the stage table gives none), in process order."""
    rows = db.query_rows(conn, "SELECT stage, target_conversion FROM stages WHERE kind = 'open' ORDER BY position")
    return {str(stage): (float(target) if target is not None else None) for stage, target in rows}


def as_key(targets: Mapping[str, float | None]) -> Targets:
    """A hashable form (stage order kept) for cached metric calls."""
    return tuple((stage, None if value is None else float(value)) for stage, value in targets.items())


def to_csv(targets: Mapping[str, float | None]) -> bytes:
    """The targets as the small downloadable file."""
    frame = pd.DataFrame(
        {
            HEADER[0]: list(targets),
            HEADER[1]: [None if v is None else round(v * 100, 2) for v in targets.values()],
        }
    )
    return export.to_csv_bytes(frame)


@dataclass
class Restored:
    """What a targets file gave: the usable targets, and each problem as (line, reason key, detail)."""

    targets: dict[str, float] = field(default_factory=dict)
    problems: list[tuple[int, str, str]] = field(default_factory=list)


def parse(data: bytes, stages: Iterable[str]) -> Restored:
    """Read a targets file; `stages` are the open stages of the dataset (others are reported)."""
    known = list(stages)
    out = Restored()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        out.problems.append((0, "not_text", ""))
        return out
    rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        out.problems.append((0, "empty", ""))
        return out
    start = 1 if rows[0] and rows[0][0].strip().lower() == HEADER[0] else 0
    for number, row in enumerate(rows[start:], start=start + 1):
        if not any(cell.strip() for cell in row):
            continue
        stage = row[0].strip().lstrip("'")
        if stage not in known:
            out.problems.append((number, "unknown_stage", stage))
            continue
        value = _share(row[1] if len(row) > 1 else "")
        if value is None:
            out.problems.append((number, "bad_value", row[1] if len(row) > 1 else ""))
            continue
        out.targets[stage] = value
    return out


def _share(text: str) -> float | None:
    """'65', '65%', '0.65' -> 0.65; anything else (or outside 0..100 %) -> None."""
    cleaned = text.strip().rstrip("%").strip()
    try:
        number = float(cleaned)
    except ValueError:
        return None
    if math.isnan(number) or number < 0:
        return None
    share = number / 100 if number > 1 or text.strip().endswith("%") else number
    return share if share <= 1 else None
