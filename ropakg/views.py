"""The views the browser front end shows, as data: no Streamlit here.

Each function takes a graph (embedded or remote) and returns plain Python or pandas
objects, so the pages stay UI only and the views can be tested on their own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from ropakg.api import GraphAPI
from ropakg.namespaces import ROPA

# The Art. 30(1) fields of an activity that completeness is scored on.
SCORED_FIELDS = {
    "PurposeField": "dpv:hasPurpose",
    "DataSubjectField": "dpv:hasDataSubject",
    "PersonalDataField": "dpv:hasPersonalData",
    "RecipientField": "dpv:hasRecipient",
    "RetentionField": "dpv:hasStorageCondition",
    "MeasureField": "dpv:hasTechnicalOrganisationalMeasure",
}

_COUNTS = """
SELECT
  (COUNT(DISTINCT ?c) AS ?controllers)
  (COUNT(DISTINCT ?a) AS ?activities)
  (COUNT(DISTINCT ?r) AS ?recipients)
  (COUNT(DISTINCT ?country) AS ?countries)
WHERE {
  ?c a dpv:DataController ; dpv:hasRecordOfActivity/dpv:hasProcess ?a .
  OPTIONAL { ?a dpv:hasRecipient ?r . OPTIONAL { ?r dpv:hasCountry ?country } }
}
"""

_OUTSIDE_EEA = """
SELECT (COUNT(DISTINCT ?pair) AS ?n) WHERE {
  ?a dpv:hasRecipient ?r .
  { ?r dpv:hasCountry ?country } UNION { ?r ropa:processesDataIn ?country }
  UNION { ?a dpv:hasProcessing/dpv:hasThirdCountry ?country }
  FILTER NOT EXISTS { loc:EEA skos:narrower ?country }
  BIND(CONCAT(STR(?a), " ", STR(?country)) AS ?pair)
}
"""

_COMPLETENESS = """
SELECT ?controller ?name ?activity ?field ?stated WHERE {
  ?controller a dpv:DataController ; dpv:hasName ?name ; dpv:hasRecordOfActivity/dpv:hasProcess ?activity .
  VALUES (?field ?property) {
    (ropa:PurposeField dpv:hasPurpose)
    (ropa:DataSubjectField dpv:hasDataSubject)
    (ropa:PersonalDataField dpv:hasPersonalData)
    (ropa:RecipientField dpv:hasRecipient)
    (ropa:RetentionField dpv:hasStorageCondition)
    (ropa:MeasureField dpv:hasTechnicalOrganisationalMeasure)
  }
  BIND(EXISTS { ?activity ?property ?value } || EXISTS { ?activity ropa:statedNone ?field } AS ?stated)
}
"""


def counts(kg: GraphAPI) -> dict[str, int]:
    """Controllers, activities, recipients, recipient countries, and activity-country
    pairs that take data outside the EEA."""
    _, rows = kg.select(_COUNTS)
    names = ("controllers", "activities", "recipients", "countries")
    out = {n: int(t.value) for n, t in zip(names, rows[0], strict=True)}
    _, rows = kg.select(_OUTSIDE_EEA)
    out["outside_eea"] = int(rows[0][0].value)
    return out


def completeness(kg: GraphAPI) -> pd.DataFrame:
    """Per controller: the share of the six Art. 30(1) activity fields its policy states.

    A field counts as stated when the activity has a value for it or the policy says there
    is none (e.g. no recipients). Columns: controller, name, activities, score (0-100),
    and one column per field with the number of activities that leave it unstated.
    """
    frame = kg.query(_COMPLETENESS, labels=False)
    if frame.empty:
        return pd.DataFrame(columns=["controller", "name", "activities", "score"])
    frame["field"] = [f.removeprefix(str(ROPA)) for f in frame["field"]]
    frame["stated"] = frame["stated"].astype(bool)
    grouped = frame.groupby(["controller", "name"])
    out = grouped.agg(activities=("activity", "nunique"), score=("stated", "mean")).reset_index()
    out["score"] = (out["score"] * 100).round(0).astype(int)
    missing = frame[~frame["stated"]].pivot_table(
        index="controller", columns="field", values="activity", aggfunc="nunique", fill_value=0
    )
    for name in SCORED_FIELDS:
        out[f"unstated {name.removesuffix('Field')}"] = [
            int(missing.loc[c, name]) if c in missing.index and name in missing.columns else 0
            for c in out["controller"]
        ]
    return out.sort_values("name").reset_index(drop=True)


# ---------------------------------------------------------------------- data flows
_FLOWS = """
SELECT ?controller ?activity ?subject ?data ?purpose ?basis ?recipient ?country ?transferCountry WHERE {
  ?controller dpv:hasRecordOfActivity/dpv:hasProcess ?activity .
  OPTIONAL { ?activity dpv:hasDataSubject ?subject }
  OPTIONAL { ?activity dpv:hasPersonalData ?data }
  OPTIONAL { ?activity dpv:hasPurpose ?purpose }
  OPTIONAL { ?activity dpv:hasLegalBasis ?basis }
  OPTIONAL { ?activity dpv:hasRecipient ?recipient . OPTIONAL { ?recipient dpv:hasCountry ?country } }
  OPTIONAL { ?activity dpv:hasProcessing ?t . ?t a dpv:CrossBorderTransfer .
             { ?t dpv:hasThirdCountry ?transferCountry } UNION { ?t dpv:hasCountry ?transferCountry } }
}
"""
_EEA = "SELECT ?c WHERE { loc:EEA skos:narrower ?c }"

FLOW_KINDS = ("subject", "controller", "activity", "data", "recipient", "country")


@dataclass
class Flows:
    """Nodes and edges of the data-flow picture; ``aggregated`` when it was too big."""

    nodes: list[dict[str, Any]] = field(default_factory=list)
    edges: list[dict[str, Any]] = field(default_factory=list)
    aggregated: bool = False
    options: dict[str, list[tuple[str, str]]] = field(default_factory=dict)


def flows(kg: GraphAPI, lang: str = "en", filters: dict[str, str | None] | None = None, max_nodes: int = 300) -> Flows:
    """Data subjects -> controller -> activities -> data categories -> recipients -> countries.

    ``filters`` may hold an IRI for controller, data, purpose, basis or country; only
    activities matching all of them are drawn. When more than ``max_nodes`` nodes would
    be drawn, activities and data categories are folded away (controller -> recipient ->
    country), so that large graphs stay readable.
    """
    frame = kg.query(_FLOWS, labels=False)
    eea = {r[0].value for r in kg.select(_EEA)[1]}
    options: dict[str, list[tuple[str, str]]] = {}
    iris = sorted({v for col in frame.columns for v in frame[col] if isinstance(v, str)})
    names = kg.labels_for(iris, lang)
    for key in ("controller", "data", "purpose", "basis", "country"):
        values = {v for v in frame[key] if isinstance(v, str)}
        if key == "country":
            values |= {v for v in frame["transferCountry"] if isinstance(v, str)}
        options[key] = sorted(((names.get(v, v), v) for v in values), key=lambda p: p[0].casefold())
    for key, wanted in (filters or {}).items():
        if not wanted:
            continue
        if key == "country":
            keep = frame[(frame["country"] == wanted) | (frame["transferCountry"] == wanted)]["activity"]
        else:
            keep = frame[frame[key] == wanted]["activity"]
        frame = frame[frame["activity"].isin(set(keep))]

    def node_kind(kind: str, value: str) -> dict[str, Any]:
        node: dict[str, Any] = {"id": value, "label": names.get(value, value), "kind": kind}
        if kind == "country":
            node["eea"] = value in eea
        return node

    result = Flows(options=options)
    nodes: dict[str, dict[str, Any]] = {}
    edges: set[tuple[str, str]] = set()

    def link(a_kind: str, a: Any, b_kind: str, b: Any) -> None:
        if isinstance(a, str) and isinstance(b, str):
            nodes.setdefault(a, node_kind(a_kind, a))
            nodes.setdefault(b, node_kind(b_kind, b))
            edges.add((a, b))

    for row in frame.itertuples(index=False):
        link("subject", row.subject, "controller", row.controller)
        link("controller", row.controller, "activity", row.activity)
        link("activity", row.activity, "data", row.data)
        link("data", row.data, "recipient", row.recipient)
        if not isinstance(row.data, str):
            link("activity", row.activity, "recipient", row.recipient)
        link("recipient", row.recipient, "country", row.country)
        link("activity", row.activity, "country", row.transferCountry)
    if len(nodes) > max_nodes:
        result.aggregated = True
        nodes, edges = {}, set()
        for row in frame.itertuples(index=False):
            link("controller", row.controller, "recipient", row.recipient)
            link("recipient", row.recipient, "country", row.country)
            link("controller", row.controller, "country", row.transferCountry)
        if len(nodes) > max_nodes:  # still too many: controllers -> countries only
            nodes, edges = {}, set()
            for row in frame.itertuples(index=False):
                link("controller", row.controller, "country", row.country)
                link("controller", row.controller, "country", row.transferCountry)
    result.nodes = sorted(nodes.values(), key=lambda n: (FLOW_KINDS.index(n["kind"]), n["label"]))
    result.edges = [{"source": a, "target": b} for a, b in sorted(edges)]
    return result


# ---------------------------------------------------------------------- findings
RISK_QUERIES = {
    "transfers-without-mechanism": "Data go outside the EEA with no transfer mechanism stated",
    "ended-transfer-mechanisms": "A transfer relies on a mechanism that has ended",
    "analytics-and-pixels-to-us": "Analytics or advertising tool sends data to the USA",
}


def transfer_risks(kg: GraphAPI, lang: str = "en") -> pd.DataFrame:
    """Transfer risks in plain words: one row per finding, with the activity to check."""
    rows = []
    for name, headline in RISK_QUERIES.items():
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
    return pd.DataFrame(rows, columns=["finding", "controller", "activity", "activityLabel", "detail"])


# ---------------------------------------------------------------------- compare
_MATRIX = """
SELECT DISTINCT ?controller ?item WHERE {
  ?controller dpv:hasRecordOfActivity/dpv:hasProcess ?activity .
  ?activity ?property ?item .
}
"""
DIMENSIONS = {
    "data categories": "dpv:hasPersonalData",
    "purposes": "dpv:hasPurpose",
    "processors and recipients": "dpv:hasRecipient",
}


def matrix(kg: GraphAPI, dimension: str, lang: str = "en") -> pd.DataFrame:
    """Controllers (rows) x items of a dimension (columns): 1 where the controller has it."""
    prop = DIMENSIONS[dimension]
    frame = kg.query(_MATRIX, labels=False, property=prop)
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
  ?annotation oa:hasBody ?body ; oa:hasTarget/oa:hasSource ?notice .
  { ?body rdf:subject ?about } UNION { ?body rdf:object ?about }
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
