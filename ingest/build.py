"""Building the dataset: records -> checked -> mapped -> one TriG file, atomically.

The build reads every record in ``data/records/``, checks it (schema, concepts, quotes),
maps it to its policy's named graph and adds the ontology, reference, DPV and
inferred graphs. The dataset is written to a temporary file beside the target and
renamed over it only when everything succeeded, so a failed build leaves the last
good build in place.

Records are checked and mapped to TriG text in worker processes (one per core), in
chunks; no record graph is held in memory, so the build's memory does not grow with the
number of records. A worker writes its chunk's text straight into the dataset's
temporary file, at a stretch it reserves when the text is ready (a shared end offset
under a lock; ``os.pwrite``, so no file system's append semantics are relied on), instead
of handing it to the building process to write again (11 GB for 100,000 records; written
to part files and copied, that copy cost the building process 22 s of CPU). Chunks
therefore follow each other in the file in the order they were finished; each is whole
TriG graphs with their own ``@base``, so the order does not change the dataset. The first
problem in record order is the one raised, whichever chunk finished first.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.namespace import SKOS

from ingest.mapping import map_text, object_iris
from ingest.records import record_problems
from ingest.reference import KEPT_EXTRACT, closure, dpv_extract, eea_codes, load_reference, registry_keys
from ingest.trig import TRIG_PREFIXES
from ingest.vocab import Vocabulary
from ropakg import collector
from ropakg.engine import construct, ntriples
from ropakg.errors import RecordError, RopaError
from ropakg.files import write_atomically
from ropakg.namespaces import GRAPH, LOC
from ropakg.paths import Paths

ONTOLOGY_FILES = ("ropa.ttl", "labels.ttl")
Progress = Callable[[str], None]
CHUNK = 200
"""Records per unit of work of a worker process."""
SERIAL_BELOW = 2 * CHUNK
"""Fewer records than this are mapped in the building process itself."""

LOC_NS = str(LOC)
_BROADER_QUERY = f"CONSTRUCT {{ ?s <{SKOS.broader}> ?o }} WHERE {{ ?s <{SKOS.broader}> ?o }}"


@dataclass
class BuildResult:
    dataset: Path
    records: int
    activities: int
    quads: int
    seconds: float


def record_files(paths: Paths) -> list[Path]:
    """The records (``*.yaml`` in the records folder), in name order.

    Names are listed and sorted as strings: globbing and sorting paths took 2.2 s for
    100,000 records, this 1.1 s."""
    folder = paths.records
    try:
        names = sorted(entry.name for entry in os.scandir(folder) if entry.name.endswith(".yaml"))
    except (FileNotFoundError, NotADirectoryError):
        return []
    return [folder / name for name in names]


def check_records(paths: Paths, files: list[Path] | None = None) -> list[RopaError]:
    """Every problem in the given records (all records when None)."""
    vocab, registry = _checkers(paths)
    problems: list[RopaError] = []
    for path in files or record_files(paths):
        problems.extend(record_problems(path, policies_dir=paths.policies, vocab=vocab, registry=registry)[1])
    return problems


def _checkers(paths: Paths) -> tuple[Vocabulary, set[str]]:
    return Vocabulary.default(paths.ontology, paths.dpv), registry_keys(paths.ontology / "organisations.ttl")


@dataclass
class Chunk:
    """Some records mapped: their TriG text and what the rest of the build needs from them."""

    text: list[bytes] = field(default_factory=list)
    """The chunk's TriG, one piece a record (not joined: a chunk's text is 22 MB at 200
    synthetic records, and joining and encoding it as one took 50 ms of the 60 ms it
    took to write); empty once a worker process has written it to the dataset."""
    records: int = 0
    activities: int = 0
    triples: int = 0
    controllers: dict[str, str] = field(default_factory=dict)
    objects: set[str] = field(default_factory=set)
    problems: list[RopaError] = field(default_factory=list)


_context: dict[str, Any] = {}


def _map_chunk(files: list[Path]) -> Chunk:
    """Check and map records (in a worker: the build set up :data:`_context` before forking).

    Python's cycle collector is held off meanwhile: checking and mapping a record makes
    no reference cycles, and the collections its allocations set off took 10-20 % of the
    build's CPU time (10,000 records: 45 s of CPU without them, 50-59 s with them).
    """
    with collector.paused():
        return _map_records(files)


def _map_records(files: list[Path]) -> Chunk:
    paths, vocab, registry, eea = (_context[k] for k in ("paths", "vocab", "registry", "eea"))
    out = Chunk()
    parts: list[str] = []
    terms: set[str] = set()
    for path in files:
        checked, problems = record_problems(path, policies_dir=paths.policies, vocab=vocab, registry=registry)
        if problems or checked is None:
            out.problems.extend(problems)
            continue
        if out.problems:
            continue  # only the problems matter now
        mapped = map_text(checked, eea)
        parts.append(mapped.trig())
        out.records += 1
        out.activities += len(checked.record.activities)
        out.triples += mapped.triples
        out.controllers[checked.record.controller.id] = str(path)
        terms |= mapped.terms
    out.objects = object_iris(terms)
    out.text = [part.encode("utf-8") for part in parts] if not out.problems else []
    return out


def _map_chunk_to_output(job: tuple[int, list[Path]]) -> tuple[int, Chunk]:
    """:func:`_map_chunk` in a worker process, its text written to the dataset at the end
    of what has been reserved so far; the chunk's number comes back with it."""
    number, files = job
    out = _map_chunk(files)
    if out.text:
        fd, end = _context["output"]
        size = sum(map(len, out.text))
        with end.get_lock():
            at = end.value
            end.value += size
        _write_at(fd, out.text, at)
        out.text = []
    return number, out


