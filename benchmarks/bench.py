"""Speed at scale: per page, the median time of its data functions and of a full AppTest rerun.

    python -m benchmarks.bench                    # 1M deals (database built once, cached)
    python -m benchmarks.bench --deals 10000000   # 10M deals
    python -m benchmarks.bench --pages overview --repeat 7
    python -m benchmarks.bench --pages satisfaction     # 1M deals beside 1M survey responses

The database is built by the demo generator into benchmarks/cache/ and reused. Data functions are
timed directly (no Streamlit cache: the work a first view of a NEW filter costs); the AppTest rerun is
timed after a first run, with unchanged filters (what a click elsewhere on the page costs). What a page
caches once per dataset whatever the filters (e.g. the Reps page's learned win probabilities) is timed
apart, as "once per dataset": the first visit to a dataset pays it once, no filter change pays it again.
The Weekly review also caches per week what the week holds for every deal: printed apart, "once per week",
it is what the first view of a week costs; its data functions are a new filter on a week already seen.
Targets (issue figures, 2 cores): data functions <= 150 ms at 1M, rerun <= 400 ms, <= 1.5 s at 10M.
"""

from __future__ import annotations

import argparse
import functools
import logging
import os
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from functools import partial  # noqa: E402

from salesdash import (  # noqa: E402
    bottlenecks,
    datasets,
    db,
    forecast,
    funnel,
    funnel_deals,
    overview,
    probability,
    rep_detail,
    reps,
    satisfaction,
    stalled,
    timeseries,
    weekly,
    weekly_risk,
)
from salesdash.filters import Filters, preset_range  # noqa: E402
from salesdash.funnel import reached_by_stage  # noqa: E402

CACHE = ROOT / "benchmarks" / "cache"
AS_OF = date(2025, 11, 25)

DataWork = Callable[[db.Connection, Filters], Any]


@dataclass(frozen=True)
class PageBench:
    """A page: its file and the data functions one view of it calls."""

    file: str
    work: tuple[DataWork, ...]
    # what the page computes once per dataset (its own cached data() call, filters aside): timed apart,
    # and the `work` functions get its cached result, as the page hands it to them
    per_dataset: tuple[DataWork, ...] = ()
    query: tuple[tuple[str, str], ...] = ()
    # survey responses per deal in its database; None = the demo's own (~40% of won deals answer)
    surveys_per_deal: float | None = None
    # what the page caches once per dataset and week (the Weekly review), so no filter change on a week already
    # seen pays it: what the first view of a week costs. Left out of `work`'s figure and timed apart
    per_week: tuple[DataWork, ...] = ()


def _satisfaction_scores(conn: db.Connection, f: Filters) -> Any:
    """What the Satisfaction page does with its one scan: headline, trend, distributions, drivers."""
    profiles = satisfaction.score_profiles(conn, f)
    return (
        satisfaction.headline_of(profiles),
        satisfaction.monthly_trend_of(profiles, f),
        satisfaction.distributions_of(profiles),
        satisfaction.drivers_of(profiles, f),
    )


def _for_rep(fn: Callable[[db.Connection, Filters, str], Any], rep_id: str = "R01") -> DataWork:
    """A rep-detail function bound to one rep, as the Reps page calls it for the rep picked."""

    def work(conn: db.Connection, f: Filters) -> Any:
        return fn(conn, f, rep_id)

    work.__name__ = fn.__name__
    return work


@functools.cache
def _learned_probabilities(conn: db.Connection, as_of: date) -> Any:
    return probability.learned_probabilities(conn, as_of)


def _with_learned(fn: Callable[[db.Connection, Filters, Any], Any]) -> DataWork:
    """A data function given the learned probabilities the page caches per dataset (timed apart)."""

    def work(conn: db.Connection, f: Filters) -> Any:
        return fn(conn, f, _learned_probabilities(conn, f.as_of))

    work.__name__ = fn.__name__
    return work


def _parts_present(conn: db.Connection, f: Filters) -> Any:
    return datasets.has_rows(conn)


