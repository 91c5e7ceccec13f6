"""Art. 30(1) completeness: the shapes compiled to SPARQL give what pySHACL gives."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph

from ropakg.namespaces import GRAPH
from ropakg.paths import Paths
from ropakg.shacl import ShapesUnsupported, compile_shapes
from ropakg.store import KnowledgeGraph
from ropakg.validate import results, validate

ROOT = Path(__file__).resolve().parent.parent
SHAPES = ROOT / "ontology" / "shapes.ttl"
INCOMPLETE = Path(__file__).resolve().parent / "fixtures" / "shacl" / "incomplete.trig"


def _keys(found) -> set[tuple[str, str | None, str]]:  # type: ignore[no-untyped-def]
    return {(r.focus, r.path, r.severity) for r in found}


@pytest.fixture(scope="module")
def broken(seeds: Paths) -> KnowledgeGraph:
    """The incomplete fixture with the seed build's DPV vocabulary and ontology."""
    full = ox.Store()
    full.load(path=str(seeds.dataset), format=ox.RdfFormat.TRIG)
    store = ox.Store()
    for part in ("dpv", "ontology"):
        name = ox.NamedNode(str(GRAPH[part]))
        store.extend(full.quads_for_pattern(None, None, None, name))
    store.load(path=str(INCOMPLETE), format=ox.RdfFormat.TRIG)
    return KnowledgeGraph(store, seeds)


def test_same_results_as_pyshacl_on_the_seeds(kg) -> None:  # type: ignore[no-untyped-def]
    fast, slow = results(kg), results(kg, engine="pyshacl")
    assert fast, "the seed policies leave some fields unstated"
    assert _keys(fast) == _keys(slow)
    assert sorted((r.focus, r.message) for r in fast) == sorted((r.focus, r.message) for r in slow)


def test_same_results_as_pyshacl_on_an_incomplete_graph(broken: KnowledgeGraph) -> None:
    fast, slow = results(broken), results(broken, engine="pyshacl")
    assert _keys(fast) == _keys(slow)
    assert sorted((r.focus, r.message) for r in fast) == sorted((r.focus, r.message) for r in slow)


def test_the_incomplete_graph_breaks_every_constraint(broken: KnowledgeGraph) -> None:
    for check in compile_shapes(SHAPES):
        _, rows = broken.select(check.sparql)
        assert rows, f"no result for {check.shape} {check.component} {check.path}"
    good = "https://w3id.org/ropa-kg/id/broken/good"
    assert not [r for r in results(broken) if r.focus.startswith(good)]


def test_report_and_conformance_follow_the_severity(broken: KnowledgeGraph) -> None:
    report = validate(broken)
    assert not report.conforms
    assert report.violations and report.warnings
    assert [f.severity for f in report.findings] == sorted(
        (f.severity for f in report.findings), key=lambda s: {"violation": 0, "warning": 1}[s]
    )


def test_unsupported_shapes_are_refused_in_one_line() -> None:
    shapes = Graph().parse(
        data="""
        @prefix sh: <http://www.w3.org/ns/shacl#> .
        @prefix dpv: <https://w3id.org/dpv#> .
        <urn:shape> a sh:NodeShape ; sh:targetClass dpv:DataController ;
            sh:property [ sh:path dpv:hasName ; sh:pattern "^A" ] .
        """,
        format="turtle",
    )
    with pytest.raises(ShapesUnsupported, match="urn:shape uses sh:pattern"):
        compile_shapes(shapes)
