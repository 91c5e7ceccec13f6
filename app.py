"""ropa-kg in the browser: `streamlit run app.py` (or `ropa app`).

Routes the pages in app_pages/ with st.navigation and holds the shared sidebar; the pages
are UI only and call the ropakg library.
"""

from __future__ import annotations

import streamlit as st

from app_pages.common import LANGUAGES, graph_size

st.set_page_config(page_title="ropa-kg", page_icon=":material/account_tree:", layout="wide")

PAGES = [
    st.Page("app_pages/overview.py", title="Overview", icon=":material/dashboard:", default=True),
    st.Page("app_pages/data_flows.py", title="Data flows", icon=":material/hub:"),
    st.Page("app_pages/ropa.py", title="ROPA", icon=":material/table:"),
    st.Page("app_pages/findings.py", title="Findings", icon=":material/report:"),
    st.Page("app_pages/evidence.py", title="Evidence", icon=":material/format_quote:"),
    st.Page("app_pages/drafts.py", title="Drafts", icon=":material/edit_note:"),
    st.Page("app_pages/compare.py", title="Compare", icon=":material/grid_on:"),
    st.Page("app_pages/sparql.py", title="SPARQL workbench", icon=":material/terminal:"),
]

with st.sidebar:
    st.title("ropa-kg")
    st.caption("GDPR Art. 30 records of processing activities, from privacy policies, in W3C DPV 2.3.")
    st.radio(
        "Labels",
        list(LANGUAGES),
        format_func=LANGUAGES.get,
        key="lang",
        horizontal=True,
        help="Language of the concept labels (English, Norwegian bokmål, Swedish).",
    )
    policies, quads = graph_size()
    st.caption(f"{policies:,} policies · {quads:,} quads")

st.navigation(PAGES).run()
