"""The session side of uploads: analyse files, keep the private database in session_state, switch to
it, remove it, and hand the page what it shows (report, mapping, stage order).

The upload's connection lives in `st.session_state[UPLOAD_KEY]` only, never in a shared cache, so
no other browser session can reach it (DESIGN.md "Bad input"). Only light things are kept beside it
(report, mapping, a few sample values per column): the file bytes stay in the file uploader, and
re-mapping reads them again.
"""

from __future__ import annotations

import contextlib
import copy
import io
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import pandas as pd
import streamlit as st
from streamlit.runtime.uploaded_file_manager import UploadedFile

from salesdash import export, ingest
from salesdash.ingest import mapping as ingest_mapping
from salesdash.ingest.limits import MB, Limits, Problem
from salesdash.ingest.load import Options
from salesdash.ingest.mapping import SheetMapping
from salesdash.ingest.validate import Report
from salesdash.ui.core import DATASET_CHOICE_KEY, UPLOAD_KEY, Upload, t

STATE_KEY = "upload_state"  # the UploadState of the session's current upload
SWITCH_KEY = "_upload_switch"  # set after an upload: the sidebar switches to it on the next run
ISSUE_ROWS_SHOWN = 1000
XLSX_ROW_LIMIT = 50_000  # larger issue lists download as CSV only (writing xlsx is slow)


@dataclass
class UploadState:
    """What the page shows about the session's upload."""

    files_key: tuple[str, ...]
    dataset_id: str
    report: Report
    mappings: list[SheetMapping]
    edit_tables: dict[str, pd.DataFrame]  # source -> mapping.edit_table
    stage_how: str
    open_stages: list[str]
    row_counts: dict[str, int]
    options: Options
    saved: dict[str, Any] | None = None
    overrides: dict[str, SheetMapping] = field(default_factory=dict)
    downloads: dict[str, bytes] = field(default_factory=dict)  # issue lists, built once per language


def _deepcopy_sharing_bytes(self: UploadedFile, memo: dict[int, Any]) -> UploadedFile:
    clone = type(self).__new__(type(self))
    io.BytesIO.__init__(clone, b"" if self.closed else self.getvalue())  # shares the bytes until a write
    clone.__dict__.update(copy.deepcopy(self.__dict__, memo))
    if self.closed:
        clone.close()
    else:
        clone.seek(self.tell())
    return clone


# st.file_uploader returns a deep copy of each file on every run of the script, so that the script
# cannot change the value Streamlit keeps. For an UploadedFile (a BytesIO) that copied the bytes: a
# 112 MB CSV cost 112 MB more on every run of the Upload page, held through the whole analysis, and
# on the run after it on top of the loaded upload (the 1M-row upload's peak, 1,076 MB). The bytes
# cannot change (a BytesIO made from bytes copies them on its first write), so a copy that shares
# them keeps that promise: its own position, its own attributes, the same immutable bytes.
UploadedFile.__deepcopy__ = _deepcopy_sharing_bytes  # type: ignore[attr-defined]


def limits() -> Limits:
    """The app's configured upload size (server.maxUploadSize, MB) is the per-file limit."""
    size = int(st.get_option("server.maxUploadSize") or 200)
    return Limits(file_bytes=size * MB)


def files_key(files: Sequence[Any]) -> tuple[str, ...]:
    return tuple(f"{getattr(f, 'file_id', '')}:{f.name}:{f.size}" for f in files)


def current() -> UploadState | None:
    state: UploadState | None = st.session_state.get(STATE_KEY)
    return state


def analyse_and_load(
    files: Sequence[tuple[str, bytes]],
    key: tuple[str, ...],
    saved: dict[str, Any] | None = None,
    overrides: dict[str, SheetMapping] | None = None,
    options: Options | None = None,
) -> UploadState | None:
    """Run the ingest, load the private database, make it the session's upload and switch to it
    (None, with the message on screen, if the files could not be analysed at all)."""
    options = options or Options()
    try:
        result = ingest.analyse(files, limits(), saved=saved, overrides=overrides, options=options)
    except Exception as exc:  # the last net: a message, never a traceback
        st.error(t("upload.msg.unreadable_file", detail=f"{type(exc).__name__}: {exc}"[:200]), icon=":material/error:")
        return None
    state = UploadState(
        files_key=key,
        dataset_id=result.dataset_id,
        report=result.report,
        mappings=result.mappings,
        edit_tables={m.source: ingest_mapping.edit_table(m, s.frame) for m, s in zip(result.mappings, result.sheets, strict=True)},
        stage_how=result.stage_how,
        open_stages=result.open_stages,
        row_counts=result.row_counts(),
        options=options,
        saved=saved,
        overrides=dict(overrides or {}),
    )
    if result.report.loaded_anything:
        conn = ingest.to_database(result)
        _close_upload()
        label = t("upload.dataset_label", name=_label(files))
        st.session_state[UPLOAD_KEY] = Upload(conn=conn, dataset_id=result.dataset_id, label=label)
        st.session_state[SWITCH_KEY] = True
    st.session_state[STATE_KEY] = state
    return state


