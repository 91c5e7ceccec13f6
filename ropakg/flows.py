"""The data-flow picture as data: who sends what to whom, and where it ends up.

Data subjects -> controller -> activities -> categories of personal data -> recipients
-> countries. The engine filters the activities and finds the edges (DISTINCT pairs);
Python only lays out what will be drawn. When the picture would have more than
``max_nodes`` nodes it is aggregated, in SPARQL, level by level:

0. everything, one node per activity and data category;
1. controllers -> recipients -> countries;
2. controllers -> countries;
3. controllers grouped by their own country -> the countries their data go to (a sector).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from ropakg.api import PAGE_SIZE, GraphAPI

FLOW_KINDS = ("subject", "controller", "activity", "data", "recipient", "country")
FILTERS = ("controller", "data", "purpose", "basis", "country")

_ACTIVITIES = "?controller dpv:hasRecordOfActivity ?ropa . ?ropa dpv:hasProcess ?activity ."
_TRANSFER = (
    "?activity dpv:hasProcessing ?t . ?t a dpv:CrossBorderTransfer .\n"
    "  { ?t dpv:hasThirdCountry ?to } UNION { ?t dpv:hasCountry ?to }"
)
# Edges of each level: (source kind, target kind, pattern binding ?a and ?b).
_LEVELS: list[list[tuple[str, str, str]]] = [
    [
        ("subject", "controller", "?activity dpv:hasDataSubject ?a . BIND(?controller AS ?b)"),
        ("controller", "activity", "BIND(?controller AS ?a) BIND(?activity AS ?b)"),
        ("activity", "data", "BIND(?activity AS ?a) ?activity dpv:hasPersonalData ?b ."),
        ("data", "recipient", "?activity dpv:hasPersonalData ?a ; dpv:hasRecipient ?b ."),
        (
            "activity",
            "recipient",
            "BIND(?activity AS ?a) ?activity dpv:hasRecipient ?b . "
            "FILTER NOT EXISTS { ?activity dpv:hasPersonalData ?any }",
        ),
        ("recipient", "country", "?activity dpv:hasRecipient ?a . ?a dpv:hasCountry ?b ."),
        ("activity", "country", f"BIND(?activity AS ?a) {_TRANSFER.replace('?to', '?b')}"),
    ],
    [
        ("controller", "recipient", "BIND(?controller AS ?a) ?activity dpv:hasRecipient ?b ."),
        ("recipient", "country", "?activity dpv:hasRecipient ?a . ?a dpv:hasCountry ?b ."),
        ("controller", "country", f"BIND(?controller AS ?a) {_TRANSFER.replace('?to', '?b')}"),
    ],
    [
        ("controller", "country", "BIND(?controller AS ?a) ?activity dpv:hasRecipient ?r . ?r dpv:hasCountry ?b ."),
        ("controller", "country", f"BIND(?controller AS ?a) {_TRANSFER.replace('?to', '?b')}"),
    ],
]
# Level 3: controllers by their own country -> countries their data go to.
_DESTINATIONS = f"""
SELECT DISTINCT ?controller ?to WHERE {{
  FILTERS
  {{ ?activity dpv:hasRecipient ?r . ?r dpv:hasCountry ?to . }} UNION {{ {_TRANSFER} }}
}}
"""
_SECTOR = f"""
SELECT ?from ?to (COUNT(?controller) AS ?controllers) WHERE {{
  {{ {_DESTINATIONS} }}
  OPTIONAL {{ ?controller dpv:hasCountry ?home }}
  BIND(COALESCE(?home, "unknown") AS ?from)
}} GROUP BY ?from ?to
"""
_HOMES = """
SELECT ?from (COUNT(DISTINCT ?controller) AS ?controllers) WHERE {
  FILTERS
  OPTIONAL { ?controller dpv:hasCountry ?home }
  BIND(COALESCE(?home, "unknown") AS ?from)
} GROUP BY ?from
"""
_ACTIVITY_COUNT = "SELECT (COUNT(DISTINCT ?activity) AS ?n) WHERE {\n  FILTERS\n}"
# Controllers drawn at levels 1 and 2: those with a recipient somewhere or a transfer.
_LINKED_COUNT = f"SELECT (COUNT(*) AS ?n) WHERE {{ SELECT DISTINCT ?controller WHERE {{ {_DESTINATIONS} }} }}"
_EEA = "SELECT ?c WHERE { loc:EEA skos:narrower ?c }"
_OPTIONS = {
    "controller": "SELECT DISTINCT ?v WHERE { ?v dpv:hasRecordOfActivity ?ropa . ?ropa dpv:hasProcess ?a }",
    "data": f"SELECT DISTINCT ?v WHERE {{ {_ACTIVITIES} ?activity dpv:hasPersonalData ?v }}",
    "purpose": f"SELECT DISTINCT ?v WHERE {{ {_ACTIVITIES} ?activity dpv:hasPurpose ?v }}",
    "basis": f"SELECT DISTINCT ?v WHERE {{ {_ACTIVITIES} ?activity dpv:hasLegalBasis ?v }}",
    "country": f"""SELECT DISTINCT ?v WHERE {{ {_ACTIVITIES}
      {{ ?activity dpv:hasRecipient ?r . ?r dpv:hasCountry ?v }} UNION {{ {_TRANSFER.replace("?to", "?v")} }} }}""",
}


@dataclass
class Flows:
    """Nodes and edges of the data-flow picture; ``aggregated`` when it was too big
    (``level`` says how far: see the module docstring)."""

    nodes: list[dict[str, Any]] = field(default_factory=list)
    edges: list[dict[str, Any]] = field(default_factory=list)
    aggregated: bool = False
    options: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    level: int = 0


def _filters(filters: dict[str, str | None] | None) -> str:
    """The activities to draw: those of a controller's record matching every filter."""
    parts = [_ACTIVITIES]
    for key, wanted in (filters or {}).items():
        if not wanted:
            continue
        if key not in FILTERS:
            raise ValueError(f"unknown flow filter {key!r}")
        iri = str(ox.NamedNode(wanted))  # serialized by the engine: cannot break out of the query
        if key == "controller":
            parts.append(f"FILTER(?controller = {iri})")
        elif key == "country":
            parts.append(
                f"FILTER(EXISTS {{ ?activity dpv:hasRecipient ?r0 . ?r0 dpv:hasCountry {iri} }} || EXISTS {{ "
                f"?activity dpv:hasProcessing ?t0 . ?t0 a dpv:CrossBorderTransfer . "
                f"{{ ?t0 dpv:hasThirdCountry {iri} }} UNION {{ ?t0 dpv:hasCountry {iri} }} }})"
            )
        else:
            prop = {"data": "dpv:hasPersonalData", "purpose": "dpv:hasPurpose", "basis": "dpv:hasLegalBasis"}[key]
            parts.append(f"?activity {prop} {iri} .")
    return "\n  ".join(parts)


