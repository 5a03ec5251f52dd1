"""Widgets shared by the Funnel and Bottlenecks pages.

- Stage conversion targets: edited on either page, kept in the session per dataset, saved to and
  restored from a small CSV file (salesdash.targets).
- `choice`: a segmented control that keeps its value across a language switch (a keyed widget keeps
  the labels it was made with, so each language gets its own widget, seeded from one kept value).
- `deal_list`: a sortable deal table whose downloads are built only when clicked (lists can be long).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import pandas as pd
import streamlit as st

from salesdash import datasets, funnel, i18n, targets
from salesdash.ui.core import active, data, lang, t, tl
from salesdash.ui.widgets import download_buttons, missing_note

_TARGETS = "_stage_targets"  # session_state: dataset_id -> {stage: share or None}
_MESSAGE = "_stage_targets_message"
PREFIXES = ("funnel", "bottlenecks")
SHOW_ROWS = 1000


def _store() -> dict[str, float | None]:
    every: dict[str, dict[str, float | None]] = st.session_state.setdefault(_TARGETS, {})
    ds = active()
    if ds.dataset_id not in every:
        every[ds.dataset_id] = dict(data(targets.defaults))
    return every[ds.dataset_id]


def stage_targets() -> targets.Targets:
    """The session's targets for the active dataset (defaults until edited), hashable for cached calls."""
    return targets.as_key(_store())


def _pct(share: float | None) -> float | None:
    return None if share is None else round(share * 100, 1)


def _forget_widgets() -> None:
    """Drop the target inputs of both pages so they are made again from the kept targets."""
    for key in [k for k in st.session_state if isinstance(k, str) and k.startswith(PREFIXES) and "_target_" in k]:
        del st.session_state[key]


def _save(key: str, stage: str) -> None:
    value = st.session_state.get(key)
    _store()[stage] = None if value is None else float(value) / 100


def _reset() -> None:
    store = _store()
    store.clear()
    store.update(data(targets.defaults))
    _forget_widgets()
    st.session_state[_MESSAGE] = ("info", t("funnel.targets_reset_done"))


def _restore(uploader_key: str) -> None:
    upload = st.session_state.get(uploader_key)
    if upload is None:
        return
    store = _store()
    result = targets.parse(upload.getvalue(), list(store))
    store.update(result.targets)
    _forget_widgets()
    lines = [t("funnel.targets_restored", n=len(result.targets))]
    lines += [t(f"funnel.targets_problem.{reason}", line=line, detail=detail) for line, reason, detail in result.problems]
    st.session_state[_MESSAGE] = ("warning" if result.problems else "success", "  \n".join(lines))


def target_editor(prefix: str) -> None:
    """One percent input per open stage (its target conversion to the next), reset, download and restore."""
    store = _store()
    if not store:
        st.caption(t("funnel.targets_none"))
        return
    st.caption(t("funnel.targets_help"))
    stages = list(store)
    for row in range(0, len(stages), 5):
        chunk = stages[row : row + 5]
        for offset, (col, stage) in enumerate(zip(st.columns(5), chunk, strict=False)):
            key = f"{prefix}_target_{row + offset}"
            if key not in st.session_state:
                st.session_state[key] = _pct(store[stage])
            col.number_input(
                tl("stage", stage),
                min_value=0.0,
                max_value=100.0,
                step=1.0,
                format="%.0f",
                key=key,
                on_change=_save,
                args=(key, stage),
                help=t("funnel.target_input_help", stage=tl("stage", stage)),
            )
    left, middle, right = st.columns([1, 1, 2])
    left.button(t("funnel.targets_reset"), on_click=_reset, key=f"{prefix}_targets_reset", icon=":material/restart_alt:")
    middle.download_button(
        t("funnel.targets_download"),
        data=targets.to_csv(store),
        file_name="stage-targets.csv",
        mime="text/csv",
        key=f"{prefix}_targets_download",
        icon=":material/download:",
        on_click="ignore",
    )
    uploader_key = f"{prefix}_targets_file"
    right.file_uploader(
        t("funnel.targets_restore"),
        type=["csv"],
        key=uploader_key,
        on_change=_restore,
        args=(uploader_key,),
        help=t("funnel.targets_restore_help"),
    )
    message = st.session_state.pop(_MESSAGE, None)
    if message:
        kind, text = message
        getattr(st, kind)(text)


