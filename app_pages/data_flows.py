"""Data flows: who sends what to whom, and where it ends up."""

import streamlit as st
from st_cytoscape import cytoscape

from app_pages.common import evidence_link, evidence_table, fingerprint, graph, lang
from ropakg import flows as flow_views
from ropakg import views


@st.cache_data(max_entries=8, show_spinner=False)
def filter_options(_fp: str, language: str) -> dict[str, list[tuple[str, str]]]:
    return flow_views.options(graph(), language)


kg = graph()
st.title("Data flows")
st.caption(
    "Data subjects → controller → activities → categories of personal data → recipients → countries. "
    "Red: countries outside the EEA; green: inside."
)

choices_by_key = filter_options(fingerprint(), lang())
cols = st.columns(5)
filters = {}
for col, (key, title) in zip(
    cols,
    [
        ("controller", "Controller"),
        ("data", "Data category"),
        ("purpose", "Purpose"),
        ("basis", "Legal basis"),
        ("country", "Country"),
    ],
    strict=True,
):
    choices = choices_by_key.get(key, [])
    picked = col.selectbox(
        title,
        [None, *[iri for _, iri in choices]],
        key=f"flow-{key}",
        format_func=lambda v, c=dict((i, n) for n, i in choices): "All" if v is None else c[v],
    )
    filters[key] = picked
max_nodes = st.slider("Most nodes to draw before grouping", 20, 300, 300, step=10, key="flow-max")
flows = views.flows(kg, lang(), filters, max_nodes=max_nodes, with_options=False)
if flows.level == 3:
    st.info(
        "Too many controllers to draw one by one: they are grouped by their own country, "
        "showing the countries their data go to."
    )
elif flows.aggregated:
    st.info(
        "Too many nodes to draw one by one: activities and data categories are grouped, "
        "showing controllers → recipients → countries."
    )
st.caption(f"{len(flows.nodes)} nodes, {len(flows.edges)} links")

COLOURS = {
    "subject": "#8e44ad",
    "controller": "#2c3e50",
    "activity": "#2980b9",
    "data": "#16a085",
    "recipient": "#d35400",
}
elements = [
    {
        "data": {"id": n["id"], "label": n["label"], "kind": n["kind"]},
        "classes": n["kind"] + (" eea" if n.get("eea") else " non-eea" if n["kind"] == "country" else ""),
    }
    for n in flows.nodes
] + [
    {"data": {"id": f"{e['source']}->{e['target']}", "source": e["source"], "target": e["target"]}} for e in flows.edges
]
stylesheet = [
    {
        "selector": "node",
        "style": {
            "label": "data(label)",
            "font-size": "9px",
            "width": 14,
            "height": 14,
            "text-wrap": "ellipsis",
            "text-max-width": "140px",
        },
    },
    *[{"selector": f".{kind}", "style": {"background-color": colour}} for kind, colour in COLOURS.items()],
    {"selector": ".eea", "style": {"background-color": "#27ae60", "shape": "round-rectangle"}},
    {"selector": ".non-eea", "style": {"background-color": "#c0392b", "shape": "round-rectangle"}},
    {
        "selector": "edge",
        "style": {
            "width": 1,
            "curve-style": "bezier",
            "target-arrow-shape": "triangle",
            "line-color": "#bbb",
            "target-arrow-color": "#bbb",
        },
    },
    {"selector": ":selected", "style": {"border-width": 3, "border-color": "#f1c40f"}},
]
clicked = cytoscape(
    elements,
    stylesheet,
    layout={"name": "klay", "klay": {"direction": "RIGHT", "spacing": 12}},
    selection_type="single",
    height="620px",
    key="flow-graph",
)

by_id = {n["id"]: n for n in flows.nodes}
selected = (clicked or {}).get("nodes") or []
default = selected[0] if selected and selected[0] in by_id else None
ids = sorted(by_id, key=lambda i: (views.FLOW_KINDS.index(by_id[i]["kind"]), by_id[i]["label"]))
node = st.selectbox(
    "Details of a node (or click one in the picture)",
    [None, *ids],
    index=ids.index(default) + 1 if default else 0,
    key="flow-node",
    format_func=lambda i: "—" if i is None else f"{by_id[i]['label']} ({by_id[i]['kind']})",
)
if node:
    info = by_id[node]
    st.markdown(
        f"**{info['label']}** · {info['kind']}"
        + (f" · {'in the EEA' if info['eea'] else 'outside the EEA'}" if "eea" in info else "")
    )
    st.code(node, language=None)
    quotes = kg.evidence(node)
    if quotes.empty:
        st.caption(
            "No quotes are about this node itself (it is a concept or a country); "
            "pick an activity, controller or recipient for its evidence."
        )
    else:
        st.dataframe(evidence_table(quotes), hide_index=True)
        st.markdown(evidence_link(node, "Show in the policy text"))
