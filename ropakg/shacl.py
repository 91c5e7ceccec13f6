"""SHACL shapes compiled to SPARQL, so that completeness checks run on the embedded engine.

pySHACL evaluates shapes in Python over an rdflib graph (tens of seconds at 10k
controllers); the same checks as SPARQL take a fraction of a second on Oxigraph.
:func:`compile_shapes` reads ``ontology/shapes.ttl`` and turns each constraint into one
SELECT query that returns the focus nodes (and values) that break it, so the queries
always follow the shapes file. The subset of SHACL it understands is the one the
shapes use; anything else raises :class:`ShapesUnsupported` (run ``--engine pyshacl``
for arbitrary shapes):

- targets: ``sh:targetClass`` (instances of the class or a subclass), ``sh:targetNode``,
  ``sh:targetSubjectsOf``, ``sh:targetObjectsOf``;
- property shapes with an IRI ``sh:path`` and ``sh:minCount``, ``sh:maxCount``,
  ``sh:datatype``, ``sh:class``, ``sh:hasValue``;
- ``sh:or`` of property shapes on a node shape;
- ``sh:sparql`` SELECT constraints (``$this`` is bound to each focus node);
- ``sh:severity``, ``sh:message``, ``sh:deactivated``.

Results mirror pySHACL's: one per focus node for count, ``sh:or`` and SPARQL constraints,
one per offending value for datatype and class; severity and message as pySHACL gives
them (tests/test_validate.py compares both engines on the seeds and a broken fixture).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, SH, XSD
from rdflib.term import Node

from ropakg.errors import RopaError

SEVERITY = {SH.Violation: "violation", SH.Warning: "warning", SH.Info: "info"}
# Datatypes whose lexical forms the engine can check with a cast (pySHACL flags ill-formed literals).
_CASTABLE = {XSD[t] for t in ("string", "boolean", "integer", "decimal", "float", "double", "date", "dateTime")}
_KNOWN = {
    SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.property, SH["or"], SH.sparql,
    SH.severity, SH.message, SH.deactivated, SH.path, SH.minCount, SH.maxCount, SH.datatype, SH["class"],
    SH.hasValue, SH.name, SH.description, SH.order, SH.group, RDF.type,
}  # fmt: skip
_THIS = re.compile(r"\$this\b")
_NOT_EXISTS = re.compile(r"FILTER\s+NOT\s+EXISTS\s*\{([^{}]*)\}", re.I)
_NOT_PLAIN = re.compile(r"\b(FILTER|BIND|SELECT|OPTIONAL|MINUS|VALUES|GRAPH|SERVICE|EXISTS|UNION)\b|\$", re.I)


class ShapesUnsupported(RopaError):
    """The shapes use SHACL the SPARQL compiler does not translate (exit code 2)."""


@dataclass(frozen=True)
class Check:
    """One constraint as a query: ``?this`` (and ``?value``) for each result."""

    shape: str
    component: str
    severity: str
    message: str
    path: str | None
    sparql: str


def compile_shapes(shapes: Path | Graph) -> list[Check]:
    """Every active constraint of the shapes file as a :class:`Check`."""
    g = shapes if isinstance(shapes, Graph) else Graph().parse(shapes, format="turtle")
    checks: list[Check] = []
    for shape in sorted(set(g.subjects(RDF.type, SH.NodeShape)), key=str):
        if _true(g.value(shape, SH.deactivated)):
            continue
        _check_known(g, shape)
        target = _target(g, shape)
        if target is None:
            continue
        severity = _severity(g, shape)
        for prop in g.objects(shape, SH.property):
            if not _true(g.value(prop, SH.deactivated)):
                checks.extend(_property_checks(g, shape, prop, target))
        for members in g.objects(shape, SH["or"]):
            checks.append(_or_check(g, shape, members, target, severity))
        for constraint in g.objects(shape, SH.sparql):
            if not _true(g.value(constraint, SH.deactivated)):
                checks.append(_sparql_check(g, shape, constraint, target, severity))
    return checks


def _true(value: Node | None) -> bool:
    return isinstance(value, Literal) and value.toPython() is True


def _name(node: Node) -> str:
    return str(node) if isinstance(node, URIRef) else f"_:{node}"


def _check_known(g: Graph, node: Node, shape: Node | None = None) -> None:
    for p in set(g.predicates(node)):
        if p not in _KNOWN:
            name = f"sh:{str(p).removeprefix(str(SH))}" if str(p).startswith(str(SH)) else str(p)
            raise ShapesUnsupported(
                f"shape {_name(shape if shape is not None else node)} uses {name}, which the SPARQL engine "
                "does not support (try --engine pyshacl)"
            )


def _severity(g: Graph, node: Node) -> str:
    value = g.value(node, SH.severity)
    return SEVERITY.get(value, "violation") if isinstance(value, URIRef) else "violation"  # type: ignore[arg-type]


def _message(g: Graph, node: Node) -> str:
    messages = list(g.objects(node, SH.message))
    english = [m for m in messages if isinstance(m, Literal) and m.language in ("en", None)]
    return str((english or messages or ["does not conform"])[0])


def _iri(node: Node, what: str) -> str:
    if not isinstance(node, URIRef):
        raise ShapesUnsupported(f"{what} must be an IRI for the SPARQL engine, not {node!r}")
    return f"<{node}>"


def _term(node: Node) -> str:
    if isinstance(node, URIRef):
        return f"<{node}>"
    if isinstance(node, Literal):
        return node.n3()
    raise ShapesUnsupported(f"a blank node value ({node!r}) is not supported by the SPARQL engine")


def _target(g: Graph, shape: Node) -> str | None:
    """A graph pattern binding ?this to every focus node of ``shape`` (None: no target)."""
    parts = [
        f"{{ ?this rdf:type/rdfs:subClassOf* {_iri(c, 'sh:targetClass')} }}" for c in g.objects(shape, SH.targetClass)
    ]
    parts += [f"{{ VALUES ?this {{ {_term(n)} }} }}" for n in g.objects(shape, SH.targetNode)]
    parts += [f"{{ ?this {_iri(p, 'sh:targetSubjectsOf')} [] }}" for p in g.objects(shape, SH.targetSubjectsOf)]
    parts += [f"{{ [] {_iri(p, 'sh:targetObjectsOf')} ?this }}" for p in g.objects(shape, SH.targetObjectsOf)]
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else "{ SELECT DISTINCT ?this WHERE { " + " UNION ".join(parts) + " } }"


def _select(target: str, body: str, value: bool = False) -> str:
    return f"SELECT DISTINCT ?this{' ?value' if value else ''} WHERE {{\n  {target}\n  {body}\n}}"


def _count(target: str, path: str, op: str, n: int) -> str:
    optional = "OPTIONAL " if op == "<" else ""
    return (
        f"SELECT ?this WHERE {{\n  {{ SELECT ?this (COUNT(DISTINCT ?v) AS ?n) WHERE {{\n"
        f"    {target}\n    {optional}{{ ?this {path} ?v }}\n  }} GROUP BY ?this }}\n  FILTER(?n {op} {n})\n}}"
    )


def _property_checks(g: Graph, shape: Node, prop: Node, target: str) -> Iterator[Check]:
    _check_known(g, prop, shape)
    path_node = g.value(prop, SH.path)
    if path_node is None:
        raise ShapesUnsupported(f"property shape of {_name(shape)} has no sh:path")
    path = _iri(path_node, "sh:path")
    severity, message, name = _severity(g, prop), _message(g, prop), _name(shape)

    def check(component: str, sparql: str) -> Check:
        return Check(name, component, severity, message, str(path_node), sparql)

    for n in g.objects(prop, SH.minCount):
        count = int(n)  # type: ignore[call-overload]
        if count == 1:
            # MINUS (an anti-join on ?this, always bound) rather than FILTER NOT EXISTS: one pass
            # over the property instead of a lookup per focus node (slow for subjects with
            # many quads, such as processors shared by thousands of controllers).
            yield check("MinCount", _select(target, f"MINUS {{ ?this {path} ?v }}"))
        elif count > 1:
            yield check("MinCount", _count(target, path, "<", count))
    for n in g.objects(prop, SH.maxCount):
        yield check("MaxCount", _count(target, path, ">", int(n)))  # type: ignore[call-overload]
    for datatype in g.objects(prop, SH.datatype):
        dt = _iri(datatype, "sh:datatype")
        well_formed = f" || !COALESCE({dt}(STR(?value)) = ?value, false)" if datatype in _CASTABLE else ""
        body = f"?this {path} ?value .\n  FILTER(!isLiteral(?value) || DATATYPE(?value) != {dt}{well_formed})"
        yield check("Datatype", _select(target, body, value=True))
    for cls in g.objects(prop, SH["class"]):
        body = f"?this {path} ?value .\n  MINUS {{ ?value rdf:type/rdfs:subClassOf* {_iri(cls, 'sh:class')} }}"
        yield check("Class", _select(target, body, value=True))
    for value in g.objects(prop, SH.hasValue):
        yield check("HasValue", _select(target, f"MINUS {{ ?this {path} {_term(value)} }}"))


def _or_check(g: Graph, shape: Node, members: Node, target: str, severity: str) -> Check:
    """``sh:or``: the focus node breaks every member shape (each a pattern that fails)."""
    failures: list[list[str]] = []
    for member in Collection(g, members):  # type: ignore[arg-type]
        _check_known(g, member, shape)
        path = _iri(g.value(member, SH.path), "sh:path in sh:or")  # type: ignore[arg-type]
        tests = []  # patterns any of which, present, makes the node conform to the member
        for n in g.objects(member, SH.minCount):
            if int(n) != 1:  # type: ignore[call-overload]
                raise ShapesUnsupported("sh:minCount other than 1 inside sh:or is not supported by the SPARQL engine")
            tests.append(f"?this {path} ?v")
        tests += [f"?this {path} {_term(v)}" for v in g.objects(member, SH.hasValue)]
        others = set(g.predicates(member)) - {SH.path, SH.minCount, SH.hasValue, SH.name, SH.description}
        if others or not tests:
            raise ShapesUnsupported(f"sh:or member of {_name(shape)} uses constraints the SPARQL engine lacks")
        failures.append(tests)
    if all(len(tests) == 1 for tests in failures):
        # The node breaks every member: it has none of the patterns (one MINUS each).
        body = "\n  ".join(f"MINUS {{ {tests[0]} }}" for tests in failures)
    else:
        # A member with several constraints is broken when any of them is.
        broken = ["(" + " || ".join(f"NOT EXISTS {{ {t} }}" for t in tests) + ")" for tests in failures]
        body = "FILTER(" + " && ".join(broken) + ")"
    return Check(_name(shape), "Or", severity, _message(g, shape), None, _select(target, body))


def _sparql_check(g: Graph, shape: Node, constraint: Node, target: str, severity: str) -> Check:
    """A SHACL-SPARQL SELECT constraint with ``$this`` pre-bound to the focus nodes."""
    select = g.value(constraint, SH.select)
    if not isinstance(select, Literal):
        raise ShapesUnsupported(f"sh:sparql of {_name(shape)} has no sh:select")
    text = _THIS.sub("?this", str(select))
    head, brace, rest = text.partition("{")
    end = rest.rstrip().rfind("}")
    if not brace or end < 0 or "?this" not in head:
        raise ShapesUnsupported(f"sh:sparql of {_name(shape)} must be SELECT $this WHERE {{ ... }}")
    body = rest[:end].strip()
    plain = _NOT_EXISTS.fullmatch(body)
    if plain and not _NOT_PLAIN.search(plain.group(1)):
        # FILTER NOT EXISTS { triples } that share only ?this with the target (always bound)
        # is MINUS { triples }: an anti-join the engine runs once, not a lookup per node.
        body = f"MINUS {{{plain.group(1)}}}"
    sparql = f"{_prefixes(g, constraint)}SELECT DISTINCT ?this WHERE {{\n  {target}\n  {body}\n}}"
    return Check(_name(shape), "SPARQL", severity, _message(g, constraint), None, sparql)


def _prefixes(g: Graph, constraint: Node) -> str:
    lines = []
    for holder in g.objects(constraint, SH.prefixes):
        for declaration in g.objects(holder, SH.declare):
            prefix, namespace = g.value(declaration, SH.prefix), g.value(declaration, SH.namespace)
            lines.append(f"PREFIX {prefix}: <{namespace}>\n")
    return "".join(sorted(lines))


__all__ = ["Check", "ShapesUnsupported", "compile_shapes"]