def choice(label: str, options: Sequence[str], key: str, default: str, labels: Callable[[str], str]) -> str:
    """A single-choice segmented control whose value survives a language switch."""
    kept = f"_{key}"
    if st.session_state.get(kept) not in options:
        st.session_state[kept] = default
    widget = key if lang() == i18n.DEFAULT_LANG else f"{key}.{lang()}"
    if st.session_state.get(widget) not in options:
        st.session_state[widget] = st.session_state[kept]

    def keep() -> None:
        if st.session_state.get(widget) in options:
            st.session_state[kept] = st.session_state[widget]

    value = st.segmented_control(label, options, format_func=labels, key=widget, on_change=keep, required=True)
    return str(value) if value in options else str(st.session_state[kept])


def _value_text(kind: str, value: object) -> str | None:
    if value is None or value != value:
        return None
    if kind.endswith("."):
        return t(kind + str(value)) if i18n.has(kind + str(value)) else str(value)
    return tl(kind, value)


def _prepared(
    df: pd.DataFrame,
    columns: Mapping[str, str],
    translate: Mapping[str, str] | None,
    blanks: Mapping[str, str] | None,
) -> pd.DataFrame:
    out = df[list(columns)].copy()
    for col, kind in (translate or {}).items():
        if col in out:
            texts = {v: _value_text(kind, v) for v in out[col].dropna().unique()}  # a few distinct values
            out[col] = out[col].astype(object).map(texts)
    for col, text in (blanks or {}).items():
        if col in out:
            out[col] = out[col].astype(object).where(out[col].notna(), text)
    return out.rename(columns={c: t(k) for c, k in columns.items()})


def deal_list(
    df: pd.DataFrame,
    columns: Mapping[str, str],
    name: str,
    key: str,
    column_config: Mapping[str, Any] | None = None,
    translate: Mapping[str, str] | None = None,
    blanks: Mapping[str, str] | None = None,
    download: Mapping[str, str] | None = None,
) -> None:
    """A sortable table of deals (the first SHOW_ROWS shown) with CSV/Excel downloads of all of them.

    `columns` maps a column to its header key; `download` (default: `columns`) the columns the files
    carry, so a narrow screen shows the essentials while the file has everything. `translate` maps a
    column to the catalogue kind of its values (stage, channel…), or to a key prefix ending in "."
    (e.g. "funnel.status."), so they read in the user's language; `blanks` gives the text of a missing
    value per column.
    """
    shown = _prepared(df.head(SHOW_ROWS), columns, translate, blanks)  # only what the screen shows
    headers = {c: t(k) for c, k in columns.items()}
    config = {headers[c]: v for c, v in (column_config or {}).items() if c in headers}
    if len(df) > SHOW_ROWS:
        st.caption(t("funnel.showing_first", shown=f"{SHOW_ROWS:,}", total=f"{len(df):,}"))
    height = min(36 + 35 * max(len(shown), 1), 400)  # no empty rows under a short table
    st.dataframe(shown, hide_index=True, width="stretch", column_config=config, height=height)
    download_buttons(lambda: _prepared(df, download or columns, translate, blanks), name, key)


def fitted_table(df: pd.DataFrame, columns: Mapping[str, str], name: str, key: str) -> None:
    """A short table whose cells wrap to the width of the page (nothing to scroll), with downloads."""
    shown = _prepared(df, columns, None, None)
    st.table(shown, hide_index=True)
    download_buttons(shown, name, key)


def parts_and_stages() -> tuple[Mapping[str, bool], pd.DataFrame]:
    """The dataset's parts present and its funnel stages, for the Funnel and Bottlenecks pages; stops the page
    with a plain note when there is no stage list or no deal to draw a funnel from."""
    present = data(datasets.has_rows)
    stages = data(funnel.funnel_stages)
    if stages.empty or not present["deals"]:
        missing_note("funnel.no_stages" if stages.empty else "funnel.no_deals")
        st.stop()
    return present, stages
