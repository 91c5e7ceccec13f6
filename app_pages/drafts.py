"""Drafts: a drafted record beside the policy text it quotes, for a person to review.

Two sources: drafts already in the graph (``ropa ingest POLICY --draft``), and a policy
uploaded here, drafted on the spot (nothing is stored).
"""

import streamlit as st

from app_pages.common import graph, lang, policy_text_html
from ropakg import drafts, views

kg = graph()
st.title("Drafts")
st.caption(
    "A draft is made by reading a policy no one has annotated. Every value quotes the sentence it came "
    "from and has a confidence; nothing in a draft is reviewed until a person confirms it."
)

status = drafts.review_status(kg)
in_graph = status[status["status"] == "Draft"]
source = st.radio(
    "Draft", ["in the graph", "from a policy file"], horizontal=True, key="draft-source", label_visibility="collapsed"
)


def show(text: str, values, key: str) -> None:  # type: ignore[no-untyped-def]
    fields = sorted(values["field"].dropna().unique())
    picked = st.multiselect("Fields", fields, default=fields, key=f"fields-{key}")
    chosen = values[values["field"].isin(picked)]
    spans = [(int(s), int(e)) for s, e in zip(chosen["start"], chosen["end"], strict=True) if s == s and e == e]
    left, right = st.columns([3, 2])
    with left:
        policy_text_html(text, spans)
    with right:
        st.dataframe(
            chosen[["activity", "field", "value", "confidence", "quote"]],
            hide_index=True,
            height=600,
            column_config={"confidence": st.column_config.ProgressColumn("confidence", min_value=0, max_value=1)},
        )


if source == "in the graph":
    if in_graph.empty:
        st.info(
            "There are no drafts in the graph. Add one with `ropa ingest POLICY --draft`, or draft a policy file here."
        )
    else:
        names = dict(zip(in_graph["notice"], in_graph["name"], strict=True))
        notice = st.selectbox("Draft", list(names), format_func=names.get, key="draft-notice")
        st.warning("DRAFT, not reviewed: confirm each value against the text before relying on it.", icon="⚠️")
        show(views.policy_text(kg, notice), drafts.graph_values(kg, notice, lang()), "graph")
else:
    from ingest.draft import decode, draft_text
    from ingest.draft.output import to_turtle, to_yaml
    from ropakg.errors import RopaError

    upload = st.file_uploader("A privacy policy (text, Markdown or HTML)", type=["txt", "md", "html", "htm"])
    language = st.selectbox("Language", ["auto", "nb", "nn", "sv", "da", "en"], key="draft-lang")
    if upload is not None:
        try:
            read = decode(upload.getvalue())
            d = draft_text(read.text, lang=language, file_name=upload.name.rsplit(".", 1)[0] + ".txt")
        except RopaError as exc:
            st.error(f"{upload.name}: {exc}")
        else:
            st.warning(f"DRAFT of {upload.name} ({d.language}), not reviewed.", icon="⚠️")
            cols = st.columns(2)
            cols[0].download_button("Download draft record (YAML)", to_yaml(d).encode("utf-8"), "draft.yaml")
            cols[1].download_button("Download DPV graph (Turtle)", to_turtle(d).encode("utf-8"), "draft.ttl")
            show(d.text, drafts.draft_values(d.record, d.text), "upload")
