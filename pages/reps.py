"""Reps: who is on track, who needs help, and with what — leaderboard, quota, stage strengths,
activity against outcome, and one rep's page for a one-to-one."""

import streamlit as st

from salesdash import datasets, fmt, probability, rep_detail, reps
from salesdash.charts import reps as rep_charts
from salesdash.ui import current_filters, data, lang, missing_note, t
from salesdash.ui import reps as rep_ui
from salesdash.ui.core import currency

f = current_filters()
st.title(t("reps.title"))
st.caption(
    t(
        "reps.caption",
        start=fmt.day(f.date_from, lang()),
        end=fmt.day(f.date_to, lang()),
        share=fmt.pct(reps.elapsed_share(f), lang(), 0),
        as_of=fmt.day(f.as_of, lang()),
    )
)

learned = data(probability.learned_probabilities, f.as_of)  # once per dataset: all its closed history
board = data(reps.performance, f, learned)
rep_rows = reps.rows(board, "rep")
if rep_rows.empty:
    st.warning(t("core.no_match"), icon=":material/filter_alt_off:")
    st.stop()
present = data(datasets.has_rows)
show_quota = bool(rep_rows["quota"].notna().any())
show_activities = present["activities"]

# only the open tab runs: each tab computes and draws its own part
tabs, opened = rep_ui.page_tabs()

if opened == "leaderboard":
    with tabs["leaderboard"]:
        left, right = st.columns([2, 1])
        sort_by = left.selectbox(
            t("reps.board.rank_by"),
            reps.SORT_KEYS,
            format_func=lambda k: t(f"reps.board.sort.{k}"),
            key=rep_ui.sticky("reps_sort", per_language=True),
        )
        grouped = right.toggle(t("reps.board.subtotals"), key=rep_ui.sticky("reps_subtotals"))
        rep_ui.remember("reps_sort", sort_by)
        rep_ui.remember("reps_subtotals", grouped)
        st.caption(t("reps.board.ranking_note"))
        if not show_quota:
            missing_note("reps.note.no_quota_period" if present["quotas"] else "reps.note.no_quotas")
        shown = reps.with_team_subtotals(board, sort_by) if grouped else reps.sort_board(board, sort_by)
        rollups = {
            t("reps.board.sheet_rollup", level=t(f"reps.board.level.{level}")): rep_ui.download_frame(
                rep_ui.with_labels(reps.rows(board, level)), rep_ui.board_columns(show_quota, show_activities, rollup=True)
            )
            for level in ("team", "manager", "region")
        }
        rep_ui.number_table(
            rep_ui.with_labels(shown),
            rep_ui.board_columns(show_quota, show_activities),
            t("reps.board.file"),
            key="reps_board",
            extra_sheets=rollups,
            height=min(38 + 35 * len(shown), 900),
        )
        st.caption(t("reps.board.weighted_note"))

        st.subheader(t("reps.board.rollup_title"))
        level = st.segmented_control(
            t("reps.board.rollup_by"),
            ("team", "manager", "region"),
            format_func=lambda k: t(f"reps.board.level.{k}"),
            key=rep_ui.sticky("reps_rollup_level", per_language=True, default="team"),
        )
        rep_ui.remember("reps_rollup_level", level)
        rollup = rep_ui.with_labels(reps.rollup(board, level or "team"))
        rep_ui.number_table(
            rollup, rep_ui.board_columns(show_quota, show_activities, rollup=True), t("reps.board.rollup_file"), key="reps_rollup"
        )

if opened == "quota":
    with tabs["quota"]:
        if not show_quota:
            missing_note("reps.note.no_quota_period" if present["quotas"] else "reps.note.no_quotas")
        else:
            st.caption(t("reps.quota.caption"))
            st.plotly_chart(rep_charts.quota_bars(rep_rows, lang()), width="stretch", key="reps_quota_chart")
            st.plotly_chart(
                rep_charts.team_quota(reps.rows(board, "team"), lang(), currency()), width="stretch", key="reps_team_quota"
            )
            rep_ui.download_buttons(
                rep_ui.download_frame(
                    rep_ui.with_labels(reps.sort_board(board, "attainment")),
                    {k: v for k, v in rep_ui.BOARD_COLUMNS.items() if k in ("label", "team", "won_value", *rep_ui.QUOTA_COLUMNS)},
                ),
                t("reps.quota.file"),
                key="reps_quota",
            )

if opened == "stages":
    with tabs["stages"]:
        heat = data(reps.stage_strengths, f)
        if heat.empty:
            missing_note("reps.note.no_cohort")
        else:
            st.caption(t("reps.heat.caption", n=reps.MIN_STAGE_DEALS))
            if reps.mostly_thin(heat):
                st.info(t("reps.heat.thin"), icon=":material/date_range:")
            st.plotly_chart(rep_charts.stage_heatmap(heat, lang()), width="stretch", key="reps_heatmap")
            rep_ui.number_table(
                heat,
                {
                    "rep_name": ("reps.col.rep", "text"),
                    "team": ("reps.col.team", "text"),
                    "stage": ("reps.col.stage", "text"),
                    "next_stage": ("reps.col.next_stage", "text"),
                    "reached": ("reps.col.reached", "count"),
                    "advanced": ("reps.col.advanced", "count"),
                    "rate": ("reps.col.rate", "pct"),
                    "peer_rate": ("reps.col.peer_rate", "pct"),
                    "deviation": ("reps.col.deviation", "points"),
                },
                t("reps.heat.file"),
                key="reps_heat",
                height=300,
            )