def _learned_once(conn: db.Connection, f: Filters) -> Any:
    """The per-dataset part of the Reps page, uncached: what its first visit to a dataset pays once."""
    return probability.learned_probabilities(conn, f.as_of)


@functools.cache
def _forecast_learned(conn: db.Connection, as_of: date) -> forecast.Learned:
    return forecast.learn(conn, as_of)


def forecast_view(conn: db.Connection, f: Filters) -> Any:
    """The Forecast page's data for the current quarter on a new filter: the period's outlook with its
    5,000-run simulation, and the monthly ETS forecast. What the dataset's history teaches
    (forecast.learn) and the backtest are cached once per dataset on the page, as here; they are timed
    apart (python -m benchmarks.bench_forecast)."""
    start, end = forecast.period_bounds(f.as_of, "quarter")
    pf = forecast.for_period(f, start, end)
    learned = _forecast_learned(conn, f.as_of)
    horizon = timeseries.chart_horizon(f.as_of, "month", end)
    return forecast.outlook(conn, pf, start, end, learned), timeseries.series_forecast(conn, pf, "month", start, end, horizon)


@functools.cache
def _weekly_per_dataset(conn: db.Connection, as_of: date) -> tuple[forecast.Learned, Any, Any]:
    return forecast.learn(conn, as_of), weekly_risk.stay_lengths(conn), weekly_risk.risk_list(conn, as_of)


@functools.cache
def _weekly_week(conn: db.Connection, as_of: date) -> weekly.WeekState:
    learned, stays, _ = _weekly_per_dataset(conn, as_of)
    return weekly.week_state(conn, weekly.last_completed_week(as_of), as_of, learned, stays)


# A segment filter the meeting picks on the week on screen (the demo's second largest channel: a fifth of it)
WEEKLY_SEGMENT: dict[str, tuple[str, ...]] = {"channels": ("Partner",)}
WEEKLY_SEGMENTS: dict[str, dict[str, tuple[str, ...]]] = {
    "all deals": {},
    "channel Partner": WEEKLY_SEGMENT,
    "Enterprise + Public sector, North": {"customer_types": ("Enterprise", "Public sector"), "regions": ("North",)},
    "team Cedar": {"teams": ("Cedar",)},
    "rep R01": {"reps": ("R01",)},
}


def weekly_new_filter(conn: db.Connection, f: Filters, segment: dict[str, tuple[str, ...]] | None = None) -> Any:
    """The Weekly page's data on a NEW segment filter for a week already viewed (the interactive path of the
    meeting): the filter's rows of what the week holds for every deal, its waterfall, cards (two 5,000-run
    simulations of the Forecast page's model: the costliest part) and by-rep table, and the movers and at-risk
    lists the page selects on each run. What the week holds for every deal is cached per dataset and week on
    the page (weekly.week_state: the week's queries), as here; it is what the first view of a week costs, timed
    apart (PageBench.per_week). What depends on the dataset alone is cached per dataset and timed apart too."""
    state, risks = _weekly_week(conn, f.as_of), _weekly_per_dataset(conn, f.as_of)[2]
    g = replace(f, **(WEEKLY_SEGMENT if segment is None else segment))
    review = weekly.review_of(state, risks, g, weekly.figures(state, g))
    return review.movers, review.at_risk


def _week_state(conn: db.Connection, f: Filters) -> Any:
    learned, stays, _ = _weekly_per_dataset(conn, f.as_of)
    return weekly.week_state(conn, weekly.last_completed_week(f.as_of), f.as_of, learned, stays)


def _first_view_of_the_week(conn: db.Connection, f: Filters) -> Any:
    """The default view end to end on a week not seen yet: the week's state, then the page's figures for all deals."""
    state = _week_state(conn, f)
    review = weekly.review_of(state, _weekly_per_dataset(conn, f.as_of)[2], f, weekly.figures(state, f))
    return review.movers, review.at_risk


def _learn(conn: db.Connection, f: Filters) -> Any:
    return forecast.learn(conn, f.as_of)


