"""salesdash entry point: page config, the shared sidebar, and the router over pages/."""

import streamlit as st

from salesdash.ui import sidebar, startup
from salesdash.ui.core import t

st.set_page_config(page_title="salesdash", page_icon=":material/monitoring:", layout="wide")
sidebar.init_language()

pages = [
    st.Page("pages/overview.py", title=t("core.page.overview"), icon=":material/dashboard:", default=True),
    st.Page("pages/upload.py", title=t("upload.page_title"), icon=":material/upload_file:"),
    st.Page("pages/funnel.py", title=t("funnel.page_title"), icon=":material/filter_alt:"),
    st.Page("pages/bottlenecks.py", title=t("bottlenecks.page_title"), icon=":material/hourglass_bottom:"),
    st.Page("pages/reps.py", title=t("reps.page_title"), icon=":material/groups:"),
    st.Page("pages/forecast.py", title=t("forecast.page_title"), icon=":material/query_stats:"),
    st.Page("pages/satisfaction.py", title=t("satisfaction.page_title"), icon=":material/sentiment_satisfied:"),
    st.Page("pages/weekly.py", title=t("weekly.page_title"), icon=":material/event_note:"),
]
page = st.navigation(pages)

if startup.ensure_company_database():
    sidebar.render()
    page.run()
