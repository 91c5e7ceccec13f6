"""One synthetic controller: its privacy policy text and its curated record (as YAML data).

The shapes follow the seed records (see :mod:`bench.synthetic`); each value's quote is a
sentence of the policy text, so the record passes ``ropa check``. Controller ``c`` of a
sector is drawn from its own random generator (seed, ``c``); only the processor pool
depends on the size of the sector.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import pycountry

PURPOSES = [
    "dpv:DirectMarketing",
    "dpv:ServiceUsageAnalytics",
    "dpv:CustomerRelationshipManagement",
    "dpv:PaymentManagement",
    "dpv:CustomerCare",
    "dpv:TargetedAdvertising",
    "dpv:RecruitmentManagement",
    "dpv:EnforceSecurity",
    "dpv:LegalCompliance",
    "dpv:Personalisation",
    "ropa:LeadGeneration",
]
PERSONAL_DATA = [
    f"pd:{p}"
    for p in (
        "Name",
        "EmailAddress",
        "TelephoneNumber",
        "PhysicalAddress",
        "IPAddress",
        "BrowsingBehaviour",
        "UserAgent",
        "Picture",
        "Purchase",
        "Credit",
        "Gender",
        "BirthDate",
        "Preference",
        "Communication",
        "Health",
    )
] + ["ropa:JobTitle"]
SUBJECTS = [f"dpv:{s}" for s in ("Customer", "Subscriber", "Employee", "JobApplicant", "Visitor", "User")] + [
    "ropa:WebsiteVisitor",
    "ropa:ProspectiveCustomer",
]
BASES = {
    "eu-gdpr:A6-1-a": "your consent",
    "eu-gdpr:A6-1-b": "the contract with you",
    "eu-gdpr:A6-1-c": "our legal obligations",
    "eu-gdpr:A6-1-f": "our legitimate interest",
}
RIGHTS = {
    "eu-gdpr:A7-3": "withdraw your consent",
    "eu-gdpr:A15": "access your personal data",
    "eu-gdpr:A16": "have your personal data corrected",
    "eu-gdpr:A17": "have your personal data erased",
    "eu-gdpr:A18": "restrict the processing",
    "eu-gdpr:A20": "data portability",
    "eu-gdpr:A21": "object to the processing",
    "eu-gdpr:A77": "complain to the supervisory authority",
}
MEASURES = [
    f"dpv:{m}"
    for m in (
        "Encryption",
        "EncryptionInTransfer",
        "AccessControlMethod",
        "PasswordAuthentication",
        "PhysicalSurveillance",
        "Pseudonymisation",
        "StaffTraining",
    )
]
MECHANISMS = {
    "eu-gdpr:A46-2-c": "standard contractual clauses",
    "eu-gdpr:A49-1-a": "your explicit consent",
    "ropa:Adequacy-EU-US-DPF": "the EU-US Data Privacy Framework",
    "ropa:Adequacy-EU-US-PrivacyShield": "the EU-US Privacy Shield",
}
SOURCES = {"dpv:DataSubjectDataSource": "from you", "dpv:ThirdPartyDataSource": "from our partners"}
ACTIVITIES = [
    "Newsletter",
    "Customer service",
    "Online shop",
    "Website analytics",
    "Recruitment",
    "Video surveillance",
    "Events",
    "Supplier management",
    "Invoicing",
    "Marketing campaigns",
    "Customer accounts",
    "Support tickets",
    "Surveys",
    "Staff administration",
]
CONTROLLER_COUNTRIES = [("NO", "AS", "nb"), ("SE", "AB", "sv"), ("DK", "A/S", "da")]
AUTHORITIES = {"NO": ("legal-no:DPA-NO", "Datatilsynet"), "SE": ("legal-se:DPA-SE", "Integritetsskyddsmyndigheten")}
EEA = ["NO", "SE", "DK", "FI", "DE", "NL", "IE", "FR", "PL", "IS"]
ELSEWHERE = ["US", "GB", "IN", "CH", "CA", "SG"]
REGISTRY_SOURCE = "https://example.org/synthetic-registry"


@lru_cache(maxsize=64)
def country_name(code: str) -> str:
    entry = pycountry.countries.get(alpha_2=code)
    return str(getattr(entry, "common_name", None) or entry.name) if entry else code


@lru_cache(maxsize=256)
def phrase(curie: str) -> str:
    """``pd:EmailAddress`` -> ``email address``."""
    local = curie.split(":", 1)[1]
    return re.sub(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", " ", local).lower()


@dataclass(frozen=True)
class Processor:
    key: str
    name: str
    country: str


def pool(n: int, seed: int = 7) -> list[Processor]:
    """The shared processors of a sector of ``n`` controllers (70% inside the EEA)."""
    rng = random.Random(f"{seed}/pool")
    out = []
    for i in range(max(20, n // 10)):
        country = rng.choice(EEA) if rng.random() < 0.7 else rng.choice(ELSEWHERE)
        out.append(Processor(f"synthetic-processor-{i}", f"Processor {i} Ltd", country))
    return out


class _Policy:
    """A policy text written sentence by sentence; each sentence is the quote of a value."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.paragraph: list[str] = []

    def heading(self, text: str) -> str:
        self.end()
        self.lines += [text, ""]
        return text

    def say(self, sentence: str) -> str:
        self.paragraph.append(sentence + ".")
        return sentence

    def end(self) -> None:
        if self.paragraph:
            self.lines += [" ".join(self.paragraph), ""]
            self.paragraph = []

    def text(self) -> str:
        self.end()
        return "\n".join(self.lines)


