"""Benchmark: draft throughput of the extractor, in policies per second on one core.

    python -m bench.drafting [--repeat 20] [-o bench/RESULTS.md]

The section it writes replaces its earlier one in the output file (between HTML-comment
markers) and leaves the rest of the file alone.

The corpus is every policy text the project carries (the seeds in data/policies and the
development set in data/devset/policies, when present), drafted in one process pinned to one
core, after a warm-up that loads the lexicons, the gazetteer and the language models. Typical
policies are 5-20 kB. Each figure is the median over ``--repeat`` rounds of the CPU time one
round over the corpus takes (the fastest round is shown beside it: on a shared machine the
median carries other work's interference). Three things are timed: drafting alone
(``draft_text``), writing the drafted record as YAML (``to_yaml``), and both end to end, a draft
and then its YAML, as ``ropa draft`` does. The target (100 policies per second per core) is
judged on drafting alone; the end-to-end figure is stated beside it.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from bench.sections import write_section

ROOT = Path(__file__).resolve().parent.parent
TARGET = 100.0  # policies per second per core
BEGIN = "<!-- bench.drafting -->"


def corpus() -> list[tuple[str, str]]:
    files = sorted((ROOT / "data" / "policies").glob("*.txt")) + sorted(
        (ROOT / "data" / "devset" / "policies").glob("*.txt")
    )
    return [(p.name, p.read_text("utf-8")) for p in files]


def _rounds(repeat: int, work: Any) -> list[float]:
    """CPU seconds of each of ``repeat`` runs of ``work()``."""
    out = []
    for _ in range(repeat):
        started = time.process_time()
        work()
        out.append(time.process_time() - started)  # CPU time: what one core spends, load or not
    return out


def measure(repeat: int = 20) -> dict[str, Any]:
    """Drafts per second over the corpus (one core), the time to write YAML, and both end to end."""
    from ingest.draft import draft_text
    from ingest.draft.output import to_yaml

    with contextlib.suppress(AttributeError, OSError):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core, honestly
    texts = corpus()
    drafts = [draft_text(t, file_name=n) for n, t in texts]  # warm-up
    for d in drafts:
        to_yaml(d)
    walls: list[float] = []

    def draft_all() -> None:
        wall = time.perf_counter()
        for name, text in texts:
            draft_text(text, file_name=name)
        walls.append(time.perf_counter() - wall)

    def write_all() -> None:
        for d in drafts:
            to_yaml(d)

    def both() -> None:
        for name, text in texts:
            to_yaml(draft_text(text, file_name=name))

    drafting = _rounds(repeat, draft_all)
    writing = _rounds(repeat, write_all)
    end_to_end = _rounds(repeat, both)
    n = len(texts)
    sizes = [len(t.encode("utf-8")) for _, t in texts]
    return {
        "policies": n,
        "bytes_median": int(statistics.median(sizes)),
        "bytes_min": min(sizes),
        "bytes_max": max(sizes),
        "per_second": n / statistics.median(drafting),
        "ms_per_policy": statistics.median(drafting) / n * 1000,
        "best_per_second": n / min(drafting),
        "worst_per_second": n / max(drafting),
        "yaml_ms_per_policy": statistics.median(writing) / n * 1000,
        "end_to_end_per_second": n / statistics.median(end_to_end),
        "end_to_end_ms_per_policy": statistics.median(end_to_end) / n * 1000,
        "wall_per_second": n / statistics.median(walls),
        "repeat": repeat,
    }


def report(r: dict[str, Any]) -> str:
    verdict = "meets" if r["per_second"] >= TARGET else "MISSES"
    both = "meets" if r["end_to_end_per_second"] >= TARGET else "misses"
    return "\n".join(
        [
            "## Draft throughput on real policies (`python -m bench.drafting`)",
            "",
            f"{r['policies']} real policies ({r['bytes_min']:,}–{r['bytes_max']:,} bytes, median "
            f"{r['bytes_median']:,}), drafted in one process pinned to one core; median of {r['repeat']} rounds "
            f"of CPU time (fastest round: {r['best_per_second']:.0f} per second, slowest "
            f"{r.get('worst_per_second', 0):.0f}; wall clock on this possibly "
            f"shared machine: {r['wall_per_second']:.0f} per second).",
            "",
            "| policies per second (one core) | ms per policy | writing YAML (ms per policy) "
            "| draft and write YAML (per second) | target |",
            "|---:|---:|---:|---:|---|",
            f"| {r['per_second']:.0f} | {r['ms_per_policy']:.1f} | {r['yaml_ms_per_policy']:.1f} | "
            f"{r['end_to_end_per_second']:.0f} ({r['end_to_end_ms_per_policy']:.1f} ms) | "
            f"≥ {TARGET:.0f}/s: {verdict} (drafting alone; draft and YAML together: {both}) |",
            "",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("-o", "--output", type=Path, default=ROOT / "bench" / "RESULTS.md")
    args = parser.parse_args(argv)
    section = report(measure(args.repeat))
    write_section(args.output, "drafting", section)
    print(section)
    return 0


if __name__ == "__main__":
    sys.exit(main())
