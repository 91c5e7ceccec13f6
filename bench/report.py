"""bench/RESULTS.md from the runner's figures: every figure beside rdflib's, ratios, targets."""

from __future__ import annotations

import math
from typing import Any

from bench.measure import MEMORY_LIMIT

GIB = 2**30


def _s(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:.2f} s" if value < 100 else f"{value:.0f} s"


def _ms(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:.1f}" if value < 1000 else f"{value:,.0f}"


def _gb(value: int | None) -> str:
    return "–" if not value else f"{value / GIB:.2f} GB"


def _ratio(slow: float | None, fast: float | None, bound: bool = False, fast_bound: bool = False) -> str:
    """slow / fast; "≥" when the slow one was stopped at its limit, nothing when the fast one was."""
    if not slow or not fast or fast_bound:
        return "–"
    ratio = slow / fast
    return f"{'≥ ' if bound else ''}{ratio:,.0f}×" if ratio >= 10 else f"{'≥ ' if bound else ''}{ratio:.1f}×"


def _engine(m: dict[str, Any] | None, key: str = "seconds") -> tuple[str, float | None, bool]:
    """A measured piece as (text, seconds, is a lower bound)."""
    if not m:
        return "not run", None, False
    if m.get("out_of_memory"):
        return f"> {MEMORY_LIMIT / GIB:.0f} GB memory (stopped)", None, False
    if m.get("timed_out"):
        return f"> {m['limit']:.0f} s (stopped)", float(m["limit"]), True
    if m.get("error"):
        return f"failed: {m['error']}", None, False
    value = m["result"].get(key)
    return _s(value), value, False


def _question_cell(q: dict[str, Any] | None, limit: float) -> tuple[str, float | None, bool]:
    if q is None:
        return "not run", None, False
    if q.get("ms") is None:
        return f"> {limit:.0f} s", limit * 1000, True
    return _ms(q["ms"]), q["ms"], False


def _slowest(questions: dict[str, Any], key: str) -> tuple[str, float] | None:
    """(name, milliseconds) of the slowest question by ``key`` (a stopped one counts as infinite)."""
    timed = [(name, q.get(key) or math.inf) for name, q in questions.items() if key in q]
    return max(timed, key=lambda t: t[1]) if timed else None


def targets(results: list[dict[str, Any]]) -> list[tuple[str, str, str]]:
    """(target, measured, pass/fail) for each target of the issue that this run measured."""
    by_n = {r["controllers"]: r for r in results}
    rows: list[tuple[str, str, str]] = []

    def verdict(ok: bool | None) -> str:
        return "–" if ok is None else ("pass" if ok else "**fail**")

    for n, limit in ((10_000, 100.0), (100_000, 1000.0)):
        if n in by_n:
            ox = by_n[n]["questions"]["oxigraph"]
            page = _slowest(ox, "page_ms")
            full = _slowest(ox, "ms")
            ok = None if page is None else page[1] <= limit
            stopped = f"> {by_n[n]['question_limit']:.0f} s, stopped"

            def shown(ms: float) -> str:
                return stopped if ms == math.inf else f"{_ms(ms)} ms"  # noqa: B023

            text = f"first page (1,000 rows): slowest {shown(page[1])} ({page[0]})" if page else "not run"
            if page:
                slow = sorted((q.get("page_ms") or math.inf, name) for name, q in ox.items())
                late = [f"{name} {shown(ms)}" for ms, name in reversed(slow) if ms > limit]
                text += f", {len(late)} of {len(ox)} over {limit:.0f} ms" + (f" ({', '.join(late)})" if late else "")
                first = [(q.get("plain_page_ms") or math.inf, name) for name, q in ox.items() if q.get("kept")]
                if first:
                    ms, name = max(first)
                    text += f"; kept answers, first ask after a build: slowest {shown(ms)} ({name})"
            if full:
                over = sum(1 for q in ox.values() if (q.get("ms") or math.inf) > limit)
                text += f"; whole answer: slowest {shown(full[1])} ({full[0]}), "
                text += f"{over} of {len(ox)} over {limit:.0f} ms"
            checked = [q["page_same"] for q in ox.values() if q.get("page_same") is not None]
            if checked:
                text += f"; keyed and kept pages equal to LIMIT pages: {sum(checked)} of {len(checked)}"
                ok = ok and all(checked)
            rows.append((f"every saved question ≤ {limit:.0f} ms median at {n:,}", text, verdict(ok)))
    r = by_n.get(10_000)
    if r and r["questions"].get("rdflib"):
        for key, digest, what in (
            ("page_ms", "page_digest", "first page (1,000 rows, as the app asks; rdflib: the LIMIT query)"),
            ("ms", "digest", "whole answer"),
        ):
            text, ok = _versus_rdflib(r, key, digest)
            if text:
                rows.append((f"≥ 30× faster than rdflib at 10,000, identical answers: {what}", text, verdict(ok)))
    r = by_n.get(100_000)
    if r:
        text, seconds, _ = _engine(r["build"])
        peak = (r["build"] or {}).get("peak_bytes")
        ok = None if seconds is None or not peak else seconds <= 300 and peak <= 8 * GIB
        rows.append(("build of 100,000 ≤ 5 min and ≤ 8 GB", f"{text}, {_gb(peak)}", verdict(ok)))
    r = by_n.get(10_000)
    if r:
        text, seconds, _ = _engine(r["validate"])
        rows.append(("validation of 10,000 ≤ 30 s", text, verdict(None if seconds is None else seconds <= 30)))
    r = by_n.get(100_000)
    if r:
        text, seconds, _ = _engine(r["app"], "overview_s")
        app = (r["app"] or {}).get("result") or {}
        if "counting_s" in app:
            text += (
                f" (the build's summary kept; {_s(app['counting_s'])} on the first overview after a build, which"
                f" counts it; figures counted and kept {'equal' if app.get('same_metrics') else 'DIFFER'})"
            )
        ok = None if seconds is None else seconds <= 3 and app.get("same_metrics", True)
        rows.append(("app overview ≤ 3 s at 100,000", text, verdict(ok)))
    return rows


