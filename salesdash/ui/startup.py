"""First start and broken files: build the demo database when none exists, explain any problem.

A missing file is built (tens of thousands of demo deals) with a progress bar, into a temp file
that replaces the target atomically. A locked or corrupt file gets a clear message and a way
forward, never a traceback; a corrupt file is moved aside, never deleted.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import streamlit as st

from salesdash import db
from salesdash.ui.core import UPLOAD_KEY, company, t

FIRST_START_DEALS = 30_000


@st.cache_resource(show_spinner=False)
def _build_lock() -> threading.Lock:
    return threading.Lock()


def _build(path: Path) -> None:
    from salesdash.demo import build_demo  # imported late: only a first start needs it

    bar = st.progress(0.0, text=t("core.first_start"))
    started = time.perf_counter()

    def progress(fraction: float, step: str) -> None:
        bar.progress(min(max(fraction, 0.0), 1.0), text=f"{t('core.first_start')} — {step}")

    with _build_lock():
        if not path.exists():  # another session may have built it while we waited
            build_demo(path, deals=FIRST_START_DEALS, progress=progress)
    bar.progress(1.0, text=t("core.first_start_done", seconds=f"{time.perf_counter() - started:.1f}"))
    bar.empty()


def ensure_company_database() -> bool:
    """True when the company database can be read; otherwise a message is on screen."""
    path = db.configured_path()
    if not path.exists():
        try:
            _build(path)
        except OSError as exc:
            st.error(t("core.db_cannot_build", path=str(path), detail=str(exc)), icon=":material/error:")
            return False
    try:
        company()
        return True
    except db.DatabaseProblem as problem:
        _explain(problem)
        return st.session_state.get(UPLOAD_KEY) is not None


def _explain(problem: db.DatabaseProblem) -> None:
    st.error(t(f"core.db_{problem.kind}", path=str(problem.path)), icon=":material/error:")
    with st.expander(t("core.details")):
        st.code(problem.detail)
    if problem.kind == "locked":
        st.button(t("core.retry"), icon=":material/refresh:")
    elif problem.kind == "corrupt" and st.button(t("core.db_rebuild"), icon=":material/build:"):
        aside = problem.path.with_name(problem.path.name + f".broken-{int(time.time())}")
        problem.path.replace(aside)
        st.cache_resource.clear()
        st.rerun()
