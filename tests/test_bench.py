"""The benchmark's synthetic sector (records, policies, graphs) and its runner, on tiny sizes.

No test here times anything: the figures are the runner's business (bench/RESULTS.md).
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest

from bench import sector as generator
from bench import synthetic
from bench.sections import kept_sections, write_section
from ingest.build import build, check_records
from ingest.yamlines import load_yaml
from ropakg.namespaces import GRAPH, ROPA
from ropakg.paths import Paths
from ropakg.store import KnowledgeGraph


def _store(n: int, seed: int = 7) -> tuple[ox.Store, str]:
    buffer = io.StringIO()
    synthetic.write(n, buffer, seed)
    store = ox.Store()
    store.load(buffer.getvalue().encode("utf-8"), format=ox.RdfFormat.N_QUADS)
    return store, buffer.getvalue()


@pytest.fixture(scope="module")
def sector(tmp_path_factory: pytest.TempPathFactory) -> Paths:
    """A synthetic project of 30 controllers, built by the real build."""
    paths = synthetic.write_project(tmp_path_factory.mktemp("sector"), 30)
    build(paths)
    return paths


def test_same_seed_same_dataset() -> None:
    assert _store(20)[1] == _store(20)[1]
    assert _store(20)[1] != _store(20, seed=8)[1]


def test_same_seed_same_records_and_policies(tmp_path: Path) -> None:
    a, b, c = (synthetic.write_project(tmp_path / name, 12, seed) for name, seed in (("a", 7), ("b", 7), ("c", 8)))

    def files(p: Paths) -> dict[str, bytes]:
        return {f.name: f.read_bytes() for folder in (p.records, p.policies) for f in sorted(folder.iterdir())}

    assert files(a) == files(b)
    assert files(a) != files(c)
    assert len(list(a.records.glob("*.yaml"))) == len(list(a.policies.glob("*.txt"))) == 12


def test_records_are_written_as_generated(tmp_path: Path) -> None:
    paths = synthetic.write_project(tmp_path / "p", 5)
    processors = generator.pool(5)
    for c in range(5):
        record, text = generator.controller(c, processors)
        assert load_yaml(paths.records / f"synthetic-{c:06d}.yaml") == record
        assert (paths.policies / record["policy"]["file"]).read_text("utf-8") == text


def test_synthetic_records_pass_the_checks(sector: Paths) -> None:
    assert check_records(sector) == []


def test_shapes_of_a_tiny_dataset(seeds: Paths) -> None:
    store, _ = _store(30)
    kg = KnowledgeGraph(store, seeds)

    def per(kind: str, prop: str) -> list[int]:
        rows = kg.query(f"SELECT ?a (COUNT(?x) AS ?n) WHERE {{ ?a a dpv:PersonalDataProcess ; {prop} ?x }} GROUP BY ?a")
        assert len(rows) > 0, kind
        return list(rows["n"])

    activities = kg.query(
        "SELECT ?c (COUNT(?a) AS ?n) WHERE { ?c dpv:hasRecordOfActivity/dpv:hasProcess ?a } GROUP BY ?c", labels=False
    )
    assert len(activities) == 30 and activities["n"].between(3, 8).all()
    assert all(2 <= n <= 6 for n in per("personal data", "dpv:hasPersonalData"))
    assert all(1 <= n <= 3 for n in per("purposes", "dpv:hasPurpose"))
    outside = kg.query(
        "SELECT DISTINCT ?t WHERE { ?t a dpv:CrossBorderTransfer ; dpv:hasThirdCountry ?c }", labels=False
    )
    assert len(outside) > 0
    gaps = kg.query("SELECT DISTINCT ?a WHERE { ?a ropa:notStated ropa:RetentionField }", labels=False)
    assert len(gaps) > 0
    countries = kg.query("SELECT DISTINCT ?c WHERE { ?o a dpv:LegalEntity ; dpv:hasCountry ?c }", labels=False)
    codes = {c.rsplit("#", 1)[1] for c in countries["c"]}
    assert codes & set(generator.EEA) and codes & set(generator.ELSEWHERE)


def test_sub_processor_chains(sector: Paths) -> None:
    """An activity names a processor and the sub-processor it engages, both from the shared pool."""
    store = ox.Store()
    store.load(path=str(sector.dataset), format=ox.RdfFormat.TRIG)
    kg = KnowledgeGraph(store, sector)
    chains = kg.query(
        """SELECT ?a ?processor ?sub WHERE {
             ?a dpv:hasDataProcessor ?processor, ?sub .
             ?sub a dpv:DataSubProcessor . FILTER NOT EXISTS { ?processor a dpv:DataSubProcessor }
             ?processor dpv:hasName ?pn . ?sub dpv:hasName ?sn }""",
        labels=False,
    )
    assert len(chains) > 0
    shared = kg.query(
        "SELECT ?p (COUNT(DISTINCT ?c) AS ?n) WHERE { ?a dpv:hasDataController ?c ; dpv:hasDataProcessor ?p } "
        "GROUP BY ?p HAVING (COUNT(DISTINCT ?c) > 1)",
        labels=False,
    )
    assert len(shared) > 0


def test_graph_without_evidence_is_the_build_without_evidence(sector: Paths, tmp_path: Path) -> None:
    """The lighter graph of the query benchmarks comes from the same records and mapping."""
    core = Paths.default(sector.root, tmp_path / "core")
    records, _, _ = synthetic.write_dataset(core, 30)
    assert records == 30

    def policy_quads(path: Path) -> set[str]:
        store = ox.Store()
        store.load(path=str(path), format=ox.RdfFormat.TRIG)
        policy = [q for q in store if q.graph_name.value.startswith(str(GRAPH) + "synthetic-")]
        return {str(q) for q in policy}

    full, light = policy_quads(sector.dataset), policy_quads(core.dataset)
    assert light and light <= full
    evidence = f"<{ROPA.text}>"
    rest = {q for q in full - light if "/evidence/" not in q.split(" ")[0] and evidence not in q}
    assert rest == set()


def test_runner_end_to_end(tmp_path: Path) -> None:
    """The runner on 20 controllers, rdflib included: every section, identical answers."""
    from bench.run import main
    from ropakg.queries import library

    out = tmp_path / "RESULTS.md"
    args = [
        "--sizes",
        "20",
        "--repeat",
        "1",
        "--quick-seconds",
        "0",
        "--question-limit",
        "10",
        "--rdflib-timeout",
        "300",
    ]
    assert main([*args, "--draft-policies", "3", "--work", str(tmp_path / "work"), "-o", str(out)]) == 0
    text = out.read_text("utf-8")
    for section in (
        "## Targets",
        "## Build, load, validation, app",
        "## Draft",
        "## Saved questions at 20 controllers",
    ):
        assert section in text
    figures = json.loads(out.with_suffix(".json").read_text("utf-8"))
    (result,) = figures["results"]
    for piece in ("build", "rdflib_build", "validate", "pyshacl", "app"):
        assert result[piece]["error"] == "" and not result[piece]["timed_out"], (piece, result[piece])
    assert result["build"]["result"]["records"] == 20 and result["build"]["peak_bytes"] > 0
    ox_answers, rdflib_answers = result["questions"]["oxigraph"], result["questions"]["rdflib"]
    assert set(ox_answers) == set(rdflib_answers) == set(library(Path(__file__).parent.parent / "queries"))
    compared = [name for name, q in rdflib_answers.items() if q["ms"] is not None]
    assert len(compared) >= len(rdflib_answers) // 2
    assert [n for n in compared if rdflib_answers[n]["digest"] != ox_answers[n]["digest"]] == []
    # rdflib's LIMIT page is the first page the app gets from Oxigraph: same rows, same order.
    paged = [name for name, q in rdflib_answers.items() if q["page_ms"] is not None]
    assert len(paged) >= len(rdflib_answers) // 2
    assert [n for n in paged if rdflib_answers[n]["page_digest"] != ox_answers[n]["page_digest"]] == []
    for name in ox_answers:
        assert f"| {name} |" in text
    # Kept answers were read from beside the probe's build, and equal the engine's LIMIT page.
    kept = {name for name, q in library(Path(__file__).parent.parent / "queries").items() if q.kept}
    assert kept and {name for name, q in ox_answers.items() if q.get("kept")} == kept
    assert all(ox_answers[name]["page_same"] is True for name in kept)
    assert result["validate"]["result"]["findings"] == result["pyshacl"]["result"]["findings"]
    # The overview read from the build's kept summary shows what counting it shows.
    app = result["app"]["result"]
    assert app["same_metrics"] and app["metrics"]["Controllers"] == "20" and app["counting_s"] > 0


def test_draft_benchmark_writes_its_section_and_replaces_it(tmp_path: Path) -> None:
    from bench import drafting

    out = tmp_path / "RESULTS.md"
    out.write_text("# Benchmark results\n\nother figures\n", "utf-8")
    assert drafting.main(["--repeat", "1", "-o", str(out)]) == 0
    assert drafting.main(["--repeat", "1", "-o", str(out)]) == 0
    text = out.read_text("utf-8")
    assert text.count(drafting.BEGIN) == 1 and "other figures" in text
    row = next(line for line in text.splitlines() if line.startswith("| ") and "≥ 100/s" in line)
    assert float(row.split("|")[1]) > 0


def test_strategy_benchmark_pairs_give_the_same_rows(tmp_path: Path) -> None:
    """Each rewrite and the form it replaced answer the same on a small sector (and have rows)."""
    from bench import strategy

    measured = strategy.measure(30, repeat=1)
    assert [p["same"] for p in measured["pairs"]] == [True] * len(strategy.PAIRS)
    assert all(p["rows"] > 0 for p in measured["pairs"]), measured["pairs"]
    out = tmp_path / "RESULTS.md"
    out.write_text("# Benchmark results\n\nother figures\n", "utf-8")
    for _ in range(2):
        write_section(out, "strategy", strategy.report(measured))
    text = out.read_text("utf-8")
    assert text.count("<!-- bench.strategy -->") == 1 and "other figures" in text
    assert text.count("| yes |") == len(strategy.PAIRS)


def test_runner_carries_over_the_sections_other_benchmarks_wrote(tmp_path: Path) -> None:
    from bench.run import _write

    out = tmp_path / "RESULTS.md"
    out.write_text("# old report\n", "utf-8")
    write_section(out, "drafting", "drafting figures")
    write_section(out, "strategy", "strategy figures")
    _write(out, "# new report\n")
    text = out.read_text("utf-8")
    assert "old report" not in text and text.startswith("# new report\n")
    assert "drafting figures" in text and "strategy figures" in text
    assert kept_sections(out).count("<!-- /bench.") == 2


def _machine() -> dict[str, object]:
    return {
        "date": "d", "cpu": "c", "cores": 2, "memory_gib": 1, "os": "o", "python": "p",
        "pyoxigraph": "x", "rdflib": "r", "load": 0.0,
    }  # fmt: skip


def _result() -> dict[str, Any]:
    """A size's figures as the runner saves them: four questions, the other steps stopped."""
    return {
        "controllers": 10_000, "question_limit": 30.0, "repeat": 1, "core_quads": 1,
        "build": None, "rdflib_build": None, "validate": None, "pyshacl": None, "app": None,
        "questions": {
            "oxigraph": {"slow": {"ms": None, "page_ms": None}, "quick": {"ms": 50.0, "page_ms": 40.0, "rows": 3},
                         "keyed": {"ms": 90.0, "page_ms": 8.0, "plain_page_ms": 70.0, "page_same": True, "rows": 9},
                         "counted": {"ms": 900.0, "page_ms": 2.0, "plain_page_ms": 800.0, "page_same": True,
                                     "rows": 4, "kept": True}},
            "oxigraph_load_s": 1.0,
            "oxigraph_index_ms": 12.0,
        },
    }  # fmt: skip


