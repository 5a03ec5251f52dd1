"""Loading into the private database: the contract's tables and views, keys made unique by ingest."""

from __future__ import annotations

from datetime import date

import crm_fixtures as cf

from salesdash import datasets, db, ingest


def test_memory_db_without_key_indexes_has_the_whole_contract():
    keyed, unkeyed = db.new_memory_db(), db.new_memory_db(keys=False)
    for name in (*db.TABLES, "deal_facts", "stage_intervals", "deal_furthest_stage", "survey_facts", "activity_facts"):
        assert db.table_columns(keyed, name) == db.table_columns(unkeyed, name), name
    keys = "SELECT count(*) FROM duckdb_constraints() WHERE constraint_type = 'PRIMARY KEY'"
    assert keyed.execute(keys).fetchone() == (8,)  # 7 keyed data tables + dataset_info
    assert unkeyed.execute(keys).fetchone() == (1,)  # dataset_info only


def test_upload_database_answers_the_dataset_questions():
    result = ingest.analyse(cf.as_files(cf.salesforce(), "xlsx"), options=ingest.Options(today=date(2025, 11, 25)))
    conn = ingest.to_database(result)
    assert datasets.info(conn) == {"source": "upload"}
    present = datasets.has_rows(conn)
    assert present["deals"] and present["deal_events"] and present["accounts"] and present["reps"] and present["stages"]
    assert not present["quotas"] and not present["surveys"] and not present["activities"]
    span = datasets.span(conn, date(2025, 11, 25), use_last_date=True)
    assert (span.first, span.last, span.as_of) == (date(2025, 1, 1), date(2025, 3, 14), date(2025, 3, 14))
    # stage intervals come from the history: deal 3 went Prospecting -> Qualification -> Needs Analysis -> Closed Won
    rows = conn.execute("SELECT stage FROM stage_intervals WHERE deal_id = '0065g00000Op003' ORDER BY seq").fetchall()
    assert [r[0] for r in rows] == ["Prospecting", "Qualification", "Needs Analysis", "Closed Won"]
    assert datasets.main_currency(conn) == "USD"


def test_open_deal_without_a_created_date_counts_from_as_of_on():
    from salesdash import overview
    from salesdash.filters import Filters

    rows = [["Deal ID", "Amount", "Stage", "Created Date", "Close Date"],
            ["D1", "100", "Qualification", "2025-01-10", ""],
            ["D2", "200", "Qualification", "", ""],
            ["D3", "300", "Won", "2025-01-05", "2025-03-31"],
            ["D4", "400", "Lost", "2025-01-06", ""]]  # fmt: skip
    conn = ingest.to_database(ingest.analyse([("d.csv", cf.to_csv(rows))], options=ingest.Options(today=date(2025, 11, 25))))
    span = datasets.span(conn, date(2025, 11, 25), use_last_date=True)
    assert span.as_of == date(2025, 3, 31)
    whole = Filters(date_from=date(2025, 1, 1), date_to=date(2025, 3, 31), as_of=span.as_of)
    k = overview.kpis(conn, whole).set_index("metric")["value"]
    assert (k["open_pipeline_count"], k["open_pipeline_value"]) == (2, 300)  # D1 + D2 (known to exist at as-of); D4 is closed
    january = Filters(date_from=date(2025, 1, 1), date_to=date(2025, 1, 31), as_of=span.as_of)
    k = overview.kpis(conn, january).set_index("metric")["value"]
    assert (k["open_pipeline_count"], k["open_pipeline_value"]) == (2, 400)  # D1 and D3 were open on Jan 31; D2 unknown
