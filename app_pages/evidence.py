"""Evidence: a policy's own text with the quotes of its record highlighted."""

import streamlit as st

from app_pages.common import evidence_table, graph, lang, policy_text_html
from ropakg import views

kg = graph()
st.title("Evidence")
st.caption(
    "Every value in the graph rests on a sentence of the policy. Pick a policy and, if you like, "
    "one activity or organisation: its quotes are highlighted in the text."
)

policies = views.policies(kg)
about = st.query_params.get("about")
notices = dict(zip(policies["notice"], policies["name"], strict=True))
home = views.notice_of(kg, about) if about else None
preselect = list(notices).index(home) if home in notices else 0
notice = st.selectbox("Policy", list(notices), index=preselect, format_func=notices.get, key="evidence-policy")
spans = views.evidence_spans(kg, notice, lang())
subjects = dict(zip(spans["subject"], spans["subjectLabel"], strict=False))
options = [None, *sorted(subjects, key=lambda s: subjects[s])]
default = options.index(about) if about in options else 0
focus = st.selectbox(
    "Highlight the quotes about",
    options,
    index=default,
    key="evidence-focus",
    format_func=lambda s: "everything in the record" if s is None else subjects[s],
)
chosen = spans if focus is None else spans[(spans["subject"] == focus) | (spans["object"] == focus)]
st.caption(f"{len(chosen)} quotes highlighted.")

text = views.policy_text(kg, notice)
left, right = st.columns([3, 2])
with left:
    policy_text_html(text, [(int(s), int(e)) for s, e in zip(chosen["start"], chosen["end"], strict=True)])
with right:
    st.dataframe(evidence_table(chosen, ("quote", "predicate", "object", "start", "end")), hide_index=True, height=600)
