"""The TriG the mapping writes parses back to the terms it stands for."""

from __future__ import annotations

import pyoxigraph as ox
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.trig import TRIG_PREFIXES, iri_term, lang_string, string, term_iri, typed


def _object(term: str) -> ox.Term:
    text = f"{TRIG_PREFIXES}<urn:g> {{ <urn:s> <urn:p> {term} . }}\n"
    (quad,) = ox.parse(text.encode("utf-8"), format=ox.RdfFormat.TRIG)
    return quad.object


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=30))
def test_any_text_is_a_string_literal_of_itself(text: str) -> None:
    assert _object(string(text)) == ox.Literal(text)
    assert _object(lang_string(text, "nb")) == ox.Literal(text, language="nb")


def test_quotation_marks_backslashes_and_line_ends_are_escaped() -> None:
    text = 'a "b" \\ c\nd\re'
    assert string(text) == '"a \\"b\\" \\\\ c\\nd\\re"'
    assert _object(string(text)) == ox.Literal(text)


def test_iris_and_typed_literals() -> None:
    iri = "https://w3id.org/dpv#Marketing"
    assert iri_term(iri) == "dpv:Marketing" and term_iri("dpv:Marketing") == iri
    assert _object(iri_term(iri)) == ox.NamedNode(iri)
    assert _object(iri_term("https://example.org/a#b")) == ox.NamedNode("https://example.org/a#b")
    decimal = "http://www.w3.org/2001/XMLSchema#decimal"
    assert _object(typed(0.9, decimal)) == ox.Literal("0.9", datatype=ox.NamedNode(decimal))
