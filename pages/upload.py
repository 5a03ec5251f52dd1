"""Upload: drop CRM exports or a hand-made sheet, see how they were read and mapped, correct the
mapping, and look at every dashboard on them — privately, in this browser session only."""

import streamlit as st

from salesdash.ingest import mapping as ingest_mapping
from salesdash.ingest import read as ingest_read
from salesdash.ingest import template
from salesdash.ingest.load import Options
from salesdash.ui import current_filters, t, table
from salesdash.ui import upload as up

current_filters()  # a fresh server's first request for /upload is routed through app.py (the sidebar)
st.title(t("upload.title"))
st.caption(t("upload.intro", types=", ".join(ingest_read.ACCEPTED), mb=up.limits().file_bytes >> 20))

with st.expander(t("upload.template_title"), icon=":material/table_view:"):
    st.write(t("upload.template_text"))
    left, right, _ = st.columns([1, 1, 3])
    for col, code in ((left, "en"), (right, "zh")):
        col.download_button(
            t(f"upload.template_{code}"),
            data=template.template_xlsx(code),
            file_name=f"salesdash-template-{code}.xlsx",
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            icon=":material/download:",
            key=f"template_{code}",
        )

files = st.file_uploader(t("upload.drop_label"), type=ingest_read.ACCEPTED, accept_multiple_files=True, key="upload_files")
with st.expander(t("upload.options_title"), icon=":material/tune:"):
    mapping_file = st.file_uploader(t("upload.mapping_file_label"), type=["json"], key="upload_mapping_file")
    estimate = st.toggle(t("upload.estimate_amounts"), value=True, help=t("upload.estimate_help"), key="upload_estimate")

saved = None
if mapping_file is not None:
    try:
        saved = ingest_mapping.from_file(mapping_file.getvalue())
    except ValueError:
        st.error(t("upload.mapping_bad"), icon=":material/error:")

state = up.current()
if files:
    key = (*up.files_key(files), f"mapping:{mapping_file.file_id if saved and mapping_file else ''}", f"estimate:{estimate}")
    if state is None or state.files_key[: len(key)] != key:
        same_files = state is not None and state.files_key[: len(files)] == key[: len(files)]
        with st.spinner(t("upload.analysing")):  # an option changed on the same files keeps the corrections
            loaded = up.analyse_and_load([(f.name, f.getvalue()) for f in files], key, saved=saved,
                                         overrides=state.overrides if same_files and state else None,
                                         options=Options(estimate_amounts=estimate))
        if loaded is None:
            st.stop()
        st.rerun()
if state is None:
    st.info(t("upload.no_files"), icon=":material/upload_file:")
    st.stop()

report = state.report
if report.loaded_anything:
    st.success(t("upload.loaded", deals=f"{state.row_counts.get('deals', 0):,}", sheets=len(report.sheets)), icon=":material/check_circle:")
    st.page_link("pages/overview.py", label=t("upload.go_overview"), icon=":material/dashboard:")
else:
    st.error(t("upload.nothing_loaded"), icon=":material/error:")
up.show_problems(report.problems)

st.subheader(t("upload.summary_title"))
summary = report.summary()
summary["table"] = summary["table"].map(lambda v: t(f"upload.table.{v or 'ignore'}"))
summary["balanced"] = summary["balanced"].map(lambda ok: "✓" if ok else "✗")
table(summary, {c: f"upload.col.{c}" for c in summary.columns}, name="upload-summary")

warnings = report.warning_counts()
if len(warnings):
    st.subheader(t("upload.warnings_title"))
    warnings["issue"] = warnings["issue"].map(lambda k: t(f"upload.issue.{k}"))
    table(warnings, {c: f"upload.col.{c}" for c in warnings.columns}, name="upload-warnings")

st.subheader(t("upload.issues_title"))
total = len(report.issues)
if total == 0:
    st.write(t("upload.no_issues"))
