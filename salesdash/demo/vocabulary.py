"""The words the demo company speaks: stages, people, products, reasons and survey comments.

Everything here is plain data. Order matters: the generator stores categories as small integer
codes that index these tuples, so appending is safe but reordering changes every build.
"""

from __future__ import annotations

# (stage, position, kind, default_probability, target_conversion) — names are keys across the app.
STAGES: tuple[tuple[str, int, str, float, float | None], ...] = (
    ("Lead identification", 1, "open", 0.10, 0.60),
    ("Qualification", 2, "open", 0.20, 0.65),
    ("Needs analysis", 3, "open", 0.40, 0.70),
    ("Solution design", 4, "open", 0.60, 0.70),
    ("Quote & negotiation", 5, "open", 0.80, 0.60),
    ("Won", 6, "won", 1.0, None),
    ("Lost", 7, "lost", 0.0, None),
)
# Stage codes are positions, so index 0 is a placeholder for "no stage" (the creation row's old value).
STAGE_NAMES: tuple[str, ...] = ("", *(s[0] for s in STAGES))
STATUS_NAMES = ("open", "won", "lost")

TEAMS = ("Atlas", "Beacon", "Cedar", "Delta", "Summit")
REGIONS = ("North", "South", "East", "West", "Central")  # team i sells in REGIONS[i]
MANAGERS = ("Rachel Adams", "Michael Torres", "Hui Zhao", "Karen Whitfield", "Robert Lang")

# Rep i (0-based) is R{i+1:02d} and belongs to team i // 8.
REP_NAMES = (
    "Olivia Bennett", "James Carter", "Sophie Walsh", "Daniel Brooks",
    "Mia Foster", "Ethan Hughes", "Lucas Reed", "Wei Zhang",
    "Grace Mitchell", "Noah Patterson", "Chloe Evans", "Liam O'Connor",
    "Hannah Price", "Jing Wang", "Ryan Cooper", "Ava Richardson",
    "Benjamin Hayes", "Isabella Ward", "Yang Liu", "Samuel Griffin",
    "Lily Sanders", "Matthew Kelly", "Ella Morgan", "Jack Sullivan",
    "Charlotte Ross", "Henry Coleman", "Xiaoming Chen", "Amelia Perry",
    "Oliver Grant", "Zoe Fisher", "Thomas Barnes", "Fang Zhou",
    "Harper Jenkins", "Leo Murphy", "Victoria Bell", "Jun Huang",
    "Nathan Howard", "Scarlett Russell", "Owen Bailey", "Mei Lin",
)
# Reps who cover a territory outside their team's region (rep id -> region).
CROSS_REGION = {"R06": "Central", "R14": "West", "R16": "East", "R21": "North",
                "R30": "South", "R35": "North", "R39": "South"}
# Hired within the last year; before that, teammates covered their accounts.
NEW_HIRES = ("R05", "R12", "R20", "R29", "R37")
# Planted pattern 3: busy but ineffective.
BUSY_REPS = ("R07", "R23")
SLOW_QUALIFICATION_TEAM = "Cedar"  # planted pattern 2

CUSTOMER_TYPES = ("Enterprise", "Mid-market", "Small business", "Public sector")
CUSTOMER_TYPE_SHARE = (0.20, 0.35, 0.35, 0.10)
# Median deal amount (USD) by customer type; deals are lognormal around it.
AMOUNT_MEDIAN = (80_000.0, 25_000.0, 6_000.0, 50_000.0)
AMOUNT_SIGMA = 0.6
# How many deals an account of each type tends to open, relative to the others.
DEALS_PER_ACCOUNT_WEIGHT = (2.0, 1.2, 0.8, 1.3)
# Bigger buyers decide more slowly (multiplies every stage duration).
CYCLE_FACTOR = (1.5, 1.0, 0.65, 1.7)

INDUSTRIES = ("Manufacturing", "Retail", "Financial services", "Healthcare", "Technology",
              "Education", "Logistics", "Energy", "Government", "Media")
