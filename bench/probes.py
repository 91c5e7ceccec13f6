"""The measured pieces of the benchmark, one per process: ``python -m bench.probes KIND ARGS``.

Each prints one JSON line (its figures) as its last line of output; ``bench.measure``
runs it, times it from outside and samples its memory.

- ``build ROOT BUILD``: ``ingest.build.build`` (the real build: records -> TriG).
- ``rdflib-build ROOT OUT``: the same records mapped into rdflib graphs of one rdflib
  ``Dataset`` (records read with the line-keeping loader), written by rdflib's TriG writer.
- ``queries ENGINE DATASET ROOT REPEAT LIMIT PARAMS [QUICK]``: load a dataset into Oxigraph or
  rdflib (in memory) and run every saved question; ENGINE is ``oxigraph`` or ``rdflib``;
  quick calls are repeated until they add up to QUICK seconds (:data:`QUICK_S`).
- ``validate ROOT BUILD``: ``ropakg.validate.validate`` on the loaded build.
- ``pyshacl DATASET SHAPES``: pySHACL over an rdflib graph of the same data.
- ``draft ROOT COUNT``: ``ingest.draft.draft_text`` over policy texts, if it exists.
- ``app ROOT BUILD``: the app's overview page, rendered by Streamlit's AppTest.
"""

from __future__ import annotations

import gc
import hashlib
import json
import shutil
import signal
import statistics
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from bench.measure import ROOT, own_maxrss
from ropakg.paths import Paths


def _done(figures: dict[str, Any]) -> None:
    figures["maxrss_bytes"] = own_maxrss()
    print(json.dumps(figures), flush=True)


def normal_text(value: Any) -> str:
    """A result cell as text, the same for both engines (GROUP_CONCAT parts sorted)."""
    if value is None:
        return ""
    s = str(value)
    return " | ".join(sorted(s.split(" | "))) if " | " in s else s


def digest(rows: list[tuple[str, ...]], ordered: bool = False) -> str:
    """A short hash of rows of text: of the sorted rows, or of the rows in their order (a page)."""
    return hashlib.sha256(json.dumps(rows if ordered else sorted(rows)).encode("utf-8")).hexdigest()[:16]