else:
    st.caption(t("upload.issues_caption", shown=f"{min(total, up.ISSUE_ROWS_SHOWN):,}", total=f"{total:,}",
                 rejected=f"{len(report.rejected()):,}"))
    issues = up.issues_frame(report, up.ISSUE_ROWS_SHOWN)
    st.dataframe(issues.rename(columns={c: t(f"upload.col.{c}") for c in issues.columns}), hide_index=True, width="stretch", height=300)
    up.download_issues(state, "upload_issues")

st.subheader(t("upload.mapping_title"))
st.caption(t("upload.mapping_caption"))
overrides = {}
for i, m in enumerate(state.mappings):
    table_label = t("upload.table." + (m.table or "ignore"))
    title = f"{m.source} → {table_label} ({m.confidence:.0%})"
    with st.expander(title, expanded=i == 0):
        chosen = st.selectbox(
            t("upload.sheet_table"), options=[*ingest_mapping.TABLES, ingest_mapping.IGNORE],
            index=[*ingest_mapping.TABLES, ingest_mapping.IGNORE].index(m.table),
            format_func=lambda v: t(f"upload.table.{v or 'ignore'}"), key=f"map_table_{i}",
        )
        fields = [ingest_mapping.NOT_USED, *ingest_mapping.fields_of(chosen)]
        shown = state.edit_tables[m.source].assign(how=lambda d: d["how"].map(lambda h: t(f"upload.how.{h or 'none'}")))
        edited = st.data_editor(
            shown, hide_index=True, width="stretch", key=f"map_cols_{i}",
            disabled=["column", "confidence", "how", "sample"],
            column_config={
                "column": st.column_config.TextColumn(t("upload.col.column")),
                "field": st.column_config.SelectboxColumn(t("upload.col.field"), options=fields,
                                                          format_func=lambda v: t(f"upload.field.{'ignore' if v == ingest_mapping.NOT_USED else v}")),
                "confidence": st.column_config.ProgressColumn(t("upload.col.confidence"), min_value=0.0, max_value=1.0, format="percent"),
                "how": st.column_config.TextColumn(t("upload.col.how")),
                "sample": st.column_config.TextColumn(t("upload.col.sample")),
            },
        )
        corrected = ingest_mapping.from_edit_table(m, chosen, edited)
        for column, order in up.date_columns(report, m.source).items():
            corrected.date_order[column] = st.segmented_control(
                t("upload.date_order_for", column=column), options=["mdy", "dmy"], default=order,
                format_func=lambda v: t(f"upload.order.{v}"), key=f"map_order_{i}_{column}",
            ) or order
        overrides[m.source] = corrected

left, right, _ = st.columns([1, 1, 2])
if left.button(t("upload.apply"), icon=":material/refresh:", disabled=not files, key="upload_apply"):
    with st.spinner(t("upload.analysing")):
        up.analyse_and_load([(f.name, f.getvalue()) for f in files or []], state.files_key, saved=state.saved,
                            overrides=overrides, options=state.options)
    st.rerun()
right.download_button(
    t("upload.download_mapping"), data=ingest_mapping.to_file(list(overrides.values()), state.open_stages if state.stage_how == "user" else []),
    file_name="salesdash-mapping.json", mime="application/json", icon=":material/download:", key="upload_mapping_dl",
)
if not files:
    st.caption(t("upload.apply_needs_files"))

if state.open_stages:
    st.subheader(t("upload.stages_title"))
    st.caption(t(f"upload.stage_how.{state.stage_how}"))
    order = st.multiselect(t("upload.stage_order"), options=state.open_stages, default=state.open_stages, key="upload_stage_order")
    if st.button(t("upload.apply_stages"), disabled=not files or order == state.open_stages, key="upload_apply_stages"):
        with st.spinner(t("upload.analysing")):
            up.analyse_and_load([(f.name, f.getvalue()) for f in files or []], state.files_key, saved=state.saved,
                                overrides=state.overrides, options=up.with_options(state, stage_order=tuple(order)))
        st.rerun()
st.caption(t("upload.private"))
