"""Benchmark: the query strategy, each rewrite measured beside the form it replaced.

    python -m bench.strategy [--size 10000] [--repeat 5] [-o bench/RESULTS.md]

On N synthetic controllers (``bench.synthetic``, without evidence, with the seed build's
DPV, ontology, reference and inferred graphs), each pair below is run on Oxigraph in
memory: the plain SPARQL an author would write first, and the form the saved questions
use. Both must give the same rows (checked); the section it writes into the output file
(between HTML-comment markers, the rest of the file left alone) gives the median of each
and the ratio. ``docs/performance.md`` explains each rewrite.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from bench.sections import write_section

ROOT = Path(__file__).resolve().parent.parent

# (what, the first form, the form the saved questions use)
PAIRS: list[tuple[str, str, str]] = [
    (
        "a concept or one under it: `skos:broader*` path / materialised `skos:broaderTransitive` "
        "(activities-by-legal-basis, dpv:Consent)",
        """SELECT DISTINCT ?activity ?legalBasis WHERE {
  ?activity a dpv:PersonalDataProcess ; dpv:hasLegalBasis ?legalBasis .
  ?legalBasis skos:broader* dpv:Consent }""",
        """SELECT DISTINCT ?activity ?legalBasis WHERE {
  { ?activity dpv:hasLegalBasis dpv:Consent . BIND(dpv:Consent AS ?legalBasis) }
  UNION { ?legalBasis skos:broaderTransitive dpv:Consent . ?activity dpv:hasLegalBasis ?legalBasis }
  ?activity a dpv:PersonalDataProcess }""",
    ),
    (
        "special categories: `VALUES` + `skos:broader*` / closure, each `VALUES` in its own subquery "
        "(special-category-data)",
        """SELECT DISTINCT ?activity ?personalData WHERE {
  VALUES ?top { dpv:SpecialCategoryPersonalData pd:Criminal }
  ?activity dpv:hasPersonalData ?personalData .
  ?personalData skos:broader* ?top }""",
        """SELECT DISTINCT ?activity ?personalData WHERE {
  { SELECT DISTINCT ?personalData WHERE {
      { SELECT ?personalData WHERE { VALUES ?personalData { dpv:SpecialCategoryPersonalData pd:Criminal } } }
      UNION { SELECT ?personalData WHERE {
                VALUES ?top { dpv:SpecialCategoryPersonalData pd:Criminal }
                ?personalData skos:broaderTransitive ?top } } } }
  ?activity dpv:hasPersonalData ?personalData }""",
    ),
    (
        "absence: `FILTER NOT EXISTS` / `MINUS` (activities-without-retention)",
        """SELECT ?activity WHERE {
  ?activity a dpv:PersonalDataProcess .
  FILTER NOT EXISTS { ?activity dpv:hasStorageCondition ?condition } }""",
        """SELECT ?activity WHERE {
  ?activity a dpv:PersonalDataProcess .
  MINUS { ?activity dpv:hasStorageCondition ?condition } }""",
    ),
    (
        "shared recipients: property path and `OPTIONAL` per row / names and countries joined as tables (recipients)",
        """SELECT ?controllerName ?activity ?recipientName ?country WHERE {
  ?activity dpv:hasDataController/dpv:hasName ?controllerName ; dpv:hasRecipient ?recipient .
  ?recipient dpv:hasName ?recipientName .
  OPTIONAL { ?recipient dpv:hasCountry ?country } }""",
        """SELECT ?controllerName ?activity ?recipientName ?country WHERE {
  ?activity dpv:hasRecipient ?recipient ; dpv:hasDataController ?controller .
  ?controller dpv:hasName ?controllerName .
  { SELECT ?recipient ?recipientName WHERE { ?recipient dpv:hasName ?recipientName } }
  OPTIONAL { { SELECT ?recipient ?country WHERE { ?recipient dpv:hasCountry ?country } } } }""",
    ),
    (
        "counting per country: `GROUP BY` over every activity-recipient row / `DISTINCT` pairs first "
        "(recipients-by-country)",
        """SELECT ?country (COUNT(DISTINCT ?recipient) AS ?recipients) (COUNT(DISTINCT ?controller) AS ?controllers)
WHERE { ?activity dpv:hasDataController ?controller ; dpv:hasRecipient ?recipient .
        ?recipient dpv:hasCountry ?country }
GROUP BY ?country""",
        """SELECT ?country (COUNT(DISTINCT ?recipient) AS ?recipients) (COUNT(DISTINCT ?controller) AS ?controllers)
WHERE { { SELECT DISTINCT ?controller ?recipient WHERE {
            ?activity dpv:hasDataController ?controller ; dpv:hasRecipient ?recipient } }
        { SELECT ?recipient ?country WHERE { ?recipient dpv:hasCountry ?country } } }
GROUP BY ?country""",
    ),
]


def _rows(store: ox.Store, text: str) -> list[tuple[str, ...]]:
    from ropakg.namespaces import PREFIXES

    result = store.query(text, prefixes=PREFIXES, use_default_graph_as_union=True)
    return sorted(tuple(str(v) for v in row) for row in result)  # type: ignore[union-attr]


def _median_ms(store: ox.Store, text: str, repeat: int) -> tuple[float, list[tuple[str, ...]]]:
    times, rows = [], []
    for _ in range(repeat):
        started = time.perf_counter()
        rows = _rows(store, text)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), rows


def measure(n: int, repeat: int = 5) -> dict[str, Any]:
    from bench.servers import dataset

    store, _ = dataset(n)
    out: dict[str, Any] = {"controllers": n, "quads": len(store), "repeat": repeat, "pairs": []}
    for what, before, after in PAIRS:
        before_ms, before_rows = _median_ms(store, before, repeat)
        after_ms, after_rows = _median_ms(store, after, repeat)
        out["pairs"].append(
            {
                "what": what,
                "before_ms": before_ms,
                "after_ms": after_ms,
                "rows": len(after_rows),
                "same": before_rows == after_rows,
            }
        )
        print(f"  {what.split(':')[0]}: {before_ms:,.0f} ms -> {after_ms:,.0f} ms", file=sys.stderr)
    return out


def report(r: dict[str, Any]) -> str:
    lines = [
        f"## Query strategy at {r['controllers']:,} controllers (`python -m bench.strategy`)",
        "",
        f"{r['quads']:,} quads on Oxigraph in memory; median of {r['repeat']} runs, rows converted to text. "
        "Each rewrite beside the form it replaced; both give the same rows.",
        "",
        "| rewrite: first form / saved questions' form | rows | first form (ms) | rewritten (ms) | ratio | same rows |",
        "|---|---:|---:|---:|---:|:---:|",
    ]
    for p in r["pairs"]:
        ratio = p["before_ms"] / p["after_ms"] if p["after_ms"] else float("inf")
        lines.append(
            f"| {p['what']} | {p['rows']:,} | {p['before_ms']:,.1f} | {p['after_ms']:,.1f} | {ratio:,.1f}× | "
            f"{'yes' if p['same'] else '**NO**'} |"
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--size", type=int, default=10_000, help="synthetic controllers")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("-o", "--output", type=Path, default=ROOT / "bench" / "RESULTS.md")
    args = parser.parse_args(argv)
    section = report(measure(args.size, args.repeat))
    write_section(args.output, "strategy", section)
    print(section)
    return 0


if __name__ == "__main__":
    sys.exit(main())
