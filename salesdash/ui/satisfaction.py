"""Screen pieces of the Satisfaction page: score cards with intervals and small-sample warnings, its
tables (translated headers, numbers kept sortable) and downloads built only when clicked."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

import pandas as pd
import streamlit as st

from salesdash import export, fmt, satisfaction
from salesdash.ui.core import lang, t, tl
from salesdash.ui.widgets import delta_style

# filter dimension -> catalogue kind of its values (sidebar uses the same kinds)
VALUE_KINDS = {"customer_types": "customer_type", "channels": "channel", "products": "product", "teams": "team"}
_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _missing(x: Any) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def _value_text(metric: str, x: float, language: str, fine: bool = False) -> str:
    """`fine`: one more decimal, for interval bounds too close to tell apart when rounded."""
    if _missing(x):
        return fmt.DASH
    if metric == "nps":
        return f"{x:+.1f}" if fine else fmt.score(x, language)
    if metric == "csat_share":
        return fmt.pct(x, language)
    if metric == "csat_mean":
        return f"{x:.2f}"
    return fmt.count(x, language)


def _change_text(metric: str, x: float, language: str) -> str | None:
    if _missing(x):
        return None
    if metric == "csat_share":
        return fmt.points(x, language)
    if metric == "csat_mean":
        return f"{x:+.2f}"
    return f"{x:+,.0f}"


def score_cards(headline: pd.DataFrame) -> None:
    """One bordered card per headline metric: value, change, 95 % interval, n, visible small-sample mark."""
    language = lang()
    cols = st.columns(len(headline))
    for col, row in zip(cols, headline.itertuples(), strict=True):
        metric = str(row.metric)
        with col.container(border=True):
            st.metric(
                t(f"satisfaction.metric.{metric}"),
                _value_text(metric, row.value, language),
                delta=_change_text(metric, row.change, language),
                **delta_style(row.change, rise_is_good=metric != "follow_up"),
                help=t(f"satisfaction.metric_help.{metric}"),
            )
            lines = []
            if not _missing(row.low):
                fine = metric == "nps" and row.high - row.low < 4  # thousands of responses: ±0.3 points
                lines.append(
                    t(
                        "satisfaction.card.interval",
                        low=_value_text(metric, row.low, language, fine),
                        high=_value_text(metric, row.high, language, fine),
                    )
                )
            if metric not in ("survey_responses", "follow_up"):
                lines.append(t("satisfaction.card.n", n=fmt.count(row.n, language)))
            if _missing(row.previous):
                lines.append(t("satisfaction.card.no_previous"))
            else:
                previous = _value_text(metric, row.previous, language)
                lines.append(t("satisfaction.card.previous", value=previous, n=fmt.count(row.previous_n, language)))
            st.caption(" · ".join(lines))
            if row.small_sample:
                st.markdown(f":orange[{t('satisfaction.card.small', n=int(row.n))}]")


def lazy_downloads(frame: pd.DataFrame, name: str, key: str) -> None:
    """CSV and Excel buttons whose files are built only when clicked (big lists stay cheap on a rerun)."""
    with st.container(horizontal=True):
        st.download_button(
            t("core.download_csv"), data=lambda: export.to_csv_bytes(frame), file_name=f"{name}.csv",
            mime="text/csv", key=f"dl_csv_{key}", icon=":material/download:", on_click="ignore",
        )  # fmt: skip
        st.download_button(
            t("core.download_xlsx"), data=lambda: export.to_xlsx_bytes({name: frame}), file_name=f"{name}.xlsx",
            mime=_XLSX, key=f"dl_xlsx_{key}", icon=":material/download:", on_click="ignore",
        )  # fmt: skip


def template_download() -> None:
    """The survey sheet of the upload template, headed in English and Chinese."""
    st.download_button(
        t("satisfaction.template_download"), data=satisfaction.survey_template_xlsx, file_name="survey_template.xlsx",
        mime=_XLSX, key="dl_survey_template", icon=":material/table_view:", on_click="ignore",
    )  # fmt: skip


def _show(frame: pd.DataFrame, headers: Mapping[str, str], config: Mapping[str, Any], name: str, key: str,
          max_rows: int | None = None) -> None:  # fmt: skip
    """Translated headers; numbers stay numbers (sortable), formatted by column_config; long lists
    scroll inside `max_rows` rows."""
    shown = frame[list(headers)].rename(columns={c: t(k) for c, k in headers.items()})
    height: int | str = "auto"
    if max_rows is not None and len(frame) > max_rows:
        height = 38 + 35 * max_rows
    column_config = {t(headers[c]): cfg for c, cfg in config.items()}
    st.dataframe(shown, hide_index=True, width="stretch", column_config=column_config, height=height)  # type: ignore[arg-type]
    lazy_downloads(shown, name, key)


def _interval(low: pd.Series, high: pd.Series, digits: int, signed: bool) -> list[str]:
    spec = f"{'+' if signed else ''}.{digits}f"
    return [fmt.DASH if _missing(a) else f"{a:{spec}} … {b:{spec}}" for a, b in zip(low, high, strict=True)]


def _sample(small: pd.Series, n: pd.Series) -> list[str]:
    return [f"⚠ {int(k):,}" if s else f"{int(k):,}" for s, k in zip(small, n, strict=True)]


def driver_table(drivers: pd.DataFrame) -> None:
    frame = drivers.assign(
        dimension=[t(f"satisfaction.dim.{d}") for d in drivers["dimension"]],
        interval=_interval(drivers["mean_low"], drivers["mean_high"], 2, False),
        sample=_sample(drivers["small_sample"], drivers["n"]),
    )
    headers = {
        "rank": "satisfaction.col.rank", "dimension": "satisfaction.col.dimension", "mean": "satisfaction.col.mean",
        "interval": "satisfaction.col.interval", "previous_mean": "satisfaction.col.previous_mean",
        "change": "satisfaction.col.change", "r": "satisfaction.col.r", "priority": "satisfaction.col.priority",
        "sample": "satisfaction.col.n",
    }  # fmt: skip
    config = {
        "mean": st.column_config.NumberColumn(format="%.2f"),
        "previous_mean": st.column_config.NumberColumn(format="%.2f"),
        "change": st.column_config.NumberColumn(format="%+.2f"),
        "r": st.column_config.NumberColumn(format="%.2f"),
        "priority": st.column_config.ProgressColumn(format="%.2f", min_value=0.0, max_value=1.0),
    }
    _show(frame, headers, config, "satisfaction_drivers", "sat_drivers")


def segment_label(dimension: str, value: object) -> str:
    kind = VALUE_KINDS.get(dimension)
    return tl(kind, value) if kind else (t("core.none") if value is None else str(value))


def segment_table(rows: pd.DataFrame, dimension: str) -> None:
    frame = rows.assign(
        label=[segment_label(dimension, v) for v in rows["label"]],
        interval=_interval(rows["nps_low"], rows["nps_high"], 0, True),
        sample=_sample(rows["small_sample"], rows["nps_n"]),
        csat_share=rows["csat_share"] * 100,
    )
    headers = {
        "label": "satisfaction.col.segment", "sample": "satisfaction.col.n", "nps": "satisfaction.col.nps",
        "interval": "satisfaction.col.interval", "nps_change": "satisfaction.col.nps_change",
        "csat_share": "satisfaction.col.csat_share", "csat_mean": "satisfaction.col.csat_mean",
        "product_quality": "satisfaction.col.product_quality", "service_attitude": "satisfaction.col.service_attitude",
        "response_speed": "satisfaction.col.response_speed",
    }  # fmt: skip
    two = st.column_config.NumberColumn(format="%.2f")
    config = {
        "nps": st.column_config.NumberColumn(format="%+.0f"),
        "nps_change": st.column_config.NumberColumn(format="%+.0f"),
        "csat_share": st.column_config.NumberColumn(format="%.0f%%"),
        "csat_mean": two, "product_quality": two, "service_attitude": two, "response_speed": two,
    }  # fmt: skip
    _show(frame, headers, config, f"satisfaction_by_{dimension}", f"sat_seg_{dimension}")


def follow_up_table(rows: pd.DataFrame) -> None:
    frame = rows.assign(
        reason=[t(f"satisfaction.reason.{r}") for r in rows["reason"]],
        product=[tl("product", p) for p in rows["product"]],
        comment=rows["comment"].fillna(""),
    )
    headers = {
        "submitted_on": "satisfaction.col.submitted_on", "account_name": "satisfaction.col.account",
        "rep_name": "satisfaction.col.rep", "reason": "satisfaction.col.reason", "comment": "satisfaction.col.comment",
        "nps": "satisfaction.col.nps_score", "csat": "satisfaction.col.csat",
        "product_quality": "satisfaction.col.product_quality", "service_attitude": "satisfaction.col.service_attitude",
        "response_speed": "satisfaction.col.response_speed", "product": "satisfaction.col.product",
        "response_id": "satisfaction.col.response_id",
    }  # fmt: skip
    config = {"comment": st.column_config.TextColumn(width="large")}
    _show(frame, headers, config, "satisfaction_follow_up", "sat_follow_up", max_rows=12)


def comments_table(rows: pd.DataFrame) -> None:
    frame = rows.assign(nps_group=[t(f"satisfaction.group.{g}") if g else fmt.DASH for g in rows["nps_group"]])
    headers = {
        "submitted_on": "satisfaction.col.submitted_on", "comment": "satisfaction.col.comment",
        "nps": "satisfaction.col.nps_score", "nps_group": "satisfaction.col.group", "csat": "satisfaction.col.csat",
        "account_name": "satisfaction.col.account", "rep_name": "satisfaction.col.rep",
    }  # fmt: skip
    config = {"comment": st.column_config.TextColumn(width="large")}
    _show(frame, headers, config, "satisfaction_comments", "sat_comments", max_rows=12)


def sales_table(link: pd.DataFrame) -> None:
    frame = link.assign(
        nps_group=[t(f"satisfaction.group.{g}") for g in link["nps_group"]],
        sample=_sample(link["small_sample"], link["responses"]),
        repeat_rate=link["repeat_rate"] * 100,
        later_win_rate=link["later_win_rate"] * 100,
    )
    headers = {
        "nps_group": "satisfaction.col.group", "sample": "satisfaction.col.n",
        "repeat_rate": "satisfaction.col.repeat_rate", "later_closed": "satisfaction.col.later_closed",
        "later_win_rate": "satisfaction.col.later_win_rate",
    }  # fmt: skip
    pct = st.column_config.NumberColumn(format="%.1f%%")
    _show(frame, headers, {"repeat_rate": pct, "later_win_rate": pct}, "satisfaction_sales_link", "sat_sales")


def pick(label_key: str, options: list[str], format_func: Callable[[str], str], key: str) -> str:
    """A one-of-a-few choice shown as a segmented control; never empty."""
    choice = st.segmented_control(t(label_key), options, format_func=format_func, key=key, default=options[0])
    return choice or options[0]
