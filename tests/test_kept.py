"""Whole answers of aggregate questions, kept beside the build: used only for that build."""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest

from ingest.build import build
from ropakg import kept
from ropakg.errors import QueryError
from ropakg.paths import Paths
from ropakg.queries import parse
from ropakg.sparql import paginate
from ropakg.store import KnowledgeGraph, load
from tests.conftest import ROOT, make_project

KEPT = ("recipients-by-country", "shared-processors")


@pytest.fixture
def sector(tmp_path: Path) -> Paths:
    """The seed policies in a build folder of their own, to rebuild and break."""
    paths = make_project(tmp_path / "sector", ROOT / "data" / "records", ROOT / "data" / "policies")
    build(paths)
    return paths


def _file(paths: Paths, name: str) -> Path:
    return paths.build_dir / kept.FOLDER / f"{name}.json"


def _cells(rows: list[list[object]]) -> list[list[str]]:
    return [[str(c) for c in row] for row in rows]


def test_the_aggregates_are_kept_and_every_page_is_the_engines(sector: Paths) -> None:
    kg = load(sector, build=False)
    assert {n for n, q in kg.saved().items() if q.kept} == set(KEPT)
    for name in KEPT:
        text = kg.resolve(name).text
        names, whole = kg.select(text)
        assert len(whole) > 1, name
        assert not _file(sector, name).exists()
        for offset in range(0, len(whole) + 1):
            page = kg.rows(name, limit=2, offset=offset)
            assert page[0] == names
            assert _cells(page[1]) == _cells(kg.select(paginate(text, 2, offset))[1]), (name, offset)
        assert _cells(kg.rows(name)[1]) == _cells(whole)
        data = json.loads(_file(sector, name).read_text("utf-8"))
        assert data["key"] == kept.key(kg, kg.resolve(name)) and data["key"]["dataset"] == kg.source
    assert not [p for p in (sector.build_dir / kept.FOLDER).iterdir() if p.name.endswith(".tmp")]


def _tamper(paths: Paths, name: str) -> str:
    """Change the kept answer's first cell, not what it was computed from; the new value."""
    where = _file(paths, name)
    data = json.loads(where.read_text("utf-8"))
    answer = json.loads(data["answer"])
    answer["results"]["bindings"][0][answer["head"]["vars"][0]] = {"type": "uri", "value": "urn:x-tampered"}
    data["answer"] = json.dumps(answer)
    where.write_text(json.dumps(data), "utf-8")
    return "urn:x-tampered"


def test_later_graphs_of_the_same_build_read_it(sector: Paths) -> None:
    first = load(sector, build=False).rows("recipients-by-country")[1]
    mark = _tamper(sector, "recipients-by-country")
    again = load(sector, build=False).rows("recipients-by-country", limit=1)[1]
    # The tampered answer is what was read: the graph was not asked again.
    assert again[0][0] == ox.NamedNode(mark) and again[0][1:] == first[0][1:]


def test_a_new_build_or_a_changed_graph_computes_it_again(sector: Paths) -> None:
    kg = load(sector, build=False)
    expected = _cells(kg.rows("shared-processors")[1])
    _tamper(sector, "shared-processors")
    kg.refresh()  # the store may have been changed in place: never the kept answer
    assert _cells(kg.rows("shared-processors")[1]) == expected
    build(sector)  # a new build file
    kg = load(sector, build=False)
    assert _cells(kg.rows("shared-processors")[1]) == expected
    assert json.loads(_file(sector, "shared-processors").read_text("utf-8"))["key"]["dataset"] == kg.source


DAMAGES = (
    "not json",
    json.dumps([1, 2]),
    json.dumps({"key": {}, "answer": ""}),
    "UNDECLARED",
    "TERM",
    "BOOLEAN",
    "NONE",
)


def test_a_damaged_answer_is_computed_again_and_replaced(sector: Paths) -> None:
    name = "recipients-by-country"
    kg = load(sector, build=False)
    expected = _cells(kg.rows(name)[1])
    where = _file(sector, name)
    good = json.loads(where.read_text("utf-8"))
    for damage in DAMAGES:
        data = json.loads(json.dumps(good))
        answer = json.loads(data["answer"])
        if damage == "UNDECLARED":  # a value for a variable the header does not declare
            answer["results"]["bindings"][0]["undeclared"] = {"type": "uri", "value": "urn:x"}
        elif damage == "TERM":
            answer["results"]["bindings"][0][answer["head"]["vars"][0]] = {"type": "unknown", "value": "x"}
        elif damage == "BOOLEAN":
            answer = {"head": {}, "boolean": True}
        data["answer"] = json.dumps(answer)
        if damage == "NONE":
            del data["answer"]
        where.write_text(json.dumps(data) if damage.isupper() else damage, "utf-8")
        assert kept.read(where, kept.key(kg, kg.resolve(name))) is None, damage
        assert _cells(load(sector, build=False).rows(name)[1]) == expected, damage
        assert json.loads(where.read_text("utf-8")) == good, damage


def test_a_graph_that_is_no_build_keeps_nothing(sector: Paths) -> None:
    store = ox.Store()
    store.load(path=str(sector.dataset), format=ox.RdfFormat.TRIG)
    kg = KnowledgeGraph(store, sector)  # no source: not known to be the build file
    assert kg.rows("recipients-by-country", limit=3)[1]
    assert not (sector.build_dir / kept.FOLDER).exists()


def test_terms_come_back_as_they_were_kept(tmp_path: Path) -> None:
    terms = [
        ox.NamedNode("https://w3id.org/dpv#Consent"),
        ox.BlankNode("b0"),
        ox.Literal("3", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")),
        ox.Literal("Norge", language="nb"),
        ox.Literal("plain"),
        None,
    ]
    names = [f"v{i}" for i in range(len(terms))]
    wanted = {"dataset": "d", "query": "q"}
    kept.write(tmp_path / "answer.json", wanted, names, [terms, terms[::-1]])
    assert kept.read(tmp_path / "answer.json", wanted) == (names, [terms, terms[::-1]])
    assert kept.read(tmp_path / "answer.json", {**wanted, "query": "other"}) is None


def test_a_kept_line_is_checked() -> None:
    with pytest.raises(QueryError, match="bad kept line"):
        parse("#+ kept: forever\nSELECT * WHERE { ?s ?p ?o }")
    with pytest.raises(QueryError, match="cannot be kept"):
        parse("#+ kept: build\n#+ params: x: string = a\nSELECT * WHERE { ?s ?p ?x }")
    assert parse("#+ kept: build\nSELECT * WHERE { ?s ?p ?o }").kept
