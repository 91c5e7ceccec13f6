"""Benchmark: build, load, saved questions, validation, draft and the app on synthetic
sectors of N controllers, each figure beside rdflib's in-memory figure measured in the
same run where rdflib finishes in reasonable time; results go to bench/RESULTS.md.

    python -m bench.run --sizes 1000 10000 100000

Per size: write the synthetic records and policies (``bench.synthetic``); time the real
build (``ingest.build``) and the rdflib path; write the graph without evidence and load
it into Oxigraph and into rdflib; run every saved question on both and compare the
answers; validate (``ropakg.validate``, and pySHACL on rdflib); render the app's overview
page (Streamlit AppTest). Every piece runs in its own process (``bench.probes``) with a
time limit; a piece of rdflib past its limit is reported as "> limit".
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from bench import sections, synthetic
from bench.measure import MEMORY_LIMIT, Measured, machine, probe
from bench.report import report
from ropakg.paths import Paths

ROOT = Path(__file__).resolve().parent.parent
STEPS = ("records", "build", "rdflib build", "graph", "Oxigraph", "rdflib", "validation", "pySHACL", "app")


def _figures(m: Measured | None, limit: float) -> dict[str, Any] | None:
    if m is None:
        return None
    return {
        "seconds": m.seconds,
        "peak_bytes": m.peak_bytes,
        "result": m.result,
        "timed_out": m.timed_out,
        "error": m.error,
        "out_of_memory": m.out_of_memory,
        "limit": limit,
    }


def _stopped(m: Measured, limit: float) -> str:
    if m.out_of_memory:
        return f"> {MEMORY_LIMIT / 2**30:.0f} GB (stopped)"
    return f"> {limit:.0f} s (stopped)" if m.timed_out else f"failed: {m.error}"


def run_size(n: int, work: Path, args: argparse.Namespace, step: Any) -> dict[str, Any]:
    """Every figure for a sector of ``n`` controllers (``step(name)`` reports progress)."""
    root = work / f"sector-{n}"
    with_rdflib = n <= args.rdflib_max
    out: dict[str, Any] = {
        "controllers": n,
        "question_limit": args.question_limit,
        "repeat": args.repeat,
        "quick_seconds": args.quick_seconds,
    }

    step("records", out)
    started = time.perf_counter()
    paths = synthetic.write_project(root, n, args.seed, workers=args.workers)
    out["generate_s"] = time.perf_counter() - started

    step("build", out)
    out["build"] = _figures(
        probe("build", str(root), str(paths.build_dir), timeout=args.build_timeout), args.build_timeout
    )
    if not args.keep:
        paths.dataset.unlink(missing_ok=True)
    step("rdflib build", out)
    rdflib_out = root / "rdflib-build.trig"
    out["rdflib_build"] = (
        _figures(probe("rdflib-build", str(root), str(rdflib_out), timeout=args.rdflib_timeout), args.rdflib_timeout)
        if with_rdflib
        else None
    )
    rdflib_out.unlink(missing_ok=True)

    step("graph", out)
    core = Paths.default(root, root / "without-evidence")
    out["core_records"], _, out["core_quads"] = synthetic.write_dataset(core, n, args.seed)
    params = json.dumps(synthetic.question_params(n, args.seed))

    step("Oxigraph", out)
    limit = str(args.question_limit)
    ox = probe(
        "queries",
        "oxigraph",
        str(core.dataset),
        str(root),
        str(args.repeat),
        limit,
        params,
        str(args.quick_seconds),
        timeout=args.build_timeout * 4,
    )
    questions: dict[str, Any] = {
        "oxigraph": ox.result.get("queries", {}),
        "oxigraph_load_s": ox.result.get("load_s"),
        "oxigraph_index_ms": ox.result.get("index_ms"),
        "oxigraph_tables": ox.result.get("tables"),
        "oxigraph_peak_bytes": ox.peak_bytes,
        "oxigraph_error": ox.error,
    }
    step("rdflib", out)
    if with_rdflib:
        overall = args.rdflib_timeout + 120 * args.question_limit  # a whole answer and a page per question
        rd = probe(
            "queries",
            "rdflib",
            str(core.dataset),
            str(root),
            str(args.repeat),
            limit,
            params,
            str(args.quick_seconds),
            timeout=overall,
        )
        questions.update(
            rdflib=rd.result.get("queries"), rdflib_load_s=rd.result.get("load_s"), rdflib_peak_bytes=rd.peak_bytes
        )
        if not rd.ok:
            questions["rdflib_status"] = _stopped(rd, overall)
    out["questions"] = questions

    step("validation", out)
    out["validate"] = _figures(
        probe("validate", str(root), str(core.build_dir), timeout=args.rdflib_timeout), args.rdflib_timeout
    )
    step("pySHACL", out)
    shapes = str(ROOT / "ontology" / "shapes.ttl")
    out["pyshacl"] = (
        _figures(probe("pyshacl", str(core.dataset), shapes, timeout=args.rdflib_timeout), args.rdflib_timeout)
        if with_rdflib
        else None
    )
    if args.draft_policies and not args.draft_done:
        out["draft"] = _figures(probe("draft", str(root), str(args.draft_policies), timeout=600), 600)
        args.draft_done = True
    step("app", out)
    out["app"] = _figures(probe("app", str(root), str(core.build_dir), timeout=args.build_timeout), args.build_timeout)
    if not args.keep:
        shutil.rmtree(root, ignore_errors=True)
    return out


def _write(output: Path, text: str) -> None:
    """Write the report, carrying over the sections other benchmarks wrote into the old file."""
    kept = sections.kept_sections(output)
    output.write_text(text.rstrip("\n") + "\n\n" + kept if kept else text, "utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--rdflib-max", type=int, default=10000, help="largest size to also run on rdflib")
    parser.add_argument(
        "--rdflib-timeout", type=float, default=600, help="seconds for an rdflib build, load or validation"
    )
    parser.add_argument("--question-limit", type=float, default=60, help="seconds for one question on rdflib")
    parser.add_argument("--build-timeout", type=float, default=1800)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--quick-seconds",
        type=float,
        default=0.25,
        help="repeat a question's timing until its runs add up to this (at most 50 runs)",
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--workers", type=int, default=2, help="processes writing the synthetic records")
    parser.add_argument("--draft-policies", type=int, default=200, help="policies to draft (0: none)")
    parser.add_argument("--work", type=Path, help="folder for the synthetic projects (default: a temporary one)")
    parser.add_argument("--keep", action="store_true", help="keep the synthetic projects and builds")
    parser.add_argument("-o", "--output", type=Path, default=ROOT / "bench" / "RESULTS.md")
    parser.add_argument(
        "--report",
        type=Path,
        help="only write the report again from this results JSON "
        "(a stopped run's .partial.json: the sizes that finished)",
    )
    args = parser.parse_args(argv)
    args.draft_done = False
    if args.report:
        saved = json.loads(args.report.read_text("utf-8"))
        # A run's .partial.json ends with the size it was measuring when it stopped: the
        # report has the sizes that finished (their last step, the app, measured).
        done = [r for r in saved["results"] if "app" in r]
        if not done:
            print(f"{args.report}: no size finished in this run; nothing to report", file=sys.stderr)
            return 2
        draft = saved.get("draft") or next((r["draft"] for r in done if r.get("draft")), None)
        _write(args.output, report(done, saved["machine"], draft))
        return 0

    info = machine()
    info["command"] = " ".join(["python -m bench.run", *(sys.argv[1:] if argv is None else argv)])
    results: list[dict[str, Any]] = []
    draft: dict[str, Any] | None = None
    work = args.work or Path(tempfile.mkdtemp(prefix="ropa-bench-"))
    columns = (TextColumn("{task.description}"), BarColumn(), TextColumn("{task.fields[step]}"), TimeElapsedColumn())
    with Progress(*columns, transient=False) as progress:
        for n in args.sizes:
            task = progress.add_task(f"{n:,} controllers", total=len(STEPS), step="")

            def step(name: str, partial: dict[str, Any], task: Any = task) -> None:
                progress.update(task, advance=0 if name == STEPS[0] else 1, step=name)
                # the figures so far, in case the run is stopped before this size ends
                args.output.with_suffix(".partial.json").write_text(
                    json.dumps({"machine": info, "results": [*results, partial]}, indent=1), "utf-8"
                )

            results.append(run_size(n, work, args, step))
            progress.update(task, advance=1, step="done")
            draft = draft or results[-1].get("draft")
            _write(args.output, report(results, info, draft))
            args.output.with_suffix(".json").write_text(
                json.dumps({"machine": info, "draft": draft, "results": results}, indent=1), "utf-8"
            )
    args.output.with_suffix(".partial.json").unlink(missing_ok=True)
    if not args.work and not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    print(f"wrote {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
