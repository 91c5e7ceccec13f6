"""The ropa command line: what it prints and the exit codes it documents."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Dataset, Graph

from ingest.build import build
from ropakg.cli import main
from ropakg.paths import Paths


def ropa(paths: Paths, *args: str, stdin: str | None = None):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, ["--home", str(paths.root), *args], input=stdin)


def _edit(paths: Paths, old: str, new: str) -> None:
    record = paths.records / "acme.yaml"
    record.write_text(record.read_text("utf-8").replace(old, new, 1), "utf-8")


def test_help_documents_the_exit_codes(acme: Paths) -> None:
    result = ropa(acme, "--help")
    assert result.exit_code == 0
    for code in ("0  success", "3  a record is malformed", "4  a quote is not", "7  there is no build"):
        assert code in result.output


def test_build_prints_a_summary(acme: Paths) -> None:
    result = ropa(acme, "build")
    assert result.exit_code == 0, result.output
    assert "1 policies, 2 processing activities" in result.output
    assert "Acme AS" in result.output


@pytest.mark.parametrize(
    ("old", "new", "code", "words"),
    [
        ("dpv:DirectMarketing", "dpv:DirectMarketting", 3, "did you mean dpv:DirectMarketing"),
        ("    sources: not stated\n", "    sources: not stated\n    colour: red\n", 3, "unknown field"),
        ('quote: "rett til innsyn"', 'quote: "rett til å glemme"', 4, "quote not found"),
        ("file: acme_nb.txt", "file: gone.txt", 5, "policy file not found"),
    ],
)
def test_bad_records_give_one_line_and_their_exit_code(acme: Paths, old: str, new: str, code: int, words: str) -> None:
    _edit(acme, old, new)
    result = ropa(acme, "build")
    assert result.exit_code == code, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("ropa: error: ")
    assert "acme.yaml:" in lines[0] and words in lines[0]
    assert "Traceback" not in result.output


def test_check_lists_every_problem(acme: Paths) -> None:
    _edit(acme, "dpv:DirectMarketing", "dpv:Nope")
    _edit(acme, "pd:Name", "pd:Nom")
    result = ropa(acme, "check")
    assert result.exit_code == 3
    assert len(result.output.strip().splitlines()) == 2


def test_commands_needing_a_build_say_so(acme: Paths) -> None:
    result = ropa(acme, "stats")
    assert result.exit_code == 7
    assert "no build yet" in result.output


@pytest.fixture
def built(acme: Paths) -> Paths:
    build(acme)
    return acme


def test_stats(built: Paths) -> None:
    from ropakg.store import load

    result = ropa(built, "stats")
    assert result.exit_code == 0 and "Acme AS" in result.output and "1 policies" in result.output
    assert f"{len(load(built, build=False)):,} quads in" in result.output


@pytest.mark.parametrize("fmt", ["trig", "nq", "ttl", "nt", "jsonld"])
def test_export_formats_read_back(built: Paths, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"export.{fmt}"
    result = ropa(built, "export", "--format", fmt, "-o", str(out))
    assert result.exit_code == 0, result.output
    rdflib_format = {"trig": "trig", "nq": "nquads", "ttl": "turtle", "nt": "nt", "jsonld": "json-ld"}[fmt]
    if fmt in ("trig", "nq"):
        ds = Dataset().parse(out, format=rdflib_format)
        names = {str(g.identifier) for g in ds.graphs()}
        assert "https://w3id.org/ropa-kg/graph/acme" in names
    else:
        g = Graph().parse(out, format=rdflib_format)
        assert len(g) > 20000


def test_query_by_name_as_csv(built: Paths) -> None:
    result = ropa(built, "query", "controllers", "--format", "csv")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0].startswith("controller,name,review,country")
    assert "Acme AS" in result.output


def test_query_limit_shows_the_first_rows_of_the_answer(built: Paths) -> None:
    whole = ropa(built, "query", "personal-data", "--format", "csv")
    assert whole.exit_code == 0, whole.output
    lines = whole.output.splitlines()
    assert len(lines) > 3
    page = ropa(built, "query", "personal-data", "--format", "csv", "--limit", "2")
    assert page.exit_code == 0, page.output
    assert page.output.splitlines() == lines[:3]  # the header and the first two rows


def test_query_from_stdin_as_sparql_json(built: Paths) -> None:
    result = ropa(
        built, "query", "-", "--format", "json", stdin="SELECT ?n WHERE { ?c a dpv:DataController ; dpv:hasName ?n }"
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["head"]["vars"] == ["n"]
    assert data["results"]["bindings"] == [{"n": {"type": "literal", "value": "Acme AS"}}]


def test_query_syntax_error_gives_line_and_column(built: Paths) -> None:
    result = ropa(built, "query", "-", stdin="SELECT ?n\nWHERE { ?c dpv:hasName }")
    assert result.exit_code == 6
    assert "2:" in result.output and "syntax error" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    "sparql",
    [
        "DELETE WHERE { ?s ?p ?o }",
        "INSERT DATA { <urn:a> <urn:b> <urn:c> }",
        "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
    ],
)
def test_updates_and_service_are_refused(built: Paths, sparql: str) -> None:
    result = ropa(built, "query", "-", stdin=sparql)
    assert result.exit_code == 6
    assert "refused" in result.output


def test_unknown_query_name_lists_close_matches(built: Paths) -> None:
    result = ropa(built, "query", "controlers")
    assert result.exit_code == 6
    assert "did you mean controllers" in result.output


def test_validate_conforms_with_warnings(built: Paths) -> None:
    result = ropa(built, "validate")
    assert result.exit_code == 0, result.output
    assert "conforms: 0 violation(s), 2 warning(s)" in result.output
    assert "no time limit for erasure is stated" in result.output


def test_validate_flags_an_incomplete_record(acme: Paths) -> None:
    _edit(
        acme,
        '    purposes: [{concept: dpv:CustomerCare, quote: "Henvendelser til kundeservice"}]',
        "    purposes: not stated",
    )
    _edit(
        acme,
        '    data_subjects: [{concept: dpv:Customer, quote: "Henvendelser til kundeservice"}]',
        "    data_subjects: not stated",
    )
    build(acme)
    result = ropa(acme, "validate")
    assert result.exit_code == 1
    assert "[violation] Acme AS: Customer service: no purpose of the processing is stated" in result.output
    assert "no category of data subjects is stated" in result.output
    assert "does not conform: 2 violation(s)" in result.output


def test_schema_is_json_schema(acme: Paths) -> None:
    result = ropa(acme, "schema")
    schema = json.loads(result.output)
    assert "activities" in schema["properties"]
