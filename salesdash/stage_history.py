"""Stage history derived once per dataset, so funnel, bottleneck and stalled-deal queries stay fast at
millions of deals.

Three tables (SQL in `sql/stage_moves.sql`, `sql/deal_stage_summary.sql`, `sql/stage_norms.sql`):

- `stage_moves`: one row per stage a deal entered — from which stage, how (created / forward / skip /
  backward / won / lost / reopened), when it left and after how many days — with the deal's filter
  dimensions, sorted by exit so a period's rows are read without scanning the rest.
- `deal_stage_summary`: one row per deal — filter dimensions and list columns, its furthest stage
  (DESIGN.md "Reached stage"), the position of its current / at-loss stage, when an open deal entered
  its stage, its last move and its last activity.
- `stage_norms`: per open stage, the median / p75 / p90 days of every completed stay.

`materialize(conn)` writes them (db.materialize calls it after a build or an upload). A read-only file
built without them gets them derived once into an attached in-memory database (`salesdash_derived`) on
first use. Queries name the tables as `/*history*/stage_moves`; `sql(conn, name, as_of)` fills that slot,
and the `/*stage_norms*/` and `/*last_activity*/` slots with the stored rows — or, when the as-of day
is before the data's last stay or activity, with the live computation cut at that day (same result).
A bookkeeping row (version, row counts, latest stay and activity) tells when the tables are stale.
"""

from __future__ import annotations

import threading
import weakref
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta

from salesdash import db

VERSION = 4
DERIVED = "salesdash_derived"
TABLES = ("stage_moves", "deal_stage_summary", "stage_norms")
_INFO = "stage_history_info"
_SLOT = "/*history*/"
_FOREVER = datetime.max


@dataclass(frozen=True)
class _Derived:
    prefix: str  # '' or 'salesdash_derived.'
    counts: tuple[int, int, int]  # deals, deal_events, activities when derived
    read_only: bool  # a read-only file cannot change under its connection: no need to recount
    stays_through: datetime | None  # the latest end of a stay
    activities_through: datetime | None  # the latest activity


_lock = threading.Lock()
_known: weakref.WeakKeyDictionary[db.Connection, _Derived] = weakref.WeakKeyDictionary()


def as_of_end(as_of: date) -> datetime:
    """The first moment after the as-of day: events during that day count as on or before it."""
    return datetime.combine(as_of + timedelta(days=1), time())


def _counts(conn: db.Connection) -> tuple[int, int, int]:
    row = db.query_rows(
        conn,
        "SELECT (SELECT count(*) FROM deals), (SELECT count(*) FROM deal_events), (SELECT count(*) FROM activities)",
    )[0]
    return int(row[0]), int(row[1]), int(row[2])


def _execute(conn: db.Connection, sql: str, params: db.Params = None) -> None:
    cur = conn.cursor()
    try:
        cur.execute(sql, params)
    finally:
        cur.close()


def materialize(conn: db.Connection, prefix: str = "", by_status: bool = False) -> None:
    """(Re)create the derived tables in the database `prefix` names ('' = the main database).

    `by_status` (an upload, where memory is the limit): deal_stage_summary is written one status at a
    time, in the order of its ORDER BY (status, then creation), so its sort holds a third of the deals
    instead of all of them: the same rows in the same order, ~100 MB less at a million deals.
    """
    deals, events, activities = _counts(conn)
    live_touch = db.sql_text("last_touch")
    for name in TABLES:
        body = db.sql_text(name).replace(_SLOT, prefix).replace("/*last_touch*/", live_touch)
        params = {"as_of_end": _FOREVER} if "$as_of_end" in body else None
        if by_status and name == "deal_stage_summary":
            _write_by_status(conn, prefix + name, body, params)
            continue
        # name and prefix are fixed identifiers from this module, never user input
        _execute(conn, f"CREATE OR REPLACE TABLE {prefix}{name} AS {body}", params)  # noqa: S608
    _execute(
        conn,
        f"CREATE OR REPLACE TABLE {prefix}{_INFO} AS SELECT {VERSION} AS version, "  # noqa: S608
        f"{deals}::BIGINT AS deals, {events}::BIGINT AS events, {activities}::BIGINT AS activities, "
        f"(SELECT max(exited_at) FROM {prefix}stage_moves WHERE kind = 'open') AS stays_through, "
        "(SELECT max(occurred_at) FROM activities) AS activities_through",
    )


