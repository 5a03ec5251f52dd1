"""One mapped sheet -> rows in the shape of one contract table, with each problem recorded.

A `SheetView` reads a field's text (several columns mapped to one field are coalesced, first
non-blank wins), parses it, and records unreadable values (loaded blank, with a warning) and
rejected rows (with their reason) in the upload's `Issues`. The converters return contract
columns plus `_source` / `_row` (where each row came from) and a few working columns that
salesdash.ingest.load uses across sheets (`_probability`, `_stage_word`, `_acc_*`, `_rep_*`).
"""

from __future__ import annotations

import re
from datetime import date

import numpy as np
import pandas as pd

from salesdash.ingest import parse
from salesdash.ingest.limits import Problem
from salesdash.ingest.mapping import SheetMapping
from salesdash.ingest.read import ROW, RawSheet
from salesdash.ingest.validate import LOADED, REJECTED, Issues
from salesdash.survey_sheet import REASON, SCORES, validate_survey_rows

_CURRENCY_HINTS = [
    ("USD", r"\$|\bUSD\b|US\$"), ("EUR", r"€|\bEUR\b"), ("GBP", r"£|\bGBP\b"),
    ("CNY", r"¥|￥|\bCNY\b|\bRMB\b|元|万|亿|人民币"), ("JPY", r"\bJPY\b"),
]  # fmt: skip


class SheetView:
    """Parsed fields of one sheet, with every problem written to `issues` / `problems`."""

    def __init__(self, sheet: RawSheet, mapping: SheetMapping, issues: Issues, problems: list[Problem]) -> None:
        self.sheet = sheet
        self.mapping = mapping
        self.issues = issues
        self.problems = problems
        self.frame = sheet.frame
        self.rejected = pd.Series(False, index=self.frame.index)
        self.warnings: dict[str, int] = {}
        self._columns: dict[str, list[str]] = {}
        self._texts: dict[str, pd.Series] = {}
        for c in mapping.columns:
            if c.field:
                self._columns.setdefault(c.field, []).append(c.column)

    def has(self, field: str) -> bool:
        return field in self._columns

    def column(self, field: str) -> str:
        return self._columns.get(field, [""])[0]

    def text(self, field: str) -> pd.Series | None:
        cols = self._columns.get(field)
        if not cols:
            return None
        if field not in self._texts:  # each field's text is built once: several checks read it
            out = _stripped(self.frame[cols[0]])
            for extra in cols[1:]:
                out = out.where(out != "", _stripped(self.frame[extra]))
            self._texts[field] = out
        return self._texts[field]

    def warn(self, mask: pd.Series, field: str, issue: str, values: pd.Series | None = None) -> None:
        mask = mask.fillna(False).astype(bool) & ~self.rejected
        n = self.issues.add(self.sheet, mask, self.column(field) or field, issue, LOADED, values)
        if n:
            self.warnings[issue] = self.warnings.get(issue, 0) + n

    def reject(self, mask: pd.Series, field: str, reason: str, values: pd.Series | None = None) -> None:
        mask = mask.fillna(False).astype(bool) & ~self.rejected
        self.issues.add(self.sheet, mask, self.column(field) or field, reason, REJECTED, values)
        self.rejected |= mask

    def note(self, key: str, severity: str = "info", **values: object) -> None:
        self.problems.append(Problem(key, severity, self.sheet.source, dict(values)))

    def dates(self, field: str, keep_time: bool = False) -> pd.Series | None:
        texts = self.text(field)
        if texts is None:
            return None
        column = self.column(field)
        values, decided = parse.parse_dates(texts, self.mapping.date_order.get(column))
        if decided.order:
            key = "date_order_conflict" if decided.conflicting else "date_order_assumed" if decided.ambiguous else "date_order_found"
            self.note(key, "warning" if decided.conflicting else "info", column=column, order=decided.order)
        self.warn(parse.bad_dates(texts, values), field, "unreadable_date")
        return values if keep_time else values.dt.floor("D")

    def amounts(self, field: str) -> pd.Series | None:
        texts = self.text(field)
        if texts is None:
            return None
        values, bad = parse.parse_amounts(texts)
        self.warn(bad, field, "unreadable_amount")
        return values

    def words(self, field: str, words: dict[str, str]) -> pd.Series | None:
        texts = self.text(field)
        if texts is None:
            return None
        values, unknown = parse.normalise_words(texts, words)
        self.warn(unknown, field, "unknown_word")
        return values

    def formula_check(self) -> None:
        """Text that would run as a formula in a spreadsheet: loaded as text, flagged (exports defuse it)."""
        for field, cols in self._columns.items():
            texts = self.frame[cols[0]].astype("str")
            if texts.str.startswith("=").any():  # a prefix test first: far cheaper than a regex per cell
                self.warn(texts.str.match(r"^=[A-Za-z_(]"), field, "formula_text")

    def finish(self, out: pd.DataFrame) -> pd.DataFrame:
        out["_source"] = self.sheet.source
        out["_row"] = self.frame[ROW]
        if not self.rejected.any():  # the usual case: no copy of every converted column
            return out.reset_index(drop=True)
        return out.loc[~self.rejected].reset_index(drop=True)


