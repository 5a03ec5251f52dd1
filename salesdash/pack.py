"""The weekly review as tables in the reader's language, and as a pack to mail after the meeting:
one self-contained HTML file (Plotly's JavaScript inlined, so it opens offline) and an XLSX workbook
with one sheet per section. The page shows the same tables, so screen and pack always agree.

Each table function returns numbers (`formatted=False`, for the workbook) or text written the way the
language reads it (`formatted=True`, for the screen and the HTML file).
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping
from datetime import date
from typing import Any

import pandas as pd

from salesdash import export, fmt, i18n
from salesdash.charts import weekly as weekly_charts
from salesdash.weekly import Review, bar_deals

# The pack is for mailing after the meeting: the largest items of each list, not every row of a big company.
XLSX_ROWS = 1_000
HTML_ROWS = 200


def period_label(period: tuple[date, date], lang: str) -> str:
    """'Q4 2025' / '2025年第4季度' for a calendar quarter."""
    start = period[0]
    return i18n.t("weekly.quarter", lang, q=(start.month - 1) // 3 + 1, year=start.year)


def _money(value: float | None, lang: str, currency: str | None, signed: bool = False) -> str:
    text = fmt.money(value, lang, currency)
    if signed and value is not None and not math.isnan(value) and value > 0:
        return "+" + text
    return text


def _day(value: object, lang: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT:
        return fmt.DASH
    return fmt.day(value, lang) if isinstance(value, date) else str(value)


def _label(kind: str, value: object, lang: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return fmt.DASH
    return i18n.label(kind, value, lang)


def _category(value: object, lang: str) -> str:
    key = f"weekly.category.{value}"
    return i18n.t(key, lang) if isinstance(value, str) and i18n.has(key) else _label("forecast_category", value, lang)


def summary_table(review: Review, lang: str, currency: str | None, formatted: bool = True) -> pd.DataFrame:
    """The cards as a table: figure, this week, before, change (and deal counts)."""
    rows = []
    for c in review.cards.itertuples():
        money = c.unit == "money"

        def show(v: float, signed: bool = False, money: bool = money) -> str:
            return _money(v, lang, currency, signed) if money else _count(v, signed)

        rows.append(
            {
                "metric": i18n.t(f"metric.{c.metric}", lang),
                "this_week": show(c.value) if formatted else c.value,
                "before": show(c.previous) if formatted else c.previous,
                "change": show(c.change, True) if formatted else c.change,
                "count": _count(c.count) if formatted else c.count,
                "previous_count": _count(c.previous_count) if formatted else c.previous_count,
            }
        )
    return _headers(pd.DataFrame(rows), lang)


def _count(value: float, signed: bool = False) -> str:
    if value is None or math.isnan(value):
        return fmt.DASH
    return f"{value:+,.0f}" if signed else f"{value:,.0f}"


def flow_table(review: Review, lang: str, currency: str | None, formatted: bool = True) -> pd.DataFrame:
    """The waterfall's bars: bar, value (signed as it moves the pipeline), deals."""
    w = review.waterfall
    out = pd.DataFrame(
        {
            "step": [i18n.t(f"weekly.step.{s}", lang) for s in w["step"]],
            "value_money": [
                _money(v, lang, currency, signed=bool(s)) if formatted else v
                for v, s in zip(w["value"], w["sign"], strict=True)
            ],
            "deals": w["deals"].tolist(),
        }
    )
    return _headers(out, lang)


def bar_deals_table(
    deals: pd.DataFrame, step: str, lang: str, currency: str | None, formatted: bool = True
) -> pd.DataFrame:
    """The deals behind one bar (weekly.bar_deals' frame): deal, account, owner, value, stage, close, how."""
    # new and pulled-in deals say how they came in (created, reopened, close date moved, closed early)
    how = [
        i18n.t(f"weekly.entry.{entry}", lang) if step in ("new", "pulled_in") and isinstance(entry, str) else ""
        for entry in deals["entry"]
    ]
    stage = deals["stage_0"] if step == "start" else deals["stage_1"]
    close = deals["close_0"] if step == "start" else deals["close_1"]
    out = pd.DataFrame(
        {
            "deal": deals["name"].fillna(deals["deal_id"]),
            "account": deals["account_name"],
            "owner": deals["rep_name"],
            "value": [_money(v, lang, currency) for v in deals["value"]] if formatted else deals["value"],
            "stage": [_label("stage", s, lang) for s in stage],
            "close": [_day(d, lang) for d in close] if formatted else pd.to_datetime(close).dt.date,
            "how": how,
        }
    )
    return _headers(out, lang)


