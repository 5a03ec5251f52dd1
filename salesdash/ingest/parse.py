"""Values as CRMs and people write them: amounts, dates, won/lost words, yes/no, probabilities.

Column functions take a pandas Series of text ('' = blank) and return parsed values plus a mask of
cells that held something unreadable, so the caller can report each one. They parse each distinct
value once (a million-row export has a few thousand distinct dates), so they stay fast at scale.

Dates: ISO (with or without a time), YYYY/MM/DD, 2024年3月5日, Excel serial numbers, month names,
and A/B/YYYY or A.B.YYYY whose day/month order is decided for the whole column: a first part above
12 means day first, a second part above 12 means month first; when no value tells, "." means day
first and "/" or "-" month first, and the choice is reported so the user can change it.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

# ---- amounts ----------------------------------------------------------------------------------

_CURRENCY = re.compile(
    r"(?i)\b(usd|eur|gbp|cny|rmb|jpy|hkd|twd|sgd|aud|cad|chf|inr|krw)\b|人民币|美元|欧元|港币|[$€£¥￥元₩₹]|us\$"
)
_SCALE = {
    "k": 1e3, "千": 1e3, "m": 1e6, "mm": 1e6, "mn": 1e6, "百万": 1e6, "b": 1e9, "bn": 1e9,
    "万": 1e4, "亿": 1e8, "万亿": 1e12,
}  # fmt: skip
_AMOUNT = re.compile(r"^([+-]?)(\d[\d,.' \u00a0\u202f]*|\.\d+)\s*(万亿|百万|mm|mn|bn|[kmb千万亿])?\s*(-?)$", re.I)


def parse_amount(text: str) -> float | None:
    """'USD 1,234.50' -> 1234.5; '(300)' -> -300; '1.2k' -> 1200; '12万' -> 120000; '' -> None.

    Raises ValueError for text that is not an amount.
    """
    s = text.strip()
    if not s:
        return None
    negative = False
    if s.startswith("(") and s.endswith(")"):
        negative, s = True, s[1:-1]
    s = _CURRENCY.sub("", s).strip()
    if s.startswith("(") and s.endswith(")"):
        negative, s = True, s[1:-1].strip()
    m = _AMOUNT.match(s)
    if not m:
        raise ValueError(text)
    sign, digits, unit, trailing_minus = m.groups()
    number = _number(digits.replace(" ", "").replace("\u00a0", "").replace("\u202f", "").replace("'", ""))
    number *= _SCALE.get((unit or "").lower(), 1.0)
    if sign == "-" or trailing_minus or negative:
        number = -number
    return number


def _number(digits: str) -> float:
    """Thousands separators and the decimal mark: the last of ',' / '.' is the decimal mark unless
    it is followed by exactly three digits and is the only one of its kind ('1,234' = 1234)."""
    commas, dots = digits.count(","), digits.count(".")
    if commas and dots:
        decimal = "," if digits.rfind(",") > digits.rfind(".") else "."
        thousands = "." if decimal == "," else ","
        return float(digits.replace(thousands, "").replace(decimal, "."))
    if commas:
        if commas == 1 and not re.search(r",\d{3}$", digits):
            return float(digits.replace(",", "."))
        if not re.fullmatch(r"\d{1,3}(,\d{3})+", digits):
            raise ValueError(digits)
        return float(digits.replace(",", ""))
    if dots > 1:
        if not re.fullmatch(r"\d{1,3}(\.\d{3})+", digits):
            raise ValueError(digits)
        return float(digits.replace(".", ""))
    return float(digits)


def parse_amounts(texts: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(float64 values with NaN for blank/unreadable, mask of unreadable non-blank cells)."""
    texts = texts.fillna("").astype("str")
    blank = texts.str.strip() == ""
    try:  # a clean numeric column: one Arrow cast
        arrow = pa.Array.from_pandas(texts.where(~blank))
        fast = pd.Series(pc.cast(arrow, pa.float64()).to_numpy(zero_copy_only=False), index=texts.index)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, TypeError):
        fast = pd.to_numeric(texts, errors="coerce")
    todo = fast.isna() & ~blank
    if todo.any():
        codes, uniques = pd.factorize(texts[todo])
        parsed = np.array([_try_amount(u) for u in uniques], dtype="float64")
        fast.loc[todo] = parsed[codes]
    values = fast.astype("float64")
    bad = values.isna() & ~blank
    return values, bad