def _value(curie: str, quote: str) -> dict[str, Any]:
    return {"concept": curie, "quote": quote}


def controller(c: int, processors: list[Processor], seed: int = 7) -> tuple[dict[str, Any], str]:
    """The record (as the YAML's data) and the policy text of controller number ``c``."""
    rng = random.Random(f"{seed}/{c}")
    cid = f"synthetic-{c:06d}"
    country, form, _ = CONTROLLER_COUNTRIES[0 if rng.random() < 0.6 else 1 if rng.random() < 0.75 else 2]
    name = f"Company {c} {form}"
    text = _Policy()
    policy: dict[str, Any] = {"file": f"{cid}_en.txt", "language": "en"}
    policy["title"] = {"value": "Privacy policy", "quote": text.heading(f"Privacy policy of {name}")[:14]}
    if rng.random() < 0.5:
        day = f"20{rng.randint(18, 25)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        policy["issued"] = {"value": day, "quote": text.say(f"Updated {day}")}
    else:
        policy["issued"] = "not stated"
    policy["version"] = (
        {"value": f"{rng.randint(1, 4)}.{rng.randint(0, 9)}", "quote": ""} if rng.random() < 0.5 else "not stated"
    )
    if isinstance(policy["version"], dict):
        policy["version"]["quote"] = text.say(f"Version {policy['version']['value']}")
    ctl: dict[str, Any] = {"id": cid, "name": {"value": name, "quote": text.say(f"{name} is the controller")}}
    if rng.random() < 0.8:
        ctl["country"] = {"value": country, "quote": text.say(f"{name} is registered in {country_name(country)}")}
    else:
        ctl["country"] = {"value": country, "source": REGISTRY_SOURCE, "note": "From the business register."}
    email = f"privacy@company{c}.example"
    ctl["contact"] = [{"value": email, "quote": email}] if rng.random() < 0.9 else "not stated"
    if ctl["contact"] != "not stated":
        text.say(f"Write to {email} with any question")
    ctl["address"] = "not stated"
    if rng.random() < 0.5:
        address = f"Street {rng.randint(1, 99)}, {rng.randint(1000, 9999)} Town"
        ctl["address"] = [{"value": address, "quote": text.say(address)}]
    ctl["identifier"] = "not stated"
    if rng.random() < 0.5:
        number = f"{rng.randint(900, 999)} {rng.randint(100, 999)} {rng.randint(100, 999)}"
        ctl["identifier"] = {"value": number, "quote": text.say(f"Organisation number {number}")}
    record: dict[str, Any] = {"record": 1, "status": "curated", "policy": policy, "controller": ctl}

    text.heading("Your rights")
    rights = rng.sample(sorted(RIGHTS), rng.randint(2, 6)) if rng.random() < 0.95 else []
    record["rights"] = [_value(r, text.say(f"You have the right to {RIGHTS[r]}")) for r in rights] or "not stated"
    if country in AUTHORITIES and rng.random() < 0.8:
        concept, authority = AUTHORITIES[country]
        record["authorities"] = [_value(concept, text.say(f"You may complain to {authority}"))]
    else:
        record["authorities"] = "not stated"

    used = rng.sample(processors, min(len(processors), rng.randint(1, 4)))
    orgs: dict[str, dict[str, Any]] = {}

    def organisation(p: Processor) -> str:
        if p.key not in orgs:
            entry: dict[str, Any] = {"id": p.key, "registry": p.key, "name": {"value": p.name, "quote": p.name}}
            entry["country"] = "not stated"
            orgs[p.key] = entry
        return p.key

    record["organisations"] = []
    activities = []
    for kind in rng.sample(ACTIVITIES, rng.randint(3, 8)):
        activities.append(_activity(rng, kind, text, used, processors, organisation))
    record["organisations"] = list(orgs.values())
    record["activities"] = activities
    return record, text.text() + "\n"


