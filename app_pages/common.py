"""What the pages share: the graph (loaded once per process), the label language,
bounded caches of query results, and small display helpers."""

from __future__ import annotations

import io
from typing import Any

import pandas as pd
import streamlit as st

import ropakg
from ropakg import store, summary, views
from ropakg.api import PAGE_SIZE, GraphAPI
from ropakg.paths import Paths

LANGUAGES = {"en": "English", "nb": "Norsk", "sv": "Svenska"}


@st.cache_resource(show_spinner="Loading the knowledge graph ...")
def graph() -> ropakg.KnowledgeGraph:
    """The knowledge graph, loaded (and built if needed) once per process; never mutated."""
    return ropakg.load(Paths.default())


def fingerprint() -> str:
    """The build the loaded graph came from, so cached results follow the graph."""
    kg = graph()
    return kg.source or str(store.fingerprint(kg.paths.dataset))


def lang() -> str:
    return str(st.session_state.get("lang", "en"))


@st.cache_data(max_entries=256, show_spinner=False)
def cached_query(_fp: str, name: str, labels: str | bool, params: tuple[tuple[str, Any], ...] = ()) -> pd.DataFrame:
    return graph().query(name, labels=labels, **dict(params))


def query(name: str, labels: str | bool | None = None, **params: Any) -> pd.DataFrame:
    """A saved question's answer, cached per graph, language and parameters."""
    return cached_query(fingerprint(), name, lang() if labels is None else labels, tuple(sorted(params.items())))


def shown(frame: pd.DataFrame) -> pd.DataFrame:
    """For display: label columns instead of the IRIs they label."""
    out = frame.copy()
    for column in list(out.columns):
        if f"{column}Label" in out.columns:
            out[column] = out.pop(f"{column}Label")
    return out


def downloads(frame: pd.DataFrame, stem: str, *, xlsx: bool = False) -> None:
    """CSV (and XLSX) download buttons for a table."""
    cols = st.columns(3 if xlsx else 2)
    cols[0].download_button(
        "Download CSV", frame.to_csv(index=False).encode("utf-8"), f"{stem}.csv", "text/csv", key=f"csv-{stem}"
    )
    cols[1].download_button(
        "Download JSON",
        frame.to_json(orient="records", force_ascii=False).encode("utf-8"),
        f"{stem}.json",
        "application/json",
        key=f"json-{stem}",
    )
    if xlsx:
        buffer = io.BytesIO()
        frame.to_excel(buffer, index=False, sheet_name=stem[:31])
        cols[2].download_button(
            "Download XLSX",
            buffer.getvalue(),
            f"{stem}.xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            key=f"xlsx-{stem}",
        )


def evidence_link(iri: str, text: str = "evidence") -> str:
    """A markdown link that opens the Evidence page at a resource's quotes."""
    from urllib.parse import quote

    return f"[{text}](/evidence?about={quote(iri, safe='')})"


def controllers(kg: GraphAPI, search: str = "") -> dict[str, str]:
    """Controller IRI -> name: the first page of them by name, or of those whose name contains ``search``."""
    return views.controller_names(kg, search)


@st.cache_data(max_entries=8, show_spinner=False)
def _size(_fp: str) -> tuple[int, int]:
    return summary.size(graph())


def graph_size() -> tuple[int, int]:
    """Policies and quads in the graph (counted once per build, kept beside it)."""
    return _size(fingerprint())


@st.cache_data(max_entries=8, show_spinner=False)
def _controller_count(_fp: str) -> int:
    return views.controller_count(graph())


def controller_count() -> int:
    """How many controllers the graph has (counted once per build)."""
    return _controller_count(fingerprint())


def pager(rows: int, key: str, size: int = PAGE_SIZE) -> int:
    """A page picker for a table of ``rows`` rows (none when one page holds them); the 0-based page."""
    pages = max(1, -(-rows // size))
    if pages == 1:
        return 0
    page = st.number_input(f"Page (of {pages:,}; {size:,} rows each)", 1, pages, 1, key=key)
    return int(page) - 1


def evidence_table(
    quotes: pd.DataFrame, columns: tuple[str, ...] = ("predicate", "object", "quote", "start", "end", "file")
) -> pd.DataFrame:
    """Quotes for display: labels in place of IRIs, the given columns where present."""
    table = shown(quotes)
    return table[[c for c in columns if c in table.columns]].rename(columns={"predicate": "says", "object": "value"})


def policy_text_html(text: str, spans: list[tuple[int, int]]) -> None:
    """Show a policy text with the given (start, end) spans highlighted.

    The text is escaped piece by piece: no markup from a policy reaches the page.
    """
    import html

    from ropakg import views

    body = "".join(
        f"<mark>{html.escape(piece)}</mark>" if marked else html.escape(piece)
        for piece, marked in views.segments(text, spans)
    ).replace("\n", "<br>")
    st.markdown(
        f"<div class='policy-text' style='font-size:0.9rem;line-height:1.5'>{body}</div>", unsafe_allow_html=True
    )
