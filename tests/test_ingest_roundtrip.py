"""A demo company exported table by table (contract column names, CSV and xlsx) and uploaded again
gives the Overview the same numbers as the company database itself."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from salesdash import db, export, ingest, overview
from salesdash.demo import build_demo
from salesdash.filters import Filters
from salesdash.funnel import reached_by_stage

AS_OF = date(2025, 11, 25)
TABLES = ("deals", "deal_events", "accounts", "reps", "quotas", "activities", "surveys")


@pytest.fixture(scope="module")
def company(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    build_demo(path, deals=1500, seed=11, as_of=AS_OF)
    conn = db.open_company(path)
    yield conn
    conn.close()


def exported(conn: db.Connection) -> dict[str, pd.DataFrame]:
    return {name: db.query(conn, f"SELECT * FROM {name}") for name in TABLES}


def kpis(conn: db.Connection, f: Filters) -> dict[str, float]:
    return {r.metric: r.value for r in overview.kpis(conn, f).itertuples()}


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_export_and_upload_again_gives_the_same_overview(company, kind):
    frames = exported(company)
    if kind == "csv":
        files = [(f"{name}.csv", frame.to_csv(index=False).encode()) for name, frame in frames.items()]
    else:
        files = [("company.xlsx", export.to_xlsx_bytes(frames))]
    result = ingest.analyse(files, options=ingest.Options(today=AS_OF))
    assert sorted(m.table for m in result.mappings) == sorted(TABLES)
    summary = result.report.summary()
    assert summary["balanced"].all() and summary["rows_rejected"].sum() == 0
    upload = ingest.to_database(result)
    for name in ("deals", "accounts", "reps", "quotas", "activities", "surveys"):
        assert db.row_counts(upload)[name] == db.row_counts(company)[name], name
    for start, end in ((date(2025, 7, 1), date(2025, 9, 30)), (date(2025, 1, 1), AS_OF)):
        f = Filters(date_from=start, date_to=end, as_of=AS_OF)
        got, want = kpis(upload, f), kpis(company, f)
        for metric in ("won_value", "won_count", "open_pipeline_count", "open_pipeline_value", "win_rate",
                       "median_sales_cycle", "quota_attainment", "nps"):
            assert got[metric] == pytest.approx(want[metric], nan_ok=True), (metric, start)
        # the stage order comes back from the history, so the funnel is the company's too
        mine, theirs = reached_by_stage(upload, f), reached_by_stage(company, f)
        assert mine[["stage", "reached"]].values.tolist() == theirs[["stage", "reached"]].values.tolist()
