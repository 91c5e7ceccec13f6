"""The build: atomic, complete, and every DPV term one DPV defines."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from ingest.build import build
from ropakg.errors import QuoteNotFound, RecordError
from ropakg.paths import Paths
from ropakg.store import load
from tests.conftest import SHARED

DPV_CHECK = SHARED / "tools" / "dpv_check.py"


def test_build_writes_dataset_and_manifest(acme: Paths) -> None:
    result = build(acme)
    assert result.dataset == acme.dataset and acme.dataset.exists()
    assert acme.manifest.exists()
    assert result.records == 1 and result.activities == 2
    kg = load(acme, build=False)
    assert "https://w3id.org/ropa-kg/graph/acme" in kg.policy_graphs()
    for part in ("dpv", "ontology", "reference", "inferred"):
        assert f"https://w3id.org/ropa-kg/graph/{part}" in kg.graphs()


@pytest.mark.parametrize(
    ("old", "new", "error"),
    [
        ("dpv:DirectMarketing", "dpv:DirectMarketting", RecordError),
        ('quote: "rett til innsyn"', 'quote: "rett til å glemme"', QuoteNotFound),
        ("  language: nb\n", "  language: [nb\n", RecordError),
    ],
)
def test_failed_build_leaves_the_last_good_build(acme: Paths, old: str, new: str, error: type[Exception]) -> None:
    build(acme)
    before = acme.dataset.read_bytes()
    manifest = acme.manifest.read_bytes()
    record = acme.records / "acme.yaml"
    record.write_text(record.read_text("utf-8").replace(old, new, 1), "utf-8")
    with pytest.raises(error):
        build(acme)
    assert acme.dataset.read_bytes() == before
    assert acme.manifest.read_bytes() == manifest
    assert not [p for p in acme.build_dir.iterdir() if p.name.endswith(".tmp")]


@pytest.mark.parametrize(
    ("text", "message"),
    [("org:x a dpv:Organisation", "malformed Turtle"), (None, "organisation registry not found")],
)
def test_a_broken_registry_is_an_error_naming_it(acme: Paths, text: str | None, message: str) -> None:
    import shutil

    from ropakg.errors import RopaError
    from tests.conftest import ROOT

    build(acme)
    before = acme.dataset.read_bytes()
    acme.ontology.unlink()  # the project's link to the real ontology: a copy to break
    shutil.copytree(ROOT / "ontology", acme.ontology, symlinks=True)
    registry = acme.ontology / "organisations.ttl"
    if text is None:
        registry.unlink()
    else:
        registry.write_text(registry.read_text("utf-8") + text + "\n", "utf-8")
    with pytest.raises(RopaError, match=message) as err:
        build(acme)
    assert err.value.file == str(registry)
    assert len(str(err.value).splitlines()) == 1
    assert acme.dataset.read_bytes() == before


def test_no_records_is_an_error(tmp_path: Path) -> None:
    from tests.conftest import FIXTURES, make_project

    paths = make_project(tmp_path / "p", FIXTURES / "records", FIXTURES / "policies")
    (paths.records / "acme.yaml").unlink()
    with pytest.raises(Exception, match="no records"):
        build(paths)


@pytest.mark.skipif(not DPV_CHECK.exists(), reason="shared/tools/dpv_check.py is not beside the repo")
def test_export_uses_only_terms_dpv_defines(seeds: Paths, tmp_path: Path) -> None:
    kg = load(seeds, build=False)
    out = kg.export(tmp_path / "export.trig", "trig")
    proc = subprocess.run([sys.executable, str(DPV_CHECK), str(out)], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "dpv_check: 0 undefined DPV term(s)" in proc.stdout


def test_every_quote_in_the_seed_graph_is_verbatim_at_its_offsets(kg) -> None:  # type: ignore[no-untyped-def]
    rows = kg.query(
        labels=False,
        name_or_sparql="""
        SELECT ?file ?exact ?start ?end WHERE {
          ?a a oa:Annotation ; oa:hasTarget ?t .
          ?t oa:hasSource ?notice ; oa:hasSelector ?q, ?p .
          ?q oa:exact ?exact . ?p oa:start ?start ; oa:end ?end .
          ?notice ropa:fileName ?file .
        }""",
    )
    assert len(rows) > 100
    texts = {
        f: (Path(__file__).resolve().parent.parent / "data" / "policies" / f).read_text("utf-8")
        for f in set(rows["file"])
    }
    bad = [r for r in rows.itertuples() if texts[r.file][r.start : r.end] != r.exact]
    assert not bad, bad[:5]


def test_seed_policies_are_the_shared_seeds_verbatim() -> None:
    seeds = SHARED / "seeds"
    if not seeds.exists():
        pytest.skip("shared/seeds is not beside the repo")
    ours = {p.read_bytes() for p in (Path(__file__).resolve().parent.parent / "data" / "policies").glob("*.txt")}
    theirs = {p.read_bytes() for p in seeds.glob("*.txt")}
    assert ours == theirs


def test_inferred_closure_is_owlrl_s_and_covers_every_concept(kg) -> None:  # type: ignore[no-untyped-def]
    """Saved questions read "the concept or one under it" as itself plus skos:broaderTransitive."""
    from rdflib import Graph, URIRef
    from rdflib.namespace import SKOS

    from ingest.reference import closure, owlrl_closure

    _, rows = kg.select("SELECT ?s ?o WHERE { ?s skos:broader ?o }")
    hierarchy = Graph()
    for s, o in rows:
        hierarchy.add((URIRef(s.value), SKOS.broader, URIRef(o.value)))
    used = [URIRef(r[0].value) for r in kg.select("SELECT DISTINCT ?c WHERE { ?a dpv:hasPurpose ?c }")[1]]
    assert set(closure(hierarchy, used)) == set(owlrl_closure(hierarchy, used))
    missing = kg.select(
        """SELECT ?s ?o WHERE {
             ?s skos:broader+ ?o .
             FILTER(!STRSTARTS(STR(?s), STR(loc:)) && !STRSTARTS(STR(?o), STR(loc:)) && ?s != ?o)
             FILTER NOT EXISTS { GRAPH ropa-graph:inferred { ?s skos:broaderTransitive ?o } }
           } LIMIT 5"""
    )[1]
    assert not missing


def _quads_without_blank_nodes(dataset: Path) -> set[str]:
    import pyoxigraph as ox

    return {
        str(q)
        for q in ox.parse(path=str(dataset), format=ox.RdfFormat.TRIG)
        if not isinstance(q.subject, ox.BlankNode) and not isinstance(q.object, ox.BlankNode)
    }


@pytest.fixture
def seed_project(tmp_path: Path) -> Paths:
    from tests.conftest import ROOT, make_project

    return make_project(tmp_path / "seeds", ROOT / "data" / "records", ROOT / "data" / "policies")


def test_worker_processes_write_the_dataset_the_building_process_writes(seed_project: Paths, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The five seed records in chunks of two, mapped in two worker processes that write
    them to the dataset, against the same records mapped in the building process."""
    import ingest.build

    serial = build(seed_project, workers=1)
    alone = _quads_without_blank_nodes(seed_project.dataset)
    monkeypatch.setattr(ingest.build, "CHUNK", 2)
    monkeypatch.setattr(ingest.build, "SERIAL_BELOW", 0)
    pooled = build(seed_project, workers=2)
    assert (pooled.records, pooled.activities, pooled.quads) == (serial.records, serial.activities, serial.quads)
    assert _quads_without_blank_nodes(seed_project.dataset) == alone
    assert sorted(p.name for p in seed_project.build_dir.iterdir()) == [".dpv-extract.nt", "manifest.json", "ropa.trig"]


