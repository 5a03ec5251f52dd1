"""CRM-shaped exports built in code: the same 24 deals written the way each product writes them.

Headers and value conventions follow ../shared/crm-exports.md. The deals (worked out by hand):
deal i = 1..24, amount i × 1,000;
  won  i = 1..8   -> 8 deals,  won value  = 1,000 × (1+…+8)   = 36,000
  lost i = 9..14  -> 6 deals,  lost value = 1,000 × (9+…+14)  = 69,000
  open i = 15..24 -> 10 deals, open value = 1,000 × (15+…+24) = 195,000
created 2025-01-i, closed 2025-03-i (closed deals), expected close 2025-06-i (open deals).
Owners cycle over 3 reps, accounts over 6; channel/customer type cycle where the product has them.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

import xlsxwriter

N = 24
WON, LOST = range(1, 9), range(9, 15)
EXPECTED = {"deals": 24, "won": 8, "lost": 6, "open": 10, "won_value": 36_000.0, "lost_value": 69_000.0, "open_value": 195_000.0}
REPS = ["Ann Archer", "Bo Brandt", "Cy Chen"]
ACCOUNTS = ["Acme", "Bolt", "Cora", "Dyna", "Echo", "Fjord"]
CHANNELS = ["Direct", "Partner", "Online"]
TYPES = ["Enterprise", "Mid-market", "Small business"]


def status(i: int) -> str:
    return "won" if i in WON else "lost" if i in LOST else "open"


def created(i: int) -> date:
    return date(2025, 1, i)


def closed(i: int) -> date:
    return date(2025, 3, i)


def expected(i: int) -> date:
    return date(2025, 6, i)


def amount(i: int) -> int:
    return 1000 * i


def stage(i: int, open_stages: list[str], won: str, lost: str) -> str:
    s = status(i)
    return won if s == "won" else lost if s == "lost" else open_stages[i % len(open_stages)]


Sheet = list[list[object]]  # header row first


@dataclass(frozen=True)
class Export:
    """One product's export: sheets by name (header row first)."""

    name: str
    sheets: dict[str, Sheet]


SF_OPEN = ["Prospecting", "Qualification", "Needs Analysis", "Proposal/Price Quote", "Negotiation/Review"]


def salesforce() -> Export:
    """Data Loader / API export: Opportunity, OpportunityHistory, Account, User (API names)."""
    opp: Sheet = [["Id", "Name", "AccountId", "OwnerId", "Amount", "CurrencyIsoCode", "CloseDate", "CreatedDate",
                   "StageName", "IsClosed", "IsWon", "Probability", "ForecastCategoryName", "LeadSource", "Type"]]
    for i in range(1, N + 1):
        s = status(i)
        st = stage(i, SF_OPEN, "Closed Won", "Closed Lost")
        prob = 100 if s == "won" else 0 if s == "lost" else 10 + 20 * SF_OPEN.index(st)
        opp.append([f"0065g00000Op{i:03d}", f"Opp {i}", f"0015g00000Ac{i % 6:03d}", f"0055g00000Us{i % 3:03d}", amount(i), "USD",
                    (closed(i) if s != "open" else expected(i)).isoformat(), f"{created(i).isoformat()}T09:30:00.000Z", st,
                    "true" if s != "open" else "false", "true" if s == "won" else "false", prob,
                    "Closed" if s == "won" else "Omitted" if s == "lost" else "Pipeline", "Web", "New Business"])
    hist: Sheet = [["Id", "OpportunityId", "CreatedDate", "StageName", "Amount", "CloseDate", "Probability"]]
    for i in range(1, N + 1):
        final = stage(i, SF_OPEN, "Closed Won", "Closed Lost")
        path = SF_OPEN[: (SF_OPEN.index(final) + 1) if final in SF_OPEN else 3] + ([final] if final not in SF_OPEN else [])
        for k, st in enumerate(path):
            hist.append([f"0085g00000Hi{i:03d}{k}", f"0065g00000Op{i:03d}", f"2025-01-{i:02d}T{9 + k:02d}:00:00.000Z" if k == 0
                         else f"2025-02-{min(k * 5, 28):02d}T10:00:00.000Z", st, amount(i), expected(i).isoformat(), 10 * (k + 1)])
    acc: Sheet = [["Id", "Name", "Type", "Industry", "BillingCountry", "NumberOfEmployees"]]
    for k, a in enumerate(ACCOUNTS):
        acc.append([f"0015g00000Ac{k:03d}", a, "Customer - Direct", ["Retail", "Software", "Energy"][k % 3], "China", 100 * (k + 1)])
    users: Sheet = [["Id", "Name", "Department", "Division", "Email", "IsActive"]]
    for k, r in enumerate(REPS):
        users.append([f"0055g00000Us{k:03d}", r, f"Team {k % 2 + 1}", "East", f"{r.split()[0].lower()}@example.com", "true"])
    return Export("salesforce", {"Opportunity": opp, "OpportunityHistory": hist, "Account": acc, "User": users})


