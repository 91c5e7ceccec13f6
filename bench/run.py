"""Benchmark: load time and the median latency of every saved question, on synthetic
datasets of N controllers, for the embedded Oxigraph store and for rdflib in memory,
measured in the same run; results go to bench/RESULTS.md.

    python -m bench.run --sizes 1000 10000 --rdflib-max 1000

The vocabulary, ontology and reference graphs of the seed build are loaded with the
synthetic controllers so that the questions' DPV lookups work as in production.
Answers of the two engines are compared wherever both ran.
"""

from __future__ import annotations

import argparse
import io
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from bench.synthetic import write
from ropakg.namespaces import GRAPH, PREFIXES
from ropakg.paths import Paths
from ropakg.queries import library
from ropakg.store import KnowledgeGraph
from ropakg.terms import to_python, to_term

ROOT = Path(__file__).resolve().parent.parent
SHARED_GRAPHS = ("dpv", "ontology", "reference", "inferred")
NAMESPACES = dict(PREFIXES)


def seed_context() -> bytes:
    """The vocabulary/ontology/reference/inferred graphs of the seed build, as N-Quads."""
    from ingest.build import build

    with tempfile.TemporaryDirectory() as tmp:
        paths = Paths.default(ROOT, tmp)
        build(paths)
        store = ox.Store()
        store.load(path=str(paths.dataset), format=ox.RdfFormat.TRIG)
    keep = {ox.NamedNode(str(GRAPH[g])) for g in SHARED_GRAPHS}
    quads = [q for q in store.quads_for_pattern(None, None, None) if q.graph_name in keep]
    return ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b""


def median_ms(fn: Any, repeat: int) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), result


def normal(rows: list[list[Any]]) -> list[tuple[str, ...]]:
    """Rows as sorted tuples of strings, for comparing engines."""

    def text(v: Any) -> str:
        v = to_python(v) if isinstance(v, ox.NamedNode | ox.Literal | ox.BlankNode) else v
        if v is None:
            return ""
        s = str(v)
        return " | ".join(sorted(s.split(" | "))) if " | " in s else s

    return sorted(tuple(text(c) for c in row) for row in rows)


def run_size(n: int, context: bytes, repeat: int, with_rdflib: bool) -> dict[str, Any]:
    data = io.StringIO()
    quads = write(n, data)
    payload = context + data.getvalue().encode("utf-8")
    out: dict[str, Any] = {"controllers": n, "quads": quads, "queries": {}}

    started = time.perf_counter()
    store = ox.Store()
    store.load(payload, format=ox.RdfFormat.N_QUADS)
    out["ox_load_s"] = time.perf_counter() - started
    kg = KnowledgeGraph(store, Paths.default(ROOT))
    saved = library(ROOT / "queries")

    ds = None
    if with_rdflib:
        import rdflib

        started = time.perf_counter()
        ds = rdflib.Dataset(default_union=True)
        ds.parse(data=payload.decode("utf-8"), format="nquads")
        out["rdflib_load_s"] = time.perf_counter() - started

    for name, question in saved.items():
        bound = question.bind({})
        ms, (_, rows) = median_ms(lambda q=question, b=bound: kg.select(q.text, b), repeat)
        entry: dict[str, Any] = {"ox_ms": ms, "rows": len(rows)}
        if ds is not None:
            import rdflib

            bindings = {}
            for key, value in bound.items():
                term = to_term(value)
                bindings[key] = (
                    rdflib.URIRef(term.value)
                    if isinstance(term, ox.NamedNode)
                    else rdflib.Literal(term.value, datatype=rdflib.URIRef(term.datatype.value))
                )

            def rdflib_rows(q: str = question.text, b: dict[str, Any] = bindings) -> list[list[Any]]:
                return [list(r) for r in ds.query(q, initNs=NAMESPACES, initBindings=b)]

            rms, rrows = median_ms(rdflib_rows, max(1, repeat // 3))
            entry["rdflib_ms"] = rms
            entry["same"] = normal([[_from_rdflib(c) for c in r] for r in rrows]) == normal(rows)
        out["queries"][name] = entry
    return out


def _from_rdflib(value: Any) -> Any:
    return None if value is None else to_term(value)


def report(results: list[dict[str, Any]]) -> str:
    lines = [
        "# Benchmark results",
        "",
        f"Machine: {platform.machine()}, {platform.python_implementation()} {platform.python_version()}, "
        f"pyoxigraph {ox.__version__}. Synthetic controllers from `bench/synthetic.py` (seed 7) plus the "
        "seed build's DPV, ontology and reference graphs. Latency is the median of repeated runs; "
        "rdflib in-memory was measured in the same run where it finishes in reasonable time.",
        "",
        "| controllers | quads | Oxigraph load (s) | rdflib load (s) | ratio |",
        "|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        rl = r.get("rdflib_load_s")
        ratio = f"{rl / r['ox_load_s']:.0f}x" if rl else "not run"
        lines.append(
            f"| {r['controllers']:,} | {r['quads']:,} | {r['ox_load_s']:.2f} | "
            f"{f'{rl:.2f}' if rl else 'not run'} | {ratio} |"
        )
    for r in results:
        lines += [
            "",
            f"## Saved questions at {r['controllers']:,} controllers",
            "",
            "| question | rows | Oxigraph median (ms) | rdflib median (ms) | ratio | same answer |",
            "|---|---:|---:|---:|---:|:---:|",
        ]
        for name, q in sorted(r["queries"].items()):
            rd = q.get("rdflib_ms")
            ratio = f"{rd / q['ox_ms']:.0f}x" if rd and q["ox_ms"] > 0 else "–"
            same = {True: "yes", False: "NO"}.get(q.get("same"), "–")
            lines.append(
                f"| {name} | {q['rows']:,} | {q['ox_ms']:.1f} | {f'{rd:.1f}' if rd else 'not run'} | {ratio} | {same} |"
            )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--rdflib-max", type=int, default=1000, help="largest size to also run on rdflib")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("-o", "--output", type=Path, default=ROOT / "bench" / "RESULTS.md")
    args = parser.parse_args(argv)
    context = seed_context()
    results = []
    for n in args.sizes:
        print(f"{n:,} controllers ...", file=sys.stderr)
        results.append(run_size(n, context, args.repeat, n <= args.rdflib_max))
    args.output.write_text(report(results), "utf-8")
    print(f"wrote {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
