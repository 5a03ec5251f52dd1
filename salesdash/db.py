"""The one door to DuckDB: opening databases, running queries, building database files.

Every other module receives a connection and calls `query`; none of them opens DuckDB itself.
The company database is opened read-only (many processes may share it); a build writes a temp
file and swaps it in with `os.replace`, so readers never see a half-written file. Uploads live in
a private in-memory database per browser session (`new_memory_db`).
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Callable, Mapping, Sequence
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, TypeAlias

import duckdb
import pandas as pd
import pyarrow as pa

Connection = duckdb.DuckDBPyConnection
Params = Sequence[Any] | Mapping[str, Any] | None

DEFAULT_DB_PATH = Path(__file__).resolve().parent.parent / "data" / "salesdash.duckdb"
DB_PATH_ENV = "SALESDASH_DB"

TABLES = ("stages", "reps", "quotas", "accounts", "deals", "deal_events", "activities", "surveys")
# Views of schema.sql that are costly at scale (they scan every deal event, or join a million deals
# on every query): `materialize` stores their rows once a database is loaded and points the view
# at the stored copy.
DERIVED = (
    "stage_intervals",
    "deal_furthest_stage",
    "deal_facts",  # after deal_furthest_stage, which it reads
    "survey_facts",
    "activity_facts",
)


class DatabaseProblem(Exception):
    """A database file that cannot be used; `kind` is one of missing / locked / corrupt."""

    def __init__(self, kind: str, path: Path, detail: str) -> None:
        super().__init__(f"{kind}: {path}: {detail}")
        self.kind = kind
        self.path = path
        self.detail = detail


def configured_path() -> Path:
    """The company database: $SALESDASH_DB or data/salesdash.duckdb."""
    return Path(os.environ.get(DB_PATH_ENV) or DEFAULT_DB_PATH)


@cache
def sql_text(name: str) -> str:
    """The text of salesdash/sql/<name>.sql (or schema.sql), read once."""
    if name == "schema":
        return resources.files("salesdash").joinpath("schema.sql").read_text(encoding="utf-8")
    return resources.files("salesdash").joinpath("sql", f"{name}.sql").read_text(encoding="utf-8")


def open_company(path: Path) -> Connection:
    """Open the company database read-only, mapping failures to a DatabaseProblem."""
    if not path.exists():
        raise DatabaseProblem("missing", path, "file does not exist")
    try:
        conn = duckdb.connect(str(path), read_only=True)
    except duckdb.IOException as exc:
        text = str(exc)
        kind = "locked" if "lock" in text.lower() else "corrupt"
        raise DatabaseProblem(kind, path, text) from exc
    except duckdb.Error as exc:
        raise DatabaseProblem("corrupt", path, str(exc)) from exc
    try:
        missing = [t for t in TABLES if not _has_table(conn, t)]
    except duckdb.Error as exc:
        conn.close()
        raise DatabaseProblem("corrupt", path, str(exc)) from exc
    if missing:
        conn.close()
        raise DatabaseProblem("corrupt", path, "missing tables: " + ", ".join(missing))
    return conn


_PRIMARY_KEY = re.compile(r"\s+PRIMARY KEY(?=\s*,)|,\s*PRIMARY KEY \([^)]*\)")


def new_memory_db(keys: bool = True) -> Connection:
    """A private in-memory database with the contract's tables and views (for one session's upload).

    `keys=False` leaves out the PRIMARY KEY indexes, for a loader that has made its keys unique
    itself (salesdash.ingest does, and reports each repeat): building the index over a million
    text ids costs about 2 s, most of an upload's load time; queries do not use it (DuckDB joins by hash).
    """
    conn = duckdb.connect(":memory:")
    schema = sql_text("schema")
    if not keys:  # the data tables only: dataset_info keeps its key (INSERT OR REPLACE needs it)
        head, _, tail = schema.partition("CREATE TABLE IF NOT EXISTS dataset_info")
        schema = _PRIMARY_KEY.sub("", head) + "CREATE TABLE IF NOT EXISTS dataset_info" + tail
    conn.execute(schema)
    return conn


def _has_table(conn: Connection, name: str) -> bool:
    rows = query_rows(conn, "SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [name])
    return bool(rows[0][0])


_NAMED_PARAM = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
_COMMENT = re.compile(r"--[^\n]*|/\*.*?\*/", re.DOTALL)


def _used_params(sql: str, params: Params) -> Params:
    """Keep only the named parameters the SQL refers to (DuckDB rejects extra ones).

    Metric functions pass every filter value they have; each query binds what it uses.
    """
    if isinstance(params, Mapping):
        used = set(_NAMED_PARAM.findall(_COMMENT.sub(" ", sql)))  # a $name in a comment binds nothing
        return {k: v for k, v in params.items() if k in used}
    return params


def query(conn: Connection, sql: str, params: Params = None) -> pd.DataFrame:
    """Run one query on its own cursor and return a DataFrame (loaded through Arrow)."""
    params = _used_params(sql, params)
    cur = conn.cursor()
    try:
        table = cur.sql(sql, params=params).to_arrow_table()
    finally:
        cur.close()
    return table.to_pandas()


def query_rows(conn: Connection, sql: str, params: Params = None) -> list[tuple[Any, ...]]:
    """Run one small query on its own cursor and return its rows as tuples."""
    params = _used_params(sql, params)
    cur = conn.cursor()
    try:
        return cur.execute(sql, params).fetchall()
    finally:
        cur.close()


def table_columns(conn: Connection, table: str) -> set[str]:
    """Column names of a table or view."""
    rows = query_rows(
        conn, "SELECT column_name FROM information_schema.columns WHERE table_name = ?", [table]
    )
    return {r[0] for r in rows}


def row_counts(conn: Connection) -> dict[str, int]:
    """Rows per contract table (0 for a table that is empty or absent)."""
    out: dict[str, int] = {}
    existing = _existing_tables(conn)
    for name in TABLES:
        if name not in existing:
            out[name] = 0
            continue
        # name comes from the fixed TABLES tuple above, never from a user
        out[name] = int(query_rows(conn, f'SELECT count(*) FROM "{name}"')[0][0])  # noqa: S608
    return out


def _is_table(conn: Connection, name: str) -> bool:
    rows = query_rows(conn, "SELECT table_type FROM information_schema.tables WHERE table_name = ?", [name])
    return bool(rows) and rows[0][0] == "BASE TABLE"


def _ordered_columns(conn: Connection, table: str) -> list[str]:
    rows = query_rows(
        conn, "SELECT column_name FROM information_schema.columns WHERE table_name = ? ORDER BY ordinal_position", [table]
    )
    return [r[0] for r in rows]


def _existing_tables(conn: Connection) -> set[str]:
    return {r[0] for r in query_rows(conn, "SELECT table_name FROM information_schema.tables")}


def company_dataset_id(path: Path) -> str:
    """Identity of the company file for caches: changes whenever the file is replaced."""
    st = path.stat()
    return f"company:{path}:{st.st_mtime_ns}:{st.st_size}"


TableData: TypeAlias = pa.Table | pd.DataFrame


def load_tables(conn: Connection, tables: Mapping[str, TableData], info: Mapping[str, str] | None = None) -> None:
    """Insert tables (Arrow or pandas, columns named as in the contract) into a schema'd database."""
    for name, data in tables.items():
        if name not in TABLES:
            raise ValueError(f"unknown table {name!r}")
        arrow = data if isinstance(data, pa.Table) else pa.Table.from_pandas(data, preserve_index=False)
        known = table_columns(conn, name)
        cols = ", ".join(f'"{c}"' for c in arrow.column_names if c in known)
        cur = conn.cursor()
        try:
            cur.register("_incoming", arrow)
            # table and column names are checked against the contract above
            cur.execute(f'INSERT INTO "{name}" ({cols}) SELECT {cols} FROM _incoming')  # noqa: S608
            cur.unregister("_incoming")
        finally:
            cur.close()
    for key, value in (info or {}).items():
        conn.execute("INSERT OR REPLACE INTO dataset_info VALUES (?, ?)", [key, value])


