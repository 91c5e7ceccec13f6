"""Golden files: the mapping of each record (Turtle, compared by isomorphism) and the
answer of each saved question on the seed graph (CSV).

Regenerate after a deliberate change to a record, the mapping or a query, then read
the diff (and check changed answers against the policy texts):

    .venv/bin/python -m tests.golden
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from rdflib import Graph

from ingest.mapping import map_record
from ingest.records import load_record
from ingest.reference import eea_codes, registry_keys
from ingest.vocab import Vocabulary
from ropakg.api import GraphAPI
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


def answer_path(name: str) -> Path:
    return HERE / "golden" / "queries" / f"{name}.csv"


def normalise(frame: pd.DataFrame) -> pd.DataFrame:
    """Cells joined with " | " (GROUP_CONCAT, whose order SPARQL leaves open) in sorted order."""
    out = frame.copy()
    for column in out.columns:
        out[column] = [
            " | ".join(sorted(v.split(" | "))) if isinstance(v, str) and " | " in v else v for v in out[column]
        ]
    return out


def answer(kg: GraphAPI, name: str) -> str:
    """A saved question's answer with default parameters, as CSV text."""
    return normalise(kg.query(name, labels=False)).to_csv(index=False)


if __name__ == "__main__":
    import tempfile

    from ingest.build import build
    from ropakg.store import load

    with tempfile.TemporaryDirectory() as tmp:
        paths = Paths.default(ROOT, tmp)
        build(paths)
        kg = load(paths, build=False)
        for name in kg.saved():
            target = answer_path(name)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(answer(kg, name), "utf-8")
        print("wrote", len(kg.saved()), "answers under tests/golden/queries/")
    for case in CASES:
        target = golden_path(case)
        target.parent.mkdir(exist_ok=True)
        target.write_text(mapped(case).serialize(format="turtle"), "utf-8")
        print("wrote", target.relative_to(ROOT))
