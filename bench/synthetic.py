"""A deterministic synthetic sector: N controllers, each a privacy policy and its curated record.

Every controller gets a policy text (English) and a record in the curated format of
``docs/record-format.md`` whose every quote is in that text, so the real build
(``ingest.build``) can be measured on them. Shapes follow the seed records: 3-8
processing activities, 2-6 categories of personal data, 1-3 purposes, data subjects,
a legal basis (mostly), processors drawn from a shared pool (the pool is added to the
project's organisation registry, countries inside and outside the EEA), some of them
engaging a sub-processor from the pool (the chain: both are recipients of the activity,
roles ``processor`` and ``sub-processor``), transfers outside the EEA with a mechanism
(some with none, some on the ended Privacy Shield), retention, measures and sources;
some fields are ``not stated`` and some records lack contact, authority or rights.

Each controller is drawn from its own random generator (seed, controller number), so
controller 7 is the same in a dataset of 20 and of 100,000; the pool depends on N.

    python -m bench.synthetic 1000 --project /tmp/sector-1k    # records and policies
    python -m bench.synthetic 1000 -o /tmp/ropa-1k.nq          # the graph without evidence
"""

from __future__ import annotations

import argparse
import hashlib
import json
import multiprocessing
import os
import random
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, TextIO

import pycountry
import pyoxigraph as ox

from ingest import build
from ingest.build import Chunk
from ingest.mapping import MappedRecord, map_text
from ingest.policies import PolicyFile
from ingest.records import CheckedRecord
from ingest.reference import eea_codes
from ingest.schema import Record
from ingest.trig import TRIG_PREFIXES
from ropakg.namespaces import GRAPH, ID, ORG
from ropakg.paths import Paths

ROOT = Path(__file__).resolve().parent.parent

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


# ---------------------------------------------------------------- files


def to_yaml(data: dict[str, Any]) -> str:
    """A record as YAML in the style of the curated records (values as flow mappings)."""
    return "\n".join(_mapping(data, 0)) + "\n"


def _scalar(value: Any) -> str:
    return str(value) if isinstance(value, int) else json.dumps(value)


def _flat(value: Any) -> bool:
    if isinstance(value, dict):
        return all(not isinstance(v, dict | list) for v in value.values())
    return not isinstance(value, list)


def _flow(value: Any) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_scalar(v)}" for k, v in value.items()) + "}"
    return _scalar(value)


def _mapping(data: dict[str, Any], indent: int) -> list[str]:
    pad, lines = " " * indent, []
    for key, value in data.items():
        if isinstance(value, list) and not value:
            lines.append(f"{pad}{key}: []")
        elif isinstance(value, list):
            lines.append(f"{pad}{key}:")
            for item in value:
                if _flat(item):
                    lines.append(f"{pad}  - {_flow(item)}")
                else:
                    block = _mapping(item, indent + 4)
                    lines.append(f"{pad}  - {block[0].lstrip()}")
                    lines += block[1:]
        elif _flat(value):
            lines.append(f"{pad}{key}: {_flow(value)}")
        else:
            lines.append(f"{pad}{key}:")
            lines += _mapping(value, indent + 2)
    return lines


def registry_turtle(processors: list[Processor]) -> str:
    """The pool as entries of ``ontology/organisations.ttl`` (reference data)."""
    return "".join(
        f'\norg:{p.key} a dpv:Organisation, dpv:LegalEntity ;\n    dpv:hasName "{p.name}" ;\n'
        f"    dpv:hasCountry loc:{p.country} ;\n    dct:source <{REGISTRY_SOURCE}> .\n"
        for p in processors
    )


def write_ontology(root: Path, n: int, seed: int = 7) -> Paths:
    """A project folder using the real ontology and queries, its registry extended with the pool."""
    (root / "ontology").mkdir(parents=True, exist_ok=True)
    for entry in (ROOT / "ontology").iterdir():
        target = root / "ontology" / entry.name
        if entry.name == "organisations.ttl":
            target.write_text(entry.read_text("utf-8") + registry_turtle(pool(n, seed)), "utf-8")
        elif not target.exists():
            target.symlink_to(entry)
    if not (root / "queries").exists():
        (root / "queries").symlink_to(ROOT / "queries")
    return Paths.default(root, root / "data" / "build")


def _write_controllers(args: tuple[Path, range, int, int]) -> int:
    root, numbers, n, seed = args
    processors = pool(n, seed)
    for c in numbers:
        record, text = controller(c, processors, seed)
        cid = record["controller"]["id"]
        (root / "data" / "records" / f"{cid}.yaml").write_text(to_yaml(record), "utf-8")
        (root / "data" / "policies" / record["policy"]["file"]).write_text(text, "utf-8")
    return len(numbers)


