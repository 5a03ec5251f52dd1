"""Session state, the active dataset, cached data calls and translations for the pages.

Caching rules (DESIGN.md "Bad input"): `st.cache_resource` holds only the company connection,
which every session may share; an upload's connection lives in `st.session_state`. Every cached
result is keyed by the dataset's identity, so one session's upload never answers another's query.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import streamlit as st

from salesdash import datasets, db, i18n
from salesdash.filters import Filters, preset_range

T = TypeVar("T")

UPLOAD_KEY = "upload_dataset"  # session_state key of the session's own upload (an Upload object)
DATASET_CHOICE_KEY = "dataset_choice"  # "company" or "upload"


@dataclass(frozen=True)
class Dataset:
    """The data the session is looking at."""

    conn: db.Connection
    dataset_id: str
    kind: str  # "company" or "upload"
    label: str


@dataclass
class Upload:
    """A session's upload: its private in-memory database and what it is."""

    conn: db.Connection
    dataset_id: str  # content hash of the files
    label: str


def lang() -> str:
    value = st.session_state.get("lang")
    return value if value in i18n.LANGS else i18n.DEFAULT_LANG


def t(key: str, **values: Any) -> str:
    """A catalogue text in the session's language."""
    return i18n.t(key, lang(), **values)


def tl(kind: str, value: object) -> str:
    """A data value (stage, channel…) in the session's language when the catalogue knows it."""
    return i18n.label(kind, value, lang())


@st.cache_resource(show_spinner=False)
def _company_connection(path: str, dataset_id: str) -> db.Connection:
    # dataset_id is part of the key: a replaced file gets a fresh connection
    return db.open_company(Path(path))


def company() -> Dataset:
    path = db.configured_path()
    dataset_id = db.company_dataset_id(path)
    conn = _company_connection(str(path), dataset_id)
    return Dataset(conn=conn, dataset_id=dataset_id, kind="company", label=t("core.company_data"))


def active() -> Dataset:
    """The session's upload when it chose one, else the company database."""
    upload: Upload | None = st.session_state.get(UPLOAD_KEY)
    if upload is not None and st.session_state.get(DATASET_CHOICE_KEY, "upload") == "upload":
        return Dataset(conn=upload.conn, dataset_id=upload.dataset_id, kind="upload", label=upload.label)
    return company()


@st.cache_data(show_spinner=False, max_entries=2048)
def _cached_call(_conn: db.Connection, _fn: Callable[..., Any], dataset_id: str, fn_key: str, args: tuple[Any, ...]) -> Any:
    return _fn(_conn, *args)


def data(fn: Callable[..., T], *args: Any) -> T:
    """`fn(conn, *args)` on the active dataset, cached per dataset, function and arguments."""
    ds = active()
    key = f"{fn.__module__}.{fn.__qualname__}"
    result: T = _cached_call(ds.conn, fn, ds.dataset_id, key, args)
    return result


def dataset_span() -> datasets.Span:
    ds = active()
    return data(datasets.span, date.today(), ds.kind == "upload")


def current_filters() -> Filters:
    """The filters the sidebar set in this run (app.py draws the sidebar before the page)."""
    f: Filters | None = st.session_state.get("_filters")
    if f is None:
        _route_through_app()
        span = dataset_span()
        start, end = preset_range("this_quarter", span.as_of)
        f = Filters(date_from=start, date_to=end, as_of=span.as_of, preset="this_quarter")
    return f


def _route_through_app() -> None:
    """Make a page that ran without app.py run again through it, once per session.

    Until st.navigation has run once in the server process, Streamlit takes a pages/ folder for its
    old multipage layout: a fresh server's first request for /weekly runs that page alone, without
    the sidebar. Setting the flag st.navigation sets and rerunning routes the request through app.py,
    keeping the page and its query parameters (a copied link works on a fresh server).
    """
    if st.session_state.get("_rerouted"):
        return
    st.session_state["_rerouted"] = True
    from streamlit.runtime.pages_manager import PagesManager

    PagesManager.uses_pages_directory = False
    st.rerun()


def currency() -> str | None:
    return data(datasets.main_currency)

