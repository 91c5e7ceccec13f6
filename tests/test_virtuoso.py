"""The seed graph pushed to Virtuoso Open Source, and every saved question asked there.

One Virtuoso server (Debian package ``virtuoso-opensource``) is started for the module
on loopback, with a temporary database; the dataset goes in with ``ropa push`` over the
Graph Store Protocol (HTTP Digest as ``dba``), the questions go to ``/sparql``. Answers
are compared with the embedded store's by :func:`ropakg.answers.difference`, which
forgives representation only (docs/servers.md).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from ropakg.answers import difference
from ropakg.cli import main
from ropakg.graphstore import push
from ropakg.namespaces import EU_GDPR, LOC
from ropakg.paths import Paths
from ropakg.remote import RemoteGraph, connect
from ropakg.store import KnowledgeGraph
from ropakg.virtuoso import Virtuoso, virtuoso_binary

ROOT = Path(__file__).resolve().parent.parent
SHAPES = Path(__file__).resolve().parent / "fixtures" / "shapes"
QUESTIONS = sorted(p.stem for p in (ROOT / "queries").glob("*.rq"))

# Every saved question answers the same on Virtuoso 07.20.3229 (Debian 12). Some are
# written around its faults (a VALUES directly inside a UNION branch, BOUND on a
# sibling OPTIONAL, "<=" on xsd:date, GROUP_CONCAT of tagged literals): docs/servers.md.


def _home(paths: Paths) -> list[str]:
    return ["--home", str(paths.root), "--build-dir", str(paths.build_dir)]


@pytest.fixture(scope="module")
def virtuoso(kg, seeds: Paths) -> Iterator[Virtuoso]:  # type: ignore[no-untyped-def]
    if virtuoso_binary() is None:
        pytest.skip("virtuoso-t is not installed (apt-get install virtuoso-opensource)")
    server = Virtuoso(memory_mb=128)
    server.start()
    try:
        runner = CliRunner()
        result = runner.invoke(
            main,
            [*_home(seeds), "push", "--endpoint", server.graph_store, "--user", "dba"],
            env={"ROPA_ENDPOINT_PASSWORD": server.password},
        )
        assert result.exit_code == 0, result.output
        assert f"pushed {len(kg.graphs())} graphs, {len(kg):,} triples" in result.output
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def shapes() -> Iterator[tuple[KnowledgeGraph, RemoteGraph]]:
    """Handmade graphs of shapes the seeds lack, in the embedded store and on a Virtuoso of their own."""
    if virtuoso_binary() is None:
        pytest.skip("virtuoso-t is not installed (apt-get install virtuoso-opensource)")
    store = ox.Store()
    for path in sorted(SHAPES.glob("*.trig")):
        store.load(path=str(path), format=ox.RdfFormat.TRIG)
    with Virtuoso(memory_mb=128) as server:
        push(store, server.graph_store, user=server.user, password=server.password)
        yield KnowledgeGraph(store, Paths.default(ROOT)), connect(server.endpoint, queries_dir=ROOT / "queries")


def test_every_graph_arrives_whole(kg, virtuoso: Virtuoso) -> None:  # type: ignore[no-untyped-def]
    remote = connect(virtuoso.endpoint, queries_dir=kg.queries_dir)
    counts = remote.query(
        "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } FILTER(STRSTARTS(STR(?g), STR(ropa-graph:))) } "
        "GROUP BY ?g",
        labels=False,
    )
    local = kg.query("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g", labels=False)
    assert dict(zip(counts["g"], counts["n"], strict=True)) == dict(zip(local["g"], local["n"], strict=True))


@pytest.mark.parametrize("name", QUESTIONS)
def test_saved_question_answers_the_same_on_virtuoso(kg, virtuoso: Virtuoso, name: str) -> None:  # type: ignore[no-untyped-def]
    remote = connect(virtuoso.endpoint, queries_dir=kg.queries_dir)
    question = kg.saved()[name]
    bound = question.bind({})
    assert difference(question.text, kg.select(question.text, bound), remote.select(question.text, bound)) is None


# The questions the shapes' transfers reach, with the rows the embedded store gives.
SHAPE_ANSWERS = {
    # One row: the mechanism of the cross-border transfer that names one. Neither the transfer
    # without a mechanism nor the processing that is not a cross-border transfer adds a row.
    "processors-outside-eea": (("recipientName", "mechanism"), [("Example Inc.", str(EU_GDPR["A46-2-c"]))]),
    "transfers-without-mechanism": (("recipientName", "country"), [("Example Inc.", str(LOC.US))]),
}


@pytest.mark.parametrize("name", sorted(SHAPE_ANSWERS))
def test_transfer_shapes_the_seeds_lack_answer_the_same_on_virtuoso(
    shapes: tuple[KnowledgeGraph, RemoteGraph], name: str
) -> None:
    kg, remote = shapes
    question = kg.saved()[name]
    bound = question.bind({})
    local = kg.select(question.text, bound)
    names, expected = SHAPE_ANSWERS[name]
    columns = [local[0].index(n) for n in names]
    assert [tuple(None if row[i] is None else row[i].value for i in columns) for row in local[1]] == expected
    assert difference(question.text, local, remote.select(question.text, bound)) is None


def test_ropa_table_and_labels_on_virtuoso(kg, virtuoso: Virtuoso) -> None:  # type: ignore[no-untyped-def]
    remote = connect(virtuoso.endpoint, queries_dir=kg.queries_dir)
    assert remote.ropa("expektra", lang="sv").equals(kg.ropa("expektra", lang="sv"))
    assert remote.query("transfers", labels="nb").equals(kg.query("transfers", labels="nb"))


def test_cli_query_on_virtuoso(seeds: Paths, virtuoso: Virtuoso) -> None:
    result = CliRunner().invoke(
        main, [*_home(seeds), "query", "shared-processors", "--format", "csv", "--endpoint", virtuoso.endpoint]
    )
    assert result.exit_code == 0, result.output
    assert "Google LLC" in result.output and "Meta Platforms Ireland Limited" in result.output


@pytest.mark.parametrize(
    ("extra", "env", "message"),
    [
        ([], {}, "asks for authentication"),
        (["--user", "dba"], {"ROPA_ENDPOINT_PASSWORD": "dba"}, "refused the credentials of 'dba'"),
    ],
)
def test_push_without_the_right_credentials_is_one_line_and_exit_8(
    seeds: Paths, virtuoso: Virtuoso, extra: list[str], env: dict[str, str], message: str
) -> None:
    result = CliRunner().invoke(main, [*_home(seeds), "push", "--endpoint", virtuoso.graph_store, *extra], env=env)
    assert result.exit_code == 8
    assert result.output.count("\n") == 1
    # Virtuoso sometimes answers wrong credentials by closing the connection mid-upload
    assert message in result.output or "are the credentials of 'dba' right?" in result.output


def test_server_benchmark_runs_on_a_tiny_size() -> None:
    from bench.servers import run

    text = run(20, repeat=1, bulk=False)
    rows = {line.split(" | ")[0].strip("| "): line for line in text.splitlines() if line.startswith("| ")}
    assert "`ropa push` to Oxigraph server (Graph Store Protocol)" in rows
    for name in QUESTIONS:
        cells = [c.strip() for c in rows[name].strip("|").split("|")]
        assert cells[4] == "yes", (name, "Oxigraph server")
        if virtuoso_binary() is not None:
            assert cells[6] == "yes", (name, "Virtuoso")