def _stay_lengths(conn: db.Connection, f: Filters) -> Any:
    return weekly_risk.stay_lengths(conn)


def _risk_list(conn: db.Connection, f: Filters) -> Any:
    return weekly_risk.risk_list(conn, f.as_of)


# Each page registers here: the data functions its view calls with the default filters. What does not
# depend on the filters — parts present, stage list, default targets, learned win probabilities — is
# cached per dataset and computed once, not per view: Funnel and Bottlenecks leave it out, Reps times
# it apart (per_dataset).
PAGES: dict[str, PageBench] = {
    "overview": PageBench(
        file="pages/overview.py",
        work=(overview.kpis, reached_by_stage, overview.won_by_month),
    ),
    "funnel": PageBench(
        file="pages/funnel.py",
        work=(
            reached_by_stage,
            partial(funnel.segment_funnel, dimension="channel"),
            partial(funnel.conversion_trend, grain="month"),
            funnel_deals.lost_by_stage,
        ),
    ),
    "bottlenecks": PageBench(
        file="pages/bottlenecks.py",
        work=(
            reached_by_stage,
            bottlenecks.time_in_stage,
            funnel_deals.lost_by_stage,
            stalled.stalled_deals,
            bottlenecks.conversion_by_segment,
            bottlenecks.segment_stays,
            bottlenecks.stage_flow,
        ),
    ),
    "forecast": PageBench(file="pages/forecast.py", work=(forecast_view,)),
    "reps": PageBench(
        file="pages/reps.py",
        work=(
            _with_learned(reps.performance),
            reps.stage_strengths,
            reps.activity_mix,
            _for_rep(rep_detail.rep_funnel),
            _for_rep(rep_detail.rep_trend),
            _for_rep(rep_detail.rep_stalled),
            _for_rep(rep_detail.rep_satisfaction),
        ),
        per_dataset=(_learned_once, _parts_present),
    ),
    "weekly": PageBench(
        file="pages/weekly.py",
        work=(weekly_new_filter,),
        per_dataset=(_learn, _stay_lengths, _risk_list),
        per_week=(_week_state, _first_view_of_the_week),
    ),
    "satisfaction": PageBench(
        file="pages/satisfaction.py",
        work=(
            lambda conn, f: satisfaction.available(conn),
            _satisfaction_scores,
            satisfaction.segments,
            satisfaction.follow_up,
            satisfaction.comments,
            satisfaction.sales_link,
        ),
        surveys_per_deal=1.0,  # the issue: 1M survey responses beside 1M deals
    ),
    # the page before a file is dropped; file-to-dashboard times are in benchmarks/upload.py
    "upload": PageBench(file="pages/upload.py", work=()),
}


