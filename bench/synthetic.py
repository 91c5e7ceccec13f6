"""A deterministic synthetic ROPA dataset of N controllers, in the project's DPV profile.

Shapes follow the seed graph: each controller has a privacy notice (rights, authority),
a ROPA and 3-8 processing activities with 2-6 categories of personal data, 1-3
purposes, data subjects, a legal basis (mostly), recipients drawn from a shared pool
of processors in and outside the EEA (some with sub-processors), transfers with a
mechanism (some with none, some on the ended Privacy Shield), retention and measures
(sometimes "not stated"). Evidence annotations are left out: they do not change the
shape of the auditor questions and would multiply the size.

    python -m bench.synthetic 1000 -o /tmp/ropa-1k.nq
"""

from __future__ import annotations

import argparse
import random
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from ropakg.namespaces import DPV, EU_GDPR, GRAPH, ID, LEGAL_NO, LEGAL_SE, LOC, PD, ROPA

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
DCT_TITLE = "http://purl.org/dc/terms/title"

PURPOSES = [
    DPV[p]
    for p in (
        "DirectMarketing",
        "ServiceUsageAnalytics",
        "CustomerRelationshipManagement",
        "PaymentManagement",
        "CustomerCare",
        "TargetedAdvertising",
        "RecruitmentManagement",
        "EnforceSecurity",
        "LegalCompliance",
        "Personalisation",
    )
] + [ROPA.LeadGeneration]
PERSONAL_DATA = [
    PD[p]
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
] + [ROPA.JobTitle]
SUBJECTS = [DPV[s] for s in ("Customer", "Subscriber", "Employee", "JobApplicant", "Visitor", "User")] + [
    ROPA.WebsiteVisitor,
    ROPA.ProspectiveCustomer,
]
BASES = [EU_GDPR[b] for b in ("A6-1-a", "A6-1-b", "A6-1-c", "A6-1-f")]
RIGHTS = [EU_GDPR[r] for r in ("A7-3", "A15", "A16", "A17", "A18", "A20", "A21", "A77")]
MEASURES = [
    DPV[m]
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
MECHANISMS = [EU_GDPR["A46-2-c"], EU_GDPR["A49-1-a"], ROPA["Adequacy-EU-US-DPF"], ROPA["Adequacy-EU-US-PrivacyShield"]]
EEA = ["NO", "SE", "DK", "FI", "DE", "NL", "IE", "FR", "PL", "IS"]
ELSEWHERE = ["US", "GB", "IN", "CH", "CA", "SG"]


def _iri(value: str) -> str:
    return f"<{value}>"


def _lit(value: str, lang: str | None = None) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"@{lang}' if lang else f'"{escaped}"'


def quads(n: int, seed: int = 7) -> Iterator[str]:
    """N-Quads lines of ``n`` controllers (plus the shared processor pool)."""
    rng = random.Random(seed)
    pool_size = max(20, n // 10)
    reference = _iri(str(GRAPH.reference))
    pool = []
    for i in range(pool_size):
        org = _iri(f"{ID}org/synthetic-processor-{i}")
        country = rng.choice(EEA) if rng.random() < 0.7 else rng.choice(ELSEWHERE)
        pool.append((org, country))
        yield f"{org} {_iri(RDF_TYPE)} {_iri(str(DPV.Organisation))} {reference} .\n"
        yield f"{org} {_iri(str(DPV.hasName))} {_lit(f'Processor {i} Ltd')} {reference} .\n"
        yield f"{org} {_iri(str(DPV.hasCountry))} {_iri(str(LOC[country]))} {reference} .\n"
    for c in range(n):
        cid = f"synthetic-{c}"
        g = _iri(str(GRAPH[cid]))
        ctl, ropa, notice = _iri(f"{ID}{cid}"), _iri(f"{ID}{cid}/ropa"), _iri(f"{ID}{cid}/notice")
        country = rng.choice(EEA)

        def t(s: str, p: str, o: str) -> str:
            return f"{s} {_iri(p)} {o} {g} .\n"  # noqa: B023 - the graph of this controller

        yield t(ctl, RDF_TYPE, _iri(str(DPV.DataController)))
        yield t(ctl, str(DPV.hasName), _lit(f"Company {c} AS"))
        yield t(ctl, str(DPV.hasCountry), _iri(str(LOC[country])))
        if rng.random() < 0.9:
            yield t(ctl, str(DPV.hasContact), _lit(f"privacy@company{c}.example"))
        yield t(ctl, str(DPV.hasRecordOfActivity), ropa)
        yield t(ropa, RDF_TYPE, _iri(str(DPV.ROPA)))
        yield t(ropa, str(DPV.hasDataController), ctl)
        yield t(notice, RDF_TYPE, _iri(str(DPV.PrivacyNotice)))
        yield t(notice, str(DPV.hasDataController), ctl)
        for right in rng.sample(RIGHTS, rng.randint(2, 6)):
            yield t(notice, str(DPV.hasRight), _iri(str(right)))
        if rng.random() < 0.8:
            authority = LEGAL_SE["DPA-SE"] if country == "SE" else LEGAL_NO["DPA-NO"]
            yield t(notice, str(DPV.hasAuthority), _iri(str(authority)))
        for a in range(rng.randint(3, 8)):
            act = _iri(f"{ID}{cid}/activity/a{a}")
            yield t(ropa, str(DPV.hasProcess), act)
            yield t(act, RDF_TYPE, _iri(str(DPV.PersonalDataProcess)))
            yield t(act, str(DPV.hasDataController), ctl)
            yield t(act, DCT_TITLE, _lit(f"Activity {a} of company {c}", "en"))
            for purpose in rng.sample(PURPOSES, rng.randint(1, 3)):
                yield t(act, str(DPV.hasPurpose), _iri(str(purpose)))
            for data in rng.sample(PERSONAL_DATA, rng.randint(2, 6)):
                yield t(act, str(DPV.hasPersonalData), _iri(str(data)))
            for subject in rng.sample(SUBJECTS, rng.randint(1, 2)):
                yield t(act, str(DPV.hasDataSubject), _iri(str(subject)))
            if rng.random() < 0.75:
                yield t(act, str(DPV.hasLegalBasis), _iri(str(rng.choice(BASES))))
            else:
                yield t(act, str(ROPA.notStated), _iri(str(ROPA.LegalBasisField)))
            for r, (org, org_country) in enumerate(rng.sample(pool, rng.randint(0, 3))):
                yield t(act, str(DPV.hasDataProcessor), org)
                yield t(act, str(DPV.hasRecipient), org)
                yield t(org, RDF_TYPE, _iri(str(DPV.DataProcessor)))
                if org_country in ELSEWHERE and rng.random() < 0.8:
                    transfer = _iri(f"{ID}{cid}/activity/a{a}/transfer/{r + 1}")
                    yield t(act, str(DPV.hasProcessing), transfer)
                    yield t(transfer, RDF_TYPE, _iri(str(DPV.CrossBorderTransfer)))
                    yield t(transfer, str(DPV.hasThirdCountry), _iri(str(LOC[org_country])))
                    yield t(transfer, str(DPV.hasDataImporter), org)
                    if rng.random() < 0.7:
                        yield t(transfer, str(DPV.hasLegalBasis), _iri(str(rng.choice(MECHANISMS))))
            if rng.random() < 0.6:
                storage = _iri(f"{ID}{cid}/activity/a{a}/retention/1")
                duration = _iri(f"{ID}{cid}/activity/a{a}/retention/1/duration")
                yield t(act, str(DPV.hasStorageCondition), storage)
                yield t(storage, RDF_TYPE, _iri(str(DPV.StorageDuration)))
                yield t(storage, str(DPV.hasDuration), duration)
                yield t(duration, RDF_TYPE, _iri(str(DPV.UntilEventDuration)))
                yield t(duration, "http://purl.org/dc/terms/description", _lit("Until the relationship ends", "en"))
            else:
                yield t(act, str(ROPA.notStated), _iri(str(ROPA.RetentionField)))
            if rng.random() < 0.5:
                for measure in rng.sample(MEASURES, rng.randint(1, 3)):
                    yield t(act, str(DPV.hasTechnicalOrganisationalMeasure), _iri(str(measure)))
            else:
                yield t(act, str(ROPA.notStated), _iri(str(ROPA.MeasureField)))


def write(n: int, out: TextIO, seed: int = 7) -> int:
    """Write the dataset as N-Quads; return the number of quads."""
    count = 0
    for line in quads(n, seed):
        out.write(line)
        count += 1
    return count


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("controllers", type=int)
    parser.add_argument("-o", "--output", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    with args.output.open("w", encoding="utf-8") as out:
        count = write(args.controllers, out, args.seed)
    print(f"{count:,} quads for {args.controllers:,} controllers in {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
