"""What a loaded dataset offers: its reference date, date span, filter options and which parts it has."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from salesdash import db
from salesdash.filters import DIMENSIONS


@dataclass(frozen=True)
class Span:
    """first / last date seen in deals; as_of is the dataset's "today"."""

    first: date | None
    last: date | None
    as_of: date


def info(conn: db.Connection) -> dict[str, str]:
    return {k: v for k, v in db.query_rows(conn, "SELECT key, value FROM dataset_info")}


def span(conn: db.Connection, today: date, use_last_date: bool) -> Span:
    """The reference date: the one a build wrote (demo), else the data's last date (an upload
    from 2017 is looked at as of its end), else today (a live company database)."""
    first, last = db.query_rows(
        conn,
        "SELECT min(created_on), greatest(max(created_on), max(closed_on)) FROM deals",
    )[0]
    written = info(conn).get("as_of")
    if written:
        as_of = date.fromisoformat(written)
    elif use_last_date and last is not None:
        as_of = last
    else:
        as_of = today
    return Span(first=first, last=last, as_of=as_of)


def filter_options(conn: db.Connection) -> dict[str, list[str]]:
    """Filter dimension -> the distinct values present in the deals, sorted."""
    out: dict[str, list[str]] = {name: [] for name in DIMENSIONS}
    for dimension, value in db.query_rows(conn, db.sql_text("filter_options")):
        out[dimension].append(str(value))
    return out


def rep_names(conn: db.Connection) -> dict[str, str]:
    """rep_id -> display name (the id when the name is unknown)."""
    rows = db.query_rows(conn, "SELECT rep_id, coalesce(name, rep_id) FROM reps")
    names = {str(r[0]): str(r[1]) for r in rows}
    for (rep_id,) in db.query_rows(conn, "SELECT DISTINCT rep_id FROM deals WHERE rep_id IS NOT NULL"):
        names.setdefault(str(rep_id), str(rep_id))
    return names


def has_rows(conn: db.Connection) -> dict[str, bool]:
    """Which contract tables hold data, so pages can say plainly what they cannot show."""
    return {name: n > 0 for name, n in db.row_counts(conn).items()}


def main_currency(conn: db.Connection) -> str | None:
    rows = db.query_rows(
        conn, "SELECT currency FROM deals WHERE currency IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC LIMIT 1"
    )
    return str(rows[0][0]) if rows else None


def dates_known(conn: db.Connection) -> dict[str, bool]:
    """Whether any deal has a creation date / any closed deal a close date (an upload may have none),
    so a page can say why a date-based figure is empty instead of blaming the period."""
    created, closed = db.query_rows(
        conn,
        "SELECT count(created_on) > 0, count(closed_on) > 0 OR count(*) FILTER (WHERE status <> 'open') = 0 FROM deals",
    )[0]
    return {"created_on": bool(created), "closed_on": bool(closed)}
