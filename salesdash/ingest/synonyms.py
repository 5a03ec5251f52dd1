"""Header names CRMs write, per contract table and field (English and Chinese).

Sources: ../shared/crm-exports.md (Salesforce API names and report labels, HubSpot property labels,
Pipedrive "Deal - …" headers, Zoho, Dynamics, Odoo, 悟空/销售易/纷享销客) plus the Maven CRM sample
and common hand-made sheet headers. Names are compared after `normalise` (lower case, no spaces or
punctuation, no "Deal - " prefix), so "Close Date", "CloseDate" and "close_date" are one name.

Fields without a contract column of their own are routed by salesdash.ingest.load:
`close_date` (closed_on for closed deals, expected_close for open ones), `status_text`, `is_won`,
`is_closed`, `probability`, `account.*` / `rep.*` (account and rep facts carried on a deal sheet),
and for history sheets `old_stage`, `close_date`, `amount`.
"""

from __future__ import annotations

import re
import unicodedata

_PREFIX = re.compile(r"^(deal|opportunity|activity|organization|organisation|person|obchod|potential)\s*-\s*", re.I)
_DROP = re.compile(r"[^0-9a-z\u3400-\u9fff]+")


def normalise(header: str) -> str:
    text = unicodedata.normalize("NFKC", str(header)).strip().lower()
    text = _PREFIX.sub("", text)
    text = re.sub(r"\(\d+\)$", "", text).strip()  # "Close Date (2)": a repeated label
    return _DROP.sub("", text)


DEAL = {
    "deal_id": "id, opportunity id, opportunityid, record id, deal id, dealid, hs_object_id, potential id, "
    "(do not modify) opportunity, deal number, 商机id, 商机编号, 机会id, 机会编号, 商机编码, 编号, 单号",
    "name": "name, opportunity name, deal name, title, topic, potential name, opportunity, deal, "
    "商机名称, 机会名称, 项目名称, 商机, 商机主题",
    "account_id": "account id, accountid, account name, account, organization, associated company, "
    "associated company ids (primary), company, company name, potential customer, customer, customer name, client, "
    "客户名称, 客户, 公司名称, 客户id, 客户编号, 所属客户",
    "rep_id": "owner id, ownerid, owner, opportunity owner, deal owner, potential owner, sales agent, salesperson, "
    "sales rep, rep, assigned to, hubspot_owner_id, owner name, 负责人, 销售人员, 销售代表, 所有者, 业务员, 销售, "
    "负责人名称, 商机负责人, 跟进人",
    "product": "product, product name, products, product line, 产品, 产品名称, 产品线",
    "channel": "channel, source channel, sales channel, campaign source, campaign, 渠道, 销售渠道, 渠道来源",
    "lead_source": "lead source, source, original traffic source, 线索来源, 商机来源, 机会来源, 来源",
    "deal_type": "type, opportunity type, deal type, business type, 商机类型, 业务类型, 类型",
    "amount": "amount, value, deal value, close value, est. revenue, est revenue, estimated revenue, expected revenue, "
    "opportunity amount, amount (converted), total amount, 金额, 商机金额, 销售金额, 预计金额, 合同金额, 成交金额, 预计销售金额",
    "currency": "currency, currency iso code, currencyisocode, opportunity currency, currency of value, deal currency code, "
    "币种, 货币",
    "created_on": "created date, createddate, create date, created time, created, deal created, creation date, created on, "
    "engage date, open date, opened, opened on, 创建时间, 创建日期, 立项日期, 商机创建时间",
    "expected_close": "expected close date, expected closing, est. close date, est close date, estimated close date, "
    "预计成交日期, 预计签单日期, 预计结单日期, 预计关闭日期, 预计成交时间",
    "closed_on": "won time, lost time, deal closed on, closed on, actual close date, closed date, 实际成交日期, 成交日期, "
    "签单日期, 关闭日期, 赢单日期",
    "close_date": "close date, closedate, closing date, 结单日期",
    "stage": "stage, stage name, stagename, deal stage, sales stage, pipeline phase, stage (pipeline), "
    "销售阶段, 商机阶段, 阶段",
    "status_text": "status, deal status, won/lost, won status, 商机状态, 状态, 结果, 赢单/输单",
    "is_won": "is won, iswon, is closed won, won",
    "is_closed": "is closed, isclosed, closed",
    "probability": "probability, probability (%), deal probability, win probability, 赢率, 可能性, 成交概率, 赢单率, 赢单概率",
    "lost_reason": "lost reason, closed lost reason, reason for loss, loss reason, 输单原因, 丢单原因, 输单描述",
    "competitor": "competitor, competitors, main competitor, 竞争对手",
    "forecast_category": "forecast category, forecastcategoryname, forecast category name, 预测类别, 预测分类",
    "account.customer_type": "customer type, account type, customer segment, segment, 客户类型, 客户分类, 客户级别",
    "account.industry": "industry, sector, 行业, 客户行业, 所属行业",
    "account.region": "billing country, billing state, country, 地区, 省份, 地区定位",
    "rep.team": "team, sales team, department, 所属部门, 部门, 团队, 销售团队",
    "rep.region": "region, territory, sales region, 区域, 销售区域, 大区",
}