def describe_change(row: Mapping[str, Any], lang: str, currency: str | None) -> str:
    """What changed on one mover, e.g. 'Stage Needs analysis → Solution design · Amount $500 → $600'."""
    parts = []
    if row["status_changed"]:
        if row["status_1"] in ("won", "lost"):
            parts.append(i18n.t(f"weekly.change.{row['status_1']}", lang))
        elif row["status_1"] == "open":
            parts.append(i18n.t("weekly.change.reopened", lang))
    if row["moved_stage"] and row["status_1"] == "open":
        old, new = _label("stage", row["stage_0"], lang), _label("stage", row["stage_1"], lang)
        parts.append(i18n.t("weekly.change.stage", lang, old=old, new=new))
    if row["amount_change"]:
        old, new = _money(row["amount_0"], lang, currency), _money(row["amount_1"], lang, currency)
        parts.append(i18n.t("weekly.change.amount", lang, old=old, new=new))
    slip = row["slip_days"]
    if (
        slip is not pd.NA
        and not (isinstance(slip, float) and math.isnan(slip))
        and slip != 0
        and row["status_1"] == "open"
    ):
        days = fmt.days(abs(float(slip)), lang)
        parts.append(
            i18n.t("weekly.change.close", lang, old=_day(row["close_0"], lang), new=_day(row["close_1"], lang),
                   days=("+" if slip > 0 else "−") + days)
        )  # fmt: skip
    if row["category_changed"] and row["status_1"] == "open":
        old, new = _category(row["category_0"], lang), _category(row["category_1"], lang)
        parts.append(i18n.t("weekly.change.category", lang, old=old, new=new))
    return " · ".join(parts) or i18n.t("weekly.change.none", lang)


def movers_table(
    movers: pd.DataFrame, lang: str, currency: str | None, limit: int | None = None, formatted: bool = True
) -> pd.DataFrame:
    """Deal, account, owner, what changed, amount (at the week's end) — largest first."""
    rows = movers.head(limit) if limit else movers
    out = pd.DataFrame(
        {
            "deal": rows["name"].fillna(rows["deal_id"]),
            "account": rows["account_name"],
            "owner": rows["rep_name"],
            "what_changed": [describe_change(r, lang, currency) for r in rows.to_dict("records")],
            "amount": [_money(v, lang, currency) for v in rows["amount_1"]] if formatted else rows["amount_1"],
        }
    )
    return _headers(out, lang)


def risk_reasons(row: Mapping[str, Any], lang: str) -> str:
    parts = []
    if row["stalled_in_stage"]:
        age, norm = row["age_in_stage_days"], row["stage_p75_days"]
        parts.append(i18n.t("weekly.reason.stalled_in_stage", lang, age=f"{age:,.0f}", norm=f"{norm:,.0f}"))
    if row["no_activity"]:
        parts.append(i18n.t("weekly.reason.no_activity", lang, days=f"{row['days_since_activity']:,.0f}"))
    if row["slipped_twice"]:
        parts.append(i18n.t("weekly.reason.slipped_twice", lang, n=int(row["slips"])))
    if row["went_quiet"]:
        parts.append(i18n.t("weekly.reason.went_quiet", lang))
    return " · ".join(parts)


def risk_table(
    at_risk: pd.DataFrame, lang: str, currency: str | None, limit: int | None = None, formatted: bool = True
) -> pd.DataFrame:
    """Deal, owner, forecast category, amount, expected close, why — largest first."""
    rows = at_risk.head(limit) if limit else at_risk
    out = pd.DataFrame(
        {
            "deal": rows["name"].fillna(rows["deal_id"]),
            "owner": rows["rep_name"],
            "category": [_category(c, lang) for c in rows["forecast_category"]],
            "amount": [_money(v, lang, currency) for v in rows["amount"]] if formatted else rows["amount"],
            "close": [_day(d, lang) for d in rows["expected_close"]] if formatted else rows["expected_close"],
            "why": [risk_reasons(r, lang) for r in rows.to_dict("records")],
        }
    )
    return _headers(out, lang)


