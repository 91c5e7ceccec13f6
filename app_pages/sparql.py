"""SPARQL workbench: saved questions with their parameters, or your own SPARQL.

Read-only: updates and SERVICE are refused before anything runs; queries run on the
read-only Oxigraph endpoint with a time limit, and at most MAX_ROWS rows are shown.
"""

import base64
import time

import streamlit as st
from code_editor import code_editor

from app_pages.common import downloads, graph, lang, shown
from ropakg.errors import RopaError
from ropakg.namespaces import sparql_prefixes
from ropakg.remote import RemoteGraph
from ropakg.server import Server

MAX_ROWS = 5000
TIMEOUT_S = 10


@st.cache_resource(show_spinner="Starting the read-only SPARQL endpoint ...")
def endpoint() -> Server:
    server = Server(graph().paths, timeout_s=TIMEOUT_S)
    server.start()
    return server


def encode(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode("utf-8")).decode("ascii")


def decode(text: str) -> str:
    try:
        return base64.urlsafe_b64decode(text.encode("ascii")).decode("utf-8")
    except (ValueError, UnicodeDecodeError):
        return ""


kg = graph()
saved = kg.saved()
st.title("SPARQL workbench")
st.caption(
    "The prefixes dpv, pd, loc, eu-gdpr, legal-no, legal-se, ropa, org, dct, skos, oa, ... are declared for you. "
    f"Read-only; SERVICE is refused; {TIMEOUT_S} s and {MAX_ROWS:,} rows at most."
)

if "sparql_text" not in st.session_state:
    shared = st.query_params.get("q")
    name = st.query_params.get("name")
    st.session_state.sparql_text = (
        decode(shared) if shared else saved[name].text if name in saved else saved["controllers"].text
    )

names = sorted(saved)
linked = st.query_params.get("name")
picked = st.selectbox(
    "Saved question",
    [None, *names],
    index=names.index(linked) + 1 if linked in saved else 0,
    key="sparql-saved",
    format_func=lambda n: "— write your own —" if n is None else f"{saved[n].title} ({n})",
)
params: dict[str, object] = {}
if picked:
    question = saved[picked]
    st.caption(question.description)
    if st.session_state.get("sparql_loaded") != picked:
        st.session_state.sparql_text = question.text
        st.session_state.sparql_loaded = picked
        # a new editor instance shows the new text (the component keeps its own content)
        st.session_state.editor_version = st.session_state.get("editor_version", 0) + 1
    for p in question.params:
        label = f"{p.name} ({p.type})"
        if p.type == "date":
            import datetime as dt

            default = dt.date.today() if p.default in (None, "today") else dt.date.fromisoformat(p.default)
            params[p.name] = st.date_input(label, default, key=f"param-{picked}-{p.name}")
        else:
            params[p.name] = st.text_input(label, p.default or "", key=f"param-{picked}-{p.name}")

with st.expander("Declared prefixes"):
    st.code(sparql_prefixes(), language="sparql")
response = code_editor(
    st.session_state.sparql_text,
    lang="sparql",
    height=[12, 30],
    response_mode="debounce",
    key=f"sparql-editor-{st.session_state.get('editor_version', 0)}",
    options={"wrap": True, "showLineNumbers": True},
)
if response and response.get("text") and response.get("type") != "":
    st.session_state.sparql_text = response["text"]

run = st.button("Run query", type="primary", key="sparql-run")
if run:
    text = st.session_state.sparql_text
    st.query_params.clear()
    if picked and text == saved[picked].text:
        st.query_params["name"] = picked
    else:
        st.query_params["q"] = encode(text)
    try:
        remote = RemoteGraph(endpoint().endpoint, queries_dir=kg.queries_dir, lang=lang(), timeout=TIMEOUT_S + 5)
        started = time.perf_counter()
        question = saved[picked] if picked and text == saved[picked].text else None
        bound = question.bind({k: v for k, v in params.items() if v not in ("", None)}) if question else {}
        names, rows = remote.select(text, bound)
        seconds = time.perf_counter() - started
        truncated = len(rows) > MAX_ROWS
        rows = rows[:MAX_ROWS]
        frame = remote.table(names, rows, lang())
        st.session_state.sparql_result = (frame, seconds, truncated)
        st.session_state.pop("sparql_error", None)
    except RopaError as exc:
        st.session_state.sparql_error = str(exc)
        st.session_state.pop("sparql_result", None)

if "sparql_error" in st.session_state:
    st.error(st.session_state.sparql_error)
if "sparql_result" in st.session_state:
    frame, seconds, truncated = st.session_state.sparql_result
    st.caption(
        f"{len(frame):,} rows in {seconds * 1000:.0f} ms" + (f" (first {MAX_ROWS:,} shown)" if truncated else "")
    )
    st.dataframe(shown(frame), hide_index=True, key="sparql-table")
    downloads(frame, "query-result")
    st.caption("Share this query: the page's address now reopens it.")
