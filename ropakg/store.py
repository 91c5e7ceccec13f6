"""The knowledge graph as notebooks, the CLI and the app use it.

The built dataset (TriG) is loaded into an embedded Oxigraph store; SPARQL runs there
against the union of the named graphs, with the project's prefixes predeclared and
user values bound as substitutions, never formatted into query text.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import Any

import pandas as pd
import pyoxigraph as ox
import rdflib

from ropakg.errors import BuildMissing, QueryError, RopaError
from ropakg.namespaces import GRAPH, PREFIXES
from ropakg.paths import Paths
from ropakg.sparql import bind_values, check_query, syntax_error

XSD = "http://www.w3.org/2001/XMLSchema#"
_NUMERIC = {XSD + t for t in ("integer", "nonNegativeInteger", "positiveInteger", "int", "long")}


def to_python(term: Any) -> Any:
    """An Oxigraph term as a plain Python value: IRIs as strings, typed literals converted."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return term.value
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Literal):
        dtype = term.datatype.value
        try:
            if dtype in _NUMERIC:
                return int(term.value)
            if dtype == XSD + "decimal":
                return Decimal(term.value)
            if dtype in (XSD + "double", XSD + "float"):
                return float(term.value)
            if dtype == XSD + "boolean":
                return term.value == "true"
            if dtype == XSD + "date":
                return dt.date.fromisoformat(term.value)
        except ValueError:
            return term.value
        return term.value
    return str(term)


def to_term(value: Any) -> ox.NamedNode | ox.Literal:
    """A Python value as an Oxigraph term for a query parameter.

    Strings that are http(s) IRIs or CURIEs with a known prefix (``dpv:Consent``) become
    IRIs; other strings become plain literals; rdflib terms keep their kind.

    >>> to_term("dpv:Consent")
    <NamedNode value=https://w3id.org/dpv#Consent>
    >>> to_term("Bitpro AS")
    <Literal value=Bitpro AS datatype=<NamedNode value=http://www.w3.org/2001/XMLSchema#string>>
    """
    if isinstance(value, ox.NamedNode | ox.Literal):
        return value
    if isinstance(value, rdflib.URIRef):
        return ox.NamedNode(str(value))
    if isinstance(value, rdflib.Literal):
        if value.language:
            return ox.Literal(str(value), language=value.language)
        if value.datatype:
            return ox.Literal(str(value), datatype=ox.NamedNode(str(value.datatype)))
        return ox.Literal(str(value))
    if isinstance(value, str):
        if re.fullmatch(r"https?://[^\s<>\"{}|^`\\]+", value):
            return ox.NamedNode(value)
        prefix, sep, local = value.partition(":")
        if sep and prefix in PREFIXES and re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9_.\-]*", local):
            return ox.NamedNode(PREFIXES[prefix] + local)
    if isinstance(value, bool):
        return ox.Literal(str(value).lower(), datatype=ox.NamedNode(XSD + "boolean"))
    if isinstance(value, int):
        return ox.Literal(str(value), datatype=ox.NamedNode(XSD + "integer"))
    if isinstance(value, float | Decimal):
        return ox.Literal(str(value), datatype=ox.NamedNode(XSD + "decimal"))
    if isinstance(value, dt.date):
        return ox.Literal(value.isoformat(), datatype=ox.NamedNode(XSD + "date"))
    return ox.Literal(str(value))