def test_report_shows_a_question_that_was_stopped() -> None:
    from bench.report import report

    machine, result = _machine(), _result()
    text = report([result], machine, None)
    assert "| slow | – | > 30 s | (same) | – | not run | – | – | > 30 s |" in text
    assert "| quick | 3 | 40.0 | (same) | – | not run | – | – | 50.0 |" in text
    assert "| keyed | 9 | 8.0 | 70.0 | yes | not run | – | – | 90.0 |" in text and "took 12.0 ms" in text
    assert "| counted | 4 | 2.0 (kept) | 800.0 | yes | not run | – | – | 900.0 |" in text
    assert "keyed and kept pages equal to LIMIT pages: 2 of 2" in text
    assert "1 of 4 over 100 ms (slow > 30 s, stopped);" in text
    assert "kept answers, first ask after a build: slowest 800.0 ms (counted)" in text
    result["questions"]["oxigraph"]["keyed"]["page_same"] = False
    assert "| keyed | 9 | 8.0 | 70.0 | NO | not run | – | – | 90.0 |" in report([result], machine, None)
    assert "slowest > 30 s, stopped (slow)" in text and "slowest inf" not in text and "**fail**" in text


def test_report_compares_pages_and_answers_with_rdflib() -> None:
    """Each question's first page beside rdflib's LIMIT page, and the two ratio targets: a
    ratio under 30× fails, a stopped rdflib shows only a lower bound, a different page fails."""
    from bench.report import report

    machine = {
        "date": "d", "cpu": "c", "cores": 2, "memory_gib": 1, "os": "o", "python": "p",
        "pyoxigraph": "x", "rdflib": "r", "load": 0.0,
    }  # fmt: skip
    ox = {
        "fast": {"ms": 100.0, "page_ms": 10.0, "rows": 5, "digest": "a", "page_digest": "pa"},
        "slow": {"ms": 200.0, "page_ms": 20.0, "rows": 5, "digest": "b", "page_digest": "pb"},
    }
    rd = {
        "fast": {"ms": 5000.0, "page_ms": 4000.0, "rows": 5, "digest": "a", "page_digest": "pa"},
        "slow": {"ms": None, "page_ms": 1000.0, "page_digest": "pb"},
    }
    result = {
        "controllers": 10_000, "question_limit": 30.0, "repeat": 1, "core_quads": 1,
        "build": None, "rdflib_build": None, "validate": None, "pyshacl": None, "app": None,
        "questions": {"oxigraph": ox, "rdflib": rd, "oxigraph_load_s": 1.0},
    }  # fmt: skip
    text = report([result], machine, None)
    assert "| fast | 5 | 10.0 | (same) | – | 4,000 | 400× | yes | 100.0 | 5,000 | 50× | yes |" in text
    assert "| slow | 5 | 20.0 | (same) | – | 1,000 | 50× | yes | 200.0 | > 30 s | ≥ 150× | – |" in text
    page_row = next(line for line in text.splitlines() if line.startswith("| ≥ 30×") and "first page" in line)
    whole_row = next(line for line in text.splitlines() if "whole answer |" in line and line.startswith("| ≥ 30×"))
    assert "least 50.0× (slow) of 2 measured" in page_row and page_row.endswith("| pass |")
    assert "1 with rdflib stopped at 30 s (all ≥ 30×)" in whole_row and whole_row.endswith("| pass |")
    rd["fast"]["ms"] = 2000.0  # 20×
    whole_row = next(
        line for line in report([result], machine, None).splitlines() if line.startswith("| ≥ 30×") and "whole" in line
    )
    assert "1 under 30× (fast 20.0×)" in whole_row and whole_row.endswith("| **fail** |")
    rd["fast"]["page_digest"] = "other"
    text = report([result], machine, None)
    assert "| fast | 5 | 10.0 | (same) | – | 4,000 | 400× | NO |" in text
    page_row = next(line for line in text.splitlines() if line.startswith("| ≥ 30×") and "first page" in line)
    assert "answers DIFFER" in page_row and page_row.endswith("| **fail** |")
    rd["slow"]["ms"], ox["slow"]["ms"] = None, 2000.0  # stopped at 30 s: at least 15×, not shown
    rd["fast"]["ms"] = 5000.0
    whole_row = next(
        line for line in report([result], machine, None).splitlines() if line.startswith("| ≥ 30×") and "whole" in line
    )
    assert "too soon to show 30×: slow" in whole_row and whole_row.endswith("| – |")


def test_report_again_from_a_stopped_run_has_the_sizes_that_finished(tmp_path: Path) -> None:
    from bench.run import main

    stopped = {"controllers": 100_000, "build": {"seconds": 288.0}}  # stopped before its app step
    partial = tmp_path / "RESULTS.partial.json"
    partial.write_text(json.dumps({"machine": _machine(), "results": [_result(), stopped]}), "utf-8")
    out = tmp_path / "RESULTS.md"
    assert main(["--report", str(partial), "-o", str(out)]) == 0
    text = out.read_text("utf-8")
    assert "## Saved questions at 10,000 controllers" in text and "100,000" not in text
    partial.write_text(json.dumps({"machine": _machine(), "results": [stopped]}), "utf-8")
    assert main(["--report", str(partial), "-o", str(out)]) == 2
    assert out.read_text("utf-8") == text
