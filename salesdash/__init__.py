"""salesdash: sales-pipeline analytics. Everything here works without Streamlit (except `salesdash.ui`)."""
