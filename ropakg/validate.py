"""Art. 30(1) completeness: the SHACL shapes of ``ontology/shapes.ttl``, in plain words.

pySHACL runs the shapes over the union of the policy graphs, the project ontology
and the DPV vocabulary (the vocabulary is needed for ``sh:class`` checks: DPV concepts
are instances of their top concepts). Warnings do not make a graph fail to conform.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph
from rdflib.namespace import SH

from ropakg.namespaces import GRAPH
from ropakg.store import KnowledgeGraph

SEVERITY = {SH.Violation: "violation", SH.Warning: "warning", SH.Info: "info"}


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


def data_graph(kg: KnowledgeGraph) -> Graph:
    """The union of everything but the inferred closure, as one rdflib graph."""
    skip = ox.NamedNode(str(GRAPH.inferred))
    triples = {
        ox.Triple(q.subject, q.predicate, q.object)
        for q in kg.store.quads_for_pattern(None, None, None)
        if q.graph_name != skip
    }
    g = Graph()
    g.parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES), format="nt")
    return g


def validate(kg: KnowledgeGraph, shapes: Path | None = None) -> Report:
    """Run the completeness shapes; a report with one plain-words finding per result."""
    from pyshacl import validate as shacl

    shapes = shapes or kg.paths.ontology / "shapes.ttl"
    shapes_graph = Graph().parse(shapes, format="turtle")
    conforms, results, _ = shacl(
        data_graph(kg), shacl_graph=shapes_graph, allow_warnings=True, advanced=True, inference="none"
    )
    labels = _labels(kg)
    findings = []
    for result in results.subjects(SH.resultSeverity, None):
        focus = results.value(result, SH.focusNode)
        severity = SEVERITY.get(results.value(result, SH.resultSeverity), "info")  # type: ignore[arg-type]
        message = str(results.value(result, SH.resultMessage) or "does not conform")
        controller, subject = labels.get(str(focus), ("", str(focus)))
        findings.append(Finding(severity, controller, subject, message, str(focus)))
    findings.sort(key=lambda f: ({"violation": 0, "warning": 1}.get(f.severity, 2), f.controller, f.subject, f.message))
    return Report(bool(conforms), findings)


_LABELS = """
SELECT ?node ?controller ?label WHERE {
  { ?node a dpv:PersonalDataProcess ; dpv:hasDataController ?c ; dct:title ?label
    FILTER(lang(?label) = "en") }
  UNION { ?node a dpv:DataController ; dpv:hasName ?controller . BIND("" AS ?label) BIND(?node AS ?c) }
  UNION { ?node a dpv:PrivacyNotice ; dpv:hasDataController ?c . BIND("privacy notice" AS ?label) }
  UNION { ?a dpv:hasProcessing ?node ; dpv:hasDataController ?c ; dct:title ?t
    FILTER(lang(?t) = "en") BIND(CONCAT(?t, ": transfer") AS ?label) }
  UNION { ?node a dpv:DataProcessor . ?act dpv:hasRecipient ?node ; dpv:hasDataController ?c .
          OPTIONAL { ?node dpv:hasName ?n } BIND(CONCAT("processor ", COALESCE(?n, "")) AS ?label) }
  ?c dpv:hasName ?controller .
}
"""


def _labels(kg: KnowledgeGraph) -> dict[str, tuple[str, str]]:
    out: dict[str, tuple[str, str]] = {}
    _names, rows = kg.select(_LABELS)
    for node, controller, label in rows:
        key = node.value
        out[key] = (controller.value if controller else "processor", label.value if label else "")
    return out
