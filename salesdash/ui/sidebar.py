"""The shared sidebar: language, dataset, global filters; mirrored in the URL so a link reproduces a view.

On a session's first run the URL's query parameters seed the widgets; after that the widgets are
the truth and the URL follows them. Filters are stored in session_state["_filters"] for the page.

Each filter widget has one key per language (`f_channels`, `f_channels.zh`): a keyed widget keeps
showing the option labels it was created with, so after a language switch a fresh widget is made,
seeded from the language-independent value kept in session_state["_canon"].
"""

from __future__ import annotations

from datetime import date
from typing import Any

import streamlit as st

from salesdash import datasets, fmt, i18n
from salesdash.filters import DIMENSIONS, PRESETS, URL_KEYS, Filters, from_query, preset_range
from salesdash.ui import upload as upload_ui
from salesdash.ui.core import DATASET_CHOICE_KEY, UPLOAD_KEY, active, data, dataset_span, lang, t, tl

_SEEDED = "_filters_seeded"
# filter dimension -> the catalogue kind used to translate its values
_VALUE_KINDS = {
    "customer_types": "customer_type",
    "channels": "channel",
    "teams": "team",
    "products": "product",
    "regions": "region",
}


def _query_dict() -> dict[str, list[str]]:
    return {key: st.query_params.get_all(key) for key in st.query_params}


def init_language() -> None:
    """The session's language from the URL (?lang=zh), before anything is drawn: the page titles
    of the navigation are made before the sidebar."""
    if "lang" not in st.session_state:
        language = st.query_params.get("lang", i18n.DEFAULT_LANG)
        st.session_state["lang"] = language if language in i18n.LANGS else i18n.DEFAULT_LANG


def _seed_from_url(as_of: date, options: dict[str, list[str]]) -> None:
    query = _query_dict()
    init_language()
    _apply_to_widgets(from_query(query, as_of, options))
    st.session_state[_SEEDED] = True


def _key(name: str) -> str:
    """The widget key of a filter in the session's language."""
    return name if lang() == i18n.DEFAULT_LANG else f"{name}.{lang()}"


def _canon() -> dict[str, Any]:
    canon: dict[str, Any] = st.session_state.setdefault("_canon", {})
    return canon


def _set(name: str, value: Any) -> None:
    """Set a filter's value: the language-independent copy and the current widget."""
    _canon()[name] = value
    st.session_state[_key(name)] = value


def _prepare(name: str) -> str:
    """The widget key to use this run, seeded from the kept value if the widget is new."""
    key = _key(name)
    if key not in st.session_state and name in _canon():
        st.session_state[key] = _canon()[name]
    return key


def _apply_to_widgets(f: Filters) -> None:
    _set("f_period", f.preset)
    _set("f_dates", (f.date_from, f.date_to))
    for name in DIMENSIONS:
        _set(f"f_{name}", list(getattr(f, name)))


def reset_filters() -> None:
    """Back to this quarter (or the whole span of an upload) and no segment filter."""
    span = dataset_span()
    _set("f_period", _default_preset())
    _set("f_dates", _default_dates(span))
    for name in DIMENSIONS:
        _set(f"f_{name}", [])


def _default_preset() -> str:
    return "custom" if active().kind == "upload" else "this_quarter"


def _default_dates(span: datasets.Span) -> tuple[date, date]:
    if active().kind == "upload" and span.first and span.last:
        return span.first, span.last
    return preset_range("this_quarter", span.as_of)


def on_dataset_change() -> None:
    """A different dataset: options and dates change, so start from its defaults."""
    reset_filters()


