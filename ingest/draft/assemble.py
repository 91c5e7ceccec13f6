"""From findings to a draft record in the curated-record format (``status: draft``).

Sections that state purposes become processing activities; what general sections say
about the whole processing (security, retention, legal bases) goes to
``applies_to_all``. A field nothing in the text speaks to is ``not stated``. Every value
quotes the sentence (or list item) it came from and carries a confidence.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from functools import cache
from typing import Any

from ingest.draft.findings import Finding
from ingest.draft.lexicon import Lexicon
from ingest.draft.parties import Mention, Parties
from ingest.draft.retention import EVENTS, Period
from ingest.draft.segment import Layout

NOT_STATED = "not stated"
ACTIVITY_FIELDS = ("purposes", "personal_data", "data_subjects", "legal_bases", "sources")
GENERAL_FIELDS = ("measures",)
EEA = set(
    [
        "AT",
        "BE",
        "BG",
        "HR",
        "CY",
        "CZ",
        "DK",
        "EE",
        "FI",
        "FR",
        "DE",
        "GR",
        "HU",
        "IE",
        "IT",
        "LV",
        "LT",
        "LU",
        "MT",
        "NL",
        "PL",
        "PT",
        "RO",
        "SK",
        "SI",
        "ES",
        "SE",
        "IS",
        "LI",
        "NO",
    ]
)
LANGUAGE_COUNTRY = {"nb": "NO", "nn": "NO", "sv": "SE", "da": "DK"}
_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "mai": 5, "maj": 5, "may": 5, "jun": 6, "jul": 7, "aug": 8,
    "sep": 9, "okt": 10, "oct": 10, "nov": 11, "des": 12, "dec": 12,
}  # fmt: skip
_DATE_VALUE = re.compile(
    r"(?<!\d)(?:(\d{1,2})[./-](\d{1,2})[./-](\d{4})|(\d{4})-(\d{2})-(\d{2})"
    r"|(\d{1,2})\.?[ \t]+([a-zæøåäö]{3})[a-zæøåäö]*\.?[ \t]+(\d{4}))(?!\d)",
    re.I,
)
# (?<!\d)(?:19|20)\d\d(?!\d), written to start with its first digit (the look-behind after it) so
# that the regex engine scans for "1" and "2" alone; it matches the same.
_YEAR = re.compile(r"(?:1(?<!\d1)9|2(?<!\d2)0)\d\d(?!\d)")
_DATE_CUE = re.compile(
    r"(?:oppdatert|sist endret|gjeld(?:ende|ande) fr[aå]|uppdaterad|senast (?:uppdaterad|ändrad)|gäller från|"
    r"opdateret|senest (?:opdateret|ændret)|gældende fra|updated|effective|last (?:updated|modified|revised)|"
    r"versjon|version|oppdatering\w*|revid\w+|revised)[^0-9\n]{0,60}$",
    re.I,
)


class _Quoter:
    def __init__(self, layout: Layout) -> None:
        self.layout = layout
        self.text = layout.text
        self._counted: dict[tuple[int, int], tuple[str, int]] = {}  # (start, end) -> quote, occurrence

    def span(self, start: int, end: int, **extra: Any) -> dict[str, Any]:
        if (start, end) not in self._counted:  # a sentence is quoted by each value it states: count once
            quote = self.text[start:end]
            self._counted[start, end] = quote, self.text.count(quote, 0, start) + 1
        quote, occurrence = self._counted[start, end]
        out: dict[str, Any] = {"quote": quote}
        if occurrence > 1:
            out["occurrence"] = occurrence
        out.update(extra)
        return out

    def unit(self, index: int, **extra: Any) -> dict[str, Any]:
        u = self.layout.units[index]
        return self.span(u.start, u.end, **extra)


def _slug(name: str) -> str:
    s = re.sub(r"[^a-z0-9]+", "-", name.lower().translate(str.maketrans("æøåäöüé", "aoaaoue"))).strip("-")
    return s[:40].strip("-") or "organisation"


def _title_en(concept: str) -> str:
    local = concept.split(":", 1)[1]
    words = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", local).split()
    return " ".join([words[0], *(w.lower() if not w.isupper() else w for w in words[1:])])


def _values(findings: list[Finding], q: _Quoter) -> list[dict[str, Any]]:
    best: dict[str, Finding] = {}
    for f in findings:
        if f.concept not in best or f.confidence > best[f.concept].confidence:
            best[f.concept] = f
    return [q.unit(f.unit, concept=c, confidence=f.confidence) for c, f in best.items()]


def _field(values: list[dict[str, Any]]) -> Any:
    return values if values else NOT_STATED


def assemble(
    layout: Layout,
    lowered: str,
    lex: Lexicon,
    findings: list[Finding],
    parties: Parties,
    periods: list[Period],
    *,
    file_name: str,
    language: str,
) -> dict[str, Any]:
    q = _Quoter(layout)
    by_field: dict[str, list[Finding]] = defaultdict(list)
    for f in findings:
        by_field[f.field].append(f)
    section_of = lambda f_unit: layout.units[f_unit].section  # noqa: E731

    @cache
    def topical(section: int) -> bool:
        """A section about one field (rights, security, ...) is not a processing activity."""
        heading = layout.sections[section].heading
        if heading is None:
            return False
        u = layout.units[heading]
        return not lex.cue("field_heading", lowered[u.start : u.end])

    purpose_sections = sorted({section_of(f.unit) for f in by_field["purposes"] if topical(section_of(f.unit))})
    activity_sections = purpose_sections if 2 <= len(purpose_sections) <= 15 else []

    homes = [u.section if u.section in activity_sections else None for u in layout.units]

    def home(unit: int) -> int | None:
        return homes[unit]

    organisations, recipients = _organisations(layout, lowered, lex, parties, findings, q)
    all_transfers = _transfers(layout, lowered, lex, by_field, parties, q, {o["id"] for o in organisations})
    in_group: dict[int | None, list[Finding]] = defaultdict(list)  # each group's findings, in text order
    for f in findings:
        in_group[home(f.unit)].append(f)
    activities: list[dict[str, Any]] = []
    groups: list[int | None] = [*activity_sections, None]
    for group in groups:
        fs = in_group[group]
        fields = {name: _values([f for f in fs if f.field == name], q) for name in ACTIVITY_FIELDS}
        recips = [r for unit, r in recipients if home(unit) == group]
        transfers = [t for unit, t in all_transfers if home(unit) == group]
        retention = _retention(
            [f for f in fs if f.field == "retention_events"], [p for p in periods if home(p.unit) == group], q
        )
        if group is None and activities and not any(fields.values()) and not recips and not transfers:
            break
        if group is None:
            fields_general = {k: v for k, v in fields.items()}
            title_unit = layout.sections[1].heading if len(layout.sections) > 1 else 0
            en = "Processing described in the policy" if not activities else "Processing described in general sections"
        else:
            fields_general = fields
            title_unit = layout.sections[group].heading
            first = fields["purposes"][0]["concept"] if fields["purposes"] else None
            en = _title_en(first) if first else "Processing"
        assert title_unit is not None
        activities.append(
            {
                "id": f"activity-{len(activities) + 1}",
                "title": {"en": en, "original": {"value": q.layout.quote(title_unit), **q.unit(title_unit)}},
                "purposes": _field(fields_general["purposes"]),
                "personal_data": _field(fields_general["personal_data"]),
                "data_subjects": _field(fields_general["data_subjects"]),
                "legal_bases": _field(fields_general["legal_bases"]),
                "recipients": _field(recips),
                "transfers": _field(transfers),
                "retention": _field(retention if group is not None else []),
                "measures": _field(_values([f for f in fs if f.field == "measures"], q) if group is not None else []),
                "sources": _field(fields_general["sources"]),
            }
        )
    general_retention = _retention(
        [f for f in by_field["retention_events"] if home(f.unit) is None],
        [p for p in periods if home(p.unit) is None],
        q,
    )
    applies: dict[str, Any] = {}
    measures = _values([f for f in by_field["measures"] if home(f.unit) is None], q)
    if measures:
        applies["measures"] = measures
    if general_retention:
        applies["retention"] = general_retention
    record: dict[str, Any] = {
        "record": 1,
        "status": "draft",
        "policy": _policy(layout, q, file_name, language),
        "controller": _controller(parties, q, language, file_name),
        "rights": _field(_values(by_field["rights"], q)),
        "authorities": _field(_values(by_field["authorities"], q)),
        "organisations": organisations,
    }
    if applies:
        record["applies_to_all"] = applies
    record["activities"] = activities
    return record


def _policy(layout: Layout, q: _Quoter, file_name: str, language: str) -> dict[str, Any]:
    out: dict[str, Any] = {"file": file_name, "language": language}
    if layout.units:
        first = 0
        out["title"] = {"value": layout.quote(first), **q.unit(first, confidence=0.6)}
    text = layout.text
    for lo, hi in ((0, 3000), (max(3000, len(text) - 1500), len(text))):
        for anchor in _YEAR.finditer(text, lo, hi):  # cheap anchor: a year, then the full date around it
            m = _DATE_VALUE.search(text, max(lo, anchor.start() - 20), min(hi, anchor.end() + 12))
            if m is None:
                continue
            cue = _DATE_CUE.search(text, max(0, m.start() - 80), m.start())
            if cue is None:
                continue
            g = m.groups()
            if g[2]:
                day, month, year = int(g[0]), int(g[1]), int(g[2])
            elif g[3]:
                day, month, year = int(g[5]), int(g[4]), int(g[3])
            else:
                day, month, year = int(g[6]), _MONTHS.get(g[7].lower(), 0), int(g[8])
            try:
                value = dt.date(year, month, day)
            except ValueError:
                continue
            out["issued"] = {"value": value, **q.span(cue.start(), m.end(), confidence=0.6)}
            return out
    return out


def _controller(parties: Parties, q: _Quoter, language: str, file_name: str) -> dict[str, Any]:
    name = parties.controller_name
    if name is not None:
        name_value = {
            "value": name.name,
            **q.span(name.start, name.end, confidence=0.8 if "controller" in parties.controller_how else 0.5),
        }
        slug = _slug(name.name)
    else:
        first = q.layout.units[0]
        name_value = {
            "value": q.text[first.start : first.end],
            **q.unit(0, confidence=0.1, note="controller not identified in the text; the title is shown"),
        }
        slug = _slug(file_name.rsplit(".", 1)[0])
    out: dict[str, Any] = {"id": slug, "name": name_value}
    if parties.country:
        code, start, end = parties.country
        out["country"] = {"value": code, **q.span(start, end, confidence=0.7)}
    elif language in LANGUAGE_COUNTRY:
        out["country"] = {
            "value": LANGUAGE_COUNTRY[language],
            "source": "language of the policy",
            "note": "the policy does not state the controller's country; inferred from its language",
            "confidence": 0.3,
        }
    else:
        out["country"] = {
            "value": "SE" if ".se" in " ".join(c for c, _, _ in parties.contacts) else "NO",
            "source": "contact domain",
            "confidence": 0.1,
        }
    out["contact"] = [{"value": v, **q.span(s, e, confidence=0.7)} for v, s, e in parties.contacts[:4]] or NOT_STATED
    if parties.address:
        v, s, e = parties.address
        out["address"] = [{"value": v, **q.span(s, e, confidence=0.6)}]
    if parties.identifier:
        v, s, e, _ = parties.identifier
        out["identifier"] = {"value": v, **q.span(s, e, confidence=0.8)}
    return out


def _organisations(
    layout: Layout, lowered: str, lex: Lexicon, parties: Parties, findings: list[Finding], q: _Quoter
) -> tuple[list[dict[str, Any]], list[tuple[int, dict[str, Any]]]]:
    from ingest.draft.findings import _negated

    orgs: dict[str, dict[str, Any]] = {}
    recipients: list[tuple[int, dict[str, Any]]] = []
    countries = defaultdict(list)
    for f in findings:
        if f.field == "countries":
            countries[f.unit].append(f)
    seen: set[tuple[str, int | None]] = set()
    for m in parties.organisations:
        u = layout.units[m.unit]
        sentence = lowered[u.start : u.end]
        if _negated(lex, sentence, m.start - u.start):
            continue
        key = m.service.id if m.service else _slug(m.name)
        if key not in orgs:
            org: dict[str, Any] = {
                "id": key,
                "name": {"value": m.name, **q.span(m.start, m.end, confidence=0.8 if m.service else 0.6)},
            }
            if m.service and m.service.registry:
                org["registry"] = m.service.registry
            stated = countries.get(m.unit)
            if stated and len({c.concept for c in stated}) == 1:
                org["country"] = {"value": stated[0].concept, **q.unit(m.unit, confidence=0.6)}
            elif m.service:
                org["country"] = {
                    "value": m.service.country,
                    "source": m.service.source,
                    "note": f"{m.service.entity} (gazetteer)",
                    "confidence": 0.5,
                }
            orgs[key] = org
        lead = layout.units[u.lead] if u.lead is not None else None
        context = sentence + " " + (lowered[lead.start : lead.end] if lead else "")
        if lex.cue("subprocessor", context):
            role = "sub-processor"
        elif lex.cue("processor", context):
            role = "processor"
        elif lex.cue("third_party", context):
            role = "third-party"
        else:
            role = m.service.role if m.service else "recipient"
        if (key, u.section) in seen:
            continue
        seen.add((key, u.section))
        recipients.append(
            (m.unit, {"organisation": key, "role": role, **q.unit(m.unit, confidence=0.7 if m.service else 0.5)})
        )
    return list(orgs.values()), recipients


def _transfers(
    layout: Layout,
    lowered: str,
    lex: Lexicon,
    by_field: dict[str, list[Finding]],
    parties: Parties,
    q: _Quoter,
    known: set[str],
) -> list[tuple[int, dict[str, Any]]]:
    out: list[tuple[int, dict[str, Any]]] = []
    mechanisms = {f.unit: f for f in by_field["mechanisms"]}
    orgs_in_unit: dict[int, Mention] = {}
    for m in parties.organisations:
        orgs_in_unit.setdefault(m.unit, m)
    seen = set()
    for f in by_field["countries"]:
        if f.concept in EEA or (f.unit, f.concept) in seen:
            continue
        unit = layout.units[f.unit]
        lead = layout.units[unit.lead] if unit.lead is not None else None
        context = lowered[unit.start : unit.end] + " " + (lowered[lead.start : lead.end] if lead else "")
        if not (lex.cue("transfer", context) or lex.cue("outside_eea", context) or f.unit in mechanisms):
            continue  # a country named, but nothing said about data going there
        seen.add((f.unit, f.concept))
        u = layout.units[f.unit]
        nearby = [
            i
            for i in range(max(0, f.unit - 2), min(len(layout.units), f.unit + 3))
            if layout.units[i].section == u.section
        ]
        mech = next((mechanisms[i] for i in nearby if i in mechanisms), None)
        transfer: dict[str, Any] = {"country": f.concept, **q.unit(f.unit, confidence=0.6)}
        org = next((orgs_in_unit[i] for i in nearby if i in orgs_in_unit), None)
        importer = (org.service.id if org.service else _slug(org.name)) if org is not None else None
        if importer in known:
            transfer["importer"] = importer
        transfer["mechanism"] = (
            {"concept": mech.concept, **q.unit(mech.unit, confidence=mech.confidence)} if mech else NOT_STATED
        )
        out.append((f.unit, transfer))
    return out


def _retention(events: list[Finding], periods: list[Period], q: _Quoter) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    seen = set()
    for p in periods:
        if (p.unit, p.duration) in seen:
            continue
        seen.add((p.unit, p.duration))
        out.append(
            {"kind": "temporal", "description": p.description, "duration": p.duration, **q.unit(p.unit, confidence=0.6)}
        )
    for f in events:
        kind, description = EVENTS[f.concept]
        if (f.unit, f.concept) in seen:
            continue
        seen.add((f.unit, f.concept))
        out.append({"kind": kind, "description": description, **q.unit(f.unit, confidence=f.confidence)})
    return out
