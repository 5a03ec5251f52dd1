"""The Maven CRM sample (tests/data/maven_crm, see SOURCE.md) uploaded whole, through to the Overview KPIs."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from salesdash import datasets, funnel_deals, ingest, overview, reps
from salesdash.filters import Filters

MAVEN = Path(__file__).parent / "data" / "maven_crm"


@pytest.fixture(scope="module")
def maven() -> ingest.Result:
    files = [(p.name, p.read_bytes()) for p in sorted(MAVEN.glob("*.csv"))]
    return ingest.analyse(files, options=ingest.Options(today=date(2025, 11, 25)))


@pytest.fixture(scope="module")
def maven_db(maven):
    conn = ingest.to_database(maven)
    yield conn
    conn.close()


def test_every_sheet_is_recognised(maven):
    tables = {m.source: m.table for m in maven.mappings}
    assert tables == {
        "accounts.csv": "accounts",
        "products.csv": "products",
        "sales_pipeline.csv": "deals",
        "sales_teams.csv": "reps",
    }
    deals = next(m for m in maven.mappings if m.table == "deals").fields()
    assert deals["deal_id"] == "opportunity_id" and deals["amount"] == "close_value" and deals["stage"] == "deal_stage"
    assert deals["created_on"] == "engage_date" and deals["close_date"] == "close_date" and deals["rep_id"] == "sales_agent"


def test_all_rows_load_and_balance(maven):
    summary = maven.report.summary().set_index("source")
    assert summary.loc["sales_pipeline.csv", "rows_read"] == 8800
    assert summary.loc["sales_pipeline.csv", "rows_loaded"] == 8800
    assert summary["rows_rejected"].sum() == 0
    assert summary["balanced"].all()
    assert maven.row_counts()["deals"] == 8800
    assert maven.row_counts()["reps"] == 35 and maven.row_counts()["accounts"] == 85


def test_dashboard_numbers_over_the_whole_span(maven_db):
    span = datasets.span(maven_db, date(2025, 11, 25), use_last_date=True)
    assert (span.first, span.last) == (date(2016, 10, 20), date(2017, 12, 31))
    f = Filters(date_from=span.first, date_to=span.last, as_of=span.as_of)
    k = overview.kpis(maven_db, f).set_index("metric")["value"]
    assert k["won_count"] == 4238
    assert k["won_value"] == 10_005_534
    # 2,089 open = 1,589 Engaging + 500 Prospecting; the 500 have no engage_date and count as open at as-of
    assert k["open_pipeline_count"] == 2089
    assert k["win_rate"] == pytest.approx(4238 / (4238 + 2473))


def test_status_counts(maven_db):
    counts = dict(maven_db.execute("SELECT status, count(*) FROM deals GROUP BY 1").fetchall())
    assert counts == {"won": 4238, "lost": 2473, "open": 2089}


def test_quirks_are_handled_and_reported(maven, maven_db):
    keys = {p.key: p.values for p in maven.report.problems}
    # GTXPro and GTX Pro are one product, spelled as the price list spells it
    assert keys["spelling_merged"] == {"column": "product", "old": "GTXPro", "new": "GTX Pro", "rows": 1480}
    products = {r[0] for r in maven_db.execute("SELECT DISTINCT product FROM deals").fetchall()}
    assert "GTXPro" not in products and len(products) == 7
    # close_value 0 on the 2,473 lost deals and blank on the 2,089 open ones: filled from list prices, reported
    assert keys["amounts_estimated"] == {"open": 2089, "lost": 2473}
    warnings = maven.report.warning_counts().set_index("issue")["rows"]
    assert warnings["zero_amount"] == 2473
    assert warnings["estimated_amount"] == 2089 + 2473
    # 500 Prospecting deals have no engage_date; 1,425 open deals name no account
    assert warnings["blank_created"] == 500
    assert keys["open_without_created"] == {"rows": 500}
    assert warnings["blank_account"] == 1425


def test_amounts_can_be_kept_as_exported(maven):
    files = [(p.name, p.read_bytes()) for p in sorted(MAVEN.glob("*.csv"))]
    raw = ingest.analyse(files, options=ingest.Options(estimate_amounts=False, today=date(2025, 11, 25)))
    deals = raw.tables["deals"]
    assert deals.loc[deals["status"] == "lost", "amount"].sum() == 0
    assert deals.loc[deals["status"] == "open", "amount"].isna().all()
    assert raw.dataset_id != maven.dataset_id  # a different choice is a different dataset for the caches


def test_stages_are_filled(maven_db):
    rows = maven_db.execute("SELECT stage, position, kind FROM stages ORDER BY position").fetchall()
    assert rows == [("Prospecting", 1, "open"), ("Engaging", 2, "open"), ("Won", 3, "won"), ("Lost", 4, "lost")]
    # lost deals: the export does not say at which stage they were lost
    assert maven_db.execute("SELECT count(*) FROM deals WHERE status = 'lost' AND stage IS NOT NULL").fetchone() == (0,)


def test_shared_dashboard_functions_see_every_open_deal(maven_db):
    """The weighted pipeline (Reps, Forecast, Weekly), the open-deal health and the rep board count the
    500 Prospecting deals without an engage_date too: 2,089 open deals as everywhere else."""
    from salesdash.probability import weighted_pipeline
    from salesdash.stalled import open_deal_health

    span = datasets.span(maven_db, date(2025, 11, 25), use_last_date=True)
    f = Filters(date_from=span.first, date_to=span.last, as_of=span.as_of)
    assert len(weighted_pipeline(maven_db, f)) == 2089
    assert len(open_deal_health(maven_db, f)) == 2089
    total = reps.rows(reps.performance(maven_db, f), "total").iloc[0]
    assert (total["open_count"], total["won_count"]) == (2089, 4238)
    snapshot = funnel_deals.snapshot_by_stage(maven_db, f)  # the Funnel page's "open at the end" view
    assert dict(zip(snapshot["stage"], snapshot["deals"], strict=True)) == {"Prospecting": 500, "Engaging": 1589}


def test_every_dashboard_function_runs_on_the_upload(maven_db):
    """Every metric function of the app (conn, f) runs on the Maven upload: partial data (no history,
    no quotas, no surveys, open deals without close dates) gives tables, never an exception."""
    import importlib
    import inspect
    import pkgutil

    import salesdash

    span = datasets.span(maven_db, date(2025, 11, 25), use_last_date=True)
    f = Filters(date_from=span.first, date_to=span.last, as_of=span.as_of)
    ran = 0
    for info in pkgutil.walk_packages(salesdash.__path__, "salesdash."):
        if info.name.startswith(("salesdash.ui", "salesdash.ingest", "salesdash.demo")) or info.name.endswith("__main__"):
            continue
        module = importlib.import_module(info.name)
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            params = list(inspect.signature(fn).parameters.values())
            if fn.__module__ != module.__name__ or name.startswith("_") or [p.name for p in params[:2]] != ["conn", "f"]:
                continue
            if any(p.default is inspect.Parameter.empty for p in params[2:]):
                continue
            fn(maven_db, f)
            ran += 1
    assert ran >= 8
