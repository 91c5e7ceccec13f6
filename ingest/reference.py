"""Reference data and vocabulary graphs of the dataset.

- ``dpv_extract``: DPV 2.3 (core, pd, tech, eu-gdpr, legal) and the countries and unions
  of ``loc``, so that DPV queries (``skos:broader*``, ``loc:EEA skos:narrower``, the
  legal-basis -> right mapping) run on the dataset alone. Triples that point into DPV
  extensions not published with 2.3's core files (``risk:``, ``justifications:``) are
  left out, so every DPV IRI in the dataset is one DPV defines.
- ``reference_graph``: the organisation registry, and Norwegian and Swedish names of
  countries (from pycountry's ISO 3166 translations).
- ``closure``: the transitive closure of the concept hierarchy (``skos:broader`` ->
  ``skos:broaderTransitive``, what OWL-RL derives), over concepts only, never over
  instance data.
"""

from __future__ import annotations

import contextlib
import gettext
import hashlib
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

import pycountry
import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from ropakg.engine import construct, iri_value, ntriples
from ropakg.errors import RopaError
from ropakg.files import write_atomically
from ropakg.namespaces import DPV, LOC, ORG

DPV_BASE = "https://w3id.org/dpv"
VOCAB_FILES = ("dpv.ttl", "pd.ttl", "tech.ttl", "eu-gdpr.ttl", "legal-eu.ttl", "legal-no.ttl", "legal-se.ttl")

_LOC_QUERY = """
PREFIX dpv: <https://w3id.org/dpv#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
CONSTRUCT { ?s ?p ?o } WHERE {
  { ?s a dpv:Country } UNION { ?s a dpv:SupraNationalUnion }
  ?s ?p ?o .
  FILTER NOT EXISTS { ?o a dpv:Region }
  FILTER (?p != skos:narrower || EXISTS { ?o a dpv:Country })
}
"""


def registry_keys(path: Path) -> set[str]:
    """The keys (``org:<key>``) of the organisations in the registry file."""
    prefix = str(ORG)
    return {
        subject.value[len(prefix) :]
        for subject in {triple.subject for triple in _registry_triples(path)}
        if isinstance(subject, ox.NamedNode) and subject.value.startswith(prefix)
    }


def _registry_triples(path: Path) -> list[ox.Triple]:
    """The registry file's triples, read by Oxigraph's parser (rdflib's took 2 s for a
    registry of 10,000 organisations, this 0.1 s)."""
    try:
        return list(ox.parse(path=path, format=ox.RdfFormat.TURTLE))
    except FileNotFoundError:
        raise RopaError("organisation registry not found", file=path) from None
    except SyntaxError as exc:
        raise RopaError(f"malformed Turtle: {' '.join(str(exc).split())}", file=path) from None


def dpv_extract(dpv_dir: Path, kept: Path | None = None) -> bytes:
    """The DPV vocabulary graph as N-Triples (see the module docstring).

    Made once per process for the DPV files as they are (their paths, sizes and
    modification times): every build needs it, and making it takes 1.5-3 s. With
    ``kept``, a file (the build folder's, :data:`KEPT_EXTRACT`), it is also kept there for
    the next process, and read from there while it was made from the same DPV files by
    the same code and holds what was written (its first line has the key and the digest
    of the rest; a file that is missing, changed or unwritable only means making the
    extract again).
    """
    try:
        signature = tuple(_stat(Path(dpv_dir) / name) for name in (*VOCAB_FILES, "loc.ttl"))
    except OSError:
        return _dpv_extract(Path(dpv_dir))  # which says what is missing
    if kept is None:
        return _kept_dpv_extract(str(Path(dpv_dir).resolve()), signature)
    key = f"# ropa-kg DPV extract {_extract_key(signature)} ".encode()
    with contextlib.suppress(OSError), kept.open("rb") as f:
        line, rest = f.readline(), f.read()
        if line == key + _digest(rest):
            return rest
    made = _kept_dpv_extract(str(Path(dpv_dir).resolve()), signature)
    with contextlib.suppress(OSError):
        write_atomically(kept, lambda tmp: tmp.write_bytes(key + _digest(made) + made))
    return made