def _label(files: Sequence[tuple[str, bytes]]) -> str:
    names = [name for name, _ in files]
    return names[0] if len(names) == 1 else f"{names[0]} +{len(names) - 1}"


def _close_upload() -> None:
    old: Upload | None = st.session_state.pop(UPLOAD_KEY, None)
    if old is not None:
        with contextlib.suppress(Exception):
            old.conn.close()


def remove() -> None:
    """The sidebar's "remove upload": close the private database and go back to the company data."""
    _close_upload()
    st.session_state.pop(STATE_KEY, None)
    st.session_state[DATASET_CHOICE_KEY] = "company"
    st.session_state[SWITCH_KEY] = True  # the sidebar resets the filters to the company defaults


def take_switch() -> bool:
    """True once after an upload was loaded or removed (the sidebar then resets its filters)."""
    if st.session_state.pop(SWITCH_KEY, False):
        if st.session_state.get(UPLOAD_KEY) is not None:
            st.session_state[DATASET_CHOICE_KEY] = "upload"
        return True
    return False


def with_options(state: UploadState, **changes: Any) -> Options:
    return replace(state.options, **changes)


# ---- texts and downloads ----------------------------------------------------------------------


def date_columns(report: Report, source: str) -> dict[str, str]:
    """Date columns of a sheet read as A/B/Y dates -> the day/month order used (the user may change it)."""
    keys = ("date_order_found", "date_order_assumed", "date_order_conflict")
    return {str(p.values["column"]): str(p.values["order"]) for p in report.problems if p.source == source and p.key in keys}


def problem_text(p: Problem) -> str:
    values = {k: (f"{v:,}" if isinstance(v, int) else v) for k, v in p.values.items()}
    if "order" in values:
        values["order"] = t(f"upload.order.{values['order']}")
    text = t(f"upload.msg.{p.key}", **values)
    return f"**{p.source}** — {text}" if p.source else text


def show_problems(problems: Sequence[Problem]) -> None:
    for severity, draw in (("error", st.error), ("warning", st.warning), ("info", st.info)):
        texts = [problem_text(p) for p in problems if p.severity == severity]
        if texts:
            icon = {"error": ":material/error:", "warning": ":material/warning:", "info": ":material/info:"}[severity]
            draw("\n".join(f"- {x}" for x in texts), icon=icon)


def issues_frame(report: Report, rows: int | None = None) -> pd.DataFrame:
    """The issues (the first `rows`, or all) with translated words, ready to show and download."""
    out = report.issues if rows is None else report.issues.head(rows)
    out = out.copy()
    for column, prefix in (("issue", "upload.issue."), ("action", "upload.action.")):
        words = {k: t(prefix + k) for k in out[column].unique()}
        out[column] = out[column].map(words)
    return out


def download_issues(state: UploadState, key: str) -> None:
    """CSV (and Excel up to XLSX_ROW_LIMIT rows) of every finding; built once per upload and language."""
    cache = state.downloads
    language = st.session_state.get("lang", "en")
    if f"csv:{language}" not in cache:
        frame = issues_frame(state.report)
        shown = frame.rename(columns={c: t(f"upload.col.{c}") for c in frame.columns})
        cache[f"csv:{language}"] = export.to_csv_bytes(shown)
        if len(shown) <= XLSX_ROW_LIMIT:
            cache[f"xlsx:{language}"] = export.to_xlsx_bytes({"issues": shown})
    left, right, _ = st.columns([1, 1, 5])
    left.download_button(t("core.download_csv"), cache[f"csv:{language}"], file_name="upload-issues.csv",
                         mime="text/csv", key=f"dl_csv_{key}", icon=":material/download:")
    if f"xlsx:{language}" in cache:
        right.download_button(t("core.download_xlsx"), cache[f"xlsx:{language}"],
                              file_name="upload-issues.xlsx", key=f"dl_xlsx_{key}", icon=":material/download:",
                              mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