def reps_table(by_rep: pd.DataFrame, lang: str, currency: str | None, formatted: bool = True) -> pd.DataFrame:
    """Rep, new, advanced, won, won value, lost, slipped."""
    out = by_rep[["rep_name", "new", "advanced", "won", "won_value", "lost", "slipped"]].rename(
        columns={"rep_name": "rep"}
    )
    if formatted:
        out = out.assign(won_value=[_money(v, lang, currency) if v else fmt.DASH for v in out["won_value"]])
    return _headers(out, lang)


def _headers(df: pd.DataFrame, lang: str, keys: Mapping[str, str] | None = None) -> pd.DataFrame:
    keys = keys or {}
    return df.rename(columns={c: i18n.t(keys.get(c, f"weekly.col.{c}"), lang) for c in df.columns})


def workbook(
    review: Review, lang: str, currency: str | None, notes: Mapping[str, str] | None = None, limit: int = XLSX_ROWS
) -> dict[str, pd.DataFrame]:
    """Sheet name -> table (numbers, not text) for the XLSX pack, one sheet per section (the largest
    `limit` rows of each list), and a notes sheet saying what the workbook holds."""
    flow_deals, flow = [], review.flow  # (a selection made when asked for: once)
    for step in ("new", "increased", "decreased", "won", "lost", "pushed_out", "pulled_in"):
        deals = bar_deals(flow, step).head(limit)
        table = bar_deals_table(deals, step, lang, currency, formatted=False)
        table.insert(0, i18n.t("weekly.col.step", lang), i18n.t(f"weekly.step.{step}", lang))
        flow_deals.append(table)
    return {
        i18n.t("weekly.pack_summary", lang): summary_table(review, lang, currency, formatted=False),
        i18n.t("weekly.flow_title", lang): flow_table(review, lang, currency, formatted=False),
        i18n.t("weekly.pack_flow_deals", lang): pd.concat(flow_deals, ignore_index=True),
        i18n.t("weekly.movers_title", lang): movers_table(review.movers, lang, currency, limit, formatted=False),
        i18n.t("weekly.risk_title", lang): risk_table(review.at_risk, lang, currency, limit, formatted=False),
        i18n.t("weekly.reps_title", lang): reps_table(review.by_rep, lang, currency, formatted=False),
        i18n.t("weekly.pack_notes", lang): pd.DataFrame(
            {i18n.t("weekly.pack_notes", lang): [*(notes or {}).values(), *_limit_notes(review, lang, limit)]}
        ),
    }


def _limit_notes(review: Review, lang: str, limit: int) -> list[str]:
    out = []
    for key, count in (("weekly.movers_title", len(review.movers)), ("weekly.risk_title", len(review.at_risk))):
        if count > limit:
            out.append(
                i18n.t("weekly.pack_limited", lang, section=i18n.t(key, lang), shown=f"{limit:,}", n=f"{count:,}")
            )
    return out


def xlsx(review: Review, lang: str, currency: str | None, filters_text: str = "", as_of: date | None = None) -> bytes:
    notes = {}
    if as_of is not None:
        notes["meta"] = i18n.t("weekly.pack_generated", lang, as_of=fmt.day(as_of, lang), filters=filters_text)
    return export.to_xlsx_bytes(workbook(review, lang, currency, notes))


def html_table(df: pd.DataFrame, css_class: str = "sd-table", widths: tuple[int, ...] = ()) -> str:
    """An escaped HTML table (cells are data, never markup); `widths` in % per column."""
    cols = "<colgroup>" + "".join(f'<col style="width:{w}%">' for w in widths) + "</colgroup>" if widths else ""
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in df.columns)
    body = "".join(
        "<tr>" + "".join(f'<td title="{html.escape(str(v))}">{html.escape(str(v))}</td>' for v in row) + "</tr>"
        for row in df.itertuples(index=False)
    )
    return f'<table class="{css_class}">{cols}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