def _digest(extract: bytes) -> bytes:
    """The end of a kept extract's first line: the digest of what follows it."""
    return hashlib.sha256(extract).hexdigest().encode() + b"\n"


KEPT_EXTRACT = ".dpv-extract.nt"
"""The name of the DPV extract kept in a build folder (:func:`dpv_extract`)."""


def _extract_key(signature: tuple[tuple[str, int, int], ...]) -> str:
    """What a kept extract was made from: the DPV files' signature and this module's code."""
    digest = hashlib.sha256(repr(signature).encode())
    digest.update(Path(__file__).read_bytes())
    return digest.hexdigest()


def _stat(path: Path) -> tuple[str, int, int]:
    st = path.stat()
    return str(path.resolve()), st.st_size, st.st_mtime_ns


@lru_cache(maxsize=2)
def _kept_dpv_extract(dpv_dir: str, signature: tuple[tuple[str, int, int], ...]) -> bytes:
    return _dpv_extract(Path(dpv_dir))


def _dpv_extract(dpv_dir: Path) -> bytes:
    store = ox.Store()
    for name in (*VOCAB_FILES, "loc.ttl"):
        store.bulk_load(path=str(dpv_dir / name), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(f"urn:dpv:{name}"))
    defined = {
        q.subject.value for q in store.quads_for_pattern(None, None, None) if isinstance(q.subject, ox.NamedNode)
    }

    def known(term: object) -> bool:
        return not (
            isinstance(term, ox.NamedNode)
            and term.value.startswith(DPV_BASE)
            and term.value not in defined
            and term.value.rstrip("#/") != DPV_BASE
        )

    kept: list[ox.Triple | ox.Quad] = []
    for name in VOCAB_FILES:
        for q in store.quads_for_pattern(None, None, None, ox.NamedNode(f"urn:dpv:{name}")):
            if known(q.predicate) and known(q.object):
                kept.append(q)
    loc_only = ox.Store()
    loc_only.extend(
        ox.Quad(q.subject, q.predicate, q.object)
        for q in store.quads_for_pattern(None, None, None, ox.NamedNode("urn:dpv:loc.ttl"))
    )
    kept.extend(t for t in construct(loc_only, _LOC_QUERY) if known(t.object))
    return ntriples(kept)


def eea_codes(source: ox.Store | Path) -> frozenset[str]:
    """ISO codes of the 30 EEA countries, as DPV's ``loc:EEA skos:narrower`` lists them.

    ``source`` is a store holding DPV's countries (in any graph) or the folder of the DPV files.
    """
    if isinstance(source, Path):
        store = ox.Store()
        store.bulk_load(path=str(source / "loc.ttl"), format=ox.RdfFormat.TURTLE)
        source = store
    narrower = ox.NamedNode(str(SKOS.narrower))
    members = source.quads_for_pattern(ox.NamedNode(str(LOC.EEA)), narrower, None)
    return frozenset(iri_value(q.object).rsplit("#", 1)[1] for q in members)


def country_labels(codes: Iterable[str]) -> Graph:
    """``skos:prefLabel`` in Norwegian bokmål and Swedish for ISO country codes."""
    g = Graph()
    translations = {
        lang: gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang], fallback=True)
        for lang in ("nb", "sv")
    }
    for code in sorted(codes):
        entry = pycountry.countries.get(alpha_2=code)
        if entry is None:
            continue
        for lang, tr in translations.items():
            g.add((LOC[code], SKOS.prefLabel, Literal(tr.gettext(entry.name), lang=lang)))
    return g


def reference_graph(ontology_dir: Path, country_codes: Iterable[str]) -> Graph:
    """The organisation registry plus Norwegian/Swedish names of its and the given countries."""
    g = Graph().parse(ontology_dir / "organisations.ttl", format="turtle")
    codes = set(country_codes)
    codes.update(str(o)[len(str(LOC)) :] for o in g.objects(None, DPV.hasCountry))
    g += country_labels(codes)
    return g


