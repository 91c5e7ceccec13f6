"""Findings: completeness gaps and transfer risks, in plain words, each with its evidence."""

import pandas as pd
import streamlit as st

from app_pages.common import downloads, evidence_table, fingerprint, graph, lang, pager
from ropakg import views
from ropakg.api import PAGE_SIZE
from ropakg.validate import SEVERITY_ORDER, Result, findings, results


@st.cache_data(max_entries=4, show_spinner="Checking Art. 30(1) completeness (SHACL shapes as SPARQL) ...")
def shacl_results(_fp: str) -> pd.DataFrame:
    """Every result of the shapes, unlabelled, violations first (labels are fetched per page)."""
    frame = pd.DataFrame([r.__dict__ for r in results(graph())], columns=["focus", "path", "severity", "message"])
    frame["order"] = frame["severity"].map(SEVERITY_ORDER).fillna(2)
    return frame.sort_values(["order", "focus", "message"], kind="stable").drop(columns=["order"])


kg = graph()
st.title("Findings")

st.subheader("Transfer risks")
risk_rows = views.transfer_risk_count(kg)
if not risk_rows:
    st.success("No transfer risks found.")
else:
    page = pager(risk_rows, "risk-page")
    risks = views.transfer_risks(kg, lang(), limit=PAGE_SIZE, offset=page * PAGE_SIZE)
    st.caption(f"{risk_rows:,} transfer risks.")
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
gaps = shacl_results(fingerprint())
severity = st.multiselect("Severity", ["violation", "warning"], default=["violation", "warning"], key="gap-severity")
chosen = gaps[gaps["severity"].isin(severity)]
st.caption(
    f"{len(chosen):,} findings. Violations: Art. 30(1) requires it and the policy does not state it. "
    "Warnings: asked for 'where possible' or expected in a privacy notice."
)
if len(chosen) > PAGE_SIZE:
    st.dataframe(chosen.groupby(["severity", "message"]).size().rename("findings").reset_index(), hide_index=True)
page = pager(len(chosen), "gap-page")
rows = chosen.iloc[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
labelled = findings(kg, [Result(r.focus, r.path, r.severity, r.message) for r in rows.itertuples(index=False)])
table = pd.DataFrame([f.__dict__ for f in labelled], columns=["severity", "controller", "subject", "message", "focus"])
st.dataframe(table.drop(columns=["focus"]), hide_index=True)
if not table.empty:
    downloads(table, "completeness-gaps")
