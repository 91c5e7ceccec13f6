"""ROPA: the Art. 30 record of one controller, with the evidence of every cell."""

import streamlit as st

from app_pages.common import controllers, downloads, evidence_link, evidence_table, graph, lang
from ropakg.api import ROPA_COLUMNS
from ropakg.namespaces import DPV

kg = graph()
st.title("Record of processing activities")
search = st.text_input("Find a controller by name", key="ropa-search")
names = controllers(kg, search)
if not names:
    st.info("No controller has that in its name.")
    st.stop()
controller = st.selectbox("Controller", list(names), format_func=names.get, key="ropa-controller")
table = kg.ropa(controller, lang=lang())
st.caption(
    f"{len(table)} processing activities of {names[controller]}, from its privacy policy. "
    "'not stated': the policy does not say; 'none (stated)': the policy says there is none."
)
st.dataframe(table.drop(columns=["activity"]), hide_index=True)
downloads(table.drop(columns=["activity"]), f"ropa-{controller.rsplit('/', 1)[-1]}", xlsx=True)

st.subheader("Evidence of a cell")
FIELD_PROPERTIES = {
    "Activity": "http://purl.org/dc/terms/title",
    "Purposes (b)": str(DPV.hasPurpose),
    "Data subjects (c)": str(DPV.hasDataSubject),
    "Personal data (c)": str(DPV.hasPersonalData),
    "Legal basis": str(DPV.hasLegalBasis),
    "Recipients (d)": str(DPV.hasRecipient),
    "Transfers (e)": str(DPV.hasProcessing),
    "Retention (f)": str(DPV.hasStorageCondition),
    "Security measures (g)": str(DPV.hasTechnicalOrganisationalMeasure),
}
assert set(FIELD_PROPERTIES) == {"Activity", *ROPA_COLUMNS.values()}
cols = st.columns(2)
titles = dict(zip(table["activity"], table["Activity"], strict=True))
activity = cols[0].selectbox("Activity", list(titles), format_func=titles.get, key="ropa-activity")
column = cols[1].selectbox("Column", list(FIELD_PROPERTIES), key="ropa-column")
quotes = kg.evidence(activity)
wanted = FIELD_PROPERTIES[column]
if column == "Recipients (d)":
    rows = quotes[
        quotes["predicate"].str.startswith(str(DPV)) & quotes["predicate"].str.contains("Recipient|Processor")
    ]
else:
    rows = quotes[quotes["predicate"] == wanted]
if rows.empty:
    st.info("The policy states nothing for this cell: no quote backs it.")
else:
    st.dataframe(evidence_table(rows, ("object", "quote", "start", "end", "file")), hide_index=True)
st.markdown(evidence_link(activity, "Show this activity's quotes in the policy text"))