def salesforce_report() -> Export:
    """A Salesforce report exported as CSV: labels, 'USD 1,000.00', day-first dates, junk footer."""
    rows: Sheet = [["Opportunity Name", "Account Name", "Opportunity Owner", "Amount", "Close Date", "Created Date",
                    "Stage", "Probability (%)", "Lead Source"]]
    for i in range(1, N + 1):
        s = status(i)
        d = closed(i) if s != "open" else expected(i)
        rows.append([f"Opp {i}", ACCOUNTS[i % 6], REPS[i % 3], f"USD {amount(i):,.2f}", d.strftime("%d/%m/%Y"),
                     created(i).strftime("%d/%m/%Y"), stage(i, SF_OPEN, "Closed Won", "Closed Lost"),
                     "100%" if s == "won" else "0%" if s == "lost" else "50%", "Web"])
    rows += [[""], ["Grand Totals (24 records)"], ["Confidential Information - Do Not Distribute"],
             ["Copyright (c) 2000-2025 salesforce.com, inc. All rights reserved."]]
    return Export("salesforce_report", {"report": rows})


def hubspot() -> Export:
    open_stages = ["Appointment Scheduled", "Qualified To Buy", "Presentation Scheduled", "Decision Maker Bought-In", "Contract Sent"]
    rows: Sheet = [["Record ID", "Deal Name", "Deal Stage", "Pipeline", "Amount", "Create Date", "Close Date", "Deal owner",
                    "Deal Type", "Associated Company", "Closed Lost Reason"]]
    for i in range(1, N + 1):
        s = status(i)
        rows.append([str(9000 + i), f"Deal {i}", stage(i, open_stages, "Closed Won", "Closed Lost"), "Sales Pipeline", amount(i),
                     f"{created(i).isoformat()} 10:15", (closed(i) if s != "open" else expected(i)).isoformat() + " 00:00",
                     REPS[i % 3], "New Business" if i % 2 else "Existing Business", ACCOUNTS[i % 6],
                     "Price" if s == "lost" else ""])
    return Export("hubspot", {"deals": rows})


def pipedrive() -> Export:
    open_stages = ["Lead In", "Contact Made", "Demo Scheduled", "Proposal Made", "Negotiations Started"]
    rows: Sheet = [["Deal - ID", "Deal - Title", "Deal - Organization", "Deal - Owner", "Deal - Value", "Deal - Currency",
                    "Deal - Pipeline", "Deal - Stage", "Deal - Status", "Deal - Deal created", "Deal - Expected close date",
                    "Deal - Won time", "Deal - Lost time", "Deal - Lost reason", "Deal - Source channel"]]
    for i in range(1, N + 1):
        s = status(i)
        rows.append([i, f"Deal {i}", ACCOUNTS[i % 6], REPS[i % 3], amount(i), "EUR", "Default",
                     open_stages[i % 5], s.capitalize(), f"{created(i).isoformat()} 08:00:00", expected(i).isoformat(),
                     f"{closed(i).isoformat()} 17:00:00" if s == "won" else "", f"{closed(i).isoformat()} 17:00:00" if s == "lost" else "",
                     "Too expensive" if s == "lost" else "", CHANNELS[i % 3]])
    return Export("pipedrive", {"deals": rows})


def zoho() -> Export:
    open_stages = ["Qualification", "Needs Analysis", "Value Proposition", "Proposal/Price Quote", "Negotiation/Review"]
    rows: Sheet = [["Record Id", "Deal Name", "Deal Owner", "Account Name", "Amount", "Closing Date", "Stage",
                    "Probability (%)", "Type", "Lead Source", "Created Time", "Reason For Loss"]]
    for i in range(1, N + 1):
        s = status(i)
        st = stage(i, open_stages, "Closed Won", "Closed Lost to Competition" if i % 2 else "Closed Lost")
        rows.append([f"zcrm_{5000 + i}", f"Deal {i}", REPS[i % 3], ACCOUNTS[i % 6], amount(i),
                     (closed(i) if s != "open" else expected(i)).isoformat(), st,
                     100 if s == "won" else 0 if s == "lost" else 10 + 20 * open_stages.index(st), "New Business", "Web",
                     f"{created(i).isoformat()} 11:00:00", "Price" if s == "lost" else ""])
    return Export("zoho", {"Deals": rows})


