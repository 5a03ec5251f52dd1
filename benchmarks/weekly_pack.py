"""Speed of the Weekly review's pack at scale: the HTML file and the workbook for the default week.

    python -m benchmarks.weekly_pack                 # 1M deals (the database bench.py caches)
    python -m benchmarks.weekly_pack --deals 10000000

Times `pack.html_pack` and `pack.xlsx` on a computed review (the data is timed by bench.py), for all deals
and for one channel (a filtered review selects its lists from the week's shared frames as the pack reads them).
Target (issue): the HTML and XLSX pack built in <= 3 s at 1M deals.
"""

from __future__ import annotations

import argparse
import time
from dataclasses import replace
from functools import partial

from benchmarks.bench import AS_OF, database
from salesdash import db, pack, weekly
from salesdash.filters import Filters, preset_range


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--deals", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    conn = db.open_company(database(args.deals))
    start, end = preset_range("this_quarter", AS_OF)
    f = Filters(date_from=start, date_to=end, as_of=AS_OF, preset="this_quarter")
    everyone = weekly.review(conn, f)
    for label, review in (("all deals", everyone), ("channel Partner", weekly.review_of(
        everyone.state, everyone.risks, replace(f, channels=("Partner",))
    ))):  # fmt: skip
        rows = {"flow": len(review.flow), "movers": len(review.movers), "at_risk": len(review.at_risk)}
        for name, build in (
            ("html", partial(pack.html_pack, review, "en", "USD", label, AS_OF)),
            ("xlsx", partial(pack.xlsx, review, "en", "USD")),
        ):
            times, size = [], 0
            for _ in range(args.repeat):
                started = time.perf_counter()
                size = len(build())
                times.append(time.perf_counter() - started)
            median = sorted(times)[len(times) // 2]
            print(f"{label}, {name}: median {median:.2f} s, {size / 1e6:.1f} MB, rows {rows}", flush=True)


if __name__ == "__main__":
    main()