def render() -> Filters:
    """Draw the sidebar and return the filters it sets."""
    if upload_ui.take_switch():  # an upload was just loaded or removed: its own defaults
        st.session_state[_SEEDED] = True
        reset_filters()
    span = dataset_span()
    options = data(datasets.filter_options)
    if not st.session_state.get(_SEEDED):
        _seed_from_url(span.as_of, options)
        if active().kind == "upload" and "period" not in st.query_params and "from" not in st.query_params:
            reset_filters()

    with st.sidebar:
        st.radio(
            t("core.language"),
            options=list(i18n.LANGS),
            format_func=lambda code: i18n.t(f"core.lang_{code}", code),
            key="lang",
            horizontal=True,
        )
        _dataset_picker()
        st.subheader(t("core.filters"))
        f = _filter_widgets(span, options)
        st.button(t("core.reset_filters"), on_click=reset_filters, icon=":material/restart_alt:", width="stretch")
        st.caption(t("core.as_of", date=fmt.day(span.as_of, lang())))

    st.session_state["_filters"] = f
    _write_url(f)
    return f


def _dataset_picker() -> None:
    upload = st.session_state.get(UPLOAD_KEY)
    if upload is None:
        st.caption(t("core.dataset_company"))
        return
    st.radio(
        t("core.dataset"),
        options=["upload", "company"],
        format_func=lambda v: upload.label if v == "upload" else t("core.company_data"),
        key=DATASET_CHOICE_KEY,
        on_change=on_dataset_change,
    )
    st.button(t("upload.remove"), on_click=upload_ui.remove, icon=":material/delete:", width="stretch", key="upload_remove")


def _filter_widgets(span: datasets.Span, options: dict[str, list[str]]) -> Filters:
    period = st.selectbox(
        t("core.period"),
        options=list(PRESETS),
        format_func=lambda p: t(f"core.preset.{p}"),
        key=_prepare("f_period"),
        on_change=_on_period_change,
    )
    _canon()["f_period"] = period
    if period == "custom":
        picked = st.date_input(t("core.date_range"), key=_prepare("f_dates"))
        _canon()["f_dates"] = picked
        start, end = _range_of(picked, span)
    else:
        start, end = preset_range(period, span.as_of)
        st.caption(f"{fmt.day(start, lang())} → {fmt.day(end, lang())}")
    chosen: dict[str, Any] = {}
    names = data(datasets.rep_names)
    for name in DIMENSIONS:
        kind = _VALUE_KINDS.get(name)
        fmt_func = (lambda v, k=kind: tl(k, v)) if kind else (lambda v: names.get(v, v))
        key = _prepare(f"f_{name}")
        current = st.session_state.get(key, [])
        if any(v not in options[name] for v in current):  # e.g. a value of another dataset
            st.session_state[key] = [v for v in current if v in options[name]]
        picked = st.multiselect(
            t(f"core.dim.{name}"),
            options=options[name],
            format_func=fmt_func,
            key=key,
            placeholder=t("core.all"),
        )
        _canon()[f"f_{name}"] = picked
        chosen[name] = tuple(picked)
    return Filters(date_from=start, date_to=end, as_of=span.as_of, preset=period, **chosen)


def _on_period_change() -> None:
    """Switching to a custom range starts from the range that was shown, not from today."""
    if st.session_state.get(_key("f_period")) == "custom":
        last = st.session_state.get("_filters")
        if last is not None:
            _set("f_dates", (last.date_from, last.date_to))


def _range_of(picked: object, span: datasets.Span) -> tuple[date, date]:
    """The date_input value while the user is still picking may hold one date or none."""
    if isinstance(picked, (tuple, list)) and len(picked) == 2:
        return picked[0], picked[1]
    if isinstance(picked, (tuple, list)) and len(picked) == 1:
        return picked[0], picked[0]
    if isinstance(picked, date):
        return picked, picked
    return preset_range("this_quarter", span.as_of)


# URL keys the filters own; any other key (a page's own, e.g. the weekly review's week) is kept as it is.
_FILTER_URL_KEYS = {"lang", "period", "from", "to", *URL_KEYS.values()}


def _write_url(f: Filters) -> None:
    current = _query_dict()
    wanted = f.to_query(lang()) | {k: v for k, v in current.items() if k not in _FILTER_URL_KEYS}
    if current != wanted:
        st.query_params.from_dict(wanted)


__all__ = ["render", "reset_filters", "URL_KEYS"]