def _write_by_status(conn: db.Connection, table: str, body: str, params: dict[str, datetime] | None) -> None:
    """CREATE TABLE table AS body (which ends ORDER BY status, ...), one status after another."""
    # table is a fixed identifier from this module; the status is bound
    _execute(conn, f"CREATE OR REPLACE TABLE {table} AS SELECT * FROM ({body}) LIMIT 0", params)  # noqa: S608
    statuses = db.query_rows(conn, "SELECT DISTINCT status FROM deals ORDER BY status NULLS LAST")
    for (status,) in statuses:
        keep = "status IS NULL" if status is None else "status = $status"
        values = (params or {}) | ({} if status is None else {"status": status})
        _execute(conn, f"INSERT INTO {table} SELECT * FROM ({body}) WHERE {keep}", values or None)  # noqa: S608


def _stored(conn: db.Connection, prefix: str, counts: tuple[int, int, int]) -> _Derived | None:
    """The derived tables under `prefix` when they exist and match the data, else None."""
    database = prefix.rstrip(".") or None
    found = db.query_rows(
        conn,
        "SELECT count(*) FROM duckdb_tables() WHERE table_name = ? AND database_name = coalesce(?, current_database())",
        [_INFO, database],
    )
    if not found[0][0]:
        return None
    rows = db.query_rows(
        conn,
        f"SELECT version, deals, events, activities, stays_through, activities_through FROM {prefix}{_INFO}",  # noqa: S608
    )
    if not rows or tuple(rows[0][:4]) != (VERSION, *counts):
        return None
    return _Derived(prefix, counts, read_only=False, stays_through=rows[0][4], activities_through=rows[0][5])


def _writable(conn: db.Connection) -> bool:
    rows = db.query_rows(conn, "SELECT readonly FROM duckdb_databases() WHERE database_name = current_database()")
    return bool(rows) and not rows[0][0]


def _derived(conn: db.Connection) -> _Derived:
    known = _known.get(conn)
    if known is not None and known.read_only:
        return known
    counts = _counts(conn)
    if known is not None and known.counts == counts:
        return known
    with _lock:
        writable = _writable(conn)
        found = _stored(conn, "", counts)
        if found is None and writable:
            materialize(conn)
            found = _stored(conn, "", counts)
        if found is None:
            _execute(conn, f"ATTACH IF NOT EXISTS ':memory:' AS {DERIVED} (READ_ONLY false)")
            found = _stored(conn, DERIVED + ".", counts)
            if found is None:
                materialize(conn, DERIVED + ".")
                found = _stored(conn, DERIVED + ".", counts)
        assert found is not None
        found = replace(found, read_only=not writable)
        _known[conn] = found
    return found


def prefix(conn: db.Connection) -> str:
    """Where this connection's derived tables live ('' or 'salesdash_derived.'), deriving them if needed."""
    return _derived(conn).prefix


def sql(conn: db.Connection, name: str, as_of: date | None = None) -> str:
    """The text of sql/<name>.sql with its slots filled for this dataset.

    `/*history*/` names where the derived tables live. With `as_of`: `/*stage_norms*/` (every stage's
    norm) becomes the stored rows when no stay ends after the as-of day, else the live query; and
    `/*last_activity*/` (a deal's last activity, for a query over deal_stage_summary `d` joined to
    `/*last_touch*/` as `lt`) becomes the stored column when no activity is later, else the live join.
    The live queries bind `$as_of_end`: pass `as_of_end(as_of)`.
    """
    found = _derived(conn)
    text = db.sql_text(name)
    if as_of is not None:
        end = as_of_end(as_of)
        if found.stays_through is None or found.stays_through < end:
            norms = f"SELECT * FROM {found.prefix}stage_norms"  # noqa: S608 (a fixed table name)
        else:
            norms = db.sql_text("stage_norms")
        if found.activities_through is None or found.activities_through < end:
            # the stored last activity sits on the deal's own row: no join needed
            touch, last = "SELECT NULL::VARCHAR AS deal_id, NULL::TIMESTAMP AS last_activity_at WHERE FALSE", "d.last_activity_at"
        else:
            touch, last = db.sql_text("last_touch"), "lt.last_activity_at"
        text = text.replace("/*stage_norms*/", norms).replace("/*last_touch*/", touch).replace("/*last_activity*/", last)
    return text.replace(_SLOT, found.prefix)
