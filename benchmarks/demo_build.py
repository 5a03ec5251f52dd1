"""Time a demo database build at a given size and report seconds, file size and row counts.

    python benchmarks/demo_build.py --deals 1000000 [--surveys 1000000] [--out PATH] [--keep]

Without --out the database goes to a temporary directory and is deleted afterwards.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a checkout, no install

from salesdash import db
from salesdash.demo import build_demo, generate


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--deals", type=int, default=30_000)
    parser.add_argument("--surveys", type=int, default=None)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--as-of", type=date.fromisoformat, default=date(2025, 6, 30), dest="as_of")
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--keep", action="store_true", help="keep the temporary database")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="salesdash-bench-") as tmp:
        out = args.out or Path(tmp) / "demo.duckdb"
        started = time.perf_counter()
        generate(args.deals, args.seed, args.as_of, args.surveys)
        generated = time.perf_counter() - started

        steps: list[tuple[float, str]] = []
        started = time.perf_counter()
        build_demo(out, deals=args.deals, seed=args.seed, as_of=args.as_of, surveys=args.surveys,
                   progress=lambda f, s: steps.append((time.perf_counter() - started, s)))
        total = time.perf_counter() - started

        conn = db.open_company(out)
        try:
            counts = db.row_counts(conn)
        finally:
            conn.close()
        size_mb = out.stat().st_size / 1e6
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"deals={args.deals} surveys={args.surveys or 'default'}")
        print(f"generate only: {generated:.1f} s")
        print(f"build (generate + write): {total:.1f} s")
        print(f"file: {size_mb:.1f} MB   peak memory: {peak_mb:.0f} MB")
        for name, rows in counts.items():
            print(f"  {name:<12} {rows:>12,}")
        for at, step in steps:
            print(f"  {at:7.1f} s  {step}")
        if args.keep and args.out is None:
            kept = Path.cwd() / out.name
            out.replace(kept)
            print(f"kept {kept}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