_IOV_MAX = os.sysconf("SC_IOV_MAX")
"""Buffers ``os.pwritev`` takes in one call."""


def _write_at(fd: int, pieces: list[bytes], at: int) -> None:
    """Write ``pieces`` one after the other at offset ``at`` (``os.pwritev``, as many
    pieces a call as the system takes, and again from where a short write stopped)."""
    todo = [memoryview(piece) for piece in pieces if piece]
    first = 0
    while first < len(todo):
        n = os.pwritev(fd, todo[first : first + _IOV_MAX], at)
        if n == 0:
            raise OSError("could not write the dataset: nothing was written")
        at += n
        while n:
            if n >= len(todo[first]):
                n -= len(todo[first])
                first += 1
            else:
                todo[first], n = todo[first][n:], 0


def _mapped_chunks(files: list[Path], workers: int, out: IO[bytes]) -> Iterator[Chunk]:
    """The records mapped in chunks, in the building process (their text to be written)
    or in worker processes (written to ``out`` already, which is left at its end); a chunk
    with a problem is the last one given, the first such chunk in record order."""
    chunks = [files[i : i + CHUNK] for i in range(0, len(files), CHUNK)]
    if workers <= 1 or len(files) < SERIAL_BELOW:
        yield from map(_map_chunk, chunks)
        return
    context = multiprocessing.get_context("fork")
    out.flush()
    end = context.Value("q", out.tell())
    _context["output"] = (out.fileno(), end)
    done: set[int] = set()
    failed: dict[int, Chunk] = {}
    with context.Pool(workers) as pool:
        for number, chunk in pool.imap_unordered(_map_chunk_to_output, enumerate(chunks)):
            done.add(number)
            if chunk.problems:
                failed[number] = chunk
            if failed:
                first = min(failed)
                if len(done.intersection(range(first))) == first:  # every chunk before it is in
                    yield failed[first]
                    return
                continue
            yield chunk
    out.seek(end.value)


def context_store(paths: Paths, progress: Progress) -> ox.Store:
    """The DPV vocabulary and ontology graphs."""
    store = ox.Store()
    progress("DPV vocabulary")
    extract = dpv_extract(paths.dpv, paths.build_dir / KEPT_EXTRACT)
    store.load(extract, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(str(GRAPH.dpv)))
    ontology = Graph()
    for name in ONTOLOGY_FILES:
        ontology.parse(paths.ontology / name, format="turtle")
    _load_graph(store, ontology, GRAPH.ontology)
    return store