def database(deals: int, surveys: int | None = None) -> Path:
    """The cached benchmark database; above 2M deals, copies of the 1M one (see benchmarks/scale.py).

    `surveys`: that many survey responses instead of the demo's own (~40% of won deals answer).
    """
    name = f"demo-{deals}.duckdb" if surveys is None else f"demo-{deals}-surveys-{surveys}.duckdb"
    path = CACHE / name
    if path.exists():
        return path
    started = time.perf_counter()
    copies = deals // 1_000_000
    if deals > 2_000_000 and deals % 1_000_000 == 0 and (surveys is None or surveys % copies == 0):
        from benchmarks.scale import replicate

        replicate(database(1_000_000, None if surveys is None else surveys // copies), path, copies)
    else:
        from salesdash.demo import build_demo

        build_demo(path, deals=deals, seed=7, as_of=AS_OF, surveys=surveys)
    print(f"built {path.name} in {time.perf_counter() - started:.1f} s, {path.stat().st_size / 1e6:.0f} MB")
    return path


def median_ms(fn: Callable[[], object], repeat: int) -> float:
    return timed(fn, repeat)[0]


def timed(fn: Callable[[], object], repeat: int) -> tuple[float, float]:
    """Median wall time and median CPU time (this process, all its threads: DuckDB's too) in ms.

    On a machine shared with other work the wall time swings with their load; the CPU time much less.
    """
    fn()  # warm-up: first touch of the file's pages
    walls, cpus = [], []
    for _ in range(repeat):
        started, cpu = time.perf_counter(), time.process_time()
        fn()
        walls.append((time.perf_counter() - started) * 1000)
        cpus.append((time.process_time() - cpu) * 1000)
    return statistics.median(walls), statistics.median(cpus)


def _label(w: DataWork) -> str:
    return str(getattr(w, "__name__", None) or getattr(getattr(w, "func", None), "__name__", repr(w)))


def bench_page(name: str, page: PageBench, conn: db.Connection, repeat: int, detail: bool = False) -> dict[str, float]:
    start, end = preset_range("this_quarter", AS_OF)
    f = Filters(date_from=start, date_to=end, as_of=AS_OF, preset="this_quarter")
    once = median_ms(lambda: [w(conn, f) for w in page.per_dataset], repeat) if page.per_dataset else 0.0
    data, data_cpu = timed(lambda: [w(conn, f) for w in page.work], repeat)
    if detail:  # each data function alone: where the page's time goes
        for kind, works in (("once per dataset", page.per_dataset), ("", page.work)):
            for w in works:
                note = f" ({kind})" if kind else ""
                wall, cpu = timed(partial(w, conn, f), repeat)
                print(f"    {name}.{_label(w)}: {wall:.0f} ms (CPU {cpu:.0f} ms){note}", flush=True)
        if name == "weekly":  # the interactive path for several filters (figures do not depend on a cache)
            for label, segment in WEEKLY_SEGMENTS.items():
                wall, cpu = timed(partial(weekly_new_filter, conn, f, segment), repeat)
                print(f"    {name} new filter on a week seen, {label}: {wall:.0f} ms (CPU {cpu:.0f} ms)", flush=True)
    for w in page.per_week:  # once per dataset and week (printed always: the first view of a week costs it)
        wall, cpu = timed(partial(w, conn, f), max(1, repeat // 2))
        print(f"    {name} once per week, {_label(w).strip('_').replace('_', ' ')}: {wall:.0f} ms (CPU {cpu:.0f} ms)", flush=True)
    return {"data_ms": data, "data_cpu_ms": data_cpu, "once_ms": once, "rerun_ms": _rerun_ms(page, repeat)}


def _rerun_ms(page: PageBench, repeat: int) -> float:
    from pagetest import run_app

    # AppTest's script thread warns "missing ScriptRunContext" by the dozen on every rerun
    logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context").disabled = True
    at = run_app(page=None if page.file == "pages/overview.py" else page.file, query=dict(page.query), timeout=600)
    if at.exception:
        raise RuntimeError(f"{page.file}: {at.exception}")
    return median_ms(lambda: at.run(timeout=600), repeat)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--deals", type=int, default=1_000_000)
    parser.add_argument("--pages", nargs="*", default=list(PAGES))
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--detail", action="store_true", help="also time each data function alone")
    args = parser.parse_args(argv)
    connections: dict[Path, db.Connection] = {}
    print(
        "| page | deals | surveys | data functions (median ms) | their CPU (median ms) | once per dataset (ms) "
        "| AppTest rerun (median ms) |\n|---|---|---|---|---|---|---|"
    )
    for name in args.pages:
        page = PAGES[name]
        surveys = None if page.surveys_per_deal is None else int(args.deals * page.surveys_per_deal)
        path = database(args.deals, surveys)
        os.environ["SALESDASH_DB"] = str(path)
        if path not in connections:
            connections[path] = db.open_company(path)
        conn = connections[path]
        result = bench_page(name, page, conn, args.repeat, args.detail)
        shown = "demo" if surveys is None else f"{surveys:,}"
        once = f"{result['once_ms']:.0f}" if page.per_dataset else "–"
        print(
            f"| {name} | {args.deals:,} | {shown} | {result['data_ms']:.0f} | {result['data_cpu_ms']:.0f} | {once} "
            f"| {result['rerun_ms']:.0f} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
