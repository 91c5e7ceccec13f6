"""Namespaces of the graph: DPV 2.3 (https, RDFS+SKOS serialisation) and the project's."""

from __future__ import annotations

from rdflib import Namespace
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS, TIME, XSD

DPV = Namespace("https://w3id.org/dpv#")
PD = Namespace("https://w3id.org/dpv/pd#")
LOC = Namespace("https://w3id.org/dpv/loc#")
TECH = Namespace("https://w3id.org/dpv/tech#")
EU_GDPR = Namespace("https://w3id.org/dpv/legal/eu/gdpr#")
LEGAL_EU = Namespace("https://w3id.org/dpv/legal/eu#")
LEGAL_NO = Namespace("https://w3id.org/dpv/legal/no#")
LEGAL_SE = Namespace("https://w3id.org/dpv/legal/se#")
OA = Namespace("http://www.w3.org/ns/oa#")
ROPA = Namespace("https://w3id.org/ropa-kg/ontology#")
BASE = "https://w3id.org/ropa-kg/"
ID = Namespace(BASE + "id/")
ORG = Namespace(BASE + "id/org/")
GRAPH = Namespace(BASE + "graph/")

PREFIXES: dict[str, str] = {
    "dpv": str(DPV),
    "pd": str(PD),
    "loc": str(LOC),
    "tech": str(TECH),
    "eu-gdpr": str(EU_GDPR),
    "legal-eu": str(LEGAL_EU),
    "legal-no": str(LEGAL_NO),
    "legal-se": str(LEGAL_SE),
    "ropa": str(ROPA),
    "org": str(ORG),
    "ropa-id": str(ID),
    "ropa-graph": str(GRAPH),
    "dct": str(DCTERMS),
    "skos": str(SKOS),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "xsd": str(XSD),
    "time": str(TIME),
    "prov": str(PROV),
    "oa": str(OA),
}

# Longest namespace first, so that legal/eu/gdpr# wins over legal/eu#.
_BY_LENGTH = sorted(PREFIXES.items(), key=lambda kv: -len(kv[1]))


def expand(curie: str) -> str:
    """``dpv:Marketing`` -> ``https://w3id.org/dpv#Marketing``; KeyError for unknown prefixes.

    >>> expand("eu-gdpr:A6-1-a")
    'https://w3id.org/dpv/legal/eu/gdpr#A6-1-a'
    """
    prefix, _, local = curie.partition(":")
    return PREFIXES[prefix] + local


def compact(iri: str) -> str:
    """The CURIE of ``iri`` where a known namespace fits, else the IRI itself.

    >>> compact("https://w3id.org/dpv/legal/eu/gdpr#A15")
    'eu-gdpr:A15'
    """
    for prefix, ns in _BY_LENGTH:
        if iri.startswith(ns) and "/" not in iri[len(ns) :] and "#" not in iri[len(ns) :]:
            return f"{prefix}:{iri[len(ns) :]}"
    return iri


def sparql_prefixes() -> str:
    """PREFIX lines for every namespace above, to put before a query."""
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())