def build(root: str, build_dir: str) -> None:
    import resource

    from ingest.build import build as run_build

    result = run_build(Paths.default(root, build_dir))
    size = result.dataset.stat().st_size
    cpu = sum(
        u.ru_utime + u.ru_stime for u in map(resource.getrusage, (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
    )
    _done({"seconds": result.seconds, "cpu_s": cpu, "quads": result.quads, "records": result.records, "bytes": size})


def rdflib_build(root: str, out: str) -> None:
    import rdflib

    from ingest import build as b
    from ingest.mapping import map_record
    from ingest.records import _problems
    from ingest.reference import closure, dpv_extract, eea_codes, reference_graph
    from ropakg.namespaces import GRAPH

    started = time.perf_counter()
    paths = Paths.default(root)
    vocab, registry = b._checkers(paths)
    eea = eea_codes(paths.dpv)
    ds = rdflib.Dataset()
    dpv = ds.graph(rdflib.URIRef(str(GRAPH.dpv)))
    dpv.parse(data=dpv_extract(paths.dpv).decode("utf-8"), format="nt")
    ontology = ds.graph(rdflib.URIRef(str(GRAPH.ontology)))
    for name in b.ONTOLOGY_FILES:
        ontology.parse(paths.ontology / name, format="turtle")
    used: set[rdflib.URIRef] = set()
    for path in b.record_files(paths):
        checked, problems = _problems(path, paths.policies, vocab, registry, fast=False)
        if problems or checked is None:
            raise problems[0]
        g = map_record(checked, eea)
        ds.graph(g.identifier).__iadd__(g)
        used.update(o for o in g.objects() if isinstance(o, rdflib.URIRef))
    loc = "https://w3id.org/dpv/loc#"
    countries = {str(o)[len(loc) :] for o in used if str(o).startswith(loc)}
    ds.graph(rdflib.URIRef(str(GRAPH.reference))).__iadd__(reference_graph(paths.ontology, countries))
    hierarchy = rdflib.Graph()
    for s, p, o, _ in ds.quads((None, rdflib.namespace.SKOS.broader, None, None)):
        hierarchy.add((s, p, o))
    ds.graph(rdflib.URIRef(str(GRAPH.inferred))).__iadd__(closure(hierarchy, used))
    ds.serialize(out, format="trig")
    _done({"seconds": time.perf_counter() - started, "quads": len(ds), "bytes": Path(out).stat().st_size})


class _Timeout(Exception):
    pass


def _alarm(_signum: int, _frame: Any) -> None:
    raise _Timeout


QUICK_S = 0.25
"""Calls are repeated until their runs add up to this long (at most :data:`MAX_RUNS`), so
that a figure under a millisecond is the median of many runs, not of a few noisy ones
(``bench.run --quick-seconds``)."""
MAX_RUNS = 50


def _timed(fn: Callable[[], Any], repeat: int, limit: float) -> tuple[float | None, Any]:
    """Median milliseconds of ``fn`` (None past ``limit`` seconds) and its last result: at
    least ``repeat`` runs, more while they add up to less than :data:`QUICK_S`, none more
    once they add up to ``limit``.

    Each run starts from the same heap: the previous run's result is let go before it
    starts, and Python's cycle collector is run before the first. Otherwise a run pays for
    its neighbours: a full collection walks every object still held, and one that fell
    inside a first page at 10,000 controllers, with five whole answers held (900,000
    objects), took 214 of its 277 ms, where the page takes 60 ms. Not before every run: a
    full collection also empties the interpreter's free lists and the processor's caches,
    which then cost a quick question's next run more than the question itself
    (`technologies`' first page at 10,000 controllers: 0.74-0.86 ms with a collection before
    every run, 0.18-0.36 ms with one before the first)."""
    times: list[float] = []
    result = None
    signal.signal(signal.SIGALRM, _alarm)
    gc.collect()
    while len(times) < repeat or (sum(times) < QUICK_S * 1000 and len(times) < MAX_RUNS):
        result = None
        signal.setitimer(signal.ITIMER_REAL, limit)
        started = time.perf_counter()
        try:
            result = fn()
        except _Timeout:
            return None, None
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        times.append((time.perf_counter() - started) * 1000)
        if sum(times) > limit * 1000:
            break  # enough: one more run would take as long
    return statistics.median(times), result


def queries(engine: str, dataset: str, root: str, repeat: str, limit: str, params: str, quick: str = "0.25") -> None:
    global QUICK_S
    QUICK_S = float(quick)
    import pyoxigraph as ox

    from ropakg.namespaces import PREFIXES
    from ropakg.queries import library
    from ropakg.terms import to_python, to_term

    paths = Paths.default(root)
    saved = library(paths.queries)
    values = json.loads(params)
    started = time.perf_counter()
    from ropakg.api import PAGE_SIZE
    from ropakg.sparql import paginate

    if engine == "oxigraph":
        from ropakg import kept
        from ropakg.paging import with_tables
        from ropakg.queries import TABLE
        from ropakg.store import load
        from ropakg.workloads import first_page

        # The graph is the build in the dataset's folder, loaded as ropakg.load does (so it is
        # known to be that build, and kept answers go beside it); none kept from an earlier run.
        build_paths = Paths.default(root, Path(dataset).parent)
        if build_paths.dataset.resolve() != Path(dataset).resolve():
            raise SystemExit(f"{dataset}: the questions probe reads a build folder's {build_paths.dataset.name}")
        shutil.rmtree(build_paths.build_dir / kept.FOLDER, ignore_errors=True)
        kg = load(build_paths, build=False)
        index_started = time.perf_counter()
        for kind in sorted({q.page_by[2] for q in saved.values() if q.page_by}):
            kg.key_index(kind)  # read once per loaded graph; timed apart from the questions
        tables = 0
        for q in saved.values():  # so are the keyed forms' tables
            index = kg.key_index(q.page_by[2]) if q.page_by else None
            if q.keyed and index is not None and TABLE.search(q.keyed):
                with_tables(q.keyed, index, kg.select)
                tables += len(TABLE.findall(q.keyed))
        index_ms = (time.perf_counter() - index_started) * 1000

        def as_text(rows: list[list[Any]]) -> list[tuple[str, ...]]:
            return [tuple(normal_text(to_python(c)) for c in row) for row in rows]

        def whole(name: str, question: Any, given: dict[str, Any], bound: dict[str, Any]) -> list[list[Any]]:
            # What a notebook asks for the whole answer: rows of Python values. A kept
            # question's answer is computed here, not read from where it was kept.
            if question.kept:
                return kg.select_values(question.text, bound)[1]
            return kg.answer(name, **given)[1]

        def text_of(values: list[list[Any]]) -> list[tuple[str, ...]]:
            return [tuple(normal_text(c) for c in row) for row in values]

    else:
        import rdflib

        ds = rdflib.Dataset(default_union=True)
        ds.parse(dataset, format="trig")

        def query(text: str, bound: dict[str, Any]) -> Any:
            bindings = {
                k: rdflib.URIRef(t.value) if isinstance(t, ox.NamedNode) else _rdflib_literal(t)
                for k, t in ((k, to_term(v)) for k, v in bound.items())
            }
            return ds.query(text, initNs=PREFIXES, initBindings=bindings)

        def whole(name: str, question: Any, given: dict[str, Any], bound: dict[str, Any]) -> list[list[Any]]:
            # Rows of Python values as rdflib gives them (``toPython``), timed; the terms are
            # returned for the comparison, which converts them as the Oxigraph side does.
            rows = [list(row) for row in query(question.text, bound)]  # type: ignore[arg-type]
            _ = [[None if c is None else c.toPython() for c in row] for row in rows]
            return rows

        def text_of(values: list[list[Any]]) -> list[tuple[str, ...]]:
            return [tuple(normal_text(None if c is None else to_python(to_term(c))) for c in row) for row in values]

        def run(text: str, bound: dict[str, Any]) -> list[tuple[str, ...]]:
            return text_of([list(row) for row in query(text, bound)])  # type: ignore[arg-type]

    load_s = time.perf_counter() - started
    out: dict[str, Any] = {"load_s": load_s, "queries": {}}
    if engine == "oxigraph":
        out["index_ms"] = index_ms
        out["tables"] = tables
    for name, question in saved.items():
        given = {k: v for k, v in values.items() if k in {p.name for p in question.params}}
        bound = question.bind(given)
        ms, answer = _timed(
            partial(whole, name, question, given, bound),
            int(repeat) if engine == "oxigraph" else min(3, int(repeat)),
            float(limit),
        )
        figures: dict[str, Any] = {"ms": ms}
        if ms is not None:
            figures.update(rows=len(answer), digest=digest(text_of(answer)))
        answer = None  # not held while the pages are timed
        if engine == "rdflib":
            # The same page as the app asks Oxigraph for, with rdflib evaluating the LIMIT query
            # (as many runs as the whole answer: it costs about as much).
            page_ms, page_rows = _timed(
                partial(run, paginate(question.text, PAGE_SIZE), bound), min(3, int(repeat)), float(limit)
            )
            figures["page_ms"] = page_ms
            if page_ms is not None:
                figures["page_digest"] = digest(page_rows, ordered=True)
        if engine == "oxigraph":
            # What the app and a notebook ask for: the first page, LIMIT applied by the engine.
            page_ms, page = _timed(partial(first_page, kg, name, **given), int(repeat), float(limit))
            figures["page_ms"] = page_ms
            if page_ms is not None:
                figures["page_digest"] = digest(as_text(page[1]), ordered=True)
            if question.kept and page_ms is not None:
                # The first of the runs computed the whole answer and kept it; the later read
                # it. What the first ask after a build costs: the engine's LIMIT page, once.
                plain_ms, plain = _timed(partial(kg.select, paginate(question.text, PAGE_SIZE), bound), 1, float(limit))
                figures["plain_page_ms"] = plain_ms
                figures["page_same"] = None if plain_ms is None else plain == page
                figures["kept"] = True
            elif question.page_by and page_ms is not None:
                # A page built controller by controller must be the engine's LIMIT page.
                kg.key_paging = False
                plain_ms, plain = _timed(partial(first_page, kg, name, **given), 1, float(limit))
                kg.key_paging = True
                figures["plain_page_ms"] = plain_ms
                figures["page_same"] = None if plain_ms is None else plain == page
        out["queries"][name] = figures
    _done(out)


def _rdflib_literal(term: Any) -> Any:
    import rdflib

    if term.language:
        return rdflib.Literal(term.value, lang=term.language)
    return rdflib.Literal(term.value, datatype=rdflib.URIRef(term.datatype.value))


def validate(root: str, build_dir: str) -> None:
    from ropakg.store import load
    from ropakg.validate import validate as run_validate

    started = time.perf_counter()
    kg = load(Paths.default(root, build_dir), build=False)
    loaded = time.perf_counter()
    report = run_validate(kg)
    done = time.perf_counter()
    _done({"load_s": loaded - started, "seconds": done - loaded, "findings": len(report.findings)})


def pyshacl(dataset: str, shapes: str) -> None:
    import rdflib
    from pyshacl import validate as shacl

    from ropakg.namespaces import GRAPH

    started = time.perf_counter()
    ds = rdflib.Dataset()
    ds.parse(dataset, format="trig")
    data = rdflib.Graph()
    for s, p, o, g in ds.quads((None, None, None, None)):
        if str(getattr(g, "identifier", g)) != str(GRAPH.inferred):
            data.add((s, p, o))
    loaded = time.perf_counter()
    _conforms, results, _ = shacl(
        data, shacl_graph=rdflib.Graph().parse(shapes), allow_warnings=True, advanced=True, inference="none"
    )
    found = len(set(results.subjects(rdflib.namespace.SH.resultSeverity, None)))
    _done({"load_s": loaded - started, "seconds": time.perf_counter() - loaded, "findings": found})


def draft(root: str, count: str) -> None:
    try:
        from ingest.draft import draft_text  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        _done({"available": False})
        return
    texts = [p.read_text("utf-8") for p in sorted(Paths.default(root).policies.glob("*.txt"))[: int(count)]]
    started = time.process_time()
    for text in texts:
        draft_text(text)
    seconds = time.process_time() - started
    _done({"available": True, "policies": len(texts), "cpu_s": seconds})


def app(root: str, build_dir: str) -> None:
    import os

    import streamlit as st
    from streamlit.testing.v1 import AppTest

    os.environ.update(ROPA_HOME=root, ROPA_BUILD_DIR=build_dir)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=1800)
    started = time.perf_counter()
    at.run()
    first = time.perf_counter() - started
    if at.exception:
        raise RuntimeError(at.exception[0].value)
    # Later visits: the page's caches are cleared, the build's summary is kept beside it.
    st.cache_data.clear()
    started = time.perf_counter()
    at.run()
    again = time.perf_counter() - started
    metrics = {m.label: m.value for m in at.metric}
    # The first visit after a build, the graph already loaded: the summary is counted.
    from ropakg import summary

    (Path(build_dir) / summary.FILE_NAME).unlink()
    st.cache_data.clear()
    started = time.perf_counter()
    at.run()
    counting = time.perf_counter() - started
    recounted = {m.label: m.value for m in at.metric}
    _done(
        {
            "first_s": first,
            "overview_s": again,
            "counting_s": counting,
            "metrics": metrics,
            "same_metrics": recounted == metrics,
            "errors": len(at.exception),
        }
    )


PROBES: dict[str, Callable[..., None]] = {
    "build": build,
    "rdflib-build": rdflib_build,
    "queries": queries,
    "validate": validate,
    "pyshacl": pyshacl,
    "draft": draft,
    "app": app,
}

if __name__ == "__main__":
    PROBES[sys.argv[1]](*sys.argv[2:])