def _ids(view: SheetView, field: str, prefix: str) -> pd.Series:
    """The sheet's ids; without an id column, ids made from the row numbers (and said so)."""
    ids = view.text(field)
    if ids is None:
        view.note("generated_ids", field=field)
        return prefix + "-" + view.frame[ROW].astype("str")
    view.reject(ids == "", field, "blank_id")
    return ids


def _stripped(column: pd.Series) -> pd.Series:
    """The column without surrounding spaces; the same column (its memory shared) when none has any."""
    column = column.astype("str")
    stripped = column.str.strip()  # Arrow's trim: fast; a regex test per cell would run in Python
    return stripped if (stripped != column).any() else column


def _must(s: pd.Series | None) -> pd.Series:
    assert s is not None
    return s


def _blank_to_none(s: pd.Series | None, index: pd.Index) -> pd.Series:
    """Text with blanks as missing, kept in pandas' Arrow-backed str dtype (no Python object per cell)."""
    if s is None:
        return pd.Series(pd.NA, index=index, dtype="str")
    blank = s == ""
    return s.astype("str").where(~blank) if blank.any() else s


def deals(view: SheetView, today: date) -> pd.DataFrame:
    frame = view.frame
    idx = frame.index
    view.formula_check()
    out = pd.DataFrame(index=idx)
    out["deal_id"] = _ids(view, "deal_id", "deal")
    status = pd.Series(None, index=idx, dtype=object)
    status_text = view.text("status_text")
    if status_text is not None:
        status = parse.status_words(status_text)
    if view.has("is_closed"):
        closed = parse.parse_bools(_must(view.text("is_closed")))
        won = parse.parse_bools(_must(view.text("is_won"))) if view.has("is_won") else pd.Series(None, index=idx, dtype=object)
        from_flags = pd.Series(None, index=idx, dtype=object)
        from_flags[closed == False] = "open"  # noqa: E712
        from_flags[(closed == True) & (won == True)] = "won"  # noqa: E712
        from_flags[(closed == True) & (won == False)] = "lost"  # noqa: E712
        status = status.where(status.notna(), from_flags)
    elif view.has("is_won"):
        won = parse.parse_bools(_must(view.text("is_won")))
        status = status.where(status.notna() | (won != True), "won")  # noqa: E712
    stage_text = view.text("stage")
    stage_word = pd.Series(None, index=idx, dtype=object)
    if stage_text is not None:
        stage_word = parse.status_words(stage_text)
        status = status.where(status.notna(), stage_word)
        status = status.where(status.notna() | (stage_text == ""), "open")
    if not (view.has("status_text") or view.has("is_won") or view.has("is_closed") or view.has("stage")):
        view.note("no_status_column", "warning")
        status = pd.Series("open", index=idx, dtype=object)
    view.reject(status.isna(), "stage" if view.has("stage") else "status_text", "no_status")
    # a category: a million comparisons with 'won' then cost nothing (object strings compare one by one)
    out["status"] = pd.Categorical(status, categories=["open", "won", "lost"])
    # the stage name: a real stage (not a won/lost word); won deals get the won stage later
    out["stage"] = _blank_to_none(stage_text.where(stage_word.isna(), "") if stage_text is not None else None, idx)
    out["_stage_word"] = _blank_to_none(stage_text.where(stage_word.isin(["won", "lost"]), "") if stage_text is not None else None, idx)
    # optional columns only when the sheet has them (a million blank cells cost time and memory)
    for field in ("name", "account_id", "rep_id", "product", "channel", "lead_source", "lost_reason", "competitor"):
        if view.has(field):
            out[field] = _blank_to_none(view.text(field), idx)
    if view.has("deal_type"):
        out["deal_type"] = view.words("deal_type", parse.DEAL_TYPE_WORDS)
    if view.has("forecast_category"):
        out["forecast_category"] = view.words("forecast_category", parse.FORECAST_WORDS)
    amount = view.amounts("amount")
    out["amount"] = amount if amount is not None else np.nan
    out["currency"] = _currency(view)
    created = view.dates("created_on")
    closed_on = view.dates("closed_on")
    close_date = view.dates("close_date")
    expected = view.dates("expected_close")
    nat = pd.Series(pd.NaT, index=idx, dtype="datetime64[s]")
    closed_on = closed_on if closed_on is not None else nat
    expected = expected if expected is not None else nat
    is_closed = out["status"].isin(["won", "lost"])
    if close_date is not None:
        closed_on = closed_on.where(closed_on.notna() | ~is_closed, close_date)
        expected = expected.where(expected.notna() | is_closed, close_date)
    out["created_on"] = created if created is not None else nat
    out["closed_on"] = closed_on.where(is_closed)
    out["expected_close"] = expected
    probability = view.text("probability")
    out["_probability"] = parse.parse_probabilities(probability)[0] if probability is not None else np.nan
    for field in ("account.customer_type", "account.industry", "account.region", "rep.team", "rep.region"):
        if view.has(field):
            out["_" + field.replace(".", "_")] = _blank_to_none(view.text(field), idx)
    _deal_warnings(view, out, today)
    return view.finish(out)


