"""Exports shaped like each CRM's (tests/crm_fixtures.py) map without a manual correction."""

from __future__ import annotations

from datetime import date

import crm_fixtures as cf
import pytest

from salesdash import ingest

CASES = [(name, kind) for name in cf.EXPORTS for kind in ("xlsx", "csv")]


def load(name: str, kind: str) -> tuple[ingest.Result, object]:
    result = ingest.analyse(cf.as_files(cf.EXPORTS[name](), kind), options=ingest.Options(today=date(2025, 11, 25)))
    return result, ingest.to_database(result)


@pytest.mark.parametrize(("name", "kind"), CASES)
def test_export_maps_without_correction(name, kind):
    result, conn = load(name, kind)
    counts = dict(conn.execute("SELECT status, count(*) FROM deals GROUP BY 1").fetchall())
    values = dict(conn.execute("SELECT status, sum(amount) FROM deals GROUP BY 1").fetchall())
    # 8 won / 6 lost / 10 open; values 36,000 / 69,000 / 195,000 (crm_fixtures docstring)
    assert counts == {"won": 8, "lost": 6, "open": 10}
    assert values == {"won": 36_000, "lost": 69_000, "open": 195_000}
    assert result.report.summary()["balanced"].all()
    assert all(m.table for m in result.mappings), "every sheet recognised"
    # every closed deal has its close date, every deal its creation date
    assert conn.execute("SELECT count(*) FROM deals WHERE status <> 'open' AND closed_on IS NULL").fetchone() == (0,)
    assert conn.execute("SELECT count(*) FROM deals WHERE created_on IS NULL").fetchone() == (0,)
    assert conn.execute("SELECT min(created_on), max(closed_on) FROM deals").fetchone() == (date(2025, 1, 1), date(2025, 3, 14))


def test_salesforce_tables_and_history():
    result, conn = load("salesforce", "xlsx")
    assert {m.source.split(" › ")[1]: m.table for m in result.mappings} == {
        "Opportunity": "deals", "OpportunityHistory": "deal_events", "Account": "accounts", "User": "reps"}
    assert result.stage_how == "history"
    assert result.open_stages == cf.SF_OPEN
    # owners and accounts join: every deal has a rep name and an account name
    assert conn.execute("SELECT count(*) FROM deal_facts WHERE rep_name IS NULL OR account_name IS NULL").fetchone() == (0,)
    # history: 86 rows; stage events are the rows where the stage changed (all of them here)
    assert result.report.summary().set_index("table").loc["deal_events", "rows_loaded"] == 86
    assert conn.execute("SELECT count(*) FROM deal_events WHERE field = 'stage'").fetchone() == (86,)
    assert conn.execute("SELECT count(DISTINCT team) FROM reps").fetchone() == (2,)


def test_salesforce_report_footer_is_rejected_with_its_reason():
    result, _ = load("salesforce_report", "csv")
    summary = result.report.summary().iloc[0]
    # 24 deals + 3 footer lines (Grand Totals, Confidential, Copyright); the blank line is not a row
    assert (summary["rows_read"], summary["rows_loaded"], summary["rows_rejected"]) == (27, 24, 3)
    assert set(result.report.rejected()["issue"]) == {"report_footer"}
    orders = {p.values["column"]: p.values["order"] for p in result.report.problems if p.key == "date_order_found"}
    assert orders == {"Created Date": "dmy", "Close Date": "dmy"}  # 16/10-style days above 12 tell


def test_pipedrive_status_and_stage_at_loss():
    _, conn = load("pipedrive", "csv")
    # lost deals keep the stage they were lost at; won deals move to the won stage
    lost_stages = conn.execute("SELECT count(*) FROM deals WHERE status = 'lost' AND stage IS NOT NULL").fetchone()
    assert lost_stages == (6,)
    assert conn.execute("SELECT DISTINCT stage FROM deals WHERE status = 'won'").fetchall() == [("Won",)]
    assert conn.execute("SELECT DISTINCT currency FROM deals").fetchall() == [("EUR",)]
    assert conn.execute("SELECT count(DISTINCT channel) FROM deals").fetchone() == (3,)


def test_chinese_headers_amounts_and_dates():
    result, conn = load("chinese", "csv")
    fields = result.mappings[0].fields()
    assert fields["name"] == "商机名称" and fields["account_id"] == "客户名称" and fields["stage"] == "销售阶段"
    assert fields["amount"] == "金额" and fields["expected_close"] == "预计成交日期" and fields["rep_id"] == "负责人"
    assert fields["account.customer_type"] == "客户类型" and fields["channel"] == "渠道"
    # 预计成交日期 2025年6月15日 for open deal 15
    assert conn.execute("SELECT expected_close FROM deals WHERE name = '商机15'").fetchone() == (date(2025, 6, 15),)
    # customer type carried on the deal sheet becomes the account's
    assert conn.execute("SELECT count(DISTINCT customer_type) FROM deal_facts").fetchone() == (3,)
    assert result.open_stages == ["验证客户", "需求确定", "方案报价", "谈判审核"]


