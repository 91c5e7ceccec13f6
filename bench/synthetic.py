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
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

import pyoxigraph as ox

from bench.sector import REGISTRY_SOURCE, Processor, controller, pool
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
            chunk.text = [part.encode("utf-8") for part in parts]
            yield chunk
            chunk, parts = Chunk(), []
    if chunk.records:
        chunk.text = [part.encode("utf-8") for part in parts]
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
        *(list(ox.parse(header + b"".join(c.text), format=ox.RdfFormat.TRIG)) for c in chunks(n, eea, seed)),
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
