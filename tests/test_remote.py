"""The same questions on a real SPARQL server: Oxigraph's, started on loopback; and the
Graph Store Protocol client against stand-in servers that ask for credentials or cut
answers short."""

from __future__ import annotations

import base64
import http.server
import json
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import ClassVar

import pytest
from click.testing import CliRunner

from ropakg.answers import difference
from ropakg.cli import main
from ropakg.errors import EndpointError
from ropakg.paths import Paths
from ropakg.remote import connect, push
from ropakg.server import HOST, Oxigraph, Server, free_port
from tests.golden import answer


@pytest.fixture(scope="module")
def oxigraph() -> Iterator[str]:
    """A read-write Oxigraph server on loopback with an empty database; yields its base URL."""
    with Oxigraph() as server:
        yield server.endpoint.removesuffix("/query")


@pytest.fixture(scope="module")
def pushed(kg, oxigraph: str) -> str:  # type: ignore[no-untyped-def]
    sent = push(kg.store, oxigraph + "/store")
    assert len(sent) == len(kg.graphs()) and sum(sent.values()) == len(kg)
    return oxigraph + "/query"


def test_every_saved_question_answers_the_same_remotely(kg, pushed: str) -> None:  # type: ignore[no-untyped-def]
    remote = connect(pushed, queries_dir=kg.queries_dir)
    names = sorted(kg.saved())
    assert len(names) >= 25
    for name in names:
        assert answer(remote, name) == answer(kg, name), name
        question = kg.saved()[name]
        bound = question.bind({})
        assert difference(question.text, kg.select(question.text, bound), remote.select(question.text, bound)) is None


def test_push_in_chunks_sends_every_triple_once_and_keeps_blank_nodes_whole(kg, oxigraph: str) -> None:  # type: ignore[no-untyped-def]
    # The DPV graph (tens of thousands of triples, OWL lists and restrictions on blank
    # nodes) goes as one PUT and many POSTs; a blank node split across two requests
    # would turn into two on the server.
    sent = push(kg.store, oxigraph + "/store", chunk=997)
    assert max(sent.values()) > 997 * 10
    remote = connect(oxigraph + "/query", queries_dir=kg.queries_dir)
    per_graph = """SELECT ?g (COUNT(*) AS ?n) (COUNT(DISTINCT ?b) AS ?blanks) WHERE {
        GRAPH ?g { ?s ?p ?o } BIND(IF(isBlank(?s), ?s, IF(isBlank(?o), ?o, ?unbound)) AS ?b) } GROUP BY ?g"""
    there = remote.query(per_graph, labels=False).set_index("g").sort_index()
    here = kg.query(per_graph, labels=False).set_index("g").sort_index()
    assert there["n"].to_dict() == sent
    assert there.equals(here) and here["blanks"].sum() > 100


def test_labels_and_ropa_table_remotely(kg, pushed: str) -> None:  # type: ignore[no-untyped-def]
    remote = connect(pushed, queries_dir=kg.queries_dir)
    assert remote.ropa("expektra", lang="sv").equals(kg.ropa("expektra", lang="sv"))
    assert remote.query("transfers", labels="nb").equals(kg.query("transfers", labels="nb"))


def test_cli_push_and_query_an_endpoint(seeds: Paths, oxigraph: str) -> None:
    runner = CliRunner()
    home = ["--home", str(seeds.root), "--build-dir", str(seeds.build_dir)]
    result = runner.invoke(main, [*home, "push", "--endpoint", oxigraph + "/store"])
    assert result.exit_code == 0, result.output
    assert "pushed 9 graphs" in result.output
    result = runner.invoke(
        main, [*home, "query", "shared-processors", "--format", "csv", "--endpoint", oxigraph + "/query"]
    )
    assert result.exit_code == 0, result.output
    assert "Google LLC" in result.output and "Meta Platforms Ireland Limited" in result.output