def materialize(conn: Connection, lean: bool = False) -> None:
    """Store the derived views' rows in tables, once the contract tables are complete.

    Call it after loading data (a build, an upload). The views keep their names, so every query
    reads the same thing, only faster: at 1M deals the furthest-stage funnel drops from ~450 ms to
    ~27 ms, and a filtered scan of deal_facts from ~20 ms to a few. Calling it again after the base
    tables change recomputes from the logic in schema.sql.

    `lean`, for a database written once where memory is the limit (an upload: in memory, and an
    in-memory database keeps its tables uncompressed): rows the stored deal_facts already holds are
    not kept twice, as `deals` and `deal_furthest_stage` become views of its columns (~190 MB less
    at a million deals), and the stage history's per-deal summary is sorted a status at a time.
    Nothing can be inserted into such a database's deals afterwards; calling materialize again
    still works (it reads the views).
    """
    cur = conn.cursor()
    try:
        cur.execute(sql_text("schema"))  # the view definitions, in case an earlier call replaced them
        for name in DERIVED:
            # name comes from the fixed DERIVED tuple above, never from a user
            cur.execute(f'CREATE OR REPLACE TABLE "{name}_stored" AS SELECT * FROM "{name}"')  # noqa: S608
        for name in DERIVED:
            cur.execute(f'CREATE OR REPLACE VIEW "{name}" AS SELECT * FROM "{name}_stored"')  # noqa: S608
        if lean:  # before the stage history's sort: that is when memory peaks
            _fold_into_deal_facts(cur)
    finally:
        cur.close()
    from salesdash import stage_history  # late: it imports this module

    stage_history.materialize(conn, by_status=lean)  # the funnel's per-deal and per-move stage tables


def _fold_into_deal_facts(cur: Connection) -> None:
    """deals and deal_furthest_stage read from the stored deal_facts, which holds all their columns."""
    if _is_table(cur, "deals"):
        columns = ", ".join(f'"{c}"' for c in _ordered_columns(cur, "deals"))
        cur.execute("DROP TABLE deals")
        # the column names were just read from the deals table of the contract
        cur.execute(f"CREATE VIEW deals AS SELECT {columns} FROM deal_facts_stored")  # noqa: S608
    cur.execute("CREATE OR REPLACE VIEW deal_furthest_stage AS SELECT deal_id, furthest_position FROM deal_facts_stored")
    cur.execute("DROP TABLE deal_furthest_stage_stored")


def build_database_file(
    path: Path,
    fill: Callable[[Connection], None],
) -> None:
    """Create a database at `path` atomically: schema, then `fill(conn)`, then os.replace."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
    os.close(fd)
    os.unlink(tmp_name)  # DuckDB wants to create the file itself
    tmp = Path(tmp_name)
    try:
        conn = duckdb.connect(str(tmp))
        try:
            conn.execute(sql_text("schema"))
            fill(conn)
            materialize(conn)
            conn.execute("CHECKPOINT")
        finally:
            conn.close()
        os.replace(tmp, path)
    finally:
        for leftover in (tmp, Path(str(tmp) + ".wal")):
            if leftover.exists():
                leftover.unlink()