_PACK_CSS = """
body { font-family: Inter, 'Noto Sans CJK SC', 'Source Han Sans SC', 'Microsoft YaHei', sans-serif;
       color: #1b1f24; margin: 2rem auto; max-width: 1200px; padding: 0 1.5rem; line-height: 1.4; }
h1 { font-size: 1.7rem; margin-bottom: .2rem; } h2 { font-size: 1.3rem; margin-top: 2.2rem;
     border-bottom: 2px solid #0072B2; padding-bottom: .2rem; }
.meta { color: #4a5562; margin: .2rem 0; }
.sd-table { border-collapse: collapse; width: 100%; font-size: .92rem; }
.sd-table th { text-align: left; background: #eef3f8; padding: .35rem .5rem; border-bottom: 1px solid #b8c4ce; }
.sd-table td { padding: .3rem .5rem; border-bottom: 1px solid #e5e9ee; vertical-align: top; }
.sd-table tbody tr:nth-child(even) { background: #fafbfc; }
.note { color: #4a5562; font-size: .9rem; }
@media print { body { margin: 0; max-width: none; } h2 { break-after: avoid; } .sd-table tr { break-inside: avoid; }
               section { break-inside: avoid-page; } }
"""


def _more(table: pd.DataFrame, lang: str) -> str:
    if len(table) <= HTML_ROWS:
        return ""
    text = i18n.t("weekly.pack_more", lang, shown=f"{HTML_ROWS:,}", n=f"{len(table):,}", xlsx=f"{XLSX_ROWS:,}")
    return f'<p class="note">{html.escape(text)}</p>'


def html_pack(review: Review, lang: str, currency: str | None, filters_text: str, as_of: date) -> bytes:
    """One self-contained HTML file: texts, tables and the interactive waterfall, Plotly's JS inlined."""
    week, period = review.week, period_label(review.period, lang)
    title = i18n.t("weekly.pack_title", lang, start=fmt.day(week.start, lang), end=fmt.day(week.end, lang))
    chart, flow_note = "", ""
    if not review.has_history:
        flow_note = i18n.t("weekly.no_history", lang)
    elif review.quiet:  # bars of zero say nothing: say it
        flow_note = i18n.t("weekly.quiet_week", lang, period=period)
    else:
        fig = weekly_charts.waterfall(review.waterfall, lang, currency, period, height=460)
        chart = fig.to_html(full_html=False, include_plotlyjs=True, config={"displaylogo": False, "responsive": True})
        chart += html_table(flow_table(review, lang, currency))
    movers, at_risk = review.movers, review.at_risk
    caption = i18n.t(
        "weekly.pack_caption", lang, start=fmt.day(week.start, lang), end=fmt.day(week.end, lang), period=period,
        period_start=fmt.day(review.period[0], lang), period_end=fmt.day(review.period[1], lang),
    )  # fmt: skip
    risk_period = period_label(review.at_risk_period, lang)
    sections = [
        ("weekly.changed_title", html_table(summary_table(review, lang, currency)), ""),
        ("weekly.flow_title", chart, flow_note),
        (
            "weekly.movers_title",
            html_table(movers_table(movers, lang, currency, HTML_ROWS)) + _more(movers, lang) if len(movers) else "",
            i18n.t("weekly.movers_caption", lang) if len(movers) else i18n.t("weekly.no_movers", lang),
        ),
        (
            "weekly.risk_title",
            html_table(risk_table(at_risk, lang, currency, HTML_ROWS)) + _more(at_risk, lang) if len(at_risk) else "",
            i18n.t("weekly.risk_caption", lang, as_of=fmt.day(as_of, lang), period=risk_period)
            if len(at_risk)
            else i18n.t("weekly.no_risk", lang, period=risk_period),
        ),
        (
            "weekly.reps_title",
            html_table(reps_table(review.by_rep, lang, currency)) if len(review.by_rep) else "",
            i18n.t("weekly.reps_caption", lang) if len(review.by_rep) else i18n.t("weekly.no_reps", lang),
        ),
    ]
    body = "".join(
        f"<section><h2>{html.escape(i18n.t(key, lang))}</h2>"
        + (f'<p class="note">{html.escape(note)}</p>' if note else "")
        + content
        + "</section>"
        for key, content, note in sections
    )
    meta = i18n.t("weekly.pack_generated", lang, as_of=fmt.day(as_of, lang), filters=filters_text)
    doc = (
        f'<!DOCTYPE html><html lang="{"zh-CN" if lang == "zh" else "en"}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>{html.escape(title)}</title>'
        f"<style>{_PACK_CSS}</style></head><body><h1>{html.escape(title)}</h1>"
        f'<p class="meta">{html.escape(caption)}</p><p class="meta">{html.escape(meta)}</p>{body}</body></html>'
    )
    return doc.encode("utf-8")
