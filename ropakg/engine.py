"""Typed helpers over the embedded Oxigraph engine, for code that runs its own SPARQL."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pyoxigraph as ox


def select(store: ox.Store, sparql: str, **options: Any) -> ox.QuerySolutions:
    """Run a SELECT query written by this code (not by a user)."""
    result = store.query(sparql, **options)
    if not isinstance(result, ox.QuerySolutions):
        raise TypeError("expected a SELECT query")
    return result


def construct(store: ox.Store, sparql: str, **options: Any) -> ox.QueryTriples:
    """Run a CONSTRUCT query written by this code (not by a user)."""
    result = store.query(sparql, **options)
    if not isinstance(result, ox.QueryTriples):
        raise TypeError("expected a CONSTRUCT query")
    return result


def ntriples(items: Iterable[ox.Triple | ox.Quad]) -> bytes:
    """Triples (or the triples of quads) as N-Triples bytes."""
    data = ox.serialize([ox.Triple(q.subject, q.predicate, q.object) for q in items], format=ox.RdfFormat.N_TRIPLES)
    return data or b""


def iri_value(term: object) -> str:
    """The IRI of a term that must be an IRI."""
    if not isinstance(term, ox.NamedNode):
        raise TypeError(f"expected an IRI, got {term!r}")
    return term.value