def write_project(root: Path, n: int, seed: int = 7, workers: int = 1) -> Paths:
    """Write a project of ``n`` controllers: records, policies, ontology (with the pool)."""
    paths = write_ontology(root, n, seed)
    for folder in (paths.records, paths.policies):
        folder.mkdir(parents=True, exist_ok=True)
    step = 1000
    jobs = [(root, range(i, min(n, i + step)), n, seed) for i in range(0, n, step)]
    if workers > 1 and n > step:
        with multiprocessing.get_context("fork").Pool(workers) as workers_pool:
            sum(workers_pool.imap_unordered(_write_controllers, jobs))
    else:
        sum(map(_write_controllers, jobs))
    return paths


# ---------------------------------------------------------------- graphs without evidence


def mapped(n: int, eea: frozenset[str], seed: int = 7) -> Iterator[MappedRecord]:
    """The controllers' graphs without evidence, mapped by the build's own mapping from
    the same records (validated by the record schema; no YAML, no quote search)."""
    processors = pool(n, seed)
    for c in range(n):
        record, text = controller(c, processors, seed)
        raw = text.encode("utf-8")
        policy = PolicyFile(Path(record["policy"]["file"]), text, hashlib.sha256(raw).hexdigest())
        checked = CheckedRecord(Path(f"{record['controller']['id']}.yaml"), Record.model_validate(record), policy)
        yield map_text(checked, eea, evidence=False)


def chunks(n: int, eea: frozenset[str], seed: int = 7, size: int = 500) -> Iterator[Chunk]:
    """:func:`mapped` in the build's chunks, for :func:`ingest.build.write_dataset`."""
    chunk = Chunk()
    parts: list[str] = []
    for m in mapped(n, eea, seed):
        parts.append(m.trig())
        chunk.records += 1
        chunk.activities += m.body.count("a dpv:PersonalDataProcess .")
        chunk.triples += m.triples
        chunk.controllers[m.graph] = m.graph
        chunk.objects |= m.objects
        if chunk.records == size:
            chunk.text = "".join(parts).encode("utf-8")
            yield chunk
            chunk, parts = Chunk(), []
    if chunk.records:
        chunk.text = "".join(parts).encode("utf-8")
        yield chunk


def write_dataset(paths: Paths, n: int, seed: int = 7, progress: Any = None) -> tuple[int, int, int]:
    """The dataset a build would write, but without evidence, at ``paths.dataset``
    (records, activities, quads). ``paths`` is a project from :func:`write_ontology`."""
    say = progress or (lambda _msg: None)
    store = build.context_store(paths, say)
    paths.build_dir.mkdir(parents=True, exist_ok=True)
    with paths.dataset.open("wb", buffering=1 << 20) as out:
        return build.write_dataset(out, store, paths, chunks(n, eea_codes(store), seed), n, say)


def write(n: int, out: TextIO, seed: int = 7) -> int:
    """Write the controllers' graphs (without evidence) and the pool's registry entries
    as N-Quads; return the number of quads."""
    eea = eea_codes(ROOT / "ontology" / "dpv")
    count = 0
    header = TRIG_PREFIXES.encode("utf-8")
    reference = ox.NamedNode(str(GRAPH.reference))
    pool_quads = [
        ox.Quad(t.subject, t.predicate, t.object, reference)
        for t in ox.parse(header + registry_turtle(pool(n, seed)).encode("utf-8"), format=ox.RdfFormat.TURTLE)
    ]
    for part in [
        pool_quads,
        *(list(ox.parse(header + c.text, format=ox.RdfFormat.TRIG)) for c in chunks(n, eea, seed)),
    ]:
        out.write((ox.serialize(part, format=ox.RdfFormat.N_QUADS) or b"").decode("utf-8"))
        count += len(part)
    return count


def question_params(n: int, seed: int = 7) -> dict[str, str]:
    """Values for the saved questions' parameters that exist in the sector: the first
    controller, its first activity, and the first processor any activity names."""
    processors = pool(n, seed)
    record, _ = controller(0, processors, seed)
    cid = record["controller"]["id"]
    out = {"controller": f"{ID}{cid}", "subject": f"{ID}{cid}/activity/{record['activities'][0]['id']}"}
    for c in range(n):
        record, _ = controller(c, processors, seed)
        for act in record["activities"]:
            if isinstance(act["recipients"], list) and act["recipients"]:
                out["recipient"] = str(ORG[act["recipients"][0]["organisation"]])
                return out
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("controllers", type=int)
    parser.add_argument("--project", type=Path, help="write records and policies into this project folder")
    parser.add_argument("-o", "--output", type=Path, help="write the graph without evidence as N-Quads")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    if not args.project and not args.output:
        parser.error("give --project or --output (or both)")
    if args.project:
        write_project(args.project, args.controllers, args.seed, workers=len(os.sched_getaffinity(0)))
        print(f"{args.controllers:,} records and policies in {args.project}", file=sys.stderr)
    if args.output:
        with args.output.open("w", encoding="utf-8") as out:
            count = write(args.controllers, out, args.seed)
        print(f"{count:,} quads for {args.controllers:,} controllers in {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
