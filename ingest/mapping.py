"""Mapping a checked record to RDF, exactly as docs/DPV-PROFILE.md says.

One named graph per policy holds its controller, ROPA, privacy notice, processing
activities and evidence. Every asserted value has an ``oa:Annotation`` whose body is
the statement (``rdf:Statement``) and whose target is the policy text, selected both
by quote (``oa:TextQuoteSelector``) and by character offsets
(``oa:TextPositionSelector``). Values from reference data carry ``dct:source``
instead of a target.

The mapping writes TriG text directly, not triple objects: the record's own nodes as
IRIs relative to ``@base <https://w3id.org/ropa-kg/id/CONTROLLER/>``, vocabulary as
prefixed names (the prefix lines are :data:`TRIG_PREFIXES`), one evidence annotation
as one formatted block. Evidence is some twenty triples per value, so this is where a
build spends its time. :func:`map_record` parses the text into an rdflib graph.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, RDF, SKOS, TIME, XSD

from ingest.quotes import Match
from ingest.records import CheckedRecord, Path_
from ingest.schema import (
    NOT_STATED,
    Activity,
    ConceptValue,
    CountryValue,
    NoneStated,
    RecipientValue,
    RetentionValue,
    TextValue,
    TransferValue,
)
from ingest.trig import NOT_IN_IRI, TRIG_PREFIXES, A, iri_term, lang_string, string, term_iri, typed
from ropakg.errors import RecordError
from ropakg.namespaces import DPV, GRAPH, ID, LOC, OA, ORG, PREFIXES, ROPA, expand


@lru_cache(maxsize=256)
def _t(uri: URIRef) -> str:
    """A vocabulary IRI as TriG (a prefixed name)."""
    return iri_term(str(uri))


class _Prefixed:
    """A namespace's terms as TriG, each made once: ``_DPV.hasName`` is ``"dpv:hasName"``.

    (``_t(DPV.hasName)`` made a URIRef on every call: about a fifth of the mapping's time).
    """

    def __init__(self, namespace: Any) -> None:
        self._namespace = namespace

    def __getattr__(self, name: str) -> str:
        term = iri_term(str(self._namespace[name]))
        setattr(self, name, term)  # found without __getattr__ from now on
        return term


_DCTERMS, _DPV, _OA, _RDF, _ROPA, _SKOS, _TIME = map(_Prefixed, (DCTERMS, DPV, OA, RDF, ROPA, SKOS, TIME))


# Record field -> (DPV property, project field concept for "not stated" / "none").
FIELD_PROPERTIES: dict[str, tuple[URIRef, URIRef]] = {
    "purposes": (DPV.hasPurpose, ROPA.PurposeField),
    "personal_data": (DPV.hasPersonalData, ROPA.PersonalDataField),
    "data_subjects": (DPV.hasDataSubject, ROPA.DataSubjectField),
    "legal_bases": (DPV.hasLegalBasis, ROPA.LegalBasisField),
    "measures": (DPV.hasTechnicalOrganisationalMeasure, ROPA.MeasureField),
    "sources": (DPV.hasDataSource, ROPA.SourceField),
    "recipients": (DPV.hasRecipient, ROPA.RecipientField),
    "transfers": (DPV.hasProcessing, ROPA.TransferField),
    "retention": (DPV.hasStorageCondition, ROPA.RetentionField),
}

# Recipient role -> (property on the activity, types of the organisation).
ROLES: dict[str, tuple[URIRef, tuple[URIRef, ...]]] = {
    "processor": (DPV.hasDataProcessor, (DPV.DataProcessor,)),
    "sub-processor": (DPV.hasDataProcessor, (DPV.DataSubProcessor, DPV.DataProcessor)),
    "third-party": (DPV.hasRecipientThirdParty, (DPV.ThirdParty,)),
    "recipient": (DPV.hasRecipient, (DPV.Recipient,)),
    "controller": (DPV.hasRecipientDataController, (DPV.Recipient,)),
}

RETENTION_KINDS = {
    "until-event": DPV.UntilEventDuration,
    "temporal": DPV.TemporalDuration,
    "until-time": DPV.UntilTimeDuration,
    "indeterminate": DPV.IndeterminateDuration,
    "endless": DPV.EndlessDuration,
}

STATUS = {"curated": ROPA.Curated, "draft": ROPA.Draft}
CONTEXT_CHARS = 32

_FIELDS = {name: (_t(prop), _t(concept)) for name, (prop, concept) in FIELD_PROPERTIES.items()}
_ROLES = {role: (_t(prop), tuple(_t(t) for t in types)) for role, (prop, types) in ROLES.items()}
_RETENTION = {kind: _t(c) for kind, c in RETENTION_KINDS.items()}
_STATUS = {key: _t(c) for key, c in STATUS.items()}
_TIME_UNITS = {"Y": _TIME.unitYear, "M": _TIME.unitMonth, "W": _TIME.unitWeek, "D": _TIME.unitDay}
_ANNOTATION_OBJECTS = (_OA.Annotation, _OA.describing, _RDF.Statement)
_TARGET_OBJECTS = (_OA.SpecificResource, _OA.TextQuoteSelector, _OA.TextPositionSelector)
_XSD_DATE, _XSD_DECIMAL, _XSD_DURATION = str(XSD.date), str(XSD.decimal), str(XSD.duration)
_CONFIDENCE_ONE = typed(1.0, _XSD_DECIMAL)
_HAS_RECIPIENT = _DPV.hasRecipient


def graph_iri(controller_id: str) -> URIRef:
    """The named graph of one policy."""
    return GRAPH[controller_id]


def concept(curie: str) -> URIRef:
    return URIRef(expand(curie))


def country(code: str) -> URIRef:
    return LOC[code]


def object_iris(terms: Iterable[str]) -> set[str]:
    """The absolute IRIs among TriG object terms (not literals, not the record's own
    relative IRIs). Records share most of their terms: a build converts their union."""
    return {term_iri(o) for o in terms if not o.startswith("<") or ":" in o}


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "x"


@dataclass
class MappedRecord:
    """One record's named graph as TriG text, and what the rest of the build needs from it."""

    graph: str
    base: str
    body: str
    triples: int
    terms: set[str] = field(default_factory=set)
    """Every IRI used as an object, as written in the TriG: see :func:`object_iris`."""

    @property
    def objects(self) -> set[str]:
        """Every IRI used as an object (vocabulary, countries, organisations): for the closure."""
        return object_iris(self.terms)

    def trig(self) -> str:
        """The graph as TriG, to follow :data:`TRIG_PREFIXES` in a file."""
        return f"@base <{self.base}> .\n<{self.graph}> {{\n{self.body}}}\n"

    def countries(self) -> set[str]:
        return {iri[len(str(LOC)) :] for iri in self.objects if iri.startswith(str(LOC))}


class _Mapper:
    def __init__(self, checked: CheckedRecord, eea: frozenset[str], with_evidence: bool = True) -> None:
        self.checked = checked
        self.record = checked.record
        self.eea = eea
        self.with_evidence = with_evidence
        self.cid = self.record.controller.id
        self.base = f"{ID}{self.cid}/"
        self.controller = iri_term(self.base.rstrip("/"))
        self.ropa = "<ropa>"
        self.notice = "<notice>"
        self.orgs: dict[str, str] = {}
        self.lang = self.record.policy.language
        self._evidence_ids: dict[str, int] = {}
        self._located: dict[Path_, tuple[Any, str]] = {}
        self.out: list[str] = []
        self.triples = 0
        self._seen: set[tuple[str, str, str]] = set()
        self._objects: set[str] = set()
        self._annotated = self._targeted = False  # whether the annotation's, the target's types are objects

    # ---------------------------------------------------------------- output
    def add(self, s: str, p: str, o: str) -> None:
        """One statement (once: the graph is a set)."""
        key = (s, p, o)
        if key in self._seen:
            return
        self._seen.add(key)
        self.out.append(f"{s} {p} {o} .\n")
        self.triples += 1
        if not o.startswith('"'):
            self._objects.add(o)

    def evidence(self, s: str, p: str, o: str, loc: Path_, value: Any) -> None:
        """Assert (s, p, o) and annotate it with the quote at ``loc`` (or its source)."""
        self.add(s, p, o)
        if not self.with_evidence:
            return
        match = self.checked.evidence.get(loc)
        fields = getattr(value, "__dict__", None)  # as _field, looked up once
        if fields is None:
            fields = {name: getattr(value, name, None) for name in ("source", "confidence", "note")}
        source = fields.get("source")
        if match is None and not source:
            raise AssertionError(f"no evidence for {loc}")  # records.py guarantees one
        ann = self._annotation_iri(loc, value)
        confidence = fields.get("confidence")
        conf = _CONFIDENCE_ONE if confidence is None else typed(confidence, _XSD_DECIMAL)
        note = fields.get("note")
        head = (
            f"<{ann}> a oa:Annotation ; oa:motivatedBy oa:describing ; oa:hasBody <{ann}#body> ; ropa:confidence {conf}"
        )
        body = f"<{ann}#body> a rdf:Statement ; rdf:subject {s} ; rdf:predicate {p} ; rdf:object {o} .\n"
        count = 8  # four on the annotation, four on the body
        if note:
            head += f" ; rdfs:comment {lang_string(note, 'en')}"
            count += 1
        if match is not None:
            self.out.append(f"{head} ; oa:hasTarget <{ann}#target> .\n{self._target(ann, match)}{body}")
            count += 12
        else:
            source_term = _source_term(str(source))
            self.out.append(f"{head} ; dct:source {source_term} .\n{body}")
            count += 1
            if not source_term.startswith('"'):
                self._objects.add(source_term)
        self.triples += count
        self._objects.add(p)  # the object of rdf:predicate (add() took o)
        self._annotated = True
        if match is not None:
            self._targeted = True

    def _annotation_iri(self, loc: Path_, value: Any) -> str:
        """``evidence/`` and the path of ``loc`` (items by id or number); ``value`` is the
        node at ``loc``, so only its parent's path is looked up."""
        if loc:
            parent = self._locate(loc[:-1])[1]
            label = _label(value, loc[-1])
            key = f"{parent}/{label}" if parent else label
        else:
            key = "record"
        n = self._evidence_ids.get(key, 0)
        self._evidence_ids[key] = n + 1
        return f"evidence/{key}" + (f"/{n + 1}" if n else "")

    def _locate(self, loc: Path_) -> tuple[Any, str]:
        """The node at ``loc`` in the record and its path as an IRI part."""
        found = self._located.get(loc)
        if found is None:
            if not loc:
                found = (self.record, "")
            else:
                parent, key = self._locate(loc[:-1])
                part = loc[-1]
                if isinstance(parent, list) and isinstance(part, int):
                    node = parent[part]
                else:
                    node = _field(parent, part) if not isinstance(part, int) else None
                label = _label(node, part)
                found = (node, f"{key}/{label}" if key else label)
            self._located[loc] = found
        return found

    def _target(self, ann: str, match: Match) -> str:
        text = self.checked.policy.text
        before = string(text[max(0, match.start - CONTEXT_CHARS) : match.start])
        after = string(text[match.end : match.end + CONTEXT_CHARS])
        return (
            f"<{ann}#target> a oa:SpecificResource ; oa:hasSource {self.notice} ; "
            f"oa:hasSelector <{ann}#quote>, <{ann}#position> .\n"
            f"<{ann}#quote> a oa:TextQuoteSelector ; oa:exact {string(match.exact)} ; "
            f"oa:prefix {before} ; oa:suffix {after} .\n"
            f'<{ann}#position> a oa:TextPositionSelector ; oa:start "{match.start}"^^xsd:nonNegativeInteger ; '
            f'oa:end "{match.end}"^^xsd:nonNegativeInteger .\n'
        )

    # ---------------------------------------------------------------- parts
    def map(self) -> MappedRecord:
        self._controller()
        self._notice()
        self._organisations()
        for i, activity in enumerate(self.record.activities):
            self._activity(i, activity)
        if self._annotated:
            self._objects.update(_ANNOTATION_OBJECTS)
        if self._targeted:
            self._objects.update(_TARGET_OBJECTS)
        return MappedRecord(str(graph_iri(self.cid)), self.base, "".join(self.out), self.triples, self._objects)

    def _controller(self) -> None:
        c, ctl = self.controller, self.record.controller
        self.add(c, A, _DPV.DataController)
        self.add(c, A, _DPV.Organisation)
        self.evidence(c, _DPV.hasName, string(ctl.name.value), ("controller", "name"), ctl.name)
        self.evidence(c, _DPV.hasCountry, _country(ctl.country.value), ("controller", "country"), ctl.country)
        for prop, key in ((_DPV.hasContact, "contact"), (_DPV.hasAddress, "address")):
            values = getattr(ctl, key)
            if isinstance(values, list):
                for i, v in enumerate(values):
                    self.evidence(c, prop, string(v.value), ("controller", key, i), v)
        if isinstance(ctl.identifier, TextValue):
            self.evidence(
                c, _DPV.hasIdentifier, string(ctl.identifier.value), ("controller", "identifier"), ctl.identifier
            )
        self.add(c, _DPV.hasRecordOfActivity, self.ropa)
        self.add(c, _DPV.hasNotice, self.notice)
        self.add(self.ropa, A, _DPV.ROPA)
        self.add(self.ropa, _DPV.hasDataController, c)
        self.add(self.ropa, _DCTERMS.title, lang_string(f"Record of processing activities: {ctl.name.value}", "en"))
        self.add(self.ropa, _ROPA.reviewStatus, _STATUS[self.record.status])

    def _notice(self) -> None:
        n, pol, rec = self.notice, self.record.policy, self.record
        policy = self.checked.policy
        self.add(n, A, _DPV.PrivacyNotice)
        self.add(n, _DPV.hasDataController, self.controller)
        self.add(n, _DCTERMS.language, string(pol.language))
        self.add(n, _ROPA.fileName, string(policy.path.name))
        self.add(n, _ROPA.sha256, string(policy.sha256))
        if self.with_evidence:
            self.add(n, _ROPA.text, string(policy.text))
        self.add(n, _ROPA.reviewStatus, _STATUS[rec.status])
        if pol.url:
            self.add(n, _DCTERMS.source, self._iri(pol.url))
        if isinstance(pol.title, TextValue):
            self.evidence(n, _DCTERMS.title, lang_string(pol.title.value, self.lang), ("policy", "title"), pol.title)
        if not isinstance(pol.issued, str):
            self.evidence(n, _DCTERMS.issued, typed(pol.issued.value, _XSD_DATE), ("policy", "issued"), pol.issued)
        if isinstance(pol.version, TextValue):
            self.evidence(n, _ROPA.version, string(pol.version.value), ("policy", "version"), pol.version)
        for key, prop in (("rights", _DPV.hasRight), ("authorities", _DPV.hasAuthority)):
            values = getattr(rec, key)
            if isinstance(values, list):
                for i, v in enumerate(values):
                    self.evidence(n, prop, _concept(v.concept), (key, i), v)

    def _iri(self, iri: str) -> str:
        if NOT_IN_IRI.search(iri) or ":" not in iri:
            raise RecordError(f"not an IRI: {iri!r}", file=self.checked.path)
        return iri_term(iri)

    def _organisations(self) -> None:
        for i, org in enumerate(self.record.organisations):
            if org.registry:
                node = iri_term(str(ORG[org.registry]))
            else:
                node = f"<org/{org.id}>"
                self.add(node, A, _DPV.Organisation)
                if org.name == NOT_STATED:
                    self.add(node, _DPV.hasName, string(org.description or org.id))
            self.orgs[org.id] = node
            if isinstance(org.name, TextValue):
                prop = _SKOS.altLabel if org.registry else _DPV.hasName
                self.evidence(node, prop, string(org.name.value), ("organisations", i, "name"), org.name)
            if org.description:
                self.add(node, _DCTERMS.description, lang_string(org.description, "en"))
            if isinstance(org.country, CountryValue):
                self.evidence(
                    node, _DPV.hasCountry, _country(org.country.value), ("organisations", i, "country"), org.country
                )

    def _activity(self, i: int, act: Activity) -> None:
        a = f"<activity/{act.id}>"
        loc: Path_ = ("activities", i)
        self.add(a, A, _DPV.PersonalDataProcess)
        self.add(a, _ROPA.reviewStatus, _STATUS[self.record.status])
        self.add(a, _DPV.hasDataController, self.controller)
        self.add(self.ropa, _DPV.hasProcess, a)
        self.add(a, _DCTERMS.title, lang_string(act.title.en, "en"))
        original = act.title.original
        self.evidence(a, _DCTERMS.title, lang_string(original.value, self.lang), (*loc, "title", "original"), original)
        if act.description:
            self.add(a, _DCTERMS.description, lang_string(act.description, "en"))
        general = self.record.applies_to_all
        for name, (prop, field_concept) in _FIELDS.items():
            value, vloc = getattr(act, name), (*loc, name)
            inherited = getattr(general, name, None) if general and name not in act.exempt_from_general else None
            if value == NOT_STATED and inherited is not None:
                value, vloc = inherited, ("applies_to_all", name)
            if value == NOT_STATED:
                self.add(a, _ROPA.notStated, field_concept)
            elif isinstance(value, NoneStated):
                self.evidence(a, _ROPA.statedNone, field_concept, vloc, value)
            else:
                for j, item in enumerate(value):
                    self._value(a, f"activity/{act.id}", prop, item, (*vloc, j))
        for j, tech in enumerate(act.technologies):
            node = f"<technology/{_slug(tech.name)}>"
            self.add(node, A, _concept(tech.concept))
            self.add(node, _DPV.hasName, string(tech.name))
            self.evidence(a, _DPV.isImplementedUsingTechnology, node, (*loc, "technologies", j), tech)

    def _value(self, a: str, rel: str, prop: str, item: Any, loc: Path_) -> None:
        if isinstance(item, ConceptValue):
            self.evidence(a, prop, _concept(item.concept), loc, item)
        elif isinstance(item, RecipientValue):
            org = self.orgs[item.organisation]
            role_prop, types = _ROLES[item.role]
            for t in types:
                self.add(org, A, t)
            self.evidence(a, role_prop, org, loc, item)
            if role_prop != _HAS_RECIPIENT:
                self.add(a, _HAS_RECIPIENT, org)  # the super-property, for plain queries
        elif isinstance(item, TransferValue):
            self._transfer(a, rel, item, loc)
        elif isinstance(item, RetentionValue):
            self._retention(a, rel, item, loc)

    def _transfer(self, a: str, rel: str, t: TransferValue, loc: Path_) -> None:
        node = f"<{rel}/transfer/{loc[-1] + 1}>"
        self.add(node, A, _DPV.CrossBorderTransfer)
        self.evidence(a, _DPV.hasProcessing, node, loc, t)
        third = t.country not in self.eea
        self.add(node, _DPV.hasThirdCountry if third else _DPV.hasCountry, _country(t.country))
        self.add(node, _DPV.hasDataExporter, self.controller)
        if t.importer:
            self.add(node, _DPV.hasDataImporter, self.orgs[t.importer])
        if isinstance(t.mechanism, ConceptValue):
            mechanism = t.mechanism
            self.evidence(node, _DPV.hasLegalBasis, _concept(mechanism.concept), (*loc, "mechanism"), mechanism)
        else:
            self.add(node, _ROPA.notStated, _ROPA.LegalBasisField)

    def _retention(self, a: str, rel: str, r: RetentionValue, loc: Path_) -> None:
        node = f"<{rel}/retention/{loc[-1] + 1}>"
        duration = f"<{rel}/retention/{loc[-1] + 1}/duration>"
        self.add(node, A, _DPV.StorageDuration)
        self.evidence(a, _DPV.hasStorageCondition, node, loc, r)
        self.add(node, _DPV.hasDuration, duration)
        self.add(duration, A, _RETENTION[r.kind])
        self.add(duration, _DCTERMS.description, lang_string(r.description, "en"))
        if r.duration:
            self.add(duration, _RDF.value, typed(r.duration, _XSD_DURATION))
            single = re.fullmatch(r"P(\d+)([YMWD])", r.duration)
            if single:
                self.add(duration, A, _TIME.Duration)
                amount = typed(f"{int(single.group(1))}.0", _XSD_DECIMAL)
                self.add(duration, _TIME.numericDuration, amount)
                self.add(duration, _TIME.unitType, _TIME_UNITS[single.group(2)])


def _label(node: Any, part: Any) -> str:
    """A path part in an IRI: an item by its id (or its number from 1), a field by its name."""
    if isinstance(part, int):
        return _field(node, "id") or str(part + 1)
    return str(part).replace("_", "-")


def _field(model: Any, name: str) -> Any:
    """A field of a record model, or None (``getattr`` with a default is slow on pydantic
    models when the field does not exist)."""
    fields = getattr(model, "__dict__", None)
    return fields.get(name) if fields is not None else getattr(model, name, None)


@lru_cache(maxsize=4096)
def _concept(curie: str) -> str:
    return iri_term(expand(curie))


@lru_cache(maxsize=512)
def _country(code: str) -> str:
    return iri_term(str(LOC[code]))


def _source_term(source: str) -> str:
    if re.match(r"^https?://\S+$", source) and not NOT_IN_IRI.search(source):
        return iri_term(source)
    return string(source)


def map_text(checked: CheckedRecord, eea: frozenset[str], *, evidence: bool = True) -> MappedRecord:
    """The named graph of one checked record, as TriG text.

    Args:
        checked: a record that passed :func:`ingest.records.load_record`.
        eea: ISO codes of the EEA countries (a transfer elsewhere is to a third country).
        evidence: False leaves out the evidence annotations and the policy text (the
            lighter graph the query benchmarks use); the build always keeps them.
    """
    return _Mapper(checked, eea, evidence).map()


def map_record(checked: CheckedRecord, eea: frozenset[str]) -> Graph:
    """The named graph of one checked record, as an rdflib graph (see :func:`map_text`)."""
    mapped = map_text(checked, eea)
    quads = ox.parse(TRIG_PREFIXES + mapped.trig(), format=ox.RdfFormat.TRIG)
    nt = ox.serialize([ox.Triple(q.subject, q.predicate, q.object) for q in quads], format=ox.RdfFormat.N_TRIPLES)
    g = Graph(identifier=URIRef(mapped.graph))
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns)
    return g.parse(data=(nt or b"").decode("utf-8"), format="nt")


__all__ = ["TRIG_PREFIXES", "MappedRecord", "graph_iri", "map_record", "map_text"]
