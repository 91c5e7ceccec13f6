"""Benchmark: draft throughput of the extractor, in policies per second on one core.

    python -m bench.drafting [--repeat 20] [-o bench/RESULTS.md]

The section it writes replaces its earlier one in the output file (between HTML-comment
markers) and leaves the rest of the file alone.

The corpus is every policy text the project carries (the seeds in data/policies and the
development set in data/devset/policies, when present), drafted in one process, after a
warm-up that loads the lexicons, the gazetteer and the language models. Typical policies
are 5-20 kB; the figure is reported overall and per size band. Writing the draft
(YAML or Turtle) is measured separately: it is not part of drafting.
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

ROOT = Path(__file__).resolve().parent.parent
TARGET = 100.0  # policies per second per core
BEGIN, END = "<!-- bench.drafting -->", "<!-- /bench.drafting -->"


def corpus() -> list[tuple[str, str]]:
    files = sorted((ROOT / "data" / "policies").glob("*.txt")) + sorted(
        (ROOT / "data" / "devset" / "policies").glob("*.txt")
    )
    return [(p.name, p.read_text("utf-8")) for p in files]


def measure(repeat: int = 20) -> dict[str, Any]:
    """Drafts per second over the corpus (one core), and the time to write YAML."""
    from ingest.draft import draft_text
    from ingest.draft.output import to_yaml

    with contextlib.suppress(AttributeError, OSError):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core, honestly
    texts = corpus()
    drafts = [draft_text(t, file_name=n) for n, t in texts]  # warm-up
    rounds, walls = [], []
    for _ in range(repeat):
        started, wall = time.process_time(), time.perf_counter()
        for name, text in texts:
            draft_text(text, file_name=name)
        rounds.append(time.process_time() - started)  # CPU time: what one core spends, load or not
        walls.append(time.perf_counter() - wall)
    per_round = statistics.median(rounds)
    started = time.perf_counter()
    for d in drafts:
        to_yaml(d)
    yaml_s = time.perf_counter() - started
    sizes = [len(t.encode("utf-8")) for _, t in texts]
    return {
        "policies": len(texts),
        "bytes_median": int(statistics.median(sizes)),
        "bytes_min": min(sizes),
        "bytes_max": max(sizes),
        "per_second": len(texts) / per_round,
        "ms_per_policy": per_round / len(texts) * 1000,
        "yaml_ms_per_policy": yaml_s / len(texts) * 1000,
        "wall_per_second": len(texts) / statistics.median(walls),
        "repeat": repeat,
    }


def report(r: dict[str, Any]) -> str:
    verdict = "meets" if r["per_second"] >= TARGET else "MISSES"
    return "\n".join(
        [
            "## Draft throughput on real policies (`python -m bench.drafting`)",
            "",
            f"{r['policies']} real policies ({r['bytes_min']:,}–{r['bytes_max']:,} bytes, median "
            f"{r['bytes_median']:,}), drafted in one process pinned to one core; median of {r['repeat']} rounds "
            f"of CPU time (wall clock on this possibly shared machine: {r['wall_per_second']:.0f} per second).",
            "",
            "| policies per second (one core) | ms per policy | writing YAML (ms per policy) | target |",
            "|---:|---:|---:|---|",
            f"| {r['per_second']:.0f} | {r['ms_per_policy']:.1f} | {r['yaml_ms_per_policy']:.1f} | "
            f"≥ {TARGET:.0f}/s: {verdict} |",
            "",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("-o", "--output", type=Path, default=ROOT / "bench" / "RESULTS.md")
    args = parser.parse_args(argv)
    section = f"{BEGIN}\n{report(measure(args.repeat))}{END}\n"
    old = args.output.read_text("utf-8") if args.output.exists() else "# Benchmark results\n\n"
    if BEGIN in old and END in old:
        new = old[: old.index(BEGIN)] + section + old[old.index(END) + len(END) + 1 :]
    else:
        new = old.rstrip("\n") + "\n\n" + section
    args.output.write_text(new, "utf-8")
    print(section)
    return 0


if __name__ == "__main__":
    sys.exit(main())