def _versus_rdflib(r: dict[str, Any], key: str, digest: str) -> tuple[str, bool | None]:
    """The ratios rdflib / Oxigraph of one figure over the saved questions: the least measured,
    the questions where rdflib was stopped too soon to show 30×, the geometric mean (a stopped
    rdflib counted at its limit), and whether every answer both gave is the same."""
    limit_ms = r["question_limit"] * 1000
    measured: list[tuple[float, str]] = []
    bounds: list[tuple[float, str]] = []
    same = True
    for name, q in r["questions"]["oxigraph"].items():
        rq = (r["questions"].get("rdflib") or {}).get(name)
        if not rq or key not in rq or not q.get(key):
            continue
        if rq[key] is None:
            bounds.append((limit_ms / q[key], name))
        else:
            measured.append((rq[key] / q[key], name))
            same = same and rq.get(digest) == q.get(digest)
    every = measured + bounds
    if not every:
        return "", None
    mean = math.exp(sum(math.log(x) for x, _ in every) / len(every))
    parts = []
    if measured:
        least, name = min(measured)
        slow = [f"{n} {x:.1f}×" for x, n in sorted(measured) if x < 30]
        parts.append(
            f"least {least:,.1f}× ({name}) of {len(measured)} measured"
            + (f", {len(slow)} under 30× ({', '.join(slow)})" if slow else "")
        )
    short = [n for x, n in bounds if x < 30]
    if bounds:
        parts.append(
            f"{len(bounds)} with rdflib stopped at {r['question_limit']:.0f} s"
            + (f" ({len(short)} too soon to show 30×: {', '.join(sorted(short))})" if short else " (all ≥ 30×)")
        )
    parts.append(f"geometric mean {'≥ ' if bounds else ''}{mean:,.0f}×")
    parts.append("answers identical" if same else "answers DIFFER")
    if not same or any(x < 30 for x, _ in measured):
        return "; ".join(parts), False
    return "; ".join(parts), None if short else True


