"""The notebook API: queries with safely bound parameters, results as DataFrames."""

from __future__ import annotations

import pytest

from ropakg.errors import QueryError, QuerySyntaxError

COUNT_BY_BASIS = """SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE {
  ?p dpv:hasLegalBasis ?lb . ?lb skos:broader* ?basis }"""


def test_parameter_in_the_projection_is_substituted(kg) -> None:  # type: ignore[no-untyped-def]
    frame = kg.query("SELECT ?p ?lb WHERE { ?p dpv:hasLegalBasis ?lb }", lb="eu-gdpr:A6-1-f")
    assert len(frame) >= 5
    assert set(frame["lb"]) == {"https://w3id.org/dpv/legal/eu/gdpr#A6-1-f"}


def test_parameter_under_an_aggregate_is_bound(kg) -> None:  # type: ignore[no-untyped-def]
    consent = kg.query(COUNT_BY_BASIS, basis="dpv:Consent")["n"][0]
    interest = kg.query(COUNT_BY_BASIS, basis="https://w3id.org/dpv#LegitimateInterest")["n"][0]
    everything = kg.query("SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?p dpv:hasLegalBasis ?lb }")["n"][0]
    assert 0 < consent < everything and 0 < interest < everything


def test_a_hostile_string_parameter_stays_a_literal(kg) -> None:  # type: ignore[no-untyped-def]
    hostile = 'x" } } ; DROP ALL ; SELECT * WHERE { ?s ?p ?o . FILTER("'
    frame = kg.query("SELECT ?c WHERE { ?c dpv:hasName ?name }", name=hostile)
    assert frame.empty
    frame = kg.query("SELECT (COUNT(*) AS ?n) WHERE { ?c dpv:hasName ?name }", name=hostile)
    assert frame["n"][0] == 0
    assert len(kg) > 40000  # nothing was dropped


def test_string_parameters_that_are_names_match_literals(kg) -> None:  # type: ignore[no-untyped-def]
    frame = kg.query("SELECT ?c WHERE { ?c a dpv:DataController ; dpv:hasName ?name }", name="Entrack AS")
    assert list(frame["c"]) == ["https://w3id.org/ropa-kg/id/entrack"]


def test_syntax_error_has_line_and_column(kg) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(QuerySyntaxError) as err:
        kg.query("SELECT ?x\nWHERE { ?x dpv:hasName }")
    assert err.value.line == 2 and err.value.column is not None


def test_update_is_refused(kg) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(QueryError, match="read-only"):
        kg.query("PREFIX ex: <urn:ex:>\nDELETE { ?s ?p ?o } WHERE { ?s ?p ?o }")


def test_service_in_a_string_or_comment_is_not_refused(kg) -> None:  # type: ignore[no-untyped-def]
    frame = kg.query("# SERVICE is mentioned here\nSELECT ?x WHERE { BIND('SERVICE' AS ?x) }")
    assert list(frame["x"]) == ["SERVICE"]


def test_stats_has_one_row_per_controller(kg) -> None:  # type: ignore[no-untyped-def]
    stats = kg.stats()
    assert len(stats) == 5
    assert set(stats.columns) >= {"name", "activities", "recipients", "transfers"}
    assert stats.set_index("name").loc["Expectit AS", "transfers"] == 1
