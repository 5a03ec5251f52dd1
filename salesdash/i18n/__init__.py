"""The translation catalogue: every text a user sees, in English and 简体中文, from one place.

Texts live in `salesdash/i18n/*.toml`, one file per area (core, overview, funnel, …), each key with
both languages side by side:

    [overview]
    title = { en = "Overview", zh = "概览" }

`t("overview.title", "zh")` looks a key up; `{name}` placeholders are filled from keyword arguments.
A text counting something by `{n}` may give its singular as `en_one` ("1 deal", not "1 deals"): it is used
when n is 1. Chinese needs none (a measure word does not change).
Data values that have a translation (stage names, demo channels…) go through `label`.
"""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources
from typing import Any

LANGS = ("en", "zh")
DEFAULT_LANG = "en"


@cache
def catalogue() -> dict[str, dict[str, str]]:
    """key -> {lang: text}, merged from every .toml file of this package."""
    merged: dict[str, dict[str, str]] = {}
    folder = resources.files("salesdash.i18n")
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".toml"):
            continue
        data = tomllib.loads(entry.read_text(encoding="utf-8"))
        for key, texts in _flatten(data):
            if key in merged:
                raise ValueError(f"translation key {key!r} defined twice ({entry.name})")
            merged[key] = texts
    return merged


def _flatten(data: dict[str, Any], prefix: str = "") -> list[tuple[str, dict[str, str]]]:
    out: list[tuple[str, dict[str, str]]] = []
    for name, value in data.items():
        key = f"{prefix}{name}"
        if isinstance(value, dict) and any(lang in value for lang in LANGS):
            out.append((key, {k: str(v) for k, v in value.items()}))
        elif isinstance(value, dict):
            out.extend(_flatten(value, key + "."))
        else:
            raise ValueError(f"translation {key!r} must give {LANGS}")
    return out


def t(key: str, lang: str = DEFAULT_LANG, **values: Any) -> str:
    """The text of `key` in `lang`, with `{placeholders}` filled. A missing key raises KeyError."""
    texts = catalogue()[key]
    text = texts.get(lang) or texts[DEFAULT_LANG]
    if _is_one(values.get("n")):
        text = texts.get(f"{lang}_one", text)
    return text.format(**values) if values else text


def _is_one(n: object) -> bool:
    """n is one: the number 1, or its formatted text ("1")."""
    if isinstance(n, str):
        return n.strip() == "1"
    return isinstance(n, int | float) and not isinstance(n, bool) and n == 1


def has(key: str) -> bool:
    return key in catalogue()


def label(kind: str, value: object, lang: str = DEFAULT_LANG) -> str:
    """A data value in the user's language when the catalogue knows it (e.g. a stage), else as is."""
    if value is None:
        return t("core.none", lang)
    text = str(value)
    key = f"value.{kind}.{text}"
    return t(key, lang) if key in catalogue() else text