def _deal_warnings(view: SheetView, out: pd.DataFrame, today: date) -> None:
    amount = out["amount"]
    view.warn(amount < 0, "amount", "negative_amount")
    view.warn(amount == 0, "amount", "zero_amount")
    if view.has("account_id"):
        view.warn(out["account_id"].isna(), "account_id", "blank_account")
    if view.has("created_on"):
        view.warn(out["created_on"].isna() & (view.text("created_on") == ""), "created_on", "blank_created")
    else:
        view.note("no_created_column", "warning")
    closed = out["status"].isin(["won", "lost"])
    view.warn(closed & out["closed_on"].isna(), "close_date" if view.has("close_date") else "closed_on", "blank_closed")
    view.warn(out["closed_on"] < out["created_on"], "close_date" if view.has("close_date") else "closed_on", "close_before_create")
    view.warn((out["status"] == "won") & (out["closed_on"] > pd.Timestamp(today)), "close_date" if view.has("close_date") else "closed_on", "future_close_won")


def _currency(view: SheetView) -> pd.Series | str | None:
    text = view.text("currency")
    if text is not None:
        return text.str.upper().where(text != "", None)
    amounts = view.text("amount")
    if amounts is None:
        return None
    sample = amounts[amounts != ""].head(500)
    for code, pattern in _CURRENCY_HINTS:
        if len(sample) and sample.str.contains(pattern, regex=True).mean() > 0.5:
            return code
    return None


def accounts(view: SheetView) -> pd.DataFrame:
    idx = view.frame.index
    view.formula_check()
    out = pd.DataFrame(index=idx)
    ids = view.text("account_id")
    names = view.text("name")
    if ids is None and names is not None:
        ids = names
    out["account_id"] = _ids(view, "account_id", "account") if ids is None or view.has("account_id") else ids
    if ids is not None and not view.has("account_id"):
        view.reject(ids == "", "name", "blank_id")
    out["name"] = _blank_to_none(names if names is not None else out["account_id"], idx)
    for field in ("customer_type", "industry", "region", "size_band"):
        out[field] = _blank_to_none(view.text(field), idx)
    if view.has("employees") and not view.has("size_band"):
        employees, _ = parse.parse_amounts(_must(view.text("employees")))
        out["size_band"] = employees.map(parse.size_band)
        view.note("size_from_employees")
    return view.finish(out)


def reps(view: SheetView) -> pd.DataFrame:
    idx = view.frame.index
    view.formula_check()
    out = pd.DataFrame(index=idx)
    ids, names = view.text("rep_id"), view.text("name")
    if ids is None and names is not None:
        out["rep_id"] = names
        view.reject(names == "", "name", "blank_id")
    else:
        out["rep_id"] = _ids(view, "rep_id", "rep")
    out["name"] = _blank_to_none(names if names is not None else out["rep_id"], idx)
    for field in ("team", "region", "manager"):
        out[field] = _blank_to_none(view.text(field), idx)
    if not view.has("team") and view.has("manager"):
        out["team"] = out["manager"]
        view.note("team_from_manager")
    hired = view.dates("hired_on")
    out["hired_on"] = hired if hired is not None else pd.NaT
    return view.finish(out)