def chinese() -> Export:
    """纷享销客 / 销售易 style: Chinese headers, 万 amounts, 2025年1月5日 dates, no id column."""
    open_stages = ["验证客户", "需求确定", "方案报价", "谈判审核"]
    rows: Sheet = [["商机名称", "客户名称", "销售阶段", "金额", "预计成交日期", "结单日期", "负责人", "客户类型", "渠道", "创建时间", "输单原因"]]
    for i in range(1, N + 1):
        s = status(i)
        money = f"{amount(i) / 10000:g}万" if i % 2 else f"¥{amount(i):,}"
        rows.append([f"商机{i}", ["华为", "阿里", "腾讯", "百度", "京东", "美团"][i % 6], stage(i, open_stages, "赢单", "输单"), money,
                     f"{expected(i).year}年{expected(i).month}月{expected(i).day}日",
                     f"{closed(i).year}年{closed(i).month}月{closed(i).day}日" if s != "open" else "",
                     ["张伟", "王芳", "李娜"][i % 3], ["大型企业", "中型企业", "小型企业"][i % 3], ["直销", "代理商", "线上"][i % 3],
                     f"{created(i).isoformat()} 09:00:00", "价格" if s == "lost" else ""])
    return Export("chinese", {"商机": rows})


def hand_made() -> Export:
    """A sheet kept by hand: a title block, free headers, mixed amount styles, day-first dates."""
    rows: Sheet = [["Q1 pipeline — kept by Ann", "", "", ""], ["updated every Friday", "", "", ""], ["", "", "", ""],
                   ["Client", "Deal", "Value ($)", "Stage", "Won/Lost", "Opened", "Closed", "Sales person", "Channel", "Customer type"]]
    styles = [lambda v: f"${v:,}", lambda v: f"{v / 1000:g}k", lambda v: str(v), lambda v: f"{v:,}"]
    for i in range(1, N + 1):
        s = status(i)
        rows.append([ACCOUNTS[i % 6], f"Deal {i}", styles[i % 4](amount(i)), "Proposal" if s == "open" else "",
                     {"won": "Won", "lost": "Lost", "open": ""}[s], created(i).strftime("%d.%m.%Y"),
                     closed(i).strftime("%d.%m.%Y") if s != "open" else "", REPS[i % 3], CHANNELS[i % 3], TYPES[i % 3]])
    return Export("hand_made", {"Pipeline": rows})


EXPORTS: dict[str, Callable[[], Export]] = {
    "salesforce": salesforce, "salesforce_report": salesforce_report, "hubspot": hubspot, "pipedrive": pipedrive,
    "zoho": zoho, "chinese": chinese, "hand_made": hand_made,
}  # fmt: skip


def to_xlsx(export: Export, real_dates: bool = True) -> bytes:
    """A workbook, one sheet per table; ISO date text becomes real Excel dates when real_dates."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    date_format = book.add_format({"num_format": "yyyy-mm-dd"})
    for name, rows in export.sheets.items():
        sheet = book.add_worksheet(name[:31])
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if real_dates and isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-" and r > 0:
                    sheet.write_datetime(r, c, datetime.fromisoformat(value), date_format)
                elif isinstance(value, (int, float)):
                    sheet.write_number(r, c, value)
                else:
                    sheet.write_string(r, c, str(value))
    book.close()
    return buffer.getvalue()


def to_csv(rows: Sheet, encoding: str = "gb18030", delimiter: str = ",") -> bytes:
    text = io.StringIO()
    writer = csv.writer(text, delimiter=delimiter, lineterminator="\r\n")
    for row in rows:
        writer.writerow(row)
    return text.getvalue().encode(encoding)


def as_files(export: Export, kind: str) -> list[tuple[str, bytes]]:
    """The export as the files a user would drop: one xlsx, or one GB18030 CSV per sheet."""
    if kind == "xlsx":
        return [(f"{export.name}.xlsx", to_xlsx(export))]
    return [(f"{export.name}-{name}.csv", to_csv(rows)) for name, rows in export.sheets.items()]


def to_ods(export: Export) -> bytes:
    """A minimal OpenDocument spreadsheet (what LibreOffice writes, trimmed to what readers need)."""
    from xml.sax.saxutils import escape

    ns = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
          'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
          'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"')
    tables = []
    for name, rows in export.sheets.items():
        body = []
        for row in rows:
            cells = []
            for value in row:
                if isinstance(value, (int, float)):
                    cells.append(f'<table:table-cell office:value-type="float" office:value="{value}"><text:p>{value}</text:p></table:table-cell>')
                else:
                    cells.append(f'<table:table-cell office:value-type="string"><text:p>{escape(str(value))}</text:p></table:table-cell>')
            body.append("<table:table-row>" + "".join(cells) + "</table:table-row>")
        tables.append(f'<table:table table:name="{escape(name)}">' + "".join(body) + "</table:table>")
    content = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ns} office:version="1.2">'
               f"<office:body><office:spreadsheet>{''.join(tables)}</office:spreadsheet></office:body></office:document-content>")
    manifest = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
                '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
                '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>')
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        zf.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
        zf.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
    return buffer.getvalue()
