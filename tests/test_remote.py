"""The same questions on a real SPARQL server: Oxigraph's, started on loopback."""

from __future__ import annotations

import subprocess
import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest
from click.testing import CliRunner

from ropakg.cli import main
from ropakg.paths import Paths
from ropakg.remote import connect, push
from ropakg.server import HOST, Server, free_port, oxigraph_binary, wait_until_up
from tests.golden import answer


@pytest.fixture(scope="module")
def oxigraph() -> Iterator[str]:
    """A read-write, in-memory Oxigraph server on loopback; yields its base URL."""
    port = free_port()
    process = subprocess.Popen(
        [oxigraph_binary(), "serve", "--bind", f"{HOST}:{port}", "--union-default-graph"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://{HOST}:{port}"
    try:
        wait_until_up(base + "/query", process)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


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