# Industry weights per customer type (rows follow CUSTOMER_TYPES).
INDUSTRY_WEIGHTS = (
    (18, 14, 18, 12, 16, 3, 9, 8, 0, 2),
    (16, 16, 12, 12, 18, 4, 12, 5, 0, 5),
    (12, 22, 8, 10, 20, 4, 12, 2, 0, 10),
    (0, 0, 0, 25, 0, 30, 5, 5, 35, 0),
)
SIZE_BANDS = ("1-49", "50-199", "200-999", "1,000-4,999", "5,000+")
SIZE_WEIGHTS = (
    (0, 0, 5, 55, 40),
    (0, 25, 70, 5, 0),
    (65, 35, 0, 0, 0),
    (0, 15, 40, 30, 15),
)

CHANNELS = ("Direct", "Partner", "Online", "Referral", "Events")
CHANNEL_WEIGHTS = (  # per customer type
    (50, 30, 2, 8, 10),
    (38, 24, 14, 10, 14),
    (20, 14, 40, 14, 12),
    (45, 35, 2, 6, 12),
)
LEAD_SOURCES = ("Website", "Trade show", "Cold call", "Partner referral", "Webinar",
                "Inbound email", "Customer referral")
LEAD_SOURCE_WEIGHTS = (  # per channel
    (20, 5, 40, 0, 10, 25, 0),
    (5, 5, 0, 85, 5, 0, 0),
    (55, 0, 0, 0, 20, 25, 0),
    (5, 0, 0, 10, 0, 5, 80),
    (5, 65, 0, 0, 30, 0, 0),
)
PRODUCTS = ("Analytics Cloud", "CRM Suite", "Data Platform", "Support Plus", "Mobile SDK")
PRODUCT_SHARE = (0.24, 0.28, 0.20, 0.16, 0.12)
PRODUCT_PRICE_FACTOR = (1.1, 1.0, 1.35, 0.55, 0.75)
DATA_PLATFORM = PRODUCTS.index("Data Platform")  # planted pattern 4
DEAL_TYPES = ("new_business", "expansion", "renewal")
DEAL_TYPE_SHARE = (0.58, 0.27, 0.15)

FORECAST_CATEGORIES = ("pipeline", "best_case", "commit", "omitted")
# Chance of each category while a deal sits in stage 1..5 (row 0 unused).
FORECAST_WEIGHTS = (
    (1, 0, 0, 0),
    (90, 0, 0, 10),
    (95, 0, 0, 5),
    (85, 10, 0, 5),
    (22, 68, 6, 4),
    (3, 25, 67, 5),
)

LOST_REASONS = ("Price", "Competitor", "No budget", "No decision", "Timing", "Product fit")
LOST_REASON_WEIGHTS = (  # by the stage the deal was lost in (row 0 unused)
    (1, 1, 1, 1, 1, 1),
    (5, 5, 30, 25, 20, 15),
    (8, 10, 28, 22, 18, 14),
    (15, 18, 15, 20, 14, 18),
    (20, 25, 8, 17, 10, 20),
    (35, 30, 5, 15, 10, 5),
)
NO_DECISION = LOST_REASONS.index("No decision")
COMPETITORS = ("Salesforce", "HubSpot", "Microsoft Dynamics", "Oracle", "SAP", "Zoho",
               "Snowflake", "In-house build")
COMPETITOR_WEIGHTS = (24, 18, 16, 10, 10, 8, 8, 6)

ACTIVITY_TYPES = ("call", "email", "meeting", "demo", "visit", "social")
ACTIVITY_TYPE_WEIGHTS = (30, 35, 15, 8, 5, 7)
# Outcomes per activity type, padded to four with zero weight where a type has fewer.
ACTIVITY_OUTCOMES = (
    ("connected", "no answer", "left voicemail", "follow-up scheduled"),
    ("replied", "no reply", "proposal sent", "meeting requested"),
    ("held", "rescheduled", "cancelled", "next steps agreed"),
    ("completed", "positive feedback", "technical questions", "no-show"),
    ("held", "rescheduled", "positive", "cancelled"),
    ("connected", "message sent", "engaged", "no response"),
)
ACTIVITY_OUTCOME_WEIGHTS = (
    (40, 30, 20, 10),
    (35, 45, 12, 8),
    (60, 15, 5, 20),
    (45, 30, 20, 5),
    (65, 15, 15, 5),
    (30, 40, 15, 15),
)

