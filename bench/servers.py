"""Benchmark: the same synthetic dataset pushed to the Oxigraph server and to Virtuoso,
and every saved question asked there, answers compared with the embedded store's.

    python -m bench.servers --size 10000        # writes bench/RESULTS-servers.md

Both servers run on loopback with fresh temporary databases. The dataset (N synthetic
controllers from ``bench/synthetic.py`` plus the seed build's DPV, ontology, reference
and inferred graphs) goes in with ``ropa push`` (Graph Store Protocol, one PUT per named
graph; Digest authentication on Virtuoso), and, for comparison, with Virtuoso's bulk
loader into a second fresh Virtuoso. Each question runs once to get the answer compared
(:func:`ropakg.answers.difference`), then ``repeat`` times for the median latency. The
embedded store's latency is measured in the same run.
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from bench.synthetic import write
from ropakg.answers import difference
from ropakg.api import GraphAPI, Rows
from ropakg.errors import RopaError
from ropakg.graphstore import push
from ropakg.paths import Paths
from ropakg.queries import SavedQuery, library
from ropakg.remote import RemoteGraph
from ropakg.server import Oxigraph, oxigraph_version
from ropakg.store import KnowledgeGraph
from ropakg.virtuoso import Virtuoso, virtuoso_version

ROOT = Path(__file__).resolve().parent.parent
QUERY_TIMEOUT = 3600
SLOW_S = 5.0  # a question whose first run takes longer is not repeated
SHARED_GRAPHS = ("dpv", "ontology", "reference", "inferred")


def seed_context() -> bytes:
    """The vocabulary/ontology/reference/inferred graphs of the seed build, as N-Quads."""
    from ingest.build import build
    from ropakg.namespaces import GRAPH

    with tempfile.TemporaryDirectory() as tmp:
        paths = Paths.default(ROOT, tmp)
        build(paths)
        store = ox.Store()
        store.load(path=str(paths.dataset), format=ox.RdfFormat.TRIG)
    keep = {ox.NamedNode(str(GRAPH[g])) for g in SHARED_GRAPHS}
    quads = [q for q in store.quads_for_pattern(None, None, None) if q.graph_name in keep]
    return ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b""


def dataset(n: int) -> tuple[ox.Store, bytes]:
    """The embedded store of ``n`` synthetic controllers with the seed context, and its N-Quads."""
    data = io.StringIO()
    write(n, data)
    payload = seed_context() + data.getvalue().encode("utf-8")
    store = ox.Store()
    store.load(payload, format=ox.RdfFormat.N_QUADS)
    return store, payload


def ask(graph: GraphAPI, question: SavedQuery, repeat: int) -> tuple[Rows | str, float | None, int]:
    """The answer (or the error), the median latency in ms and the number of timed runs.

    The first run gives the answer; ``repeat`` timed runs follow, or one (the first)
    when it took longer than ``SLOW_S``.
    """
    bound = question.bind({})
    try:
        started = time.perf_counter()
        answer = graph.select(question.text, bound)
        times = [(time.perf_counter() - started) * 1000]
        if times[0] < SLOW_S * 1000:
            times = []
            for _ in range(repeat):
                started = time.perf_counter()
                graph.select(question.text, bound)
                times.append((time.perf_counter() - started) * 1000)
    except RopaError as exc:
        return f"error: {exc}", None, 0
    print(f"    {question.name}: {statistics.median(times):,.0f} ms", file=sys.stderr, flush=True)
    return answer, statistics.median(times), len(times)


def on_server(
    label: str, store: ox.Store, server: Oxigraph | Virtuoso, local: dict[str, Rows | str], repeat: int
) -> dict[str, Any]:
    """Push to a running server, then ask every saved question there."""
    credentials = {"user": server.user, "password": server.password} if isinstance(server, Virtuoso) else {}
    started = time.perf_counter()
    sent = push(store, server.graph_store, **credentials)
    out: dict[str, Any] = {"label": label, "push_s": time.perf_counter() - started, "graphs": len(sent)}
    out["triples"] = sum(sent.values())
    remote = RemoteGraph(server.endpoint, queries_dir=ROOT / "queries", timeout=QUERY_TIMEOUT)
    out["queries"] = {}
    for name, question in library(ROOT / "queries").items():
        answer, ms, _ = ask(remote, question, repeat)
        expected = local[name]
        if isinstance(answer, str) or isinstance(expected, str):
            diff = answer if isinstance(answer, str) else "the embedded store failed"
        else:
            diff = difference(question.text, expected, answer)
        out["queries"][name] = {"ms": ms, "diff": diff}
    return out


def bulk_load(payload: bytes) -> dict[str, Any]:
    """Virtuoso's bulk loader into a fresh server: seconds, and the quads it then holds."""
    with Virtuoso(memory_mb=2048) as server:
        assert server.directory is not None
        path = Path(tempfile.mkdtemp(dir=server.directory)) / "dataset.nq"
        path.write_bytes(payload)
        started = time.perf_counter()
        server.bulk_load(path)
        seconds = time.perf_counter() - started
        remote = RemoteGraph(server.endpoint, timeout=QUERY_TIMEOUT)
        _, rows = remote.select(
            "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } FILTER(STRSTARTS(STR(?g), STR(ropa-graph:))) }"
        )
        return {"seconds": seconds, "quads": int(rows[0][0].value)}


