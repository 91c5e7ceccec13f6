"""The mapping to DPV, compared with golden graphs by isomorphism."""

from __future__ import annotations

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import graph_diff, to_isomorphic
from rdflib.namespace import RDF

from ropakg.namespaces import DPV, LOC, OA, ROPA
from tests.golden import CASES, golden_path, mapped


def _diff(expected: Graph, actual: Graph) -> str:
    _, missing, extra = graph_diff(to_isomorphic(expected), to_isomorphic(actual))
    lines = [f"- {t}" for t in sorted(missing)[:20]] + [f"+ {t}" for t in sorted(extra)[:20]]
    return "\n".join(lines)


@pytest.mark.parametrize("name", sorted(CASES))
def test_mapping_matches_golden_graph(name: str) -> None:
    path = golden_path(name)
    assert path.exists(), f"no golden file {path}; run: python -m tests.golden"
    expected = Graph().parse(path, format="turtle")
    actual = mapped(name)
    assert to_isomorphic(expected) == to_isomorphic(actual), (
        f"mapping of {name} differs from {path.name} (- expected, + actual):\n" + _diff(expected, actual)
    )


def test_acme_speaks_the_dpv_profile() -> None:
    g = mapped("acme")
    ctl = URIRef("https://w3id.org/ropa-kg/id/acme")
    news = URIRef("https://w3id.org/ropa-kg/id/acme/activity/newsletter")
    assert (ctl, RDF.type, DPV.DataController) in g
    assert (ctl, DPV.hasName, Literal("Acme AS")) in g
    assert (news, DPV.hasLegalBasis, URIRef("https://w3id.org/dpv/legal/eu/gdpr#A6-1-a")) in g
    transfer = g.value(news, DPV.hasProcessing)
    assert (transfer, RDF.type, DPV.CrossBorderTransfer) in g
    assert (transfer, DPV.hasThirdCountry, LOC.US) in g
    assert (transfer, DPV.hasLegalBasis, ROPA["Adequacy-EU-US-PrivacyShield"]) in g
    # general measures reach activities that state none of their own
    service = URIRef("https://w3id.org/ropa-kg/id/acme/activity/customer-service")
    assert (service, DPV.hasTechnicalOrganisationalMeasure, DPV.Encryption) in g
    # "not stated" and "stated to be none" are kept apart
    assert (service, ROPA.notStated, ROPA.RetentionField) in g
    assert (service, ROPA.statedNone, ROPA.RecipientField) in g
    assert (service, DPV.hasRecipient, None) not in g


def test_every_value_on_an_activity_has_evidence() -> None:
    g = mapped("acme")
    bodies = {
        (g.value(b, RDF.subject), g.value(b, RDF.predicate), g.value(b, RDF.object))
        for b in g.objects(None, OA.hasBody)
    }
    skip = {
        RDF.type,
        DPV.hasDataController,
        DPV.hasRecipient,
        ROPA.notStated,
        ROPA.reviewStatus,
    }  # not statements of the policy
    for activity in g.subjects(RDF.type, DPV.PersonalDataProcess):
        for p, o in g.predicate_objects(activity):
            if p in skip or (p == URIRef("http://purl.org/dc/terms/title") and o.language == "en"):
                continue
            assert (activity, p, o) in bodies, (activity, p, o)


def test_offsets_select_the_exact_text() -> None:
    from tests.golden import CASES as cases

    g = mapped("acme")
    text = (cases["acme"][1] / "acme_nb.txt").read_text("utf-8")
    selectors = list(g.subjects(RDF.type, OA.TextPositionSelector))
    assert selectors
    for target in g.subjects(OA.hasSelector, None):
        sels = list(g.objects(target, OA.hasSelector))
        exact = next(g.value(s, OA.exact) for s in sels if g.value(s, OA.exact) is not None)
        start = next(g.value(s, OA.start) for s in sels if g.value(s, OA.start) is not None)
        end = next(g.value(s, OA.end) for s in sels if g.value(s, OA.end) is not None)
        assert text[start.toPython() : end.toPython()] == str(exact)