# Account names: "<Prefix><Core> <Suffix>" in English, "<City><Brand><Trade>有限公司" in Chinese.
NAME_PREFIXES = ("North", "Blue", "Silver", "Green", "Bright", "Iron", "Clear", "Red", "Swift",
                 "Stone", "High", "Sun", "Oak", "River", "Summit", "Pine", "Gold", "Star",
                 "Cloud", "Harbor", "Maple", "Crest", "West", "East")
NAME_CORES = ("wind", "peak", "field", "bridge", "gate", "line", "wave", "point", "stone", "works",
              "path", "light", "ridge", "brook", "vale", "crest", "forge", "haven", "port", "mark")
NAME_SUFFIXES = ("Logistics", "Health", "Systems", "Retail", "Foods", "Energy", "Capital",
                 "Manufacturing", "Labs", "Media", "Group", "Partners", "Industries", "Motors",
                 "Pharma", "Insurance", "Software", "Hotels", "Telecom", "Academy")
CN_CITIES = ("北京", "上海", "深圳", "杭州", "广州", "成都", "南京", "苏州", "武汉", "西安",
             "天津", "重庆")
CN_BRANDS = ("华信", "星辰", "博远", "恒通", "锐达", "嘉禾", "天成", "远航", "启明", "宏图",
             "鼎盛", "云帆", "智联", "瑞丰", "金桥", "新元")
CN_TRADES = ("科技", "医疗", "物流", "制造", "零售", "能源", "教育", "电子", "食品", "软件")
CHINESE_ACCOUNT_SHARE = 0.15

# After-sale survey comments. Kinds: 0 praise, 1 neutral, 2 general complaint, 3 slow response.
COMMENTS_EN = (
    ("Great onboarding, the team knew our business.", "Very happy with the product, it just works.",
     "Our account manager is responsive and helpful.", "Setup was quick and the training was excellent.",
     "Reports that used to take a day now take minutes.", "Support solved our issue within the hour.",
     "Solid product and a partner we trust.", "The rollout went exactly as planned.",
     "Great value for the price.", "Our team adopted it faster than expected.",
     "Clear documentation and friendly support staff.", "Would recommend to other teams in our industry."),
    ("It does what we need, nothing more.", "Fine overall, a few features are still missing.",
     "Implementation took a bit longer than promised.", "Decent product; pricing could be clearer.",
     "Works well, but the admin screens are confusing.", "OK so far, we are still evaluating."),
    ("Too many bugs after the last release.", "The product is more expensive than the alternatives.",
     "Integration with our ERP was painful.", "Features promised in the sales process never arrived.",
     "Billing errors two months in a row.", "The interface feels outdated and slow."),
    ("Support took three days to answer a critical ticket.", "Nobody replied to our emails for a week.",
     "Response times are far too slow.", "We had to escalate twice before anyone called back.",
     "Tickets sit unanswered for days.", "Slow support is hurting our operations."),
)
COMMENTS_ZH = (
    ("上线很顺利，团队很懂我们的业务。", "产品很好用，非常满意。", "客户经理回复及时，很专业。",
     "培训很到位，员工很快就上手了。", "以前要一天的报表现在几分钟就出来。", "技术支持一个小时内就解决了问题。",
     "产品稳定，是值得信赖的合作伙伴。", "实施完全按计划完成。", "性价比很高。",
     "团队使用率比预期高。", "文档清晰，客服态度很好。", "会推荐给同行业的朋友。"),
    ("基本满足需求。", "整体还行，还缺少一些功能。", "实施周期比承诺的稍长。",
     "产品不错，价格说明可以更清楚。", "功能可以，但管理界面有点复杂。", "目前还在评估中。"),
    ("新版本上线后问题太多。", "价格比同类产品贵。", "和我们的ERP系统对接很麻烦。",
     "销售时承诺的功能一直没有上线。", "连续两个月账单出错。", "界面陈旧，操作很慢。"),
    ("响应速度太慢，等了三天才有人回复", "发了邮件一个星期都没人回。", "售后响应太慢了。",
     "问题升级了两次才有人联系我们。", "工单好几天都没人处理。", "支持响应慢，影响了我们的业务。"),
)
COMMENT_SHARE = 0.6  # responses that leave a comment
