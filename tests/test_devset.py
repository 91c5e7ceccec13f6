"""The development set for the draft extractor: real policies, read by hand.

``data/devset`` holds policy texts and curated records that are kept out of the main
build (``data/records`` stays the seed set). Every record must pass the same checks
as a seed record: schema, concept names and kinds (DPV 2.3 or the project ontology),
organisation references, and every quote found in its own policy text.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from rdflib import RDF

from ingest.mapping import map_record
from ingest.records import record_problems
from ingest.reference import eea_codes, registry_keys
from ingest.vocab import Vocabulary
from ropakg.namespaces import DPV
from ropakg.paths import Paths

ROOT = Path(__file__).resolve().parent.parent
DEVSET = ROOT / "data" / "devset"
RECORDS = sorted((DEVSET / "records").glob("*.yaml"))
POLICIES = sorted((DEVSET / "policies").glob("*.txt"))


@pytest.fixture(scope="module")
def checker():  # type: ignore[no-untyped-def]
    paths = Paths.default(ROOT)
    vocab = Vocabulary.default(paths.ontology, paths.dpv)
    registry = registry_keys(paths.ontology / "organisations.ttl")

    def check(path: Path):  # type: ignore[no-untyped-def]
        return record_problems(path, policies_dir=DEVSET / "policies", vocab=vocab, registry=registry)

    return check


@pytest.fixture(scope="module")
def eea() -> frozenset[str]:
    return eea_codes(Paths.default(ROOT).dpv)


def test_the_devset_has_records() -> None:
    assert len(RECORDS) >= 6


@pytest.mark.parametrize("path", RECORDS, ids=[p.stem for p in RECORDS])
def test_record_has_no_problems(checker, path: Path) -> None:  # type: ignore[no-untyped-def]
    checked, problems = checker(path)
    assert not problems, "\n".join(str(p) for p in problems)
    assert checked is not None
    assert checked.record.controller.id == path.stem
    assert (DEVSET / "policies" / checked.record.policy.file).is_file()
    assert checked.evidence, "a record without any quoted evidence"


@pytest.mark.parametrize("path", RECORDS, ids=[p.stem for p in RECORDS])
def test_record_maps_to_a_policy_graph(checker, eea: frozenset[str], path: Path) -> None:  # type: ignore[no-untyped-def]
    checked, problems = checker(path)
    assert checked is not None and not problems
    graph = map_record(checked, eea)
    activities = set(graph.subjects(RDF.type, DPV.PersonalDataProcess))
    assert len(activities) == len(checked.record.activities)


def test_every_devset_policy_has_one_record(checker) -> None:  # type: ignore[no-untyped-def]
    files = [checker(path)[0].record.policy.file for path in RECORDS]
    assert len(files) == len(set(files)), "two records read the same policy"
    assert set(files) == {p.name for p in POLICIES}


def test_texts_are_the_shared_development_policies_byte_for_byte() -> None:
    shared = ROOT.parent / "shared" / "dev-policies"
    if not shared.is_dir():
        pytest.skip("the shared development policies are not beside the project")
    for policy in POLICIES:
        assert policy.read_bytes() == (shared / policy.name).read_bytes(), policy.name


def test_devset_stays_out_of_the_main_build() -> None:
    paths = Paths.default(ROOT)
    main_policies = {hashlib.sha256(p.read_bytes()).hexdigest() for p in paths.policies.glob("*.txt")}
    assert not main_policies & {hashlib.sha256(p.read_bytes()).hexdigest() for p in POLICIES}
    assert not {p.name for p in paths.records.glob("*.yaml")} & {p.name for p in RECORDS}
