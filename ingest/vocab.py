"""The vocabulary a record may use: DPV 2.3 plus the project ontology.

Checks that a concept name exists and is of the kind its field needs (a purpose
where a purpose is expected), and suggests close names when it is not.
"""

from __future__ import annotations

import difflib
from collections import defaultdict
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox

from ropakg.engine import select
from ropakg.namespaces import PREFIXES, expand

# The DPV top concepts a value of each kind must be typed with (any one of them).
KINDS: dict[str, tuple[str, ...]] = {
    "purpose": ("dpv:Purpose",),
    "personal data": ("dpv:PersonalData",),
    "data subject": ("dpv:HumanSubject",),
    "legal basis": ("dpv:LegalBasis",),
    "transfer mechanism": ("dpv:LegalBasis", "eu-gdpr:AdequacyDecision"),
    "right": ("dpv:Right",),
    "measure": (
        "dpv:TechnicalMeasure",
        "dpv:OrganisationalMeasure",
        "dpv:PhysicalMeasure",
        "dpv:LegalMeasure",
        "dpv:TechnicalOrganisationalMeasure",
    ),
    "data source": ("dpv:DataSource",),
    "authority": ("eu-gdpr:DataProtectionAuthority", "dpv:DataProtectionAuthority"),
    "technology": ("dpv:Technology",),
    "country": ("dpv:Country",),
}

_WANTED = {kind: frozenset(expand(c) for c in curies) for kind, curies in KINDS.items()}

TYPE_QUERY = "SELECT ?s ?t WHERE { ?s a ?t FILTER(isIRI(?s)) }"


class Vocabulary:
    """Every IRI the vocabulary defines, with its rdf:types.

    >>> v = Vocabulary.default()                      # doctest: +SKIP
    >>> v.check("dpv:Marketing", "purpose")           # doctest: +SKIP
    'https://w3id.org/dpv#Marketing'
    """

    def __init__(self, files: list[Path]) -> None:
        store = ox.Store()
        for path in files:
            store.bulk_load(path=str(path), format=ox.RdfFormat.TURTLE)
        self.types: dict[str, set[str]] = defaultdict(set)
        for row in select(store, TYPE_QUERY):
            self.types[row["s"].value].add(row["t"].value)
        self._by_kind: dict[str, list[str]] = {}
        self._checked: dict[tuple[str, str], str] = {}

    @classmethod
    def default(cls, ontology_dir: Path | None = None, dpv_dir: Path | None = None) -> Vocabulary:
        from ropakg.paths import Paths

        paths = Paths.default()
        return _cached(str(ontology_dir or paths.ontology), str(dpv_dir or paths.dpv))

    def defines(self, iri: str) -> bool:
        return iri in self.types

    def is_kind(self, iri: str, kind: str) -> bool:
        types = self.types.get(iri)
        return types is not None and not _WANTED[kind].isdisjoint(types)

    def members(self, kind: str) -> list[str]:
        if kind not in self._by_kind:
            self._by_kind[kind] = sorted(i for i in self.types if self.is_kind(i, kind))
        return self._by_kind[kind]

    def check(self, curie: str, kind: str) -> str:
        """Expand ``curie`` and check it is a defined concept of ``kind``.

        Raises ``ValueError`` with a suggestion when it is not.
        """
        known = self._checked.get((curie, kind))
        if known is not None:
            return known
        iri = self._check(curie, kind)
        self._checked[curie, kind] = iri
        return iri

    def _check(self, curie: str, kind: str) -> str:
        try:
            iri = expand(curie)
        except KeyError:
            known = ", ".join(sorted(PREFIXES))
            raise ValueError(f"unknown prefix in {curie!r} (known: {known})") from None
        if not self.defines(iri):
            raise ValueError(f"{curie} is not defined in DPV 2.3 or the project ontology" + self._suggest(curie, kind))
        if not self.is_kind(iri, kind):
            raise ValueError(f"{curie} is not a {kind} concept" + self._suggest(curie, kind))
        return iri

    def _suggest(self, curie: str, kind: str) -> str:
        from ropakg.namespaces import compact

        names = [compact(i) for i in self.members(kind)]
        close = difflib.get_close_matches(curie, names, n=3, cutoff=0.6)
        return f" (did you mean {', '.join(close)}?)" if close else ""


@lru_cache(maxsize=4)
def _cached(ontology_dir: str, dpv_dir: str) -> Vocabulary:
    files = [*sorted(Path(dpv_dir).glob("*.ttl")), Path(ontology_dir) / "ropa.ttl"]
    return Vocabulary(files)