def options(kg: GraphAPI, lang: str = "en") -> dict[str, list[tuple[str, str]]]:
    """The values each filter offers, as (label, IRI) sorted by label; controllers at most
    a page of them (the first by label)."""
    out: dict[str, list[tuple[str, str]]] = {}
    for key, sparql in _OPTIONS.items():
        _, rows = kg.select(sparql)
        iris = sorted({r[0].value for r in rows if isinstance(r[0], ox.NamedNode)})
        names = kg.labels_for(iris, lang) if len(iris) <= PAGE_SIZE or key != "controller" else {}
        pairs = sorted(((names.get(v, v), v) for v in iris), key=lambda p: p[0].casefold())
        out[key] = pairs[:PAGE_SIZE]
    return out


def flows(
    kg: GraphAPI,
    lang: str = "en",
    filters: dict[str, str | None] | None = None,
    max_nodes: int = 300,
    with_options: bool = True,
) -> Flows:
    """The picture for the activities matching ``filters`` (IRIs for controller, data,
    purpose, basis or country), aggregated until at most ``max_nodes`` nodes remain
    (or nothing coarser is left)."""
    where = _filters(filters)
    result = Flows(options=options(kg, lang) if with_options else {})

    def how_many(sparql: str) -> int:
        return int(kg.select(sparql.replace("FILTERS", where))[1][0][0].value)

    # Every activity is a node of level 0, every linked controller one of levels 1 and 2:
    # levels that cannot fit are not computed.
    level = 0
    if how_many(_ACTIVITY_COUNT) > max_nodes:
        level = 1 if how_many(_LINKED_COUNT) <= max_nodes else 3
    nodes: dict[str, dict[str, Any]] = {}
    edges: set[tuple[str, str]] = set()
    while level < 3:
        nodes, edges = _edges(kg, where, _LEVELS[level])
        if len(nodes) <= max_nodes:
            break
        level += 1
    if level == 3:
        nodes, edges = _sector(kg, where, lang)
    result.level, result.aggregated = level, level > 0
    labels = kg.labels_for([n for n, v in nodes.items() if "label" not in v], lang)
    eea = {r[0].value for r in kg.select(_EEA)[1]}
    for iri, node in nodes.items():
        node.setdefault("label", labels.get(iri, iri))
        if node["kind"] == "country":
            node["eea"] = iri in eea
    result.nodes = sorted(nodes.values(), key=lambda n: (FLOW_KINDS.index(n["kind"]), n["label"]))
    result.edges = [{"source": a, "target": b} for a, b in sorted(edges)]
    return result


def _edges(
    kg: GraphAPI, where: str, level: list[tuple[str, str, str]]
) -> tuple[dict[str, dict[str, Any]], set[tuple[str, str]]]:
    nodes: dict[str, dict[str, Any]] = {}
    edges: set[tuple[str, str]] = set()
    for a_kind, b_kind, pattern in level:
        _, rows = kg.select(f"SELECT DISTINCT ?a ?b WHERE {{\n  {where}\n  {pattern}\n}}")
        for a, b in rows:
            if isinstance(a, ox.NamedNode) and isinstance(b, ox.NamedNode):
                edges.add((a.value, b.value))
                for iri, kind in ((a.value, a_kind), (b.value, b_kind)):
                    known = nodes.get(iri)
                    if known is None or FLOW_KINDS.index(kind) < FLOW_KINDS.index(known["kind"]):
                        nodes[iri] = {"id": iri, "kind": kind}
    return nodes, edges


def _sector(kg: GraphAPI, where: str, lang: str) -> tuple[dict[str, dict[str, Any]], set[tuple[str, str]]]:
    """Level 3: one node per home country of the controllers, linked to the countries their
    data go to."""
    _, homes = kg.select(_HOMES.replace("FILTERS", where))
    _, rows = kg.select(_SECTOR.replace("FILTERS", where))
    names = kg.labels_for([h.value for h, _ in homes if isinstance(h, ox.NamedNode)], lang)
    nodes: dict[str, dict[str, Any]] = {}
    for home, count in homes:
        label = f"controllers in {names.get(home.value, home.value)} ({int(count.value):,})"
        nodes[f"controllers-in:{home.value}"] = {
            "id": f"controllers-in:{home.value}",
            "kind": "controller",
            "label": label,
        }
    edges: set[tuple[str, str]] = set()
    for home, to, _count in rows:
        edges.add((f"controllers-in:{home.value}", to.value))
        nodes[to.value] = {"id": to.value, "kind": "country"}
    return nodes, edges
