"""Command line: `python -m salesdash.demo --deals N --seed S --as-of YYYY-MM-DD --out PATH`."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from salesdash import db
from salesdash.demo.build import DEFAULT_DEALS, DEFAULT_SEED, build_demo


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def _non_negative(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError("must not be negative")
    return value


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m salesdash.demo",
        description="Write a deterministic demo sales database (same arguments, same contents).",
    )
    parser.add_argument("--deals", type=_positive, default=DEFAULT_DEALS, help="number of deals (default %(default)s)")
    parser.add_argument("--seed", type=_non_negative, default=DEFAULT_SEED, help="random seed (default %(default)s)")
    parser.add_argument("--as-of", type=date.fromisoformat, default=None, dest="as_of",
                        help="last day of the history, YYYY-MM-DD (default: today)")
    parser.add_argument("--surveys", type=_non_negative, default=None,
                        help="number of survey responses (default: about 40%% of won deals)")
    parser.add_argument("--out", type=Path, default=None,
                        help=f"database file (default: ${db.DB_PATH_ENV} or {db.DEFAULT_DB_PATH})")
    parser.add_argument("--quiet", action="store_true", help="print nothing but errors")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    as_of = args.as_of or date.today()
    out: Path = args.out or db.configured_path()

    def progress(fraction: float, step: str) -> None:
        if not args.quiet:
            print(f"{fraction:6.1%}  {step}", file=sys.stderr, flush=True)

    started = time.perf_counter()
    build_demo(out, deals=args.deals, seed=args.seed, as_of=as_of, surveys=args.surveys, progress=progress)
    seconds = time.perf_counter() - started
    if not args.quiet:
        conn = db.open_company(out)
        try:
            counts = db.row_counts(conn)
        finally:
            conn.close()
        print(f"wrote {out} ({out.stat().st_size / 1e6:.1f} MB) in {seconds:.1f} s, as of {as_of}")
        for name, rows in counts.items():
            print(f"  {name:<12} {rows:>10,}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
