"""Art. 30(1) completeness: the SHACL shapes of ``ontology/shapes.ttl``, in plain words.

Two engines give the same results (tests/test_validate.py checks it):

- ``sparql`` (default): the shapes compiled to SPARQL (:mod:`ropakg.shacl`) and run on
  the graph's own engine; seconds at 10k controllers.
- ``pyshacl``: pySHACL over the union of the policy graphs, the project ontology and the
  DPV vocabulary as one rdflib graph (the vocabulary is needed for ``sh:class`` checks:
  DPV concepts are instances of their top concepts); any SHACL, but slow at scale.

Warnings do not make a graph fail to conform.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph
from rdflib.namespace import SH

from ropakg.api import GraphAPI
from ropakg.errors import RopaError
from ropakg.namespaces import GRAPH
from ropakg.shacl import SEVERITY, compile_shapes

ENGINES = ("sparql", "pyshacl")
SEVERITY_ORDER = {"violation": 0, "warning": 1}
_BATCH = 400


@dataclass(frozen=True)
class Result:
    """One validation result as SHACL reports it."""

    focus: str
    path: str | None
    severity: str
    message: str


@dataclass(frozen=True)
class Finding:
    severity: str
    controller: str
    subject: str
    message: str
    focus: str

    def __str__(self) -> str:
        where = f"{self.controller}: {self.subject}" if self.subject else self.controller
        return f"[{self.severity}] {where}: {self.message}"


@dataclass
class Report:
    conforms: bool
    findings: list[Finding]

    @property
    def violations(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "violation"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "warning"]


def results(kg: GraphAPI, shapes: Path | None = None, engine: str = "sparql") -> list[Result]:
    """The raw results of the shapes on the graph, by the given engine."""
    if engine not in ENGINES:
        raise RopaError(f"unknown validation engine {engine!r} (one of {', '.join(ENGINES)})")
    if shapes is None:
        paths = getattr(kg, "paths", None)
        if paths is None:
            raise RopaError("no shapes file given, and this graph has no project folder to find one in")
        shapes = paths.ontology / "shapes.ttl"
    try:
        shapes_graph = Graph().parse(shapes, format="turtle")
    except Exception as exc:  # rdflib raises many kinds; each is a broken shapes file
        raise RopaError(f"cannot read the shapes: {' '.join(str(exc).split())[:200]}", file=shapes) from None
    if engine == "pyshacl":
        return _pyshacl(kg, shapes_graph)
    out = []
    for check in compile_shapes(shapes_graph):
        _, rows = kg.select(check.sparql)
        out += [Result(_text(row[0]), check.path, check.severity, check.message) for row in rows]
    return out


def validate(kg: GraphAPI, shapes: Path | None = None, engine: str = "sparql") -> Report:
    """Run the completeness shapes; a report with one plain-words finding per result."""
    found = results(kg, shapes, engine)
    return Report(not any(r.severity == "violation" for r in found), findings(kg, found))


def findings(kg: GraphAPI, found: list[Result]) -> list[Finding]:
    """Results in plain words (controller and subject named), violations first."""
    labels = _labels(kg, sorted({r.focus for r in found}))
    out = []
    for r in found:
        controller, subject = labels.get(r.focus, ("", r.focus))
        out.append(Finding(r.severity, controller, subject, r.message, r.focus))
    out.sort(key=lambda f: (SEVERITY_ORDER.get(f.severity, 2), f.controller, f.subject, f.message))
    return out


def _text(term: object) -> str:
    return term.value if isinstance(term, ox.NamedNode | ox.BlankNode | ox.Literal) else str(term)


# ---------------------------------------------------------------------- pySHACL
def data_graph(kg: GraphAPI) -> Graph:
    """The union of everything but the inferred closure, as one rdflib graph."""
    store = getattr(kg, "store", None)
    if not isinstance(store, ox.Store):
        raise RopaError("the pyshacl engine needs the embedded graph (ropakg.load), not an endpoint")
    skip = ox.NamedNode(str(GRAPH.inferred))
    triples = {
        ox.Triple(q.subject, q.predicate, q.object)
        for q in store.quads_for_pattern(None, None, None)
        if q.graph_name != skip
    }
    g = Graph()
    g.parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES), format="nt")
    return g


def _pyshacl(kg: GraphAPI, shapes_graph: Graph) -> list[Result]:
    from pyshacl import validate as shacl

    _conforms, report, _ = shacl(
        data_graph(kg), shacl_graph=shapes_graph, allow_warnings=True, advanced=True, inference="none"
    )
    out = []
    for result in report.subjects(SH.resultSeverity, None):
        focus = report.value(result, SH.focusNode)
        path = report.value(result, SH.resultPath)
        severity = SEVERITY.get(report.value(result, SH.resultSeverity), "info")  # type: ignore[arg-type]
        message = str(report.value(result, SH.resultMessage) or "does not conform")
        out.append(Result(str(focus), str(path) if path is not None else None, severity, message))
    return out


# ---------------------------------------------------------------------- labels
# What names a focus node in a finding: (controller name, subject label), one query per
# kind of node; each starts from the nodes of a batch (VALUES), so the engine looks up
# only those nodes.
_LABELS = (
    """SELECT ?node ?controller ?label WHERE {
  ?node dct:title ?label ; dpv:hasDataController ?c . FILTER(LANG(?label) = "en")
  FILTER EXISTS { ?node a dpv:PersonalDataProcess }
  ?c dpv:hasName ?controller .
}""",
    """SELECT ?node ?controller ?label WHERE {
  ?node dpv:hasName ?controller . FILTER EXISTS { ?node a dpv:DataController } BIND("" AS ?label)
}""",
    """SELECT ?node ?controller ?label WHERE {
  ?node dpv:hasDataController ?c . FILTER EXISTS { ?node a dpv:PrivacyNotice }
  ?c dpv:hasName ?controller . BIND("privacy notice" AS ?label)
}""",
    """SELECT ?node ?controller ?label WHERE {
  ?a dpv:hasProcessing ?node . ?a dpv:hasDataController ?c ; dct:title ?t . FILTER(LANG(?t) = "en")
  ?c dpv:hasName ?controller . BIND(CONCAT(?t, ": transfer") AS ?label)
}""",
    """SELECT ?node ?controller ?label WHERE {
  ?act dpv:hasRecipient ?node . FILTER EXISTS { ?node a dpv:DataProcessor }
  ?act dpv:hasDataController ?c . ?c dpv:hasName ?controller .
  OPTIONAL { ?node dpv:hasName ?n } BIND(CONCAT("processor ", COALESCE(?n, "")) AS ?label)
}""",
)


def _labels(kg: GraphAPI, nodes: list[str]) -> dict[str, tuple[str, str]]:
    """Controller name and plain label of each focus node (only those with findings).

    Where a node has several (a processor several controllers use), the first in
    (controller, label) order is shown, so the output does not depend on row order.
    """
    out: dict[str, tuple[str, str]] = {}
    iris = [n for n in nodes if "://" in n]
    for start in range(0, len(iris), _BATCH):
        values = "VALUES ?node { " + " ".join(str(ox.NamedNode(n)) for n in iris[start : start + _BATCH]) + " }"
        for sparql in _LABELS:
            _names, rows = kg.select(sparql.replace("WHERE {", "WHERE {\n  " + values, 1))
            for node, controller, label in rows:
                pair = (controller.value, label.value)
                if node.value not in out or pair < out[node.value]:
                    out[node.value] = pair
    return out
