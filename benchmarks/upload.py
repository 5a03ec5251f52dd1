"""Upload speed: from a file's bytes to the first dashboard ready (issue 4's targets: <= 4 s, <= 1 GB).

    python -m benchmarks.upload                     # both cases
    python -m benchmarks.upload --cases csv_1m
    python -m benchmarks.upload --page             # also through the Upload page and the Overview (AppTest)

Cases: a 100k-row xlsx and a 1M-row CSV, CRM-export shaped (HubSpot-like headers, ISO dates with
times, plain amounts, text stages), generated once into benchmarks/cache/. Each case runs in a fresh
process so its peak memory (ru_maxrss) is its own. Steps timed: read + recognise + map + check
(`ingest.analyse`), load into the private DuckDB (`ingest.to_database`), and the first dashboard: what
the sidebar and the Overview compute on a new upload (span, filter options, KPIs, funnel, won by month
over the whole span).
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import random
import resource
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CACHE = ROOT / "benchmarks" / "cache"
HEADER = ["Record ID", "Deal Name", "Deal Stage", "Amount", "Create Date", "Close Date", "Deal owner",
          "Associated Company", "Deal Type", "Channel"]  # fmt: skip
STAGES = ["Appointment Scheduled", "Qualified To Buy", "Presentation Scheduled", "Contract Sent"]
CASES = {"xlsx_100k": ("xlsx", 100_000), "csv_1m": ("csv", 1_000_000)}


def rows(n: int, seed: int = 7):  # noqa: ANN201 - a generator of lists
    rng = random.Random(seed)
    start = date(2023, 1, 1)
    for i in range(n):
        created = start + timedelta(days=rng.randrange(1000))
        r = rng.random()
        stage = "Closed Won" if r < 0.3 else "Closed Lost" if r < 0.6 else STAGES[rng.randrange(4)]
        close = created + timedelta(days=rng.randrange(10, 200))
        yield [str(100000 + i), f"Deal {i}", stage, str(rng.randrange(500, 200_000)), f"{created.isoformat()} 10:{i % 60:02d}",
               close.isoformat(), f"Rep {rng.randrange(200)}", f"Company {rng.randrange(20_000)}",
               "New Business" if rng.random() < 0.6 else "Existing Business", ["Direct", "Partner", "Online"][rng.randrange(3)]]


def make(case: str) -> Path:
    kind, n = CASES[case]
    path = CACHE / f"upload-{case}.{kind}"
    if path.exists():
        return path
    CACHE.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    if kind == "csv":
        with path.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow(HEADER)
            writer.writerows(rows(n))
    else:
        import xlsxwriter

        book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
        sheet = book.add_worksheet("deals")
        sheet.write_row(0, 0, HEADER)
        for r, row in enumerate(rows(n), start=1):
            sheet.write_row(r, 0, [int(v) if j == 3 else v for j, v in enumerate(row)])
        book.close()
    print(f"built {path.name} ({path.stat().st_size / 1e6:.0f} MB) in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return path


def run_case(path: Path) -> dict[str, float]:
    """One upload, timed step by step (runs in the child process)."""
    from salesdash import datasets, ingest, overview
    from salesdash.filters import Filters
    from salesdash.funnel import reached_by_stage

    data = path.read_bytes()  # the uploaded bytes stay in memory throughout, as Streamlit keeps them
    c0 = time.process_time()  # CPU of all threads: more than the wall time when DuckDB/Arrow use both cores
    t0 = time.perf_counter()
    result = ingest.analyse([(path.name, data)])
    t1, c1 = time.perf_counter(), time.process_time()
    conn = ingest.to_database(result)
    deals = result.row_counts()["deals"]
    del result
    t2, c2 = time.perf_counter(), time.process_time()
    span = datasets.span(conn, date.today(), use_last_date=True)
    datasets.filter_options(conn)
    assert span.first is not None and span.last is not None
    f = Filters(date_from=span.first, date_to=span.last, as_of=span.as_of)
    overview.kpis(conn, f)
    reached_by_stage(conn, f)
    overview.won_by_month(conn, f)
    t3, c3 = time.perf_counter(), time.process_time()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"deals": deals, "analyse_s": t1 - t0, "load_s": t2 - t1, "dashboard_s": t3 - t2, "total_s": t3 - t0,
            "analyse_cpu": c1 - c0, "load_cpu": c2 - c1, "dashboard_cpu": c3 - c2, "cpu_s": c3 - c0,
            "peak_mb": peak_mb, "load_avg": os.getloadavg()[0]}


def run_page(path: Path) -> dict[str, float]:
    """The same upload through the Upload page's file uploader (AppTest), then the Overview's first run."""
    import os

    sys.path.insert(0, str(ROOT / "tests"))
    os.environ.setdefault("SALESDASH_DB", str(CACHE / "demo-1000000.duckdb"))
    from pagetest import run_app

    at = run_app(page="pages/upload.py", timeout=600)
    data = path.read_bytes()  # the same bytes object Streamlit then keeps for the session: counted once
    c0, t0 = time.process_time(), time.perf_counter()
    at.file_uploader(key="upload_files").set_value((path.name, data, "text/csv")).run(timeout=600)
    c1, t1 = time.process_time(), time.perf_counter()
    at.switch_page("pages/overview.py").run(timeout=600)
    c2, t2 = time.process_time(), time.perf_counter()
    if at.exception:
        raise RuntimeError(str(at.exception))
    if at.sidebar.radio(key="dataset_choice").value != "upload":  # the Overview must be on the upload
        raise RuntimeError("the upload did not load")
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"upload_page_s": t1 - t0, "overview_s": t2 - t1, "total_s": t2 - t0, "upload_page_cpu": c1 - c0,
            "overview_cpu": c2 - c1, "cpu_s": c2 - c0, "peak_mb": peak_mb, "load_avg": os.getloadavg()[0]}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", nargs="*", default=list(CASES))
    parser.add_argument("--page", action="store_true", help="also time the upload through the page (AppTest)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--page-child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(run_case(Path(args.child))))
        return
    if args.page_child:
        print(json.dumps(run_page(Path(args.page_child))))
        return
    out = io.StringIO()
    out.write("Seconds: wall / CPU (all threads).\n\n"
              "| case | MB | deals | read+map+check s | load s | first dashboard s | total s | peak MB | load avg |\n"
              "|---|---|---|---|---|---|---|---|---|\n")
    for case in args.cases:
        path = make(case)
        child = subprocess.run([sys.executable, "-m", "benchmarks.upload", "--child", str(path)], cwd=ROOT,
                               capture_output=True, text=True, check=True)
        r = json.loads(child.stdout.strip().splitlines()[-1])
        out.write(f"| {case} | {path.stat().st_size / 1e6:.0f} | {int(r['deals']):,} | {r['analyse_s']:.2f} / {r['analyse_cpu']:.2f} | "
                  f"{r['load_s']:.2f} / {r['load_cpu']:.2f} | {r['dashboard_s']:.2f} / {r['dashboard_cpu']:.2f} | "
                  f"{r['total_s']:.2f} / {r['cpu_s']:.2f} | {r['peak_mb']:,.0f} | {r['load_avg']:.1f} |\n")
    if args.page:
        out.write("\n| case (through the page) | upload page run s | Overview first run s | total s | peak MB | load avg |\n"
                  "|---|---|---|---|---|---|\n")
        for case in args.cases:
            path = make(case)
            child = subprocess.run([sys.executable, "-m", "benchmarks.upload", "--page-child", str(path)], cwd=ROOT,
                                   capture_output=True, text=True, check=True)
            r = json.loads(child.stdout.strip().splitlines()[-1])
            out.write(f"| {case} | {r['upload_page_s']:.2f} / {r['upload_page_cpu']:.2f} | {r['overview_s']:.2f} / {r['overview_cpu']:.2f} | "
                      f"{r['total_s']:.2f} / {r['cpu_s']:.2f} | {r['peak_mb']:,.0f} | {r['load_avg']:.1f} |\n")
    print(out.getvalue(), end="")


if __name__ == "__main__":
    main()