def _load_graph(store: ox.Store, graph: Graph, name: URIRef) -> None:
    store.load(
        graph.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(str(name))
    )


def _finish_context(store: ox.Store, paths: Paths, objects: set[str], progress: Progress) -> None:
    """Add the reference graph and the closure of the whole concept hierarchy."""
    progress("reference data")
    countries = {iri[len(LOC_NS) :] for iri in objects if iri.startswith(LOC_NS)}
    load_reference(store, paths.ontology, countries, ox.NamedNode(str(GRAPH.reference)))
    progress("concept hierarchy closure")
    hierarchy = Graph()
    hierarchy.parse(
        data=ntriples(construct(store, _BROADER_QUERY, use_default_graph_as_union=True)),
        format="nt",
    )
    _load_graph(store, closure(hierarchy), GRAPH.inferred)


def _set_context(paths: Paths, store: ox.Store) -> None:
    """What :func:`_map_chunk` reads from :data:`_context`, set before the workers fork."""
    vocab, registry = _checkers(paths)
    _context.update(paths=paths, vocab=vocab, registry=registry, eea=eea_codes(store))


def _write_dataset(
    out: IO[bytes], paths: Paths, files: list[Path], workers: int, progress: Progress
) -> tuple[int, int, int]:
    store = context_store(paths, progress)
    _set_context(paths, store)
    progress("checking and mapping records")
    return write_dataset(out, store, paths, _mapped_chunks(files, workers, out), len(files), progress)


def write_dataset(
    out: IO[bytes], store: ox.Store, paths: Paths, chunks: Iterable[Chunk], total: int, progress: Progress
) -> tuple[int, int, int]:
    """Write mapped records and then the DPV, ontology, reference and inferred graphs as
    TriG; return the number of records, activities and quads.

    ``store`` holds the DPV and ontology graphs (:func:`context_store`); the first
    problem of a chunk is raised.
    """
    out.write(TRIG_PREFIXES.encode("utf-8"))
    records = activities = triples = 0
    controllers: dict[str, str] = {}
    objects: set[str] = set()
    for chunk in chunks:
        if chunk.problems:
            raise chunk.problems[0]
        for cid, path in chunk.controllers.items():
            if cid in controllers:
                # Named in record order, whichever chunk came in first.
                first, later = sorted((controllers[cid], path), key=lambda p: Path(p).name)
                raise RecordError(f"controller id {cid!r} is also the id in {first}", file=later)
            controllers[cid] = path
        out.writelines(chunk.text)
        records += chunk.records
        activities += chunk.activities
        triples += chunk.triples
        objects |= chunk.objects
        progress(f"mapped {records:,} of {total:,} records")
    _finish_context(store, paths, objects, progress)
    progress("writing dataset")
    store.dump(out, format=ox.RdfFormat.TRIG)
    return records, activities, triples + len(store)


def build(paths: Paths, progress: Progress | None = None, *, workers: int | None = None) -> BuildResult:
    """Check every record, map it, and write the dataset atomically.

    Raises the first problem found (a :class:`RopaError`); the previous build is then
    left untouched. ``workers`` processes check and map the records (default: one per
    available core).
    """
    say = progress or (lambda _msg: None)
    started = time.perf_counter()
    say("checking records")
    files = record_files(paths)
    if not files:
        raise RopaError("no records found", file=paths.records)
    workers = workers or len(os.sched_getaffinity(0))
    counts: list[int] = []

    def write(tmp: Path) -> None:
        with tmp.open("wb", buffering=1 << 20) as out:
            counts.extend(_write_dataset(out, paths, files, workers, say))

    try:
        write_atomically(paths.dataset, write)
    finally:
        _context.clear()
    records, activities, quads = counts
    manifest = {
        "dataset": paths.dataset.name,
        "records": [p.name for p in files],
        "activities": activities,
        "quads": quads,
        "built": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    write_atomically(paths.manifest, lambda tmp: tmp.write_text(json.dumps(manifest, indent=2), "utf-8"))
    return BuildResult(paths.dataset, records, activities, quads, time.perf_counter() - started)
