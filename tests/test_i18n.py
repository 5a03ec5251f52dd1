"""The catalogue: every key has English and Chinese, and every key the code uses exists."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from salesdash import i18n, overview
from salesdash.filters import DIMENSIONS, PRESETS

ROOT = Path(__file__).resolve().parent.parent
# t("key"), i18n.t("key", …), missing_note("key"), table(..., {"col": "key"}) values are found by the
# first pattern; dotted string literals that look like catalogue keys by the second.
CALL = re.compile(r"""\b(?:t|i18n\.t|missing_note)\(\s*["']([a-z0-9_]+(?:\.[A-Za-z0-9_&\- ]+)+)["']""")


def code_files() -> list[Path]:
    return [ROOT / "app.py", *sorted((ROOT / "pages").glob("*.py")), *sorted((ROOT / "salesdash").rglob("*.py"))]


def test_every_key_has_both_languages():
    missing = [
        (key, lang)
        for key, texts in i18n.catalogue().items()
        for lang in i18n.LANGS
        if not texts.get(lang, "").strip()
    ]
    assert missing == []


def test_placeholders_match_between_languages():
    for key, texts in i18n.catalogue().items():
        names = {lang: set(re.findall(r"{(\w+)}", texts[lang])) for lang in i18n.LANGS}
        assert names["en"] == names["zh"], key


def test_every_literal_key_used_in_code_exists():
    used = {(m.group(1), path.name) for path in code_files() for m in CALL.finditer(path.read_text("utf-8"))}
    assert used, "the scan found no keys: the pattern is broken"
    unknown = sorted((key, name) for key, name in used if not i18n.has(key))
    assert unknown == []


def test_dynamic_keys_exist():
    for metric in overview.KPI_UNITS:
        assert i18n.has(f"metric.{metric}") and i18n.has(f"metric_help.{metric}")
    for preset in PRESETS:
        assert i18n.has(f"core.preset.{preset}")
    for dim in DIMENSIONS:
        assert i18n.has(f"core.dim.{dim}")


def test_a_missing_key_fails_loudly():
    with pytest.raises(KeyError):
        i18n.t("no.such.key", "zh")


def test_labels_translate_known_values_and_keep_others():
    assert i18n.label("stage", "Solution design", "zh") == "方案设计"
    assert i18n.label("stage", "Custom stage 9", "zh") == "Custom stage 9"
    assert i18n.t("core.as_of", "zh", date="2025年1月1日") == "数据截至 2025年1月1日"


def test_one_of_something_is_singular():
    t = i18n.t
    assert t("weekly.deals_count", "en", n="1") == "1 deal"
    assert t("weekly.deals_count", "en", n=1) == "1 deal"
    assert t("weekly.deals_count", "en", n="2") == "2 deals"
    assert t("weekly.deals_count", "en", n="1,000") == "1,000 deals"
    assert t("weekly.deals_count", "zh", n="1") == "1 笔"  # Chinese has no plural: its own text
    assert t("weekly.bar_deals", "en", step="Won", n="1") == "Won: 1 deal"


def test_singular_texts_use_only_their_plurals_placeholders():
    for key, texts in i18n.catalogue().items():
        for name, text in texts.items():
            if name.endswith("_one"):
                base = name.removesuffix("_one")
                assert base in i18n.LANGS, (key, name)
                assert set(re.findall(r"{(\w+)}", text)) <= set(re.findall(r"{(\w+)}", texts[base])), key
