"""The example workbook a manager can download, fill in and upload: one sheet per table, recognised
columns as headers (English or Chinese) and a few example rows. Every header here is a synonym the
mapper knows (tests/test_ingest_template.py uploads the template and checks it maps completely)."""

from __future__ import annotations

from functools import cache

import pandas as pd

from salesdash import export

# table -> [(field, English header, Chinese header, example values)]
COLUMNS: dict[str, list[tuple[str, str, str, list[object]]]] = {
    "deals": [
        ("deal_id", "Deal ID", "商机编号", ["D-1001", "D-1002", "D-1003"]),
        ("name", "Deal Name", "商机名称", ["Acme ERP rollout", "Bolt CRM seats", "Cora renewal"]),
        ("account_id", "Account Name", "客户名称", ["Acme", "Bolt", "Cora"]),
        ("rep_id", "Owner", "负责人", ["Ann Archer", "Bo Brandt", "Ann Archer"]),
        ("product", "Product", "产品", ["ERP", "CRM", "ERP"]),
        ("channel", "Channel", "渠道", ["Direct", "Partner", "Direct"]),
        ("account.customer_type", "Customer Type", "客户类型", ["Enterprise", "Small business", "Mid-market"]),
        ("deal_type", "Deal Type", "商机类型", ["New Business", "New Business", "Renewal"]),
        ("amount", "Amount", "金额", [120000, 8500, 40000]),
        ("currency", "Currency", "币种", ["USD", "USD", "USD"]),
        ("created_on", "Created Date", "创建日期", ["2025-01-15", "2025-02-03", "2025-03-01"]),
        ("expected_close", "Expected Close Date", "预计成交日期", ["2025-06-30", "", ""]),
        ("closed_on", "Closed On", "实际成交日期", ["", "2025-04-20", "2025-05-02"]),
        ("stage", "Stage", "销售阶段", ["Needs analysis", "Won", "Lost"]),
        ("lost_reason", "Lost Reason", "输单原因", ["", "", "Price"]),
        ("competitor", "Competitor", "竞争对手", ["", "", "Globex"]),
        ("forecast_category", "Forecast Category", "预测类别", ["Best Case", "", ""]),
    ],
    "deal_events": [
        ("deal_id", "Deal ID", "商机编号", ["D-1001", "D-1001", "D-1002"]),
        ("changed_at", "Change Date", "变更时间", ["2025-01-15", "2025-02-20", "2025-02-03"]),
        ("old_stage", "From Stage", "原阶段", ["", "Qualification", ""]),
        ("stage", "To Stage", "新阶段", ["Qualification", "Needs analysis", "Qualification"]),
    ],
    "accounts": [
        ("account_id", "Account ID", "客户编号", ["Acme", "Bolt", "Cora"]),
        ("name", "Account Name", "客户名称", ["Acme Ltd", "Bolt GmbH", "Cora Inc"]),
        ("customer_type", "Customer Type", "客户类型", ["Enterprise", "Small business", "Mid-market"]),
        ("industry", "Industry", "行业", ["Manufacturing", "Retail", "Software"]),
        ("region", "Region", "区域", ["North", "South", "East"]),
    ],
    "reps": [
        ("rep_id", "Rep ID", "员工编号", ["Ann Archer", "Bo Brandt"]),
        ("name", "Name", "姓名", ["Ann Archer", "Bo Brandt"]),
        ("team", "Team", "团队", ["North team", "South team"]),
        ("region", "Region", "区域", ["North", "South"]),
        ("manager", "Manager", "经理", ["Mia Boss", "Max Chef"]),
        ("hired_on", "Hire Date", "入职日期", ["2021-03-01", "2022-09-15"]),
    ],
    "quotas": [
        ("rep_id", "Rep", "销售代表", ["Ann Archer", "Bo Brandt"]),
        ("period", "Quarter", "季度", ["2025-Q2", "2025-Q2"]),
        ("amount", "Quota", "销售定额", [150000, 90000]),
    ],
    "activities": [
        ("activity_id", "Activity ID", "活动id", ["A-1", "A-2"]),
        ("deal_id", "Deal ID", "商机编号", ["D-1001", "D-1002"]),
        ("rep_id", "Owner", "跟进人", ["Ann Archer", "Bo Brandt"]),
        ("type", "Activity Type", "跟进方式", ["Call", "Meeting"]),
        ("occurred_at", "Activity Date", "跟进时间", ["2025-02-01 10:00", "2025-02-10 15:30"]),
        ("subject", "Subject", "主题", ["Discovery call", "Demo"]),
    ],
    "surveys": [
        ("response_id", "Response ID", "问卷编号", ["S-1", "S-2"]),
        ("account_id", "Customer", "客户名称", ["Bolt", "Cora"]),
        ("submitted_on", "Submitted On", "提交日期", ["2025-05-01", "2025-05-20"]),
        ("nps", "NPS", "推荐意愿", [9, 6]),
        ("csat", "CSAT", "满意度", [5, 3]),
        ("product_quality", "Product Quality", "产品质量", [5, 4]),
        ("service_attitude", "Service Attitude", "服务态度", [4, 3]),
        ("response_speed", "Response Speed", "响应速度", [5, 2]),
        ("comment", "Comment", "评论", ["Great onboarding", "Slow support"]),
    ],
}
SHEET_NAMES = {
    "deals": ("Deals", "商机"), "deal_events": ("Stage history", "阶段历史"), "accounts": ("Accounts", "客户"),
    "reps": ("Reps", "销售代表"), "quotas": ("Quotas", "定额"), "activities": ("Activities", "跟进记录"),
    "surveys": ("Surveys", "满意度调查"),
}  # fmt: skip


def template_frames(lang: str) -> dict[str, pd.DataFrame]:
    """Sheet name -> example table, headers in `lang` ("en" or "zh")."""
    out: dict[str, pd.DataFrame] = {}
    for table, columns in COLUMNS.items():
        header = [(zh if lang == "zh" else en) for _, en, zh, _ in columns]
        data = {h: values for h, (_, _, _, values) in zip(header, columns, strict=True)}
        out[SHEET_NAMES[table][1 if lang == "zh" else 0]] = pd.DataFrame(data)
    return out


@cache
def template_xlsx(lang: str) -> bytes:
    """The workbook's bytes, written once per language: the Upload page offers it on every run (~50 ms each)."""
    return export.to_xlsx_bytes(template_frames(lang))