class KnowledgeGraph:
    """The built ROPA dataset, queryable with SPARQL.

    >>> kg = load()                                                   # doctest: +SKIP
    >>> kg.query("SELECT ?name WHERE { ?c a dpv:DataController ; dpv:hasName ?name }")  # doctest: +SKIP
    """

    def __init__(self, store: ox.Store, paths: Paths | None = None) -> None:
        self.store = store
        self.paths = paths or Paths.default()

    # ------------------------------------------------------------------ query
    def select(
        self, sparql: str, params: dict[str, Any] | None = None, *, file: str | None = None
    ) -> tuple[list[str], list[list[Any]]]:
        """Run a SELECT; return variable names and rows of Oxigraph terms."""
        check_query(sparql)
        terms = {k: to_term(v) for k, v in (params or {}).items()}
        try:
            result = self._run(sparql, terms)
        except SyntaxError as exc:
            raise syntax_error(str(exc), file=file) from None
        except OSError as exc:
            raise QueryError(f"query failed: {exc}", file=file) from None
        if not isinstance(result, ox.QuerySolutions):
            raise QueryError("only SELECT queries give tables; use construct() or ask()", file=file)
        names = [v.value for v in result.variables]
        return names, [[row[n] for n in names] for row in result]

    def _run(self, sparql: str, terms: dict[str, Any]) -> Any:
        run = partial(self.store.query, prefixes=PREFIXES, use_default_graph_as_union=True)
        if not terms:
            return run(sparql)
        try:
            # The engine's own binding (SEP-0007 substitution) ...
            return run(sparql, substitutions={ox.Variable(k): t for k, t in terms.items()})
        except RuntimeError as exc:
            if "projection" not in str(exc):
                raise
        # ... accepts only projected variables; otherwise the engine-serialized terms go
        # into a VALUES block, which binds any variable, also under aggregates.
        return run(bind_values(sparql, {k: str(t) for k, t in terms.items()}))

    def query(self, sparql: str, **params: Any) -> pd.DataFrame:
        """Run a SELECT query; one column per variable, IRIs as strings.

        >>> kg.query("SELECT ?p WHERE { ?p a dpv:PersonalDataProcess }")  # doctest: +SKIP
        """
        names, rows = self.select(sparql, params)
        return pd.DataFrame([[to_python(t) for t in row] for row in rows], columns=names)

    def ask(self, sparql: str, **params: Any) -> bool:
        """Run an ASK query."""
        check_query(sparql)
        try:
            return bool(self._run(sparql, {k: to_term(v) for k, v in params.items()}))
        except SyntaxError as exc:
            raise syntax_error(str(exc)) from None

    # ------------------------------------------------------------------ facts
    def graphs(self) -> list[str]:
        return sorted(g.value for g in self.store.named_graphs() if isinstance(g, ox.NamedNode))

    def policy_graphs(self) -> list[str]:
        reserved = {str(GRAPH[n]) for n in ("dpv", "ontology", "reference", "inferred")}
        return [g for g in self.graphs() if g.startswith(str(GRAPH)) and g not in reserved]

    def stats(self) -> pd.DataFrame:
        """Per controller: activities, processors and recipients, transfers, evidence."""
        return self.query(_STATS)

    def __len__(self) -> int:
        return len(self.store)

    # ------------------------------------------------------------------ export
    def export(self, path: str | Path, format: str = "trig") -> Path:
        """Write the whole dataset: trig or nq keep the named graphs; ttl, nt and jsonld
        give their union."""
        from ropakg.export import export

        return export(self.store, Path(path), format)


_STATS = """
SELECT ?controller ?name (COUNT(DISTINCT ?activity) AS ?activities)
       (COUNT(DISTINCT ?recipient) AS ?recipients)
       (COUNT(DISTINCT ?transfer) AS ?transfers)
WHERE {
  ?controller a dpv:DataController ; dpv:hasName ?name ; dpv:hasRecordOfActivity ?ropa .
  OPTIONAL { ?ropa dpv:hasProcess ?activity .
    OPTIONAL { ?activity dpv:hasRecipient ?recipient }
    OPTIONAL { ?activity dpv:hasProcessing ?transfer . ?transfer a dpv:CrossBorderTransfer } }
}
GROUP BY ?controller ?name ORDER BY ?name
"""


def load(paths: Paths | None = None, *, build: bool = True) -> KnowledgeGraph:
    """Load the built dataset; build it first if there is none yet (and ``build``).

    >>> import ropakg
    >>> kg = ropakg.load()                                            # doctest: +SKIP
    """
    paths = paths or Paths.default()
    if not paths.dataset.exists():
        if not build:
            raise BuildMissing("no build yet: run `ropa build`", file=paths.dataset)
        from ingest.build import build as run_build

        run_build(paths)
    store = ox.Store()
    try:
        store.load(path=str(paths.dataset), format=ox.RdfFormat.TRIG)
    except (SyntaxError, OSError) as exc:
        raise RopaError(f"cannot read the build: {exc}", file=paths.dataset) from None
    return KnowledgeGraph(store, paths)


def rows_as_json(names: Iterable[str], rows: Iterable[list[Any]]) -> str:
    """SPARQL 1.1 Query Results JSON for a table of Oxigraph terms."""
    names = list(names)

    def cell(t: Any) -> dict[str, str]:
        if isinstance(t, ox.NamedNode):
            return {"type": "uri", "value": t.value}
        if isinstance(t, ox.BlankNode):
            return {"type": "bnode", "value": t.value}
        out = {"type": "literal", "value": t.value}
        if t.language:
            out["xml:lang"] = t.language
        elif t.datatype.value != XSD + "string":
            out["datatype"] = t.datatype.value
        return out

    bindings = [{n: cell(t) for n, t in zip(names, row, strict=True) if t is not None} for row in rows]
    return json.dumps({"head": {"vars": names}, "results": {"bindings": bindings}}, ensure_ascii=False, indent=1)
