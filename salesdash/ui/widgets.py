"""Reusable screen pieces: KPI cards, tables with downloads, notes about missing data."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping

import pandas as pd
import streamlit as st

from salesdash import export, fmt
from salesdash.ui.core import currency, lang, t


def download_buttons(
    sheets: Mapping[str, pd.DataFrame] | pd.DataFrame | Callable[[], pd.DataFrame],
    name: str,
    key: str | None = None,
) -> None:
    """CSV and XLSX buttons for a table (or several: one sheet each, CSV of the first).

    The files are written only when a button is clicked: writing every workbook on every rerun cost
    ~0.7 s on the Reps page at 1M deals. A callable is asked for the table only then, too.
    """

    def tables() -> Mapping[str, pd.DataFrame]:
        made = sheets() if callable(sheets) else sheets
        return {name: made} if isinstance(made, pd.DataFrame) else made

    key = key or name
    row = st.container(horizontal=True)  # the two buttons side by side, whatever the page width
    row.download_button(
        t("core.download_csv"),
        data=lambda: export.to_csv_bytes(next(iter(tables().values()))),
        file_name=f"{name}.csv",
        mime="text/csv",
        key=f"dl_csv_{key}",
        icon=":material/download:",
        on_click="ignore",
    )
    row.download_button(
        t("core.download_xlsx"),
        data=lambda: export.to_xlsx_bytes(tables()),
        file_name=f"{name}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=f"dl_xlsx_{key}",
        icon=":material/download:",
        on_click="ignore",
    )


def table(df: pd.DataFrame, columns: Mapping[str, str], name: str, key: str | None = None, **kwargs: object) -> None:
    """Show a table with translated headers (column -> catalogue key) and its download buttons.

    Only the listed columns are shown, in that order; downloads carry the same headers.
    """
    shown = df[list(columns)].rename(columns={c: t(k) for c, k in columns.items()})
    st.dataframe(shown, hide_index=True, width="stretch", **kwargs)  # type: ignore[arg-type]
    download_buttons(shown, name, key=key)


def kpi_cards(kpis: pd.DataFrame, per_row: int = 5) -> None:
    """st.metric cards from a kpis frame (metric, value, previous, change, unit, sample)."""
    language, cur = lang(), currency()
    rows = [kpis.iloc[i : i + per_row] for i in range(0, len(kpis), per_row)]
    for chunk in rows:
        cols = st.columns(per_row)
        for col, (_, k) in zip(cols, chunk.iterrows(), strict=False):
            value = fmt.value(k["unit"], k["value"], language, cur)
            delta = _delta_text(k, language, cur)
            help_text = t(f"metric_help.{k['metric']}")
            sample = k.get("sample")
            missing = k["value"] is None or (isinstance(k["value"], float) and math.isnan(k["value"]))
            if sample is not None and not math.isnan(sample) and sample < 30 and not missing:
                help_text += "\n\n" + t("core.small_sample", n=int(sample))
                value += " ⚠"
            col.metric(
                t(f"metric.{k['metric']}"),
                value,
                delta=delta,
                help=help_text,
                border=True,
                **delta_style(k["change"], rise_is_good=k["unit"] != "days"),
            )


def delta_style(change: object, rise_is_good: bool = True) -> dict[str, str]:
    """st.metric's delta colour and arrow: green for good news, red for bad, grey and no arrow for no change
    (a "+0" must not read as a rise)."""
    if isinstance(change, int | float) and change == 0:
        return {"delta_color": "off", "delta_arrow": "off"}
    return {"delta_color": "normal" if rise_is_good else "inverse"}


def _delta_text(k: pd.Series, language: str, cur: str | None) -> str | None:
    change = k["change"]
    if change is None or (isinstance(change, float) and math.isnan(change)):
        return None
    unit = k["unit"]
    if unit == "pct":
        return fmt.points(change, language)
    if unit in ("money", "money_per_day"):
        return fmt.money(change, language, cur) if change < 0 else "+" + fmt.money(change, language, cur)
    if unit == "days":
        return ("+" if change >= 0 else "") + fmt.days(change, language)
    if unit == "score":
        return f"{change:+.0f}"
    return f"{change:+,.0f}"


def missing_note(what: str) -> None:
    """Say plainly what a page cannot show and why (catalogue key of the reason)."""
    st.info(t(what), icon=":material/info:")