def quotas(view: SheetView) -> pd.DataFrame:
    idx = view.frame.index
    out = pd.DataFrame(index=idx)
    rep = view.text("rep_id")
    out["rep_id"] = rep if rep is not None else ""
    view.reject(out["rep_id"] == "", "rep_id", "no_rep")
    start, end = view.dates("period_start"), view.dates("period_end")
    period = view.text("period")
    if period is not None:
        spans = period.map(parse.quarter_or_month)
        p_start = pd.to_datetime(spans.map(lambda s: s[0] if s else None))
        p_end = pd.to_datetime(spans.map(lambda s: s[1] if s else None))
        start = p_start if start is None else start.fillna(p_start)
        end = p_end if end is None else end.fillna(p_end)
    if start is None:
        start = pd.Series(pd.NaT, index=idx, dtype="datetime64[s]")
    if end is None:  # a start alone: a quarter from that day
        end = start + pd.DateOffset(months=3) - pd.Timedelta(days=1)
    out["period_start"], out["period_end"] = start, end
    view.reject(start.isna() | end.isna(), "period" if view.has("period") else "period_start", "no_period")
    amount = view.amounts("amount")
    out["amount"] = amount if amount is not None else np.nan
    view.reject(out["amount"].isna(), "amount", "no_amount")
    return view.finish(out)


_ACTIVITY_TYPES = {"call": "call, phone, phone call, 电话, 通话", "email": "email, e-mail, mail, 邮件",
                   "meeting": "meeting, 会议, 会面", "demo": "demo, demonstration, 演示", "visit": "visit, site visit, 拜访, 上门",
                   "social": "social, wechat, linkedin, 微信, 社交"}  # fmt: skip
ACTIVITY_WORDS = {re.sub(r"[^0-9a-z\u3400-\u9fff]", "", w.lower()): k for k, text in _ACTIVITY_TYPES.items() for w in text.split(", ")}


def activities(view: SheetView) -> pd.DataFrame:
    idx = view.frame.index
    view.formula_check()
    out = pd.DataFrame(index=idx)
    out["activity_id"] = _ids(view, "activity_id", "activity")
    for field in ("deal_id", "account_id", "rep_id", "outcome"):
        out[field] = _blank_to_none(view.text(field), idx)
    out["type"] = view.words("type", ACTIVITY_WORDS)
    when = view.dates("occurred_at", keep_time=True)
    out["occurred_at"] = when if when is not None else pd.NaT
    return view.finish(out)


def surveys(view: SheetView) -> pd.DataFrame:
    """Survey rows, checked by the satisfaction area's own rules (salesdash.survey_sheet): a row
    without a date or any score, a score off its scale or not whole, a repeated id -> rejected."""
    idx = view.frame.index
    view.formula_check()
    out = pd.DataFrame(index=idx)
    out["response_id"] = _ids(view, "response_id", "response")
    for field in ("account_id", "deal_id", "rep_id", "comment"):
        out[field] = _blank_to_none(view.text(field), idx)
    when = view.dates("submitted_on")
    out["submitted_on"] = when if when is not None else pd.NaT
    checked = pd.DataFrame({c: out[c] for c in ("response_id", "account_id", "deal_id", "rep_id", "comment")})
    checked["submitted_on"] = out["submitted_on"].dt.strftime("%Y-%m-%d").astype(object).where(out["submitted_on"].notna(), None)
    for field in SCORES:
        texts = view.text(field)
        out[field] = parse.parse_amounts(texts)[0] if texts is not None else np.nan
        # the validator reads the number when there is one, else the cell as written (so it can say why)
        checked[field] = out[field].astype(object).where(out[field].notna(), texts if texts is not None else None)
    keep = ~view.rejected
    _, rejected = validate_survey_rows(checked.loc[keep], "en")
    mask = pd.Series(False, index=idx)
    mask.loc[rejected.index] = True
    first_score = next((f for f in SCORES if view.has(f)), "submitted_on")
    view.reject(mask, first_score, "survey_rule", rejected[REASON].reindex(idx).fillna(""))
    return view.finish(out)


def products(view: SheetView) -> pd.DataFrame:
    out = pd.DataFrame(index=view.frame.index)
    names = view.text("product")
    out["product"] = names if names is not None else ""
    view.reject(out["product"] == "", "product", "blank_id")
    price = view.amounts("price")
    out["price"] = price if price is not None else np.nan
    return view.finish(out)
