"""Numbers and dates written the way each language reads them.

English groups thousands (K, M, B); Chinese groups by 万 (10⁴) and 亿 (10⁸), as Chinese managers
read money. Missing values show as an em dash, never as "nan".
"""

from __future__ import annotations

import math
from datetime import date

CURRENCY_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "CNY": "¥", "RMB": "¥", "JPY": "¥"}
DASH = "—"


def _missing(value: float | int | None) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def compact(value: float, lang: str, trim: bool = False) -> str:
    """1234567 -> '1.23M' (en) / '123万' (zh); trim drops trailing zeros ('5.00M' -> '5M', for axes)."""
    sign = "-" if value < 0 else ""
    v = abs(value)
    units = ((1e8, "亿"), (1e4, "万")) if lang == "zh" else ((1e9, "B"), (1e6, "M"), (1e3, "K"))
    for size, unit in units:
        if v >= size:
            number = f"{v / size:,.{_digits(v / size)}f}"
            if trim and "." in number:
                number = number.rstrip("0").rstrip(".")
            return f"{sign}{number}{unit}"
    return f"{sign}{v:,.0f}"


def _digits(scaled: float) -> int:
    return 2 if scaled < 10 else 1 if scaled < 100 else 0


def money(value: float | None, lang: str, currency: str | None = "USD", trim: bool = False) -> str:
    if _missing(value):
        return DASH
    assert value is not None
    symbol = CURRENCY_SYMBOLS.get((currency or "").upper(), "")
    text = compact(float(value), lang, trim)
    if text.startswith("-"):
        return "-" + symbol + text[1:]
    return symbol + text


def count(value: float | int | None, lang: str) -> str:
    if _missing(value):
        return DASH
    assert value is not None
    return f"{round(value):,}"


def pct(value: float | None, lang: str, digits: int = 1) -> str:
    """A share 0..1 as a percentage."""
    if _missing(value):
        return DASH
    assert value is not None
    return f"{value * 100:.{digits}f}%"


def points(value: float | None, lang: str) -> str:
    """A difference of two shares, in percentage points."""
    if _missing(value):
        return DASH
    assert value is not None
    unit = "个百分点" if lang == "zh" else " pts"
    return f"{value * 100:+.1f}{unit}"


def days(value: float | None, lang: str) -> str:
    if _missing(value):
        return DASH
    assert value is not None
    return f"{value:,.0f} 天" if lang == "zh" else f"{value:,.0f} d"


def score(value: float | None, lang: str, digits: int = 0) -> str:
    if _missing(value):
        return DASH
    assert value is not None
    return f"{value:+.{digits}f}" if digits == 0 else f"{value:.{digits}f}"


def day(value: date | None, lang: str) -> str:
    if value is None:
        return DASH
    if lang == "zh":
        return f"{value.year}年{value.month}月{value.day}日"
    return value.strftime("%d %b %Y").lstrip("0")


def month(value: date, lang: str, short: bool = False) -> str:
    """'Mar 2025' / '2025年3月'; short: 'Mar 25' / '25年3月' (axis labels)."""
    if lang == "zh":
        year = value.year % 100 if short else value.year
        return f"{year:02d}年{value.month}月" if short else f"{year}年{value.month}月"
    return value.strftime("%b %y" if short else "%b %Y")


FORMATTERS = {
    "money": money,
    "count": count,
    "pct": pct,
    "days": days,
    "score": score,
}


def value(kind: str, x: float | None, lang: str, currency: str | None = "USD") -> str:
    """Format by unit kind: money, money_per_day, count, pct, days, score."""
    if kind == "money":
        return money(x, lang, currency)
    if kind == "money_per_day":
        base = money(x, lang, currency)
        return base if base == DASH else base + ("/天" if lang == "zh" else "/day")
    return FORMATTERS[kind](x, lang)
