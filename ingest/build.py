"""Building the dataset: records -> checked -> mapped -> one TriG file, atomically.

The build reads every record in ``data/records/``, checks it (schema, concepts, quotes),
maps it to its policy's named graph and adds the ontology, reference, DPV and
inferred graphs. The dataset is written to a temporary file beside the target and
renamed over it only when everything succeeded, so a failed build leaves the last
good build in place.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.namespace import SKOS

from ingest.mapping import map_record
from ingest.records import CheckedRecord, record_problems
from ingest.reference import closure, dpv_extract, eea_codes, reference_graph, registry_keys
from ingest.vocab import Vocabulary
from ropakg.engine import construct, ntriples
from ropakg.errors import RopaError
from ropakg.namespaces import GRAPH, LOC
from ropakg.paths import Paths

ONTOLOGY_FILES = ("ropa.ttl", "labels.ttl")
Progress = Callable[[str], None]

_BROADER_QUERY = f"CONSTRUCT {{ ?s <{SKOS.broader}> ?o }} WHERE {{ ?s <{SKOS.broader}> ?o }}"


@dataclass
class BuildResult:
    dataset: Path
    records: int
    activities: int
    quads: int
    seconds: float


def record_files(paths: Paths) -> list[Path]:
    return sorted(paths.records.glob("*.yaml"))


def check_records(paths: Paths, files: list[Path] | None = None) -> list[RopaError]:
    """Every problem in the given records (all records when None)."""
    return _check(paths, files)[1]


def _check(paths: Paths, files: list[Path] | None) -> tuple[list[CheckedRecord], list[RopaError]]:
    vocab = Vocabulary.default(paths.ontology, paths.dpv)
    registry = registry_keys(paths.ontology / "organisations.ttl")
    checked: list[CheckedRecord] = []
    problems: list[RopaError] = []
    for path in files or record_files(paths):
        rec, found = record_problems(path, policies_dir=paths.policies, vocab=vocab, registry=registry)
        problems.extend(found)
        if rec is not None and not found:
            checked.append(rec)
    return checked, problems


def _load_graph(store: ox.Store, graph: Graph, name: URIRef) -> None:
    store.load(
        graph.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(str(name))
    )


def assemble(paths: Paths, checked: list[CheckedRecord], progress: Progress) -> ox.Store:
    """The whole dataset as an Oxigraph store, one named graph per part."""
    store = ox.Store()
    progress("DPV vocabulary")
    store.load(dpv_extract(paths.dpv), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(str(GRAPH.dpv)))
    eea = eea_codes(store)
    ontology = Graph()
    for name in ONTOLOGY_FILES:
        ontology.parse(paths.ontology / name, format="turtle")
    _load_graph(store, ontology, GRAPH.ontology)

    countries: set[str] = set()
    for rec in checked:
        progress(f"mapping {rec.path.name}")
        g = map_record(rec, eea)
        _load_graph(store, g, g.identifier)  # type: ignore[arg-type]
        for o in g.objects():
            if isinstance(o, URIRef) and str(o).startswith(str(LOC)):
                countries.add(str(o)[len(str(LOC)) :])
    progress("reference data")
    ref = reference_graph(paths.ontology, countries)
    _load_graph(store, ref, GRAPH.reference)

    progress("concept hierarchy closure")
    hierarchy = Graph()
    hierarchy.parse(
        data=ntriples(construct(store, _BROADER_QUERY, use_default_graph_as_union=True)),
        format="nt",
    )
    _load_graph(store, closure(hierarchy), GRAPH.inferred)
    return store


def _write_atomically(target: Path, write: Callable[[Path], object]) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    try:
        write(Path(tmp))
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def build(paths: Paths, progress: Progress | None = None) -> BuildResult:
    """Check every record, map it, and write the dataset atomically.

    Raises the first problem found (a :class:`RopaError`); the previous build is then
    left untouched.
    """
    say = progress or (lambda _msg: None)
    started = time.perf_counter()
    say("checking records")
    files = record_files(paths)
    if not files:
        raise RopaError("no records found", file=paths.records)
    checked, problems = _check(paths, files)
    if problems:
        raise problems[0]
    store = assemble(paths, checked, say)
    say("writing dataset")
    _write_atomically(paths.dataset, lambda tmp: store.dump(output=str(tmp), format=ox.RdfFormat.TRIG))
    activities = sum(len(r.record.activities) for r in checked)
    quads = len(store)
    manifest = {
        "dataset": paths.dataset.name,
        "records": [r.path.name for r in checked],
        "activities": activities,
        "quads": quads,
        "built": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    _write_atomically(paths.manifest, lambda tmp: tmp.write_text(json.dumps(manifest, indent=2), "utf-8"))
    return BuildResult(paths.dataset, len(checked), activities, quads, time.perf_counter() - started)
