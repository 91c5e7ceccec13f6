"""Golden files of the mapping: one Turtle file per record, compared by isomorphism.

Regenerate after a deliberate change to a record or to the mapping, then read the diff:

    .venv/bin/python -m tests.golden
"""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph

from ingest.mapping import map_record
from ingest.records import load_record
from ingest.reference import eea_codes, registry_keys
from ingest.vocab import Vocabulary
from ropakg.paths import Paths

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CASES = {
    # golden file -> (records folder, policies folder)
    "acme": (HERE / "fixtures" / "records", HERE / "fixtures" / "policies"),
    **{
        p.stem: (ROOT / "data" / "records", ROOT / "data" / "policies")
        for p in sorted((ROOT / "data" / "records").glob("*.yaml"))
    },
}


def golden_path(name: str) -> Path:
    return HERE / "golden" / f"{name}.ttl"


def mapped(name: str) -> Graph:
    records, policies = CASES[name]
    paths = Paths.default(ROOT)
    checked = load_record(
        records / f"{name}.yaml",
        policies_dir=policies,
        vocab=Vocabulary.default(paths.ontology, paths.dpv),
        registry=registry_keys(paths.ontology / "organisations.ttl"),
    )
    return map_record(checked, eea_codes(paths.dpv))


if __name__ == "__main__":
    for case in CASES:
        target = golden_path(case)
        target.parent.mkdir(exist_ok=True)
        target.write_text(mapped(case).serialize(format="turtle"), "utf-8")
        print("wrote", target.relative_to(ROOT))
