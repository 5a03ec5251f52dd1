"""The Forecast page's once-per-dataset work at scale: what the history teaches, and the backtests.

    python -m benchmarks.bench_forecast              # 1M deals (the database benchmarks.bench caches)
    python -m benchmarks.bench_forecast --repeat 3

The page caches both per dataset (st.cache_data keyed by the dataset's identity), so a filter change
never pays them; the first view of the page on a new dataset does. Wall and CPU time are printed, since
the machine is shared: CPU time counts DuckDB's threads too.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

from benchmarks.bench import AS_OF, database
from salesdash import backtest, db, forecast
from salesdash.filters import Filters


def timed(fn: Callable[[], object], repeat: int) -> tuple[float, float]:
    fn()
    walls, cpus = [], []
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        fn()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls) * 1000, statistics.median(cpus) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--deals", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    conn = db.open_company(database(args.deals))
    whole = Filters(date_from=AS_OF, date_to=AS_OF, as_of=AS_OF)
    work = {
        "learn (probabilities + age factors)": lambda: forecast.learn(conn, AS_OF),
        "backtest, quarters": lambda: backtest.run(conn, whole, "quarter"),
        "backtest, months": lambda: backtest.run(conn, whole, "month"),
    }
    print("| once per dataset | deals | wall (median ms) | CPU (median ms) |\n|---|---|---|---|")
    for name, fn in work.items():
        wall, cpu = timed(fn, args.repeat)
        print(f"| {name} | {args.deals:,} | {wall:.0f} | {cpu:.0f} |", flush=True)


if __name__ == "__main__":
    main()