EVENT = {
    "deal_id": "opportunity id, opportunityid, deal id, dealid, record id, 商机id, 商机编号, 机会id",
    "changed_at": "created date, createddate, changed at, change date, date, edit date, modified time, "
    "last modified, stage change date, entered on, date entered, 变更时间, 日期, 时间, 阶段更新时间, 变更日期",
    "stage": "stage name, stagename, stage, to stage, new stage, 新阶段, 阶段, 销售阶段, 变更后阶段",
    "old_stage": "from stage, old stage, previous stage, 原阶段, 变更前阶段",
    "amount": "amount, 金额",
    "close_date": "close date, closedate, 结单日期",
    "probability": "probability, probability (%), 赢率",
    "field": "field, changed field, 字段",
    "old_value": "old value, oldvalue, 原值",
    "new_value": "new value, newvalue, 新值",
    "prev_amount": "prev amount, prevamount, previous amount",
    "prev_close_date": "prev close date, prevclosedate, previous close date",
}

ACCOUNT = {
    "account_id": "id, account id, accountid, account, customer id, company id, record id, organization id, "
    "客户id, 客户编号",
    "name": "name, account name, company name, company, organization, organization name, customer name, client, "
    "客户名称, 公司名称, 客户",
    "customer_type": "customer type, account type, type, segment, tier, customer segment, 客户类型, 客户级别, 客户分类",
    "industry": "industry, sector, 行业, 客户行业, 所属行业",
    "region": "region, billing country, billing state, country, office location, territory, 地区, 区域, 地区定位, 省份",
    "size_band": "size band, size, company size, 规模, 企业规模",
    "employees": "employees, number of employees, numberofemployees, employee count, 员工数, 人数, 员工人数",
}

REP = {
    "rep_id": "id, user id, userid, rep id, sales agent, sales rep, rep, salesperson, employee id, 员工编号, 工号, 用户id",
    "name": "name, full name, rep name, user name, 姓名, 名称, 销售代表, 负责人",
    "team": "team, department, sales team, 团队, 部门, 所属部门, 销售团队",
    "region": "region, regional office, territory, division, office, 区域, 地区, 大区",
    "manager": "manager, manager id, managerid, manager name, 经理, 上级, 直属上级, 主管",
    "hired_on": "hire date, hired on, start date, hired, 入职日期",
    "email": "email, e-mail, 邮箱",
}

QUOTA = {
    "rep_id": "rep, rep id, owner, sales agent, salesperson, user, 负责人, 销售代表, 销售人员",
    "period_start": "period start, start, start date, from, 开始日期",
    "period_end": "period end, end, end date, to, 结束日期",
    "period": "period, quarter, month, fiscal period, 期间, 季度, 月份",
    "amount": "quota, quota amount, target, amount, 定额, 目标, 指标, 销售目标, 销售定额",
}