if opened == "activity":
    with tabs["activity"]:
        if not show_activities:
            missing_note("reps.note.no_activities")
        else:
            activity = reps.activity_vs_outcome(board, data(reps.activity_mix, f))
            if activity["activities"].sum() == 0:
                missing_note("reps.note.no_activity_in_period")
            else:
                busy = activity.loc[activity["busy_not_converting"], "rep_name"].tolist()
                if busy:
                    st.warning(
                        t("reps.activity.busy_found", names=", ".join(busy), n=reps.BUSY_MIN_CLOSED),
                        icon=":material/directions_run:",
                    )
                else:
                    st.caption(t("reps.activity.busy_none"))
                types = reps.activity_types(activity)
                kind = st.selectbox(
                    t("reps.activity.type_picker"),
                    [None, *types],
                    format_func=lambda k: rep_charts.type_label(k, lang()),
                    key=rep_ui.sticky("reps_activity_type", per_language=True),
                )
                rep_ui.remember("reps_activity_type", kind)
                st.plotly_chart(rep_charts.activity_scatter(activity, lang(), currency(), kind), width="stretch", key="reps_scatter")
                left, right = st.columns(2)
                left.plotly_chart(rep_charts.activities_per_won(activity, lang()), width="stretch", key="reps_per_won")
                right.plotly_chart(rep_charts.activity_mix(activity, lang(), types), width="stretch", key="reps_mix")
                columns = {
                    "rep_name": ("reps.col.rep", "text"),
                    "team": ("reps.col.team", "text"),
                    "activities": ("reps.col.activities", "count"),
                    **{f"type_{k}": (rep_charts.type_label(k, lang()), "count") for k in types},
                    "won_count": ("reps.col.won_count", "count"),
                    "win_rate": ("reps.col.win_rate", "pct"),
                    "won_value": ("reps.col.won_value", "money"),
                    "activities_per_won": ("reps.col.activities_per_won", "decimal"),
                    "flag": ("reps.col.busy_not_converting", "text"),
                }
                rep_ui.number_table(rep_ui.with_activity_flags(activity), columns, t("reps.activity.file"), key="reps_activity")

if opened == "detail":
    with tabs["detail"]:
        options = rep_rows["rep_id"].dropna().tolist()  # deals without a rep have no one to talk to
        if not options:
            st.warning(t("core.no_match"), icon=":material/filter_alt_off:")
            st.stop()
        names = dict(zip(rep_rows["rep_id"], rep_rows["rep_name"], strict=True))
        picker = rep_ui.sticky("reps_detail_rep")
        if st.session_state.get(picker) not in options:
            st.session_state[picker] = options[0]
        rep_id = st.selectbox(t("reps.detail.pick"), options, format_func=lambda r: names.get(r, r), key=picker)
        rep_ui.remember("reps_detail_rep", rep_id)
        me = rep_rows.set_index("rep_id").loc[rep_id]
        funnel = data(rep_detail.rep_funnel, f, rep_id)
        peers = t(f"reps.detail.peers_{funnel['peers'].iloc[0]}")
        st.caption(t("reps.detail.caption", peers=peers))
        rep_ui.rep_cards(me, show_quota, show_activities)

        satisfaction = data(rep_detail.rep_satisfaction, f, rep_id)
        everyone = data(reps.performance, rep_detail.comparison_filters(f), learned)
        found = rep_detail.findings(everyone, data(reps.stage_strengths, f), satisfaction, rep_id)
        st.subheader(t("reps.detail.findings_title"))
        lines = rep_detail.finding_texts(found, lang(), currency())
        rep_ui.findings_list(lines)
        if len(lines) < 3:
            st.caption(t("reps.detail.no_findings" if not lines else "reps.detail.few_findings"))

        trend = data(rep_detail.rep_trend, f, rep_id)
        left, right = st.columns(2)
        left.plotly_chart(rep_charts.rep_funnel(funnel, lang(), names[rep_id]), width="stretch", key="reps_detail_funnel")
        right.plotly_chart(rep_charts.rep_trend(trend, lang(), currency(), names[rep_id]), width="stretch", key="reps_detail_trend")

        stalled = data(rep_detail.rep_stalled, f, rep_id)
        st.subheader(t("reps.detail.stalled_title", n=len(stalled)))
        if stalled.empty:
            st.caption(t("reps.detail.no_stalled"))
        else:
            rep_ui.stalled_table(stalled, key="reps_detail_stalled")

        st.subheader(t("reps.detail.satisfaction_title"))
        if not present["surveys"]:
            missing_note("reps.note.no_surveys")
        elif satisfaction["rep_responses"].iloc[0] == 0:
            st.caption(t("reps.detail.no_surveys_rep"))
        else:
            rep_ui.satisfaction_table(satisfaction, peers)
        rep_ui.detail_downloads(names[rep_id], funnel, trend, stalled, satisfaction, lines)