def _try_amount(text: str) -> float:
    try:
        value = parse_amount(text)
    except (ValueError, OverflowError):
        return math.nan
    return math.nan if value is None else value


def parse_probabilities(texts: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Probabilities as 0..1: '90%', '90' (a column with values above 1 is in percent) or '0.9'."""
    texts = texts.fillna("").astype("str")
    percent = texts.str.contains("%", regex=False)
    values, bad = parse_amounts(texts.str.replace("%", "", regex=False))
    scale = 100.0 if (values > 1).any() else 1.0
    values = values.where(~percent, values / 100).where(percent, values / scale)
    out_of_range = (values < 0) | (values > 1)
    return values.where(~out_of_range), bad | out_of_range


# ---- dates ------------------------------------------------------------------------------------

_TIME = r"(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?)?\s*(?:Z|[+-]\d{2}:?\d{2}|UTC)?"
_ISO = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})" + _TIME + "$")
_CN = re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日?" + _TIME + "$")
_COMPACT = re.compile(r"^(19\d{2}|20\d{2})(\d{2})(\d{2})$")
_ABY = re.compile(r"^(\d{1,2})([/.\-])(\d{1,2})\2(\d{4}|\d{2})" + _TIME + "$")
_SERIAL = re.compile(r"^\d{5}(\.\d+)?$")
_MONTHS = {m: i + 1 for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"))}
_MON = r"([A-Za-z]{3,9})\.?"
_NAMED_MDY = re.compile(r"^" + _MON + r"\s+(\d{1,2}),?\s+(\d{4})" + _TIME + "$")
_NAMED_DMY = re.compile(r"^(\d{1,2})[\s\-]+" + _MON + r"[\s\-,]+(\d{4}|\d{2})" + _TIME + "$")
_EXCEL_EPOCH = datetime(1899, 12, 30)


@dataclass(frozen=True)
class DateColumn:
    """What was decided for a date column: the day/month order used and whether the data said so."""

    order: str  # "mdy" / "dmy" / "" (no A/B/Y dates in the column)
    ambiguous: bool  # A/B/Y dates, none with a part above 12: the order is an assumption
    conflicting: bool  # both a first part and a second part above 12 were seen


def decide_order(uniques: list[str]) -> DateColumn:
    first_big = second_big = False
    seps: dict[str, int] = {}
    for u in uniques:
        m = _ABY.match(u)
        if not m:
            continue
        a, sep, b = int(m.group(1)), m.group(2), int(m.group(3))
        seps[sep] = seps.get(sep, 0) + 1
        first_big |= a > 12
        second_big |= b > 12
    if not seps:
        return DateColumn("", False, False)
    if first_big and not second_big:
        return DateColumn("dmy", False, False)
    if second_big and not first_big:
        return DateColumn("mdy", False, False)
    main_sep = max(seps, key=lambda k: seps[k])
    guess = "dmy" if main_sep == "." else "mdy"
    return DateColumn(guess, not (first_big and second_big), first_big and second_big)


def parse_date(text: str, order: str = "mdy") -> datetime | None:
    """One date (with its time, midnight when none) or None when unreadable or impossible."""
    s = text.strip()
    if not s:
        return None
    try:
        for pattern in (_ISO, _CN):
            m = pattern.match(s)
            if m:
                return _make(int(m.group(1)), int(m.group(2)), int(m.group(3)), m.group(4), m.group(5), m.group(6))
        m = _ABY.match(s)
        if m:
            a, b, y = int(m.group(1)), int(m.group(3)), int(m.group(4))
            if len(m.group(4)) == 2:
                y += 2000 if y < 70 else 1900
            month, day = (a, b) if order == "mdy" else (b, a)
            return _make(y, month, day, m.group(5), m.group(6), m.group(7))
        m = _COMPACT.match(s)
        if m:
            return _make(int(m.group(1)), int(m.group(2)), int(m.group(3)), None, None, None)
        if _SERIAL.match(s):
            serial = float(s)
            if 20000 <= serial <= 80000:  # 1954..2119: a date column written as Excel serial numbers
                return _EXCEL_EPOCH + timedelta(days=serial)
            return None
        m = _NAMED_MDY.match(s)
        if m and m.group(1)[:3].lower() in _MONTHS:
            return _make(int(m.group(3)), _MONTHS[m.group(1)[:3].lower()], int(m.group(2)), m.group(4), m.group(5), m.group(6))
        m = _NAMED_DMY.match(s)
        if m and m.group(2)[:3].lower() in _MONTHS:
            y = int(m.group(3))
            y += (2000 if y < 70 else 1900) if len(m.group(3)) == 2 else 0
            return _make(y, _MONTHS[m.group(2)[:3].lower()], int(m.group(1)), m.group(4), m.group(5), m.group(6))
    except ValueError:  # 2024-02-30, 13/13/2024: impossible
        return None
    return None


def _make(y: int, mo: int, d: int, hh: str | None, mm: str | None, ss: str | None) -> datetime:
    if not 1900 <= y <= 2200:
        raise ValueError("year")
    return datetime(y, mo, d, int(hh or 0), int(mm or 0), int(ss or 0))


def parse_dates(texts: pd.Series, order: str | None = None) -> tuple[pd.Series, DateColumn]:
    """(datetime64 values, NaT for blank/unreadable; what was decided for the column).

    `order` ("mdy"/"dmy") overrides the column's own evidence (the user's correction).
    """
    texts = texts.fillna("").astype("str").str.strip()
    codes, uniques = pd.factorize(texts)
    unique_list = [str(u) for u in uniques]
    decided = decide_order(unique_list)
    use = order or decided.order or "mdy"
    if order:
        decided = DateColumn(order, False, decided.conflicting)
    values = _iso_fast(unique_list)  # most exports write ISO dates: parsed in C, the rest one by one
    for i in np.flatnonzero(np.isnat(values)):
        p = parse_date(unique_list[i], use)
        if p is not None:
            values[i] = np.datetime64(p, "s")
    out = np.full(len(texts), np.datetime64("NaT", "s"))
    has = codes >= 0
    out[has] = values[codes[has]]
    return pd.Series(out, index=texts.index), decided


_OFFSET = re.compile(r"\s*(Z|UTC|[+-]\d{2}:?\d{2})$")
_ISO_SHAPE = re.compile(r"^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?$")


def _iso_fast(uniques: list[str]) -> np.ndarray:
    """Strict ISO dates (a time and offset allowed; the offset is dropped, keeping the local time as
    parse_date does) as datetime64[s]; NaT for anything else, left to parse_date."""
    out = np.full(len(uniques), np.datetime64("NaT", "s"))
    if not uniques:
        return out
    texts = pd.Series(uniques, dtype="str").str.replace(_OFFSET, "", regex=True)
    iso = texts.str.match(_ISO_SHAPE)
    if iso.any():
        parsed = pd.to_datetime(texts[iso], format="ISO8601", errors="coerce")
        ok = parsed.notna() & (parsed.dt.year >= 1900) & (parsed.dt.year <= 2200)
        out[np.flatnonzero(iso.to_numpy())[ok.to_numpy()]] = parsed[ok].to_numpy().astype("datetime64[s]")
    return out


def bad_dates(texts: pd.Series, values: pd.Series) -> pd.Series:
    """Cells that held text but gave no date."""
    return (texts.fillna("").astype("str").str.strip() != "") & values.isna()


# ---- words ------------------------------------------------------------------------------------


def _words(text: str) -> frozenset[str]:
    return frozenset(re.sub(r"[^0-9a-z\u3400-\u9fff]", "", w.lower()) for w in text.split(","))


WON_WORDS = _words(
    "closed won, won, win, closedwon, closed - won, deal won, 赢单, 成交, 已成交, 签约, 已签约, 赢, 赢单关闭, 已赢单, 成功"
)
LOST_WORDS = _words(
    "closed lost, lost, lose, closedlost, closed - lost, deal lost, closed lost to competition, lost to competition, "
    "canceled, cancelled, out-sold, outsold, 输单, 丢单, 失败, 已输单, 输, 输单关闭, 已丢单, 无效, 流失"
)
OPEN_WORDS = _words("open, in progress, active, pipeline, 进行中, 跟进中, 进行, 未关闭")


def status_word(text: str) -> str | None:
    """'Closed Won' -> 'won', '输单' -> 'lost', 'Open' -> 'open'; None for anything else (a stage name)."""
    key = re.sub(r"[^0-9a-z\u3400-\u9fff]", "", str(text).lower())
    if not key:
        return None
    if key in WON_WORDS:
        return "won"
    if key in LOST_WORDS:
        return "lost"
    if key in OPEN_WORDS:
        return "open"
    return None


def status_words(texts: pd.Series) -> pd.Series:
    """status_word of each cell (object Series of 'won'/'lost'/'open'/None), one call per distinct value."""
    codes, uniques = pd.factorize(texts.fillna("").astype("str"))
    looked = np.array([status_word(u) for u in uniques] + [None], dtype=object)
    return pd.Series(looked[codes], index=texts.index)


_TRUE = {"true", "yes", "y", "1", "x", "是", "对", "t", "✓", "✔"}
_FALSE = {"false", "no", "n", "0", "否", "f", ""}


def parse_bools(texts: pd.Series) -> pd.Series:
    """True / False / None (unreadable) per cell; blank is False."""
    low = texts.fillna("").astype("str").str.strip().str.lower()
    out = pd.Series(None, index=texts.index, dtype=object)
    out[low.isin(_TRUE)] = True
    out[low.isin(_FALSE)] = False
    return out


_DEAL_TYPES = {
    "new_business": "new business, new, new customer, new logo, newbusiness, 新客户, 新业务, 新签, 新商机",
    "expansion": "existing business, expansion, upsell, up-sell, cross-sell, add-on, existing customer, 增购, 扩展, 老客户, 增项",
    "renewal": "renewal, renew, 续约, 续费, 续签",
}
_FORECASTS = {
    "pipeline": "pipeline, 管道, 渠道中",
    "best_case": "best case, bestcase, most likely, mostlikely, 最佳情况, 乐观",
    "commit": "commit, committed, forecast, 承诺, 确定",
    "omitted": "omitted, omit, 排除, 忽略",
}


def _lookup(table: dict[str, str]) -> dict[str, str]:
    return {w: code for code, text in table.items() for w in _words(text)}


DEAL_TYPE_WORDS = _lookup(_DEAL_TYPES)
FORECAST_WORDS = _lookup(_FORECASTS) | {"closed": "", "closedwon": "", "closedlost": "", "won": "", "lost": ""}


def normalise_words(texts: pd.Series, words: dict[str, str]) -> tuple[pd.Series, pd.Series]:
    """(contract code or None, mask of non-blank cells that are no known word). A word mapped to ''
    is known but means "none" (Salesforce's forecast category "Closed")."""
    codes, uniques = pd.factorize(texts.fillna("").astype("str"))
    looked = [words.get(re.sub(r"[^0-9a-z\u3400-\u9fff]", "", str(u).lower())) for u in uniques]
    known = np.array([w if w else None for w in looked] + [None], dtype=object)
    unknown_u = np.array([w is None and str(u).strip() != "" for w, u in zip(looked, uniques, strict=True)] + [False])
    return pd.Series(known[codes], index=texts.index), pd.Series(unknown_u[codes], index=texts.index)


def to_date(values: pd.Series) -> pd.Series:
    """datetime64 -> python dates (None for NaT), the type DuckDB's DATE columns take from Arrow."""
    return values.dt.floor("D").astype("datetime64[s]")


def size_band(employees: float | None) -> str | None:
    if employees is None or math.isnan(employees):
        return None
    for limit, band in ((50, "1-49"), (250, "50-249"), (1000, "250-999"), (5000, "1000-4999")):
        if employees < limit:
            return band
    return "5000+"


def quarter_or_month(text: str) -> tuple[date, date] | None:
    """'2025-Q1' / 'Q1 2025' / '2025Q1' / '2025年第1季度' -> the quarter; '2025-03' / '2025年3月' -> the month."""
    s = text.strip()
    m = re.match(r"^(\d{4})\s*[-/ ]?\s*(?:Q|第)\s*([1-4])\s*(?:季度)?$", s, re.I) or re.match(
        r"^Q([1-4])\s*[-/ ]?\s*(\d{4})$", s, re.I
    )
    if m:
        a, b = m.groups()
        year, quarter = (int(a), int(b)) if len(a) == 4 else (int(b), int(a))
        start = date(year, 3 * quarter - 2, 1)
        end = date(year + (quarter == 4), (3 * quarter) % 12 + 1, 1) - timedelta(days=1)
        return start, end
    m = re.match(r"^(\d{4})\s*[-/年]\s*(\d{1,2})\s*月?$", s)
    if m and 1 <= int(m.group(2)) <= 12:
        year, month = int(m.group(1)), int(m.group(2))
        start = date(year, month, 1)
        end = date(year + (month == 12), month % 12 + 1, 1) - timedelta(days=1)
        return start, end
    return None
