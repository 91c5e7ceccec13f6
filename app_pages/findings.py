"""Findings: completeness gaps and transfer risks, in plain words, each with its evidence."""

import pandas as pd
import streamlit as st

from app_pages.common import downloads, evidence_table, fingerprint, graph, lang
from ropakg import views
from ropakg.validate import validate


@st.cache_data(max_entries=4, show_spinner="Checking Art. 30(1) completeness (SHACL) ...")
def shacl_findings(_fp: str) -> pd.DataFrame:
    report = validate(graph())
    return pd.DataFrame([f.__dict__ for f in report.findings])


kg = graph()
st.title("Findings")

st.subheader("Transfer risks")
risks = views.transfer_risks(kg, lang())
if risks.empty:
    st.success("No transfer risks found.")
else:
    st.dataframe(risks.drop(columns=["activity"]).rename(columns={"activityLabel": "activity"}), hide_index=True)
    downloads(risks, "transfer-risks")
    pick = st.selectbox(
        "Evidence of a finding",
        range(len(risks)),
        key="risk-pick",
        format_func=lambda i: f"{risks['finding'][i]}: {risks['controller'][i]} – {risks['activityLabel'][i]}",
    )
    quotes = kg.evidence(risks["activity"][pick])
    st.dataframe(evidence_table(quotes, ("predicate", "object", "quote", "start", "end")), hide_index=True)

st.subheader("Completeness gaps (Art. 30(1), SHACL)")
gaps = shacl_findings(fingerprint())
severity = st.multiselect("Severity", ["violation", "warning"], default=["violation", "warning"], key="gap-severity")
shown_gaps = gaps[gaps["severity"].isin(severity)] if not gaps.empty else gaps
st.caption(
    f"{len(shown_gaps)} findings. Violations: Art. 30(1) requires it and the policy does not state it. "
    "Warnings: asked for 'where possible' or expected in a privacy notice."
)
st.dataframe(shown_gaps.drop(columns=["focus"]) if not shown_gaps.empty else shown_gaps, hide_index=True)
if not shown_gaps.empty:
    downloads(shown_gaps, "completeness-gaps")