ACTIVITY = {
    "activity_id": "id, activity id, 活动id, 跟进记录id",
    "deal_id": "deal id, opportunity id, opportunityid, what id, 商机id, 商机编号",
    "account_id": "account, account id, organization, company, 客户名称, 客户",
    "rep_id": "assigned to user, assigned to, owner, user, rep, 负责人, 跟进人, 销售代表",
    "type": "type, activity type, 类型, 活动类型, 跟进方式",
    "occurred_at": "due date, date, activity date, occurred at, done time, 时间, 跟进时间, 活动日期, 活动时间",
    "outcome": "outcome, result, done, 结果",
    "subject": "subject, 主题",
}

SURVEY = {
    "response_id": "response id, id, survey id, 回复id, 问卷编号",
    "account_id": "account, account id, customer, company, 客户名称, 客户",
    "deal_id": "deal id, opportunity id, 商机id, 商机编号",
    "rep_id": "rep, owner, rep id, 负责人, 销售代表",
    "submitted_on": "submitted on, submitted, date, response date, 提交时间, 日期, 提交日期",
    "nps": "nps, likelihood to recommend, recommend, 推荐意愿, 净推荐值",
    "csat": "csat, satisfaction, overall satisfaction, 满意度, 总体满意度",
    "product_quality": "product quality, 产品质量",
    "service_attitude": "service attitude, 服务态度",
    "response_speed": "response speed, 响应速度",
    "comment": "comment, comments, feedback, 评论, 意见, 备注",
}

PRODUCT = {
    "product": "product, product name, 产品, 产品名称",
    "price": "sales price, list price, price, unit price, 价格, 单价, 标准价格",
    "series": "series, product family, family, 系列",
}

TABLE_SYNONYMS: dict[str, dict[str, str]] = {
    "deals": DEAL,
    "deal_events": EVENT,
    "accounts": ACCOUNT,
    "reps": REP,
    "quotas": QUOTA,
    "activities": ACTIVITY,
    "surveys": SURVEY,
    "products": PRODUCT,
}


def _index() -> dict[str, dict[str, str]]:
    """table -> normalised header -> field (the first field listing a name keeps it)."""
    out: dict[str, dict[str, str]] = {}
    for table, fields in TABLE_SYNONYMS.items():
        names: dict[str, str] = {}
        for field_name, text in fields.items():
            for raw in text.split(", "):
                names.setdefault(normalise(raw), field_name)
        for field_name in fields:  # a table exported from salesdash itself uses the contract's names
            names.setdefault(normalise(field_name), field_name)
        out[table] = names
    return out


INDEX = _index()
ALL_NAMES = frozenset(name for names in INDEX.values() for name in names)

# How much a matched field says "this sheet is that table". Fields not listed weigh 0.5.
WEIGHTS: dict[str, dict[str, float]] = {
    "deals": {"stage": 3, "amount": 2, "close_date": 2, "expected_close": 2, "closed_on": 1.5, "status_text": 1.5,
              "is_won": 2, "probability": 1, "forecast_category": 2, "lost_reason": 2, "deal_id": 1, "name": 1},
    "deal_events": {"old_stage": 4, "field": 3, "old_value": 3, "new_value": 3, "prev_amount": 3,
                    "prev_close_date": 3, "changed_at": 1.5, "stage": 1.5, "deal_id": 1.5},
    "accounts": {"industry": 2, "customer_type": 2, "size_band": 2, "employees": 2, "region": 1, "account_id": 1, "name": 1},
    "reps": {"team": 2, "manager": 2.5, "hired_on": 2.5, "email": 1.5, "rep_id": 1.5, "region": 1},
    "quotas": {"amount": 1, "period": 2, "period_start": 2, "period_end": 2, "rep_id": 1},
    "activities": {"type": 1.5, "occurred_at": 1.5, "subject": 2.5, "outcome": 2, "activity_id": 0.5},
    "surveys": {"nps": 3, "csat": 3, "product_quality": 3, "service_attitude": 3, "response_speed": 3,
                "submitted_on": 1, "comment": 1},
    "products": {"price": 3, "product": 2, "series": 1},
}
