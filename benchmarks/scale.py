"""A 10M-deal database for benchmarks, made by replicating a built demo database k times in DuckDB.

The demo generator holds a whole company in memory (~2 GB at 1M deals), so 10M deals would not fit
beside the rest of a 24 GB machine. Copying the 1M company ten times with suffixed ids keeps every
distribution (stages, dates, patterns) and multiplies the volume, which is what query times depend on.

    python -m benchmarks.scale --source benchmarks/cache/demo-1000000.duckdb --copies 10
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from salesdash import db

# table -> the id columns that must stay unique (or keep pointing at the right copy) per copy
ID_COLUMNS = {
    "accounts": ("account_id",),
    "deals": ("deal_id", "account_id"),
    "deal_events": ("deal_id",),
    "activities": ("activity_id", "deal_id", "account_id"),
    "surveys": ("response_id", "account_id", "deal_id"),
}
AS_IS = ("stages", "reps", "quotas", "dataset_info")


def replicate(source: Path, target: Path, copies: int) -> None:
    def fill(conn: db.Connection) -> None:
        conn.execute("ATTACH ? AS src (READ_ONLY)", [str(source)])
        for name in AS_IS:
            # names come from the fixed tuples above
            conn.execute(f"INSERT INTO {name} SELECT * FROM src.{name}")  # noqa: S608
        for name, ids in ID_COLUMNS.items():
            columns = [r[0] for r in db.query_rows(conn, "SELECT column_name FROM information_schema.columns WHERE table_name = ? AND table_catalog = 'src' ORDER BY ordinal_position", [name])]
            select = ", ".join(f"{c} || '~' || k AS {c}" if c in ids else c for c in columns)
            sql = f"INSERT INTO {name} SELECT {select} FROM src.{name}, range(?) AS copies(k)"  # noqa: S608
            conn.execute(sql, [copies])
        conn.execute("UPDATE dataset_info SET value = ? WHERE key = 'deals'", [str(db.row_counts(conn)["deals"])])
        conn.execute("DETACH src")

    started = time.perf_counter()
    db.build_database_file(target, fill)
    print(f"{target.name}: {time.perf_counter() - started:.0f} s, {target.stat().st_size / 1e9:.1f} GB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--source", type=Path, default=Path("benchmarks/cache/demo-1000000.duckdb"))
    parser.add_argument("--copies", type=int, default=10)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    deals = db.row_counts(db.open_company(args.source))["deals"] * args.copies
    replicate(args.source, args.out or args.source.with_name(f"demo-{deals}.duckdb"), args.copies)


if __name__ == "__main__":
    main()
