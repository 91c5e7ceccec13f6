"""Overview: what is in the graph, and how complete each controller's record is."""

import streamlit as st

from app_pages.common import fingerprint, graph, lang, pager, shown
from ropakg import overview, summary
from ropakg.api import PAGE_SIZE


@st.cache_data(max_entries=8, show_spinner="Counting (once per build) ...")
def totals(_fp: str) -> tuple[dict[str, int], int, int]:
    """The counts, the number of findings and of transfers outside the EEA (per build:
    kept beside the build by :mod:`ropakg.summary`)."""
    figures = summary.totals(graph())
    return figures.counts, figures.findings, figures.outside_eea_rows


@st.cache_data(max_entries=64, show_spinner=False)
def completeness_page(_fp: str, page: int):  # type: ignore[no-untyped-def]
    return overview.completeness(graph(), PAGE_SIZE, page * PAGE_SIZE)


@st.cache_data(max_entries=64, show_spinner=False)
def outside_page(_fp: str, language: str, page: int):  # type: ignore[no-untyped-def]
    return graph().query("processors-outside-eea", labels=language, limit=PAGE_SIZE, offset=page * PAGE_SIZE)


st.title("Overview")
st.caption("Records of processing activities (GDPR Art. 30) drawn from each controller's privacy policy.")

numbers, findings, outside_rows = totals(fingerprint())
cols = st.columns(6)
cols[0].metric("Controllers", numbers["controllers"])
cols[1].metric("Processing activities", numbers["activities"])
cols[2].metric("Processors and recipients", numbers["recipients"])
cols[3].metric("Recipient countries", numbers["countries"])
cols[4].metric("Flows outside the EEA", numbers["outside_eea"])
cols[5].metric("Findings", findings)

st.subheader("Art. 30 completeness per controller")
st.caption(
    "Share of the activity fields purposes, data subjects, personal data, recipients, retention and "
    "security measures that the policy states (or says there are none of)."
)
page = pager(numbers["controllers"], "overview-completeness-page")
st.dataframe(
    completeness_page(fingerprint(), page).drop(columns=["controller"]),
    hide_index=True,
    column_config={"score": st.column_config.ProgressColumn("score", format="%d%%", min_value=0, max_value=100)},
)

st.subheader("Transfers outside the EEA")
page = pager(outside_rows, "overview-outside-page")
st.dataframe(
    shown(outside_page(fingerprint(), lang(), page))[
        ["controllerName", "activity", "recipientName", "country", "countryFrom", "mechanism"]
    ],
    hide_index=True,
)
