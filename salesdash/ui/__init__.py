"""The Streamlit side: the one place pages get their data, texts, filters and download buttons.

This is the only part of salesdash that imports streamlit (tests/test_layers.py checks the rest).
Pages call `current_filters()`, `data(fn, f)`, `t(key)` and `table(...)`; nothing else.
"""

from __future__ import annotations

from salesdash.ui.core import (
    active,
    current_filters,
    data,
    lang,
    t,
    tl,
)
from salesdash.ui.widgets import download_buttons, kpi_cards, missing_note, table

__all__ = [
    "active",
    "current_filters",
    "data",
    "download_buttons",
    "kpi_cards",
    "lang",
    "missing_note",
    "t",
    "table",
    "tl",
]