def test_hand_made_sheet_below_a_title_block():
    result, conn = load("hand_made", "xlsx")
    sheet = result.sheets[0]
    assert sheet.title_rows == 3  # two title lines and a blank line above the header
    fields = result.mappings[0].fields()
    assert fields["closed_on"] == "Closed" and fields["created_on"] == "Opened" and fields["status_text"] == "Won/Lost"
    assert conn.execute("SELECT count(DISTINCT customer_type) FROM deal_facts").fetchone() == (3,)


def test_gb18030_encoding_is_detected():
    result, _ = load("chinese", "csv")
    assert any(p.key == "encoding" and p.values["encoding"] == "gb18030" for p in result.report.problems)


def test_ods_workbook():
    result = ingest.analyse([("pipedrive.ods", cf.to_ods(cf.pipedrive()))], options=ingest.Options(today=date(2025, 11, 25)))
    conn = ingest.to_database(result)
    assert dict(conn.execute("SELECT status, count(*) FROM deals GROUP BY 1").fetchall()) == {"won": 8, "lost": 6, "open": 10}
    assert not [p for p in result.report.problems if p.severity == "error"]


def test_zip_of_exports():
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in cf.as_files(cf.salesforce(), "csv"):
            zf.writestr(f"export/{name}", data)
        zf.writestr("__MACOSX/._junk", b"\x00\x01")
    result = ingest.analyse([("salesforce.zip", buffer.getvalue())], options=ingest.Options(today=date(2025, 11, 25)))
    assert sorted(m.table for m in result.mappings) == ["accounts", "deal_events", "deals", "reps"]
    assert result.row_counts()["deals"] == 24


def test_hubspot_date_entered_columns_give_a_stage_history():
    export = cf.hubspot()
    rows = export.sheets["deals"]
    stages = ["Appointment Scheduled", "Qualified To Buy"]
    header = [*rows[0], *(f'Date entered "{s} (Sales Pipeline)"' for s in stages)]
    body = []
    for i, row in enumerate(rows[1:], start=1):
        # every deal entered Appointment Scheduled on its creation day; deals 1..12 reached Qualified To Buy on Feb 1
        body.append([*row, f"2025-01-{i:02d} 10:00", "2025-02-01 09:00" if i <= 12 else ""])
    result = ingest.analyse([("hubspot.csv", cf.to_csv([header, *body]))], options=ingest.Options(today=date(2025, 11, 25)))
    fields = {c.column: c.field for c in result.mappings[0].columns}
    assert fields['Date entered "Qualified To Buy (Sales Pipeline)"'] == "stage_entered"
    conn = ingest.to_database(result)
    # 24 + 12 stage events; deal 1: Appointment Scheduled -> Qualified To Buy
    assert conn.execute("SELECT count(*) FROM deal_events WHERE field = 'stage'").fetchone() == (36,)
    history = conn.execute("SELECT old_value, new_value FROM deal_events WHERE deal_id = '9001' ORDER BY changed_at").fetchall()
    assert history == [(None, "Appointment Scheduled"), ("Appointment Scheduled", "Qualified To Buy")]
    assert result.stage_how == "history"
    assert result.open_stages[:2] == stages


def test_salesforce_field_history():
    opp = cf.salesforce().sheets["Opportunity"]
    field_history = [["OpportunityId", "CreatedDate", "Field", "OldValue", "NewValue"],
                     ["0065g00000Op015", "2025-01-20T10:00:00.000Z", "StageName", "Prospecting", "Qualification"],
                     ["0065g00000Op015", "2025-01-25T10:00:00.000Z", "Amount", "14000", "15000"],
                     ["0065g00000Op015", "2025-02-01T10:00:00.000Z", "CloseDate", "2025-05-15", "2025-06-15"],
                     ["0065g00000Op015", "2025-02-02T10:00:00.000Z", "Description", "a", "b"]]  # fmt: skip
    result = ingest.analyse([("opp.csv", cf.to_csv(opp)), ("fieldhistory.csv", cf.to_csv(field_history))],
                            options=ingest.Options(today=date(2025, 11, 25)))
    assert {m.source: m.table for m in result.mappings}["fieldhistory.csv"] == "deal_events"
    conn = ingest.to_database(result)
    # the Description change is not a contract field: 4 rows read and loaded, 3 events
    events = conn.execute("SELECT field, old_value, new_value FROM deal_events ORDER BY changed_at").fetchall()
    assert events == [("stage", "Prospecting", "Qualification"), ("amount", "14000", "15000"),
                      ("expected_close", "2025-05-15", "2025-06-15")]
    assert result.report.summary().set_index("source").loc["fieldhistory.csv", "balanced"]


def test_old_excel_xls_workbook():
    import io

    import xlwt

    book = xlwt.Workbook()
    for name, rows in cf.zoho().sheets.items():
        sheet = book.add_sheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                sheet.write(r, c, value)
    buffer = io.BytesIO()
    book.save(buffer)
    result = ingest.analyse([("zoho.xls", buffer.getvalue())], options=ingest.Options(today=date(2025, 11, 25)))
    conn = ingest.to_database(result)
    assert dict(conn.execute("SELECT status, count(*) FROM deals GROUP BY 1").fetchall()) == {"won": 8, "lost": 6, "open": 10}
    assert conn.execute("SELECT sum(amount) FROM deals WHERE status = 'won'").fetchone() == (36_000,)
