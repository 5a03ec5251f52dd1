"""Stage history derived once per dataset, so funnel and bottleneck queries stay fast at millions of deals.

Two tables (SQL in `sql/stage_moves.sql`, `sql/deal_stage_summary.sql`):

- `stage_moves`: one row per stage a deal entered — from which stage, how (created / forward / skip /
  backward / won / lost / reopened), when it left and after how many days — with the deal's filter
  dimensions, sorted by time so a period's rows are read without scanning the rest.
- `deal_stage_summary`: one row per deal — the filter dimensions, its furthest stage (DESIGN.md
  "Reached stage"), the position of its current / at-loss stage, and when an open deal entered its stage.

`materialize(conn)` writes them into a writable database (a build, an upload). A read-only company file
built without them gets them derived once into an attached in-memory database (`salesdash_derived`) on
first use. Queries reference the tables as `/*history*/stage_moves`; `sql(conn, name)` fills the slot
with where the tables live. A bookkeeping row (version, deal and event counts) tells when they are stale.
"""

from __future__ import annotations

import threading
import weakref

from salesdash import db

VERSION = 1
DERIVED = "salesdash_derived"
TABLES = ("stage_moves", "deal_stage_summary")
_INFO = "stage_history_info"
_SLOT = "/*history*/"

_lock = threading.Lock()
# connection -> (prefix, version, deals, events) of the tables last checked for it
_known: weakref.WeakKeyDictionary[db.Connection, tuple[str, int, int]] = weakref.WeakKeyDictionary()


def _counts(conn: db.Connection) -> tuple[int, int]:
    deals, events = db.query_rows(conn, "SELECT (SELECT count(*) FROM deals), (SELECT count(*) FROM deal_events)")[0]
    return int(deals), int(events)


def materialize(conn: db.Connection, prefix: str = "") -> None:
    """(Re)create the derived tables in the database `prefix` names ('' = the main database)."""
    deals, events = _counts(conn)
    for name in TABLES:
        body = db.sql_text(name).replace(_SLOT, prefix)
        # name and prefix are fixed identifiers from this module, never user input
        _execute(conn, f"CREATE OR REPLACE TABLE {prefix}{name} AS {body}")  # noqa: S608
    _execute(conn, f"CREATE OR REPLACE TABLE {prefix}{_INFO} (version INTEGER, deals BIGINT, events BIGINT)")
    _execute(conn, f"INSERT INTO {prefix}{_INFO} VALUES ({VERSION}, {deals}, {events})")  # noqa: S608


def _execute(conn: db.Connection, sql: str) -> None:
    cur = conn.cursor()
    try:
        cur.execute(sql)
    finally:
        cur.close()


def _fresh(conn: db.Connection, prefix: str, counts: tuple[int, int]) -> bool:
    database = prefix.rstrip(".") or None
    rows = db.query_rows(
        conn,
        "SELECT count(*) FROM duckdb_tables() WHERE table_name = ? AND database_name = coalesce(?, current_database())",
        [_INFO, database],
    )
    if not rows[0][0]:
        return False
    info = db.query_rows(conn, f"SELECT version, deals, events FROM {prefix}{_INFO}")  # noqa: S608
    return bool(info) and tuple(info[0]) == (VERSION, *counts)


def _writable(conn: db.Connection) -> bool:
    rows = db.query_rows(conn, "SELECT readonly FROM duckdb_databases() WHERE database_name = current_database()")
    return bool(rows) and not rows[0][0]


def prefix(conn: db.Connection) -> str:
    """Where the derived tables of this connection's data live ('' or 'salesdash_derived.'), deriving them if needed."""
    counts = _counts(conn)
    known = _known.get(conn)
    if known is not None and known[1:] == counts:
        return known[0]
    with _lock:
        if _fresh(conn, "", counts):
            found = ""
        elif _writable(conn):
            materialize(conn)
            found = ""
        else:
            found = DERIVED + "."
            _execute(conn, f"ATTACH IF NOT EXISTS ':memory:' AS {DERIVED} (READ_ONLY false)")
            if not _fresh(conn, found, counts):
                materialize(conn, found)
        _known[conn] = (found, *counts)
    return found


def sql(conn: db.Connection, name: str) -> str:
    """The text of sql/<name>.sql with its `/*history*/` slots pointing at this dataset's derived tables."""
    return db.sql_text(name).replace(_SLOT, prefix(conn))
