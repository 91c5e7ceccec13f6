"""Whole answers as Python values: the engine's TSV read back (``ropakg.terms.tsv_values``)
must give exactly what converting each term with ``to_python`` gives."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ropakg.api import GraphAPI
from ropakg.errors import QueryError
from ropakg.paths import Paths
from ropakg.queries import library, parse
from ropakg.store import KnowledgeGraph
from ropakg.terms import XSD, to_python

S, P = ox.NamedNode("http://example.org/s"), ox.NamedNode("http://example.org/p")
NAMES = sorted(library(Paths.default().queries))


def _both(objects: list[ox.Literal | ox.NamedNode | ox.BlankNode]) -> tuple[list, list]:
    store = ox.Store()
    for i, o in enumerate(objects):
        store.add(ox.Quad(ox.NamedNode(f"http://example.org/s{i:03d}"), P, o))
    kg = KnowledgeGraph(store, Paths.default())
    query = "SELECT ?s ?o ?none WHERE { ?s ?p ?o OPTIONAL { ?s <http://example.org/q> ?none } } ORDER BY ?s"
    names, rows = kg.select(query)
    vnames, values, iris = kg.select_values(query)
    assert vnames == names
    assert iris[0] == {row[0].value for row in rows}
    assert iris[1] == {row[1].value for row in rows if isinstance(row[1], ox.NamedNode)}
    return [[to_python(t) for t in row] for row in rows], values


def typed(value: str, datatype: str) -> ox.Literal:
    return ox.Literal(value, datatype=ox.NamedNode(XSD + datatype))


def test_every_kind_of_term_reads_as_to_python_reads_it() -> None:
    objects = [
        ox.Literal("plain"),
        ox.Literal('tab\there, newline\nhere, "quotes", back\\slash, \r, æøå, 𝔘, \x07'),
        ox.Literal("Personopplysninger", language="nb"),
        ox.Literal('ends with a quote"', language="en-GB"),
        typed("42", "integer"),
        typed("-7", "int"),
        typed("0012", "nonNegativeInteger"),
        typed("1.50", "decimal"),
        typed("1.5E3", "double"),
        typed("true", "boolean"),
        typed("false", "boolean"),
        typed("2018-05-25", "date"),
        typed("P5Y", "duration"),
        typed("not a number", "integer"),
        ox.Literal("x y", datatype=ox.NamedNode("http://example.org/type")),
        ox.NamedNode("https://w3id.org/dpv#Consent"),
        ox.BlankNode("b1"),
        ox.Literal(""),
    ]
    expected, values = _both(objects)
    assert values == expected
    assert [type(v) for row in values for v in row] == [type(v) for row in expected for v in row]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(min_size=0, max_size=20), min_size=1, max_size=8), st.sampled_from([None, "en", "nb"]))
def test_any_text_reads_back_as_it_was(texts: list[str], language: str | None) -> None:
    objects = [ox.Literal(t, language=language) if language else ox.Literal(t) for t in texts]
    expected, values = _both(objects)
    assert values == expected


def test_an_answer_without_variables_or_rows() -> None:
    kg = KnowledgeGraph(ox.Store(), Paths.default())
    names, _ = kg.select("SELECT * WHERE { ?s ?p ?o }")
    assert kg.select_values("SELECT * WHERE { ?s ?p ?o }") == (names, [], [set(), set(), set()])
    names, rows, _ = kg.select_values("SELECT * WHERE { }")
    assert names == [] and rows == [[]]


@pytest.mark.parametrize("name", NAMES)
def test_a_whole_answer_is_the_rows_as_python_values(kg: KnowledgeGraph, name: str) -> None:
    params = {"controller": kg.controller_iri("expectit")} if name == "ropa-record" else {}
    names, rows = kg.rows(name, **params)
    assert kg.answer(name, **params) == (names, [[to_python(t) for t in row] for row in rows])
    # The generic path (a remote graph's) gives the same.
    assert GraphAPI.answer(kg, name, **params) == kg.answer(name, **params)


@pytest.mark.parametrize("name", ["processors-outside-eea", "completeness-gaps", "transfers"])
def test_a_whole_table_has_the_labels_of_a_paged_one(kg: KnowledgeGraph, name: str) -> None:
    names, rows = kg.rows(name)
    paged = kg.table(names, rows, "nb")
    whole = kg.query(name, labels="nb")
    assert list(whole.columns) == list(paged.columns) and any(c.endswith("Label") for c in whole.columns)
    assert whole.equals(paged)


@pytest.mark.parametrize(
    ("header", "words"),
    [
        ("#+ page-by: ?controller ?controllerName\n#+ whole-answer: always\n", "bad whole-answer line"),
        ("#+ whole-answer: one-query\n", "for questions with a page-by line"),
    ],
)
def test_a_bad_whole_answer_line_is_an_error(header: str, words: str) -> None:
    with pytest.raises(QueryError, match=words):
        parse(header + "SELECT ?name WHERE { ?controller dpv:hasName ?name } ORDER BY ?name")


@pytest.mark.parametrize("enabled", [True, False])
def test_reading_answers_at_once_leaves_the_collector_as_it_found_it(enabled: bool) -> None:
    """The cycle collector is off while answers are read, on threads at once too, and is
    left as it was: on again after the last reader, still off if it was off before."""
    import gc
    import threading

    from ropakg import collector, terms

    seen: list[bool] = []
    started, release = threading.Barrier(3), threading.Event()
    real = terms._tsv_values

    def slow(data: bytes) -> tuple[list[str], list[list[object]], list[set[str]]]:
        seen.append(gc.isenabled())
        started.wait(timeout=10)
        release.wait(timeout=10)
        return real(data)

    was = gc.isenabled()
    (gc.enable if enabled else gc.disable)()
    try:
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(terms, "_tsv_values", slow)
            readers = [threading.Thread(target=terms.tsv_values, args=(b"?x\n<urn:a>\n",)) for _ in range(2)]
            for reader in readers:
                reader.start()
            started.wait(timeout=10)
            assert seen == [False, False] and not gc.isenabled()
            release.set()
            for reader in readers:
                reader.join(timeout=10)
        assert gc.isenabled() is enabled and collector._PAUSES == 0
        assert terms.tsv_values(b"?x\n<urn:a>\n")[1] == [["urn:a"]] and gc.isenabled() is enabled
    finally:
        (gc.enable if was else gc.disable)()