def report(results: list[dict[str, Any]], machine: dict[str, Any], draft: dict[str, Any] | None) -> str:
    m = machine
    lines = [
        "# Benchmark results",
        "",
        f"Measured {m['date']} on {m['cpu']}, {m['cores']} cores, {m['memory_gib']} GiB, {m['os']}; Python "
        f"{m['python']}, pyoxigraph {m['pyoxigraph']}, rdflib {m['rdflib']}. Load average at the start: "
        f"{m['load']:.1f} (other work shares this machine: absolute times are noisy, the ratios measured in "
        "the same run hold). Command: `"
        + m.get("command", "python -m bench.run --sizes " + " ".join(str(r["controllers"]) for r in results))
        + "`."
        + (f" {m['note']}" if m.get("note") else ""),
        "",
        "The data: `bench/synthetic.py` (seed 7) writes N controllers as curated records and policy texts; "
        "the **build** row is the real `ingest.build` on them (records -> checked -> TriG, with every evidence "
        "annotation, about 20 quads per quoted value). The other rows use the same records mapped by the same "
        "mapping **without evidence annotations and policy texts** (the graph the questions, the "
        "validation and the overview page read; what the issue's figures count), plus the DPV, ontology, "
        "reference and inferred graphs. rdflib is rdflib's in-memory store, in its own process, stopped at "
        "its time limit.",
        "",
        "## Targets",
        "",
        "| target | measured | |",
        "|---|---|---|",
    ]
    lines += [f"| {t} | {v} | {ok} |" for t, v, ok in targets(results)]
    lines += ["", "## Build, load, validation, app", ""]
    lines += [
        "| controllers | quads (build / without evidence) | build | build peak memory | rdflib build | ratio |"
        " load (Oxigraph) | load (rdflib) | ratio |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        b = (r["build"] or {}).get("result", {})
        bt, bs, bbound = _engine(r["build"])
        rt, rs, rbound = _engine(r["rdflib_build"])
        ox_load = r["questions"]["oxigraph_load_s"]
        rd = r["questions"].get("rdflib_load_s")
        lines.append(
            f"| {r['controllers']:,} | {b.get('quads', 0):,} / {r['core_quads']:,} | {bt} | "
            f"{_gb((r['build'] or {}).get('peak_bytes'))} | {rt} | {_ratio(rs, bs, rbound, bbound)} | {_s(ox_load)} | "
            f"{_s(rd) if rd else r['questions'].get('rdflib_status', 'not run')} | {_ratio(rd, ox_load)} |"
        )
    lines += [
        "",
        "| controllers | validation (`ropakg.validate`) | pySHACL (rdflib) | ratio | findings (ours / pySHACL) |"
        " app: first view incl. loading | app: overview, graph loaded | app: overview counting the summary |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        vt, vs, vbound = _engine(r["validate"])
        pt, ps, pbound = _engine(r["pyshacl"])
        vf = (r["validate"] or {}).get("result", {}).get("findings", "–")
        pf = (r["pyshacl"] or {}).get("result", {}).get("findings", "–")
        at, _, _ = _engine(r["app"], "first_s")
        ot, _, _ = _engine(r["app"], "overview_s")
        # Results from before the summary was kept have no such figure.
        kept = "counting_s" in ((r["app"] or {}).get("result") or {})
        ct = _engine(r["app"], "counting_s")[0] if kept else "–"
        lines.append(
            f"| {r['controllers']:,} | {vt} | {pt} | {_ratio(ps, vs, pbound, vbound)} | {vf} / {pf} | {at} | {ot} "
            f"| {ct} |"
        )
    cpu = [
        f"{r['controllers']:,}: {r['build']['result']['cpu_s']:.0f} s"
        for r in results
        if r.get("build") and "cpu_s" in r["build"].get("result", {})
    ]
    lines += ["", "Peak memory: the largest sum of resident memory of the build process and its workers."]
    if cpu:
        lines[-1] += f" Build CPU time, all processes: {', '.join(cpu)} (alone on the machine: about CPU time / cores)."
    lines.append("")
    lines += ["## Draft", ""]
    if draft and draft.get("result", {}).get("available"):
        d = draft["result"]
        lines.append(
            f"`ropa draft` extractor: {d['policies'] / d['cpu_s']:.1f} policies per second per core "
            f"({d['policies']} synthetic policies, {d['cpu_s']:.2f} s CPU). On real policies: "
            "`python -m bench.drafting`, its section at the end of this file."
        )
    else:
        lines.append("`ingest.draft.draft_text` is not available in this tree: no figure.")
    for r in results:
        lines += _questions(r)
    return "\n".join(lines) + "\n"


def _questions(r: dict[str, Any]) -> list[str]:
    q = r["questions"]
    limit = r["question_limit"]
    lines = [
        "",
        f"## Saved questions at {r['controllers']:,} controllers",
        "",
        f"Median of {r['repeat']} runs on Oxigraph in memory and of {min(3, r['repeat'])} through "
        f"rdflib's `Dataset.query` (in memory, stopped after {limit:.0f} s; no more runs once they add up to that)"
        + (
            f"; a question answered quickly is run again until its runs add up to {quick:g} s (at most 50 runs), "
            "on both engines alike. "
            if (quick := r.get("quick_seconds"))
            else ". "
        )
        + "**First page**: `kg.rows(name, limit=1000)`, what the app and a notebook ask for "
        "(only the page is converted): built key by key for questions that declare `page-by` "
        "(`ropakg.paging`); for the aggregates that declare `kept: build` (marked *kept*), a slice of the whole "
        "answer, computed on the first ask after a build and kept beside it (`ropakg.kept`; the first of the runs "
        "computes it); otherwise the engine "
        "evaluates and sorts the whole answer and applies LIMIT; **LIMIT page**: the same page with the engine's "
        "LIMIT, run once unless quick (for a kept question, what its first ask after a build costs), and "
        "whether it has the same rows in the same order. **rdflib LIMIT page**: the question with LIMIT 1000 "
        "through rdflib, and whether its rows, as text, are the Oxigraph first page's in the same order. "
        "**Whole answer**: every row as Python values: `kg.answer(name)` (built key by key, batches evaluated "
        "at once, for questions that declare `page-by`, unless they say `whole-answer: one-query`; read from "
        "the engine's TSV; for a kept question, computed, not read from where it is kept), and rdflib's rows with "
        "`toPython()` of each value. Same answer: the sorted rows of the whole answer, as text, are equal."
        + (
            " The controllers and recipients in name order"
            + (
                f", and the keyed forms' {q['oxigraph_tables']} "
                + ("table" if q["oxigraph_tables"] == 1 else "tables")
                + " (`#+ table`),"
                if q.get("oxigraph_tables")
                else ","
            )
            + f" which keyed pages read once per loaded graph, took {_ms(q['oxigraph_index_ms'])} ms."
            if q.get("oxigraph_index_ms") is not None
            else ""
        ),
        "",
        "| question | rows | Oxigraph first page (ms) | LIMIT page (ms) | same page | rdflib LIMIT page (ms) | ratio"
        " | same page | Oxigraph whole answer (ms) | rdflib whole answer (ms) | ratio | same answer |",
        "|---|---:|---:|---:|:---:|---:|---:|:---:|---:|---:|---:|:---:|",
    ]
    for name, ox in sorted(q["oxigraph"].items()):
        rq = (q.get("rdflib") or {}).get(name)
        ot, om, _ = _question_cell(ox, limit)
        pt, _, _ = _question_cell({"ms": ox.get("page_ms")} if "page_ms" in ox else None, limit)
        rt, rm, bound = _question_cell(rq, limit) if q.get("rdflib") else ("not run", None, False)
        if om is None:
            ot = "failed"
        same = "–" if not rq or rq.get("ms") is None else ("yes" if rq.get("digest") == ox.get("digest") else "NO")
        rows = f"{ox['rows']:,}" if "rows" in ox else "–"
        if "plain_page_ms" in ox:
            lt = _question_cell({"ms": ox["plain_page_ms"]}, limit)[0]
            same_page = {True: "yes", False: "NO", None: "–"}[ox.get("page_same")]
        else:
            lt, same_page = "(same)", "–"
        if ox.get("kept"):
            pt += " (kept)"
        # rdflib's LIMIT page (runs from before it was measured have none)
        if rq and "page_ms" in rq:
            rpt, rpm, rpbound = _question_cell({"ms": rq["page_ms"]}, limit)
            page_ratio = _ratio(rpm, ox.get("page_ms"), rpbound)
            equal = rq.get("page_digest") == ox.get("page_digest")
            rsame = "–" if rq["page_ms"] is None else ("yes" if equal else "NO")
        else:
            rpt, page_ratio, rsame = "not run", "–", "–"
        lines.append(
            f"| {name} | {rows} | {pt} | {lt} | {same_page} | {rpt} | {page_ratio} | {rsame} | {ot} | {rt} | "
            f"{_ratio(rm, om, bound)} | {same} |"
        )
    return lines