def test_read_only_endpoint_over_the_build_refuses_updates(seeds: Paths) -> None:
    with Server(seeds) as endpoint:
        assert len(connect(endpoint).query("controllers", labels=False)) == 5
        base = endpoint.removesuffix("/query")
        request = urllib.request.Request(
            base + "/update", data=b"DROP ALL", method="POST", headers={"Content-Type": "application/sparql-update"}
        )
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=5)
        assert 400 <= refused.value.code < 500
        assert len(connect(endpoint).query("controllers", labels=False)) == 5


def test_unreachable_endpoint_is_one_line_and_exit_8(seeds: Paths) -> None:
    port = free_port()  # nothing listens there
    result = CliRunner().invoke(
        main,
        [
            "--home",
            str(seeds.root),
            "--build-dir",
            str(seeds.build_dir),
            "query",
            "controllers",
            "--endpoint",
            f"http://{HOST}:{port}/query",
        ],
    )
    assert result.exit_code == 8
    assert result.output.count("\n") == 1 and "cannot reach SPARQL endpoint" in result.output
    assert "Traceback" not in result.output
    home = ["--home", str(seeds.root), "--build-dir", str(seeds.build_dir)]
    result = CliRunner().invoke(main, [*home, "push", "--endpoint", f"http://{HOST}:{port}/store"])
    assert result.exit_code == 8
    assert result.output.count("\n") == 1 and "cannot reach graph store" in result.output


class _StandIn(http.server.BaseHTTPRequestHandler):
    """A Graph Store that wants HTTP Basic credentials, and a SPARQL endpoint that caps answers."""

    seen: ClassVar[list[tuple[str, str | None, int]]] = []

    def log_message(self, *args: object) -> None:
        pass

    def _handle(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        if self.path.startswith("/sparql"):
            self._capped_answer()
            return
        auth = self.headers.get("Authorization")
        self.seen.append((self.command, auth, length))
        if auth != "Basic " + base64.b64encode(b"ropa:s3cret").decode():
            self.send_response(401)
            self.send_header("WWW-Authenticate", 'Basic realm="store"')
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_response(201 if self.command == "PUT" else 204)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_HEAD = do_PUT = do_POST = do_GET = _handle

    def _capped_answer(self) -> None:
        body = json.dumps(
            {"head": {"vars": ["s"]}, "results": {"bindings": [{"s": {"type": "uri", "value": "urn:a"}}]}}
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.send_header("X-SPARQL-MaxRows", "1")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def stand_in() -> Iterator[str]:
    _StandIn.seen = []
    server = http.server.ThreadingHTTPServer((HOST, 0), _StandIn)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://{HOST}:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_push_with_basic_credentials_fetched_by_a_bodiless_head(kg, stand_in: str) -> None:  # type: ignore[no-untyped-def]
    sent = push(kg.store, stand_in + "/store", user="ropa", password="s3cret", chunk=50_000)
    assert sum(sent.values()) == len(kg)
    first, *rest = _StandIn.seen
    assert first == ("HEAD", None, 0)  # the challenge is fetched without a body
    assert rest and all(auth and auth.startswith("Basic ") and method in ("PUT", "POST") for method, auth, _ in rest)


def test_push_refusals_are_one_line_errors(kg, stand_in: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(EndpointError, match="asks for authentication"):
        push(kg.store, stand_in + "/store")
    with pytest.raises(EndpointError, match="refused the credentials of 'ropa'"):
        push(kg.store, stand_in + "/store", user="ropa", password="wrong")
    # Wrong credentials are not sent again with the whole body.
    assert [m for m, auth, _ in _StandIn.seen if m == "PUT" and auth] == ["PUT"]


def test_an_answer_cut_short_by_the_server_is_an_error(stand_in: str) -> None:
    with pytest.raises(EndpointError, match="cut the answer at 1 rows"):
        connect(stand_in + "/sparql").select("SELECT ?s WHERE { ?s ?p ?o }")