def load_reference(store: ox.Store, ontology_dir: Path, country_codes: Iterable[str], graph: ox.NamedNode) -> None:
    """Load :func:`reference_graph` into ``graph`` of ``store``, the registry parsed by
    Oxigraph (a registry of 10,000 organisations: 4.7 s through rdflib, 0.3 s so)."""
    triples = _registry_triples(ontology_dir / "organisations.ttl")
    store.extend(ox.Quad(t.subject, t.predicate, t.object, graph) for t in triples)
    codes = set(country_codes)
    has_country = str(DPV.hasCountry)
    codes.update(
        t.object.value[len(str(LOC)) :]
        for t in triples
        if t.predicate.value == has_country and isinstance(t.object, ox.NamedNode)
    )
    labels = country_labels(codes).serialize(format="nt", encoding="utf-8")
    store.load(labels, format=ox.RdfFormat.N_TRIPLES, to_graph=graph)


def closure(hierarchy: Graph, concepts: Iterable[URIRef] | None = None) -> Graph:
    """``skos:broaderTransitive`` of every concept (or of ``concepts``) to everything above it.

    ``hierarchy`` holds the ``skos:broader`` triples (DPV plus the project ontology). The
    result is what OWL-RL derives from ``skos:broader rdfs:subPropertyOf
    skos:broaderTransitive`` and ``skos:broaderTransitive a owl:TransitiveProperty``
    (rules prp-spo1 and prp-trp), without the asserted links to self: the transitive
    closure, computed by walking up from each concept (milliseconds for all of DPV, where
    owlrl takes seconds; tests/test_build.py checks the two agree). Every concept is
    closed, not only those the policies use, so that data loaded beside a build (the
    benchmark's, or pushed to a server) finds its ancestors too; the saved questions rely
    on it (a concept and the concepts under it: itself plus ``skos:broaderTransitive``).
    Countries are left out: their ``broader`` links also lead to historical unions
    (the UK is under EEA31 and EU28), so transitive membership would be wrong.
    """
    parents: dict[URIRef, set[URIRef]] = {}
    for child, parent in hierarchy.subject_objects(SKOS.broader):
        if isinstance(child, URIRef) and isinstance(parent, URIRef) and not _is_place(child) and not _is_place(parent):
            parents.setdefault(child, set()).add(parent)

    def ancestors(concept: URIRef) -> set[URIRef]:
        seen: set[URIRef] = set()
        todo = list(parents.get(concept, ()))
        while todo:
            above = todo.pop()
            if above not in seen:
                seen.add(above)
                todo.extend(parents.get(above, ()))
        return seen

    start = set(parents) if concepts is None else {c for c in concepts if not _is_place(c)}
    if concepts is not None:  # the given concepts and everything above them
        start |= {a for c in list(start) for a in ancestors(c)}
    out = Graph()
    for concept in start:
        for above in ancestors(concept) - {concept}:
            out.add((concept, SKOS.broaderTransitive, above))
    return out


def _is_place(term: URIRef) -> bool:
    return str(term).startswith(str(LOC))


def owlrl_closure(hierarchy: Graph, concepts: Iterable[URIRef]) -> Graph:
    """The same closure by owlrl's OWL-RL reasoner (slow; kept to check :func:`closure`)."""
    import owlrl

    todo = [c for c in concepts if not str(c).startswith(str(LOC))]
    seen: set[URIRef] = set()
    g = Graph()
    while todo:
        c = todo.pop()
        if c in seen:
            continue
        seen.add(c)
        for parent in hierarchy.objects(c, SKOS.broader):
            if isinstance(parent, URIRef) and not str(parent).startswith(str(LOC)):
                g.add((c, SKOS.broader, parent))
                todo.append(parent)
    g.add((SKOS.broader, RDFS.subPropertyOf, SKOS.broaderTransitive))
    g.add((SKOS.broaderTransitive, RDF.type, OWL.TransitiveProperty))
    asserted = set(g)
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics, axiomatic_triples=False).expand(g)
    out = Graph()
    for s, p, o in g.triples((None, SKOS.broaderTransitive, None)):
        if (s, p, o) not in asserted and s in seen and s != o:
            out.add((s, p, o))
    return out


__all__ = [
    "closure",
    "country_labels",
    "dpv_extract",
    "eea_codes",
    "load_reference",
    "owlrl_closure",
    "reference_graph",
    "registry_keys",
]
