"""Mapping a checked record to RDF, exactly as docs/DPV-PROFILE.md says.

One named graph per policy holds its controller, ROPA, privacy notice, processing
activities and evidence. Every asserted value has an ``oa:Annotation`` whose body is
the statement (``rdf:Statement``) and whose target is the policy text, selected both
by quote (``oa:TextQuoteSelector``) and by character offsets
(``oa:TextPositionSelector``). Values from reference data carry ``dct:source``
instead of a target.
"""

from __future__ import annotations

import re
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS, TIME, XSD

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
from ropakg.namespaces import DPV, GRAPH, ID, LOC, OA, ORG, PREFIXES, ROPA, expand

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


def graph_iri(controller_id: str) -> URIRef:
    """The named graph of one policy."""
    return GRAPH[controller_id]


def concept(curie: str) -> URIRef:
    return URIRef(expand(curie))


def country(code: str) -> URIRef:
    return LOC[code]


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "x"


class _Mapper:
    def __init__(self, checked: CheckedRecord, eea: frozenset[str]) -> None:
        self.checked = checked
        self.record = checked.record
        self.eea = eea
        cid = self.record.controller.id
        self.base = f"{ID}{cid}/"
        self.g = Graph(identifier=graph_iri(cid))
        for prefix, ns in PREFIXES.items():
            self.g.bind(prefix, ns)
        self.controller = URIRef(self.base.rstrip("/"))
        self.ropa = URIRef(self.base + "ropa")
        self.notice = URIRef(self.base + "notice")
        self.orgs: dict[str, URIRef] = {}
        self.lang = self.record.policy.language
        self._evidence_ids: dict[str, int] = {}

    # ---------------------------------------------------------------- evidence
    def evidence(self, s: URIRef, p: URIRef, o: Any, loc: Path_, value: Any) -> None:
        """Assert (s, p, o) and annotate it with the quote at ``loc`` (or its source)."""
        g = self.g
        g.add((s, p, o))
        match = self.checked.evidence.get(loc)
        source = getattr(value, "source", None)
        if match is None and not source:
            raise AssertionError(f"no evidence for {loc}")  # records.py guarantees one
        ann = self._annotation_iri(loc)
        g.add((ann, RDF.type, OA.Annotation))
        g.add((ann, OA.motivatedBy, OA.describing))
        body = URIRef(f"{ann}#body")
        g.add((ann, OA.hasBody, body))
        g.add((body, RDF.type, RDF.Statement))
        g.add((body, RDF.subject, s))
        g.add((body, RDF.predicate, p))
        g.add((body, RDF.object, o))
        note = getattr(value, "note", None)
        if note:
            g.add((ann, RDFS.comment, Literal(note, lang="en")))
        confidence = getattr(value, "confidence", None)
        g.add((ann, ROPA.confidence, Literal(1.0 if confidence is None else confidence, datatype=XSD.decimal)))
        if match is not None:
            self._target(ann, match)
        elif source:
            g.add((ann, DCTERMS.source, _source_term(source)))

    def _annotation_iri(self, loc: Path_) -> URIRef:
        parts: list[str] = []
        node: Any = self.record
        for part in loc:
            if isinstance(node, list) and isinstance(part, int):
                node = node[part]
                ident = getattr(node, "id", None)
                parts.append(ident if ident else str(part + 1))
            else:
                node = getattr(node, part, None) if not isinstance(part, int) else None
                parts.append(str(part).replace("_", "-"))
        key = "/".join(parts) or "record"
        n = self._evidence_ids.get(key, 0)
        self._evidence_ids[key] = n + 1
        return URIRef(f"{self.base}evidence/{key}" + (f"/{n + 1}" if n else ""))

    def _target(self, ann: URIRef, match: Match) -> None:
        g, text = self.g, self.checked.policy.text
        target, quote_sel, pos_sel = (URIRef(f"{ann}#{part}") for part in ("target", "quote", "position"))
        g.add((ann, OA.hasTarget, target))
        g.add((target, RDF.type, OA.SpecificResource))
        g.add((target, OA.hasSource, self.notice))
        g.add((target, OA.hasSelector, quote_sel))
        g.add((target, OA.hasSelector, pos_sel))
        g.add((quote_sel, RDF.type, OA.TextQuoteSelector))
        g.add((quote_sel, OA.exact, Literal(match.exact)))
        g.add((quote_sel, OA.prefix, Literal(text[max(0, match.start - CONTEXT_CHARS) : match.start])))
        g.add((quote_sel, OA.suffix, Literal(text[match.end : match.end + CONTEXT_CHARS])))
        g.add((pos_sel, RDF.type, OA.TextPositionSelector))
        g.add((pos_sel, OA.start, Literal(match.start, datatype=XSD.nonNegativeInteger)))
        g.add((pos_sel, OA.end, Literal(match.end, datatype=XSD.nonNegativeInteger)))

    # ---------------------------------------------------------------- parts
    def map(self) -> Graph:
        self._controller()
        self._notice()
        self._organisations()
        for i, activity in enumerate(self.record.activities):
            self._activity(i, activity)
        return self.g

    def _controller(self) -> None:
        g, c, ctl = self.g, self.controller, self.record.controller
        g.add((c, RDF.type, DPV.DataController))
        g.add((c, RDF.type, DPV.Organisation))
        self.evidence(c, DPV.hasName, Literal(ctl.name.value), ("controller", "name"), ctl.name)
        self.evidence(c, DPV.hasCountry, country(ctl.country.value), ("controller", "country"), ctl.country)
        for prop, key in ((DPV.hasContact, "contact"), (DPV.hasAddress, "address")):
            values = getattr(ctl, key)
            if isinstance(values, list):
                for i, v in enumerate(values):
                    self.evidence(c, prop, Literal(v.value), ("controller", key, i), v)
        if isinstance(ctl.identifier, TextValue):
            self.evidence(
                c, DPV.hasIdentifier, Literal(ctl.identifier.value), ("controller", "identifier"), ctl.identifier
            )
        g.add((c, DPV.hasRecordOfActivity, self.ropa))
        g.add((c, DPV.hasNotice, self.notice))
        g.add((self.ropa, RDF.type, DPV.ROPA))
        g.add((self.ropa, DPV.hasDataController, c))
        g.add((self.ropa, DCTERMS.title, Literal(f"Record of processing activities: {ctl.name.value}", lang="en")))
        g.add((self.ropa, ROPA.reviewStatus, STATUS[self.record.status]))

    def _notice(self) -> None:
        g, n, pol, rec = self.g, self.notice, self.record.policy, self.record
        policy = self.checked.policy
        g.add((n, RDF.type, DPV.PrivacyNotice))
        g.add((n, DPV.hasDataController, self.controller))
        g.add((n, DCTERMS.language, Literal(pol.language)))
        g.add((n, ROPA.fileName, Literal(policy.path.name)))
        g.add((n, ROPA.sha256, Literal(policy.sha256)))
        g.add((n, ROPA.text, Literal(policy.text)))
        g.add((n, ROPA.reviewStatus, STATUS[rec.status]))
        if pol.url:
            g.add((n, DCTERMS.source, URIRef(pol.url)))
        if isinstance(pol.title, TextValue):
            self.evidence(n, DCTERMS.title, Literal(pol.title.value, lang=self.lang), ("policy", "title"), pol.title)
        if not isinstance(pol.issued, str):
            self.evidence(
                n, DCTERMS.issued, Literal(pol.issued.value, datatype=XSD.date), ("policy", "issued"), pol.issued
            )
        if isinstance(pol.version, TextValue):
            self.evidence(n, ROPA.version, Literal(pol.version.value), ("policy", "version"), pol.version)
        for key, prop in (("rights", DPV.hasRight), ("authorities", DPV.hasAuthority)):
            values = getattr(rec, key)
            if isinstance(values, list):
                for i, v in enumerate(values):
                    self.evidence(n, prop, concept(v.concept), (key, i), v)

    def _organisations(self) -> None:
        g = self.g
        for i, org in enumerate(self.record.organisations):
            if org.registry:
                node = ORG[org.registry]
            else:
                node = URIRef(f"{self.base}org/{org.id}")
                g.add((node, RDF.type, DPV.Organisation))
                if org.name == NOT_STATED:
                    g.add((node, DPV.hasName, Literal(org.description or org.id)))
            self.orgs[org.id] = node
            if isinstance(org.name, TextValue):
                prop = SKOS.altLabel if org.registry else DPV.hasName
                self.evidence(node, prop, Literal(org.name.value), ("organisations", i, "name"), org.name)
            if org.description:
                g.add((node, DCTERMS.description, Literal(org.description, lang="en")))
            if isinstance(org.country, CountryValue):
                self.evidence(
                    node, DPV.hasCountry, country(org.country.value), ("organisations", i, "country"), org.country
                )

    def _activity(self, i: int, act: Activity) -> None:
        g = self.g
        a = URIRef(f"{self.base}activity/{act.id}")
        loc: Path_ = ("activities", i)
        g.add((a, RDF.type, DPV.PersonalDataProcess))
        g.add((a, ROPA.reviewStatus, STATUS[self.record.status]))
        g.add((a, DPV.hasDataController, self.controller))
        g.add((self.ropa, DPV.hasProcess, a))
        g.add((a, DCTERMS.title, Literal(act.title.en, lang="en")))
        self.evidence(
            a,
            DCTERMS.title,
            Literal(act.title.original.value, lang=self.lang),
            (*loc, "title", "original"),
            act.title.original,
        )
        if act.description:
            g.add((a, DCTERMS.description, Literal(act.description, lang="en")))
        general = self.record.applies_to_all
        for name, (prop, field_concept) in FIELD_PROPERTIES.items():
            value, vloc = getattr(act, name), (*loc, name)
            inherited = getattr(general, name, None) if general and name not in act.exempt_from_general else None
            if value == NOT_STATED and inherited is not None:
                value, vloc = inherited, ("applies_to_all", name)
            if value == NOT_STATED:
                g.add((a, ROPA.notStated, field_concept))
            elif isinstance(value, NoneStated):
                self.evidence(a, ROPA.statedNone, field_concept, vloc, value)
            else:
                for j, item in enumerate(value):
                    self._value(a, name, prop, item, (*vloc, j))
        for j, tech in enumerate(act.technologies):
            node = URIRef(f"{self.base}technology/{_slug(tech.name)}")
            g.add((node, RDF.type, concept(tech.concept)))
            g.add((node, DPV.hasName, Literal(tech.name)))
            self.evidence(a, DPV.isImplementedUsingTechnology, node, (*loc, "technologies", j), tech)

    def _value(self, a: URIRef, name: str, prop: URIRef, item: Any, loc: Path_) -> None:
        if isinstance(item, ConceptValue):
            self.evidence(a, prop, concept(item.concept), loc, item)
        elif isinstance(item, RecipientValue):
            org = self.orgs[item.organisation]
            role_prop, types = ROLES[item.role]
            for t in types:
                self.g.add((org, RDF.type, t))
            self.evidence(a, role_prop, org, loc, item)
            if role_prop != DPV.hasRecipient:
                self.g.add((a, DPV.hasRecipient, org))  # the super-property, for plain queries
        elif isinstance(item, TransferValue):
            self._transfer(a, item, loc)
        elif isinstance(item, RetentionValue):
            self._retention(a, item, loc)

    def _node(self, a: URIRef, kind: str, loc: Path_) -> URIRef:
        return URIRef(f"{a}/{kind}/{loc[-1] + 1}")

    def _transfer(self, a: URIRef, t: TransferValue, loc: Path_) -> None:
        g = self.g
        node = self._node(a, "transfer", loc)
        g.add((node, RDF.type, DPV.CrossBorderTransfer))
        self.evidence(a, DPV.hasProcessing, node, loc, t)
        third = t.country not in self.eea
        g.add((node, DPV.hasThirdCountry if third else DPV.hasCountry, country(t.country)))
        g.add((node, DPV.hasDataExporter, self.controller))
        if t.importer:
            g.add((node, DPV.hasDataImporter, self.orgs[t.importer]))
        if isinstance(t.mechanism, ConceptValue):
            self.evidence(node, DPV.hasLegalBasis, concept(t.mechanism.concept), (*loc, "mechanism"), t.mechanism)
        else:
            g.add((node, ROPA.notStated, ROPA.LegalBasisField))

    def _retention(self, a: URIRef, r: RetentionValue, loc: Path_) -> None:
        g = self.g
        node = self._node(a, "retention", loc)
        duration = URIRef(f"{node}/duration")
        g.add((node, RDF.type, DPV.StorageDuration))
        self.evidence(a, DPV.hasStorageCondition, node, loc, r)
        g.add((node, DPV.hasDuration, duration))
        g.add((duration, RDF.type, RETENTION_KINDS[r.kind]))
        g.add((duration, DCTERMS.description, Literal(r.description, lang="en")))
        if r.duration:
            g.add((duration, RDF.value, Literal(r.duration, datatype=XSD.duration)))
            single = re.fullmatch(r"P(\d+)([YMWD])", r.duration)
            if single:
                unit = {"Y": TIME.unitYear, "M": TIME.unitMonth, "W": TIME.unitWeek, "D": TIME.unitDay}[single.group(2)]
                g.add((duration, RDF.type, TIME.Duration))
                g.add((duration, TIME.numericDuration, Literal(f"{int(single.group(1))}.0", datatype=XSD.decimal)))
                g.add((duration, TIME.unitType, unit))


def _source_term(source: str) -> URIRef | Literal:
    return URIRef(source) if re.match(r"^https?://\S+$", source) else Literal(source)


def map_record(checked: CheckedRecord, eea: frozenset[str]) -> Graph:
    """The named graph of one checked record.

    Args:
        checked: a record that passed :func:`ingest.records.load_record`.
        eea: ISO codes of the EEA countries (a transfer elsewhere is to a third country).
    """
    return _Mapper(checked, eea).map()


__all__ = ["graph_iri", "map_record"]
