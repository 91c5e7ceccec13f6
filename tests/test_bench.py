"""The synthetic generator of the benchmarks: deterministic, and in the graph's DPV profile."""

from __future__ import annotations

import io

import pyoxigraph as ox

from bench.synthetic import write
from ropakg.store import KnowledgeGraph


def _store(n: int, seed: int = 7) -> tuple[ox.Store, str]:
    buffer = io.StringIO()
    write(n, buffer, seed)
    store = ox.Store()
    store.load(buffer.getvalue().encode("utf-8"), format=ox.RdfFormat.N_QUADS)
    return store, buffer.getvalue()


def test_same_seed_same_dataset() -> None:
    assert _store(20)[1] == _store(20)[1]
    assert _store(20)[1] != _store(20, seed=8)[1]


def test_shapes_of_a_tiny_dataset(seeds) -> None:  # type: ignore[no-untyped-def]
    store, _ = _store(30)
    kg = KnowledgeGraph(store, seeds)
    activities = kg.query(
        "SELECT ?c (COUNT(?a) AS ?n) WHERE { ?c dpv:hasRecordOfActivity/dpv:hasProcess ?a } GROUP BY ?c", labels=False
    )
    assert len(activities) == 30 and activities["n"].between(3, 8).all()
    outside = kg.query(
        "SELECT DISTINCT ?t WHERE { ?t a dpv:CrossBorderTransfer ; dpv:hasThirdCountry ?c }", labels=False
    )
    assert len(outside) > 0
    gaps = kg.query("SELECT DISTINCT ?a WHERE { ?a ropa:notStated ropa:RetentionField }", labels=False)
    assert len(gaps) > 0