def _activity(
    rng: random.Random,
    kind: str,
    text: _Policy,
    used: list[Processor],
    processors: list[Processor],
    organisation: Any,
) -> dict[str, Any]:
    act: dict[str, Any] = {"id": re.sub(r"[^a-z0-9]+", "-", kind.lower()), "title": {"en": kind}}
    act["title"]["original"] = {"value": kind, "quote": text.heading(kind)}
    say = text.say
    act["purposes"] = [
        _value(p, say(f"{kind}: we process data for {phrase(p)}")) for p in rng.sample(PURPOSES, rng.randint(1, 3))
    ]
    act["personal_data"] = [
        _value(d, say(f"{kind}: we collect your {phrase(d)}")) for d in rng.sample(PERSONAL_DATA, rng.randint(2, 6))
    ]
    act["data_subjects"] = [
        _value(s, say(f"{kind}: this concerns {phrase(s)}s")) for s in rng.sample(SUBJECTS, rng.randint(1, 2))
    ]
    if rng.random() < 0.75:
        basis = rng.choice(sorted(BASES))
        act["legal_bases"] = [_value(basis, say(f"{kind}: the legal basis is {BASES[basis]}"))]
    else:
        act["legal_bases"] = "not stated"
    recipients: list[dict[str, Any]] = []
    transfers: list[dict[str, Any]] = []

    def receive(p: Processor, role: str, quote: str) -> None:
        key = organisation(p)
        recipients.append({"organisation": key, "role": role, "quote": quote})
        if p.country in ELSEWHERE and rng.random() < 0.8:
            where = country_name(p.country)
            transfer: dict[str, Any] = {"country": p.country, "importer": key}
            if rng.random() < 0.7:
                mechanism = rng.choice(sorted(MECHANISMS))
                transfer["mechanism"] = _value(
                    mechanism, say(f"{kind}: data sent to {where} is covered by {MECHANISMS[mechanism]}")
                )
            transfer["quote"] = say(f"{kind}: {p.name} receives data in {where}")
            transfers.append(transfer)

    if rng.random() < 0.1:
        act["recipients"] = {"none": say(f"{kind}: we share this data with no one")}
    else:
        for p in rng.sample(used, rng.randint(0, min(3, len(used)))):
            receive(p, "processor", say(f"{kind}: {p.name} processes the data for us"))
            if rng.random() < 0.3:
                sub = rng.choice(processors)
                if sub.key != p.key and sub.key not in {r["organisation"] for r in recipients}:
                    receive(sub, "sub-processor", say(f"{p.name} engages {sub.name} as a sub-processor"))
        act["recipients"] = recipients or "not stated"
    act["transfers"] = transfers or "not stated"
    if rng.random() < 0.6:
        if rng.random() < 0.5:
            years = rng.randint(1, 10)
            act["retention"] = [
                {
                    "kind": "temporal",
                    "description": f"{years} years",
                    "duration": f"P{years}Y",
                    "quote": say(f"{kind}: we keep the data for {years} years"),
                }
            ]
        else:
            act["retention"] = [
                {
                    "kind": "until-event",
                    "description": "Until the relationship ends",
                    "quote": say(f"{kind}: we keep the data until our relationship ends"),
                }
            ]
    else:
        act["retention"] = "not stated"
    if rng.random() < 0.5:
        act["measures"] = [
            _value(m, say(f"{kind}: we protect the data by {phrase(m)}"))
            for m in rng.sample(MEASURES, rng.randint(1, 3))
        ]
    else:
        act["measures"] = "not stated"
    if rng.random() < 0.5:
        source = rng.choice(sorted(SOURCES))
        act["sources"] = [_value(source, say(f"{kind}: we get the data {SOURCES[source]}"))]
    else:
        act["sources"] = "not stated"
    return act
