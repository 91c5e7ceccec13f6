"""Overview: what is in the graph, and how complete each controller's record is."""

import streamlit as st

from app_pages.common import graph, query, shown
from ropakg import views

kg = graph()
st.title("Overview")
st.caption("Records of processing activities (GDPR Art. 30) drawn from each controller's privacy policy.")

numbers = views.counts(kg)
completeness = views.completeness(kg)
risks = views.transfer_risks(kg)
cols = st.columns(6)
cols[0].metric("Controllers", numbers["controllers"])
cols[1].metric("Processing activities", numbers["activities"])
cols[2].metric("Processors and recipients", numbers["recipients"])
cols[3].metric("Recipient countries", numbers["countries"])
cols[4].metric("Flows outside the EEA", numbers["outside_eea"])
cols[5].metric("Findings", len(risks) + int((completeness.filter(like="unstated").sum(axis=1) > 0).sum()))

st.subheader("Art. 30 completeness per controller")
st.caption(
    "Share of the activity fields purposes, data subjects, personal data, recipients, retention and "
    "security measures that the policy states (or says there are none of)."
)
st.dataframe(
    completeness.drop(columns=["controller"]),
    hide_index=True,
    column_config={"score": st.column_config.ProgressColumn("score", format="%d%%", min_value=0, max_value=100)},
)

st.subheader("Transfers outside the EEA")
st.dataframe(
    shown(query("processors-outside-eea"))[
        ["controllerName", "activity", "recipientName", "country", "countryFrom", "mechanism"]
    ],
    hide_index=True,
)
