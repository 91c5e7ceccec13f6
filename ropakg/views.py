"""The views the browser front end shows, as data: no Streamlit here.

Each function takes a graph (embedded or remote) and returns plain Python or pandas
objects, so the pages stay UI only and the views can be tested on their own. None of them
brings the whole graph into Python: counts are SPARQL aggregates, tables come a page at a
time (``limit``/``offset``), and the data-flow picture is aggregated by the engine
(:mod:`ropakg.flows`). The overview page's data are in :mod:`ropakg.overview`.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import pyoxigraph as ox

from ropakg.api import PAGE_SIZE, GraphAPI
from ropakg.flows import FLOW_KINDS, Flows, flows
from ropakg.overview import RISK_QUERIES, SCORED_FIELDS, completeness, counts, overview

__all__ = [
    "DIMENSIONS",
    "FLOW_KINDS",
    "RISK_QUERIES",
    "SCORED_FIELDS",
    "Flows",
    "completeness",
    "controller_count",
    "controller_names",
    "counts",
    "evidence_spans",
    "flows",
    "matrix",
    "notice_of",
    "overview",
    "policies",
    "policy_text",
    "segments",
    "transfer_risks",
]


# ---------------------------------------------------------------------- controllers
_CONTROLLERS = """
SELECT ?controller ?name WHERE {
  ?controller a dpv:DataController ; dpv:hasName ?name .
  FILTER(CONTAINS(LCASE(STR(?name)), LCASE(?search)))
} ORDER BY ?name ?controller
"""


def controller_names(kg: GraphAPI, search: str = "", limit: int | None = PAGE_SIZE, offset: int = 0) -> dict[str, str]:
    """Controller IRI -> name, by name: a page of them, those whose name contains ``search``."""
    _, rows = kg.rows(_CONTROLLERS, limit=limit, offset=offset, search=ox.Literal(search))
    return {c.value: n.value for c, n in rows}


def controller_count(kg: GraphAPI) -> int:
    """How many controllers :func:`controller_names` pages through."""
    _, rows = kg.select("SELECT (COUNT(*) AS ?n) WHERE { ?c a dpv:DataController ; dpv:hasName ?name }")
    return int(rows[0][0].value)


# ---------------------------------------------------------------------- findings
_RISK_COLUMNS = ["finding", "controller", "activity", "activityLabel", "detail"]


def transfer_risks(kg: GraphAPI, lang: str = "en", limit: int | None = None, offset: int = 0) -> pd.DataFrame:
    """Transfer risks in plain words: one row per finding, with the activity to check.

    The findings of the risk questions one after the other; ``limit``/``offset`` give a
    page of them (each question's page fetched by the engine), all when ``limit`` is None.
    """
    rows: list[dict[str, Any]] = []
    skip, left = offset, limit
    for name, headline in RISK_QUERIES.items():
        if left is not None:
            total = kg.count(name)
            if skip >= total or left <= 0:
                skip = max(skip - total, 0)
                continue
            frame = kg.query(name, labels=lang, limit=min(left, total - skip), offset=skip)
            skip, left = 0, left - len(frame)
        else:
            frame = kg.query(name, labels=lang)
        for record in frame.to_dict("records"):
            detail = record.get("recipientName") or record.get("mechanismLabel") or ""
            country = record.get("countryLabel") or ""
            how = record.get("how") or record.get("evidence") or ""
            text = ", ".join(str(p) for p in (detail, country, how) if p)
            rows.append(
                {
                    "finding": headline,
                    "controller": record["controllerName"],
                    "activity": record["activity"],
                    "activityLabel": record.get("activityLabel", ""),
                    "detail": text,
                }
            )
    return pd.DataFrame(rows, columns=_RISK_COLUMNS)


def transfer_risk_count(kg: GraphAPI) -> int:
    """How many transfer risks :func:`transfer_risks` lists in all."""
    return sum(kg.count(name) for name in RISK_QUERIES)


# ---------------------------------------------------------------------- compare
_MATRIX = """
SELECT DISTINCT ?controller ?item WHERE {
  ?controller dpv:hasRecordOfActivity ?ropa . ?ropa dpv:hasProcess ?activity .
  ?activity PROPERTY ?item .
}
"""
DIMENSIONS = {
    "data categories": "dpv:hasPersonalData",
    "purposes": "dpv:hasPurpose",
    "processors and recipients": "dpv:hasRecipient",
}
MATRIX_PAGE = 50


def matrix(kg: GraphAPI, dimension: str, lang: str = "en", limit: int = MATRIX_PAGE, offset: int = 0) -> pd.DataFrame:
    """Controllers (rows; a page of them by name) x items of a dimension (columns): 1 where
    the controller has it; columns by how many of the page's controllers have them."""
    prop = DIMENSIONS[dimension]
    page = controller_names(kg, limit=limit, offset=offset)
    if not page:
        return pd.DataFrame()
    values = "VALUES ?controller { " + " ".join(str(ox.NamedNode(c)) for c in page) + " }"
    sparql = _MATRIX.replace("PROPERTY", prop).replace("WHERE {", "WHERE {\n  " + values, 1)
    frame = kg.query(sparql, labels=False)
    if frame.empty:
        return pd.DataFrame()
    names = kg.labels_for(sorted(set(frame["controller"]) | set(frame["item"])), lang)
    frame["controller"] = [names[c] for c in frame["controller"]]
    frame["item"] = [names[i] for i in frame["item"]]
    frame["present"] = 1
    table = frame.pivot_table(index="controller", columns="item", values="present", aggfunc="max", fill_value=0)
    order = table.sum().sort_values(ascending=False).index
    return table[order]


# ---------------------------------------------------------------------- evidence
_POLICIES = """
SELECT ?controller ?name ?notice ?file WHERE {
  ?notice a dpv:PrivacyNotice ; dpv:hasDataController ?controller ; ropa:fileName ?file .
  ?controller dpv:hasName ?name .
} ORDER BY ?name
"""
_TEXT = "SELECT ?text WHERE { ?notice ropa:text ?text }"
_SPANS = """
SELECT ?annotation ?subject ?predicate ?object ?confidence ?quote ?start ?end WHERE {
  ?annotation oa:hasTarget ?target ; oa:hasBody ?body .
  ?target oa:hasSource ?notice ; oa:hasSelector ?p, ?q .
  ?p oa:start ?start ; oa:end ?end .
  ?q oa:exact ?quote .
  ?body rdf:subject ?subject ; rdf:predicate ?predicate ; rdf:object ?object .
  OPTIONAL { ?annotation ropa:confidence ?confidence }
} ORDER BY ?start
"""


_NOTICE_OF = """
SELECT ?notice WHERE {
  ?body ?role ?about . FILTER(?role IN (rdf:subject, rdf:object))
  ?annotation oa:hasBody ?body ; oa:hasTarget ?target .
  ?target oa:hasSource ?notice .
} LIMIT 1
"""


def notice_of(kg: GraphAPI, iri: str) -> str | None:
    """The privacy notice whose quotes are about ``iri`` (an activity, controller, organisation)."""
    _, rows = kg.select(_NOTICE_OF, {"about": iri})
    return str(rows[0][0].value) if rows else None


def policies(kg: GraphAPI) -> pd.DataFrame:
    return kg.query(_POLICIES, labels=False)


def policy_text(kg: GraphAPI, notice: str) -> str:
    _, rows = kg.select(_TEXT, {"notice": notice})
    return str(rows[0][0].value) if rows else ""


def evidence_spans(kg: GraphAPI, notice: str, lang: str = "en") -> pd.DataFrame:
    """Every quoted span of a policy with what it is evidence for (labels in ``lang``)."""
    frame = kg.query(_SPANS, labels=lang, notice=notice)
    return frame


def segments(text: str, spans: list[tuple[int, int]]) -> list[tuple[str, bool]]:
    """``text`` cut into (piece, highlighted) pieces for the given (start, end) spans.

    >>> segments("abcdef", [(1, 3), (2, 4)])
    [('a', False), ('bcd', True), ('ef', False)]
    """
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    out: list[tuple[str, bool]] = []
    at = 0
    for start, end in merged:
        if start > at:
            out.append((text[at:start], False))
        out.append((text[start:end], True))
        at = end
    if at < len(text):
        out.append((text[at:], False))
    return out
