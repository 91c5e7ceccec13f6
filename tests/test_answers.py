"""Comparing answers across engines: only representation is forgiven, never content."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from ropakg.answers import canonical, difference, order_keys

XSD = "http://www.w3.org/2001/XMLSchema#"


def lit(value: str, dtype: str | None = None, lang: str | None = None) -> ox.Literal:
    if lang:
        return ox.Literal(value, language=lang)
    return ox.Literal(value, datatype=ox.NamedNode(XSD + dtype)) if dtype else ox.Literal(value)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (lit("2", "integer"), lit("2", "int")),
        (lit("0.90", "decimal"), lit("0.9", "decimal")),
        (lit("true", "boolean"), lit("1", "boolean")),
        (lit("Hei", lang="en-GB"), lit("Hei", lang="en-gb")),
        (lit("b | a"), lit("a | b")),
        (ox.BlankNode("x1"), ox.BlankNode("b0")),
    ],
)
def test_representations_that_compare_equal(a: ox.Literal, b: ox.Literal) -> None:
    assert canonical(a) == canonical(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (lit("2", "integer"), lit("3", "integer")),
        (lit("2", "integer"), lit("2")),
        (lit("Hei", lang="nb"), lit("Hei")),
        (lit("Hei", lang="nb"), lit("Hei", lang="sv")),
        (lit("2020-07-16", "date"), lit("2020-07-16")),
        (ox.NamedNode("urn:a"), lit("urn:a")),
        (lit("a|b"), lit("b|a")),
        (None, lit("")),
    ],
)
def test_content_that_compares_different(a: ox.Literal | None, b: ox.Literal) -> None:
    assert canonical(a) != canonical(b)


def test_order_keys_of_the_outermost_order_by() -> None:
    assert order_keys("SELECT * WHERE { ?s ?p ?o } ORDER BY DESC(?p) ?s LIMIT 5") == ["p", "s"]
    assert order_keys("SELECT * WHERE { { SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s } }") == []
    assert order_keys('SELECT * WHERE { ?s ?p "ORDER BY ?x" } # ORDER BY ?y') == []
    assert order_keys("SELECT * WHERE { ?s ?p ?o } ORDER BY STR(?s)") is None


QUERY = "SELECT ?name ?n WHERE { ?x ?y ?z } ORDER BY ?name"
N = ["name", "n"]


def rows(*pairs: tuple[str, int]) -> tuple[list[str], list[list[ox.Literal]]]:
    return N, [[lit(name), lit(str(n), "integer")] for name, n in pairs]


def test_ties_may_come_in_any_order_but_keys_may_not() -> None:
    expected = rows(("a", 1), ("a", 2), ("b", 3))
    assert difference(QUERY, expected, rows(("a", 2), ("a", 1), ("b", 3))) is None
    out = difference(QUERY, expected, rows(("b", 3), ("a", 1), ("a", 2)))
    assert out is not None and "row 1 is out of ORDER BY name" in out


def test_a_changed_value_a_missing_row_and_a_renamed_column_are_differences() -> None:
    expected = rows(("a", 1), ("b", 2))
    changed = difference(QUERY, expected, rows(("a", 1), ("b", 20)))
    assert changed is not None and "1 of 2 rows differ" in changed and "n number:2 (given number:20)" in changed
    assert difference(QUERY, expected, rows(("a", 1))) == "2 rows expected, 1 given"
    renamed = difference(QUERY, expected, (["name", "count"], expected[1]))
    assert renamed is not None and renamed.startswith("columns differ")


def test_a_boolean_column_accepts_virtuoso_integers_only_where_booleans_are_expected() -> None:
    names = ["inEEA"]
    expected = (names, [[lit("true", "boolean")], [lit("false", "boolean")]])
    assert difference("SELECT ?inEEA {}", expected, (names, [[lit("1", "integer")], [lit("0", "integer")]])) is None
    assert difference("SELECT ?inEEA {}", expected, (names, [[lit("1", "integer")], [lit("1", "integer")]]))
    counts = (names, [[lit("1", "integer")]])
    assert difference("SELECT ?inEEA {}", counts, (names, [[lit("true", "boolean")]]))