def test_a_failed_build_in_worker_processes_leaves_no_parts(seed_project: Paths, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import ingest.build

    build(seed_project)
    before = seed_project.dataset.read_bytes()
    monkeypatch.setattr(ingest.build, "CHUNK", 1)
    monkeypatch.setattr(ingest.build, "SERIAL_BELOW", 0)
    _break_quote(sorted(seed_project.records.glob("*.yaml"))[-1])
    with pytest.raises(QuoteNotFound):
        build(seed_project, workers=2)
    assert seed_project.dataset.read_bytes() == before
    assert sorted(p.name for p in seed_project.build_dir.iterdir()) == [".dpv-extract.nt", "manifest.json", "ropa.trig"]


def test_a_chunk_is_written_whole_where_the_system_writes_few_pieces_or_bytes_a_call(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import os

    import ingest.build

    pieces = [b"@base <a> .\n", b"", b"<g> { <s> <p> <o> . }\n", b"x" * 1000, b"end\n"]
    real = os.pwritev

    def short(fd: int, buffers: list[memoryview], at: int) -> int:
        return real(fd, [bytes(b"".join(buffers))[:7]], at)  # at most 7 bytes a call

    for iov_max, write in ((2, real), (1024, short), (1, short)):
        monkeypatch.setattr(ingest.build, "_IOV_MAX", iov_max)
        monkeypatch.setattr(ingest.build.os, "pwritev", write)
        target = tmp_path / f"out-{iov_max}"
        target.write_bytes(b"HEAD")
        fd = os.open(target, os.O_WRONLY)
        try:
            ingest.build._write_at(fd, pieces, 4)
        finally:
            os.close(fd)
        assert target.read_bytes() == b"HEAD" + b"".join(pieces)


def _break_quote(record: Path) -> None:
    text = record.read_text("utf-8")
    quote = text.split('quote: "', 1)[1].split('"', 1)[0]
    record.write_text(text.replace(f'quote: "{quote}"', 'quote: "not a sentence of this policy"', 1), "utf-8")


def _slow_on(record: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Checking ``record`` takes a second longer: the other worker maps the rest meanwhile."""
    import time

    import ingest.build

    check = ingest.build.record_problems

    def slow(path: Path, **options: object):  # type: ignore[no-untyped-def]
        if Path(path) == record:
            time.sleep(1)
        return check(path, **options)

    monkeypatch.setattr(ingest.build, "record_problems", slow)


def test_worker_processes_raise_the_first_problem_in_record_order(seed_project: Paths, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Chunks come back in the order they are finished: the second record's problem is
    raised even when the last record's chunk, also with a problem, comes back first."""
    import ingest.build

    monkeypatch.setattr(ingest.build, "CHUNK", 1)
    monkeypatch.setattr(ingest.build, "SERIAL_BELOW", 0)
    records = sorted(seed_project.records.glob("*.yaml"))
    for record in (records[1], records[-1]):
        _break_quote(record)
    _slow_on(records[1], monkeypatch)
    with pytest.raises(QuoteNotFound) as raised:
        build(seed_project, workers=2)
    assert raised.value.file == str(records[1])


def test_a_controller_id_used_twice_names_both_records_in_record_order(seed_project: Paths, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import ingest.build

    monkeypatch.setattr(ingest.build, "CHUNK", 1)
    monkeypatch.setattr(ingest.build, "SERIAL_BELOW", 0)
    records = sorted(seed_project.records.glob("*.yaml"))
    copy = seed_project.records / ("zz-" + records[0].name)
    copy.write_bytes(records[0].read_bytes())
    _slow_on(records[0], monkeypatch)  # in worker processes, the copy's chunk comes back first
    for workers in (1, 2):
        with pytest.raises(RecordError, match=f"also the id in {records[0]}") as raised:
            build(seed_project, workers=workers)
        assert raised.value.file == str(copy)


def test_checking_and_mapping_records_makes_no_reference_cycles(seed_project: Paths) -> None:
    """The build holds the cycle collector off while it checks and maps records: that is
    only safe while the records' objects are freed by their reference counts."""
    import gc

    import ingest.build as b

    b._set_context(seed_project, b.context_store(seed_project, lambda _msg: None))
    was = gc.isenabled()
    try:
        gc.collect()
        gc.disable()
        chunk = b._map_records(b.record_files(seed_project))
        assert chunk.records == 5 and not chunk.problems
        del chunk
        assert gc.collect() == 0
    finally:
        b._context.clear()
        if was:
            gc.enable()


def test_the_dpv_extract_is_made_again_only_when_a_dpv_file_changes(tmp_path: Path) -> None:
    import shutil

    from ingest.reference import VOCAB_FILES, dpv_extract

    dpv = tmp_path / "dpv"
    dpv.mkdir()
    for name in (*VOCAB_FILES, "loc.ttl"):
        shutil.copy(Path(__file__).resolve().parents[1] / "ontology" / "dpv" / name, dpv / name)
    first = dpv_extract(dpv)
    assert dpv_extract(dpv) is first  # kept
    assert b"<https://w3id.org/dpv#Marketing> " in first
    with (dpv / "dpv.ttl").open("a", encoding="utf-8") as f:
        f.write('\n<https://w3id.org/dpv#Marketing> <http://www.w3.org/2004/02/skos/core#note> "changed" .\n')
    again = dpv_extract(dpv)
    assert again is not first and b'"changed"' in again and b'"changed"' not in first
    (dpv / "pd.ttl").unlink()
    with pytest.raises(OSError):
        dpv_extract(dpv)


def test_the_dpv_extract_is_kept_in_the_build_folder_for_the_next_process(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import shutil

    import ingest.reference
    from ingest.reference import VOCAB_FILES, dpv_extract

    dpv, kept = tmp_path / "dpv", tmp_path / "build" / ingest.reference.KEPT_EXTRACT
    dpv.mkdir()
    for name in (*VOCAB_FILES, "loc.ttl"):
        shutil.copy(Path(__file__).resolve().parents[1] / "ontology" / "dpv" / name, dpv / name)
    made = dpv_extract(dpv, kept)
    assert kept.read_bytes().startswith(b"# ropa-kg DPV extract ") and kept.read_bytes().endswith(made)
    # A new process: nothing made in this one is known; the kept file is read.
    monkeypatch.setattr(ingest.reference, "_kept_dpv_extract", lambda *_: pytest.fail("made again"))
    assert dpv_extract(dpv, kept) == made
    monkeypatch.undo()
    with (dpv / "dpv.ttl").open("a", encoding="utf-8") as f:  # another DPV file: made again, and kept
        f.write('\n<https://w3id.org/dpv#Marketing> <http://www.w3.org/2004/02/skos/core#note> "changed" .\n')
    again = dpv_extract(dpv, kept)
    assert b'"changed"' in again and kept.read_bytes().endswith(again)
    # Made by other code (the key holds this module's text): made again.
    kept.write_bytes(kept.read_bytes().replace(b"extract ", b"extract 0", 1))
    assert dpv_extract(dpv, kept) == again and kept.read_bytes().endswith(again)


def test_a_kept_dpv_extract_changed_by_hand_is_made_again(seed_project: Paths) -> None:
    from ingest.reference import KEPT_EXTRACT

    build(seed_project)
    kept = seed_project.build_dir / KEPT_EXTRACT
    key = kept.read_bytes().split(b"\n", 1)[0]
    kept.write_bytes(key + b"\n<https://w3id.org/dpv#Marketing> not N-Triples\n")
    result = build(seed_project)
    assert result.records == 5 and b"not N-Triples" not in kept.read_bytes()
    assert kept.read_bytes().startswith(key)