def measure(n: int, repeat: int = 3, bulk: bool = True) -> dict[str, Any]:
    store, payload = dataset(n)
    kg = KnowledgeGraph(store, Paths.default(ROOT))
    result: dict[str, Any] = {"controllers": n, "quads": len(store), "local": {}, "rows": {}, "servers": []}
    answers: dict[str, Rows | str] = {}
    for name, question in library(ROOT / "queries").items():
        answer, result["local"][name], _ = ask(kg, question, repeat)
        answers[name] = answer
        result["rows"][name] = "error" if isinstance(answer, str) else f"{len(answer[1]):,}"
    print(f"  embedded store: {len(answers)} questions", file=sys.stderr)
    with Oxigraph(timeout_s=QUERY_TIMEOUT) as oxigraph:
        result["servers"].append(on_server("Oxigraph server", store, oxigraph, answers, repeat))
    print("  Oxigraph server done", file=sys.stderr)
    result["virtuoso"] = virtuoso_version()
    if result["virtuoso"]:
        with Virtuoso(memory_mb=2048) as virtuoso:
            result["servers"].append(on_server("Virtuoso", store, virtuoso, answers, repeat))
        print("  Virtuoso done", file=sys.stderr)
        if bulk:
            result["bulk"] = bulk_load(payload)
    return result


def _ms(value: float | None) -> str:
    return "–" if value is None else f"{value:,.1f}"


def report(r: dict[str, Any]) -> str:
    servers = r["servers"]
    lines = [
        f"## Servers at {r['controllers']:,} controllers ({r['quads']:,} quads)",
        "",
        f"Machine: {platform.machine()}, Python {platform.python_version()}, pyoxigraph {ox.__version__}; "
        f"{oxigraph_version()} server (PyPI `oxigraph`); "
        + (f"Virtuoso Open Source {r['virtuoso']} (Debian)." if r["virtuoso"] else "Virtuoso is not installed.")
        + " Servers on loopback with fresh databases; latency is the median of repeated runs after one "
        "run whose answer is compared with the embedded store's (docs/servers.md lists what the comparison "
        f"forgives: representation only); a question whose first run took over {SLOW_S:.0f} s is timed by "
        f"that run alone. Load average when the run ended: {os.getloadavg()[0]:.1f} "
        f"on {os.cpu_count()} cores.",
        "",
        "| loading | graphs | triples | seconds | triples/s |",
        "|---|---:|---:|---:|---:|",
    ]
    for s in servers:
        lines.append(
            f"| `ropa push` to {s['label']} (Graph Store Protocol) | {s['graphs']:,} | {s['triples']:,} | "
            f"{s['push_s']:.1f} | {s['triples'] / s['push_s']:,.0f} |"
        )
    if "bulk" in r:
        b = r["bulk"]
        lines.append(
            f"| Virtuoso bulk loader (`ld_dir` + `rdf_loader_run`) | – | {b['quads']:,} | {b['seconds']:.1f} | "
            f"{b['quads'] / b['seconds']:,.0f} |"
        )
    head = "| question | rows | embedded (ms) |" + "".join(f" {s['label']} (ms) | same |" for s in servers)
    lines += ["", head, "|---|---:|---:|" + "---:|:---:|" * len(servers)]
    notes = []
    for name in sorted(r["local"]):
        cells = [name, r["rows"][name], _ms(r["local"][name])]
        for s in servers:
            q = s["queries"][name]
            cells += [_ms(q["ms"]), "yes" if q["diff"] is None else "**NO**"]
            if q["diff"] is not None:
                notes.append(f"- {s['label']}, `{name}`: {q['diff']}")
        lines.append("| " + " | ".join(cells) + " |")
    for s in servers:
        same = sum(q["diff"] is None for q in s["queries"].values())
        lines.append(f"\n{s['label']}: {same} of {len(s['queries'])} questions give the same answer.")
    if notes:
        lines += ["", "Differences:", "", *notes]
    return "\n".join(lines) + "\n"


def run(n: int, repeat: int = 3, bulk: bool = True) -> str:
    """Push ``n`` synthetic controllers to both servers, ask every question; a Markdown section.

    ``bulk`` also times Virtuoso's bulk loader on a second fresh Virtuoso.
    """
    return report(measure(n, repeat, bulk))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--size", type=int, default=10_000, help="synthetic controllers")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per question and server")
    parser.add_argument("-o", "--output", type=Path, default=ROOT / "bench" / "RESULTS-servers.md")
    args = parser.parse_args(argv)
    print(f"{args.size:,} controllers ...", file=sys.stderr)
    text = "# Benchmark: the same dataset on SPARQL servers\n\n" + run(args.size, args.repeat)
    args.output.write_text(text, "utf-8")
    print(f"wrote {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
