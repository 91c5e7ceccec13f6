"""Pages built key by key (``#+ page-by``) are the engine's LIMIT pages.

Checked row for row, in order, for every question that declares ``page-by``: on the seeds
(through the pages test in ``test_pages``) and here on a synthetic sector in which some
controllers and recipients share a name, with batches small enough that every page spans
several.
"""

from __future__ import annotations

import io
import itertools
import math
import os
import time
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest

from bench import synthetic
from ropakg import paging, queries
from ropakg.errors import QueryError, QuerySyntaxError
from ropakg.namespaces import DPV, PREFIXES
from ropakg.paths import Paths
from ropakg.queries import library, parse
from ropakg.store import KnowledgeGraph

KEYED = sorted(name for name, q in library(Paths.default().queries).items() if q.page_by)
WITH_FORM = sorted(name for name, q in library(Paths.default().queries).items() if q.keyed)
HAS_NAME = ox.NamedNode(str(DPV) + "hasName")


def test_most_questions_are_paged_by_controller() -> None:
    assert len(KEYED) >= 15
    for name in KEYED:
        saved = library(Paths.default().queries)[name]
        assert paging.page_by(saved.text, saved.page_by) == saved.page_by, name


@pytest.fixture(scope="module")
def sector() -> KnowledgeGraph:
    """120 synthetic controllers; every fifth controller and recipient takes the name of
    the one before it."""
    buffer = io.StringIO()
    synthetic.write(120, buffer, 11)
    store = ox.Store()
    store.load(buffer.getvalue().encode("utf-8"), format=ox.RdfFormat.N_QUADS)
    for where in ("?k a dpv:DataController", "[] dpv:hasRecipient ?k"):
        found = store.query(
            f"SELECT DISTINCT ?k WHERE {{ {where} }}", prefixes=PREFIXES, use_default_graph_as_union=True
        )
        keys = sorted((row[0] for row in found), key=str)
        for before, key in zip(keys[::5], keys[1::5], strict=False):
            (name,) = {q.object for q in store.quads_for_pattern(before, HAS_NAME, None)}
            for q in list(store.quads_for_pattern(key, HAS_NAME, None)):
                store.remove(q)
                store.add(ox.Quad(key, HAS_NAME, name, q.graph_name))
    return KnowledgeGraph(store, Paths.default())


def _page(kg: KnowledgeGraph, name: str, keyed: bool, limit: int, offset: int) -> tuple[list, list]:
    kg.key_paging = keyed
    try:
        return kg.rows(name, limit=limit, offset=offset)
    finally:
        kg.key_paging = True


def test_the_sector_has_keys_sharing_a_name(sector: KnowledgeGraph) -> None:
    for kind in ("controllers", "recipients"):
        index = sector.key_index(kind)
        names = [n.value for _, n in index.pairs]
        assert len(set(names)) <= len(index) * 0.85, kind
        # A batch never ends inside a group of keys with the same name.
        for start in range(0, len(index), 7):
            end = index.batch_end(start, 3)
            assert end == len(index) or names[end] != names[end - 1]
    assert len(sector.key_index()) == 120


@pytest.mark.parametrize("name", KEYED)
def test_keyed_pages_are_the_limit_pages(sector: KnowledgeGraph, name: str, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(paging, "FIRST_BATCH", 3)
    monkeypatch.setattr(paging, "MAX_BATCH", 9)
    monkeypatch.setattr(paging, "SPARSE", 1e-9)  # keyed whenever a batch found rows, to test the batches
    monkeypatch.setattr(paging, "PART", 2)  # batches split into up to 3 parts evaluated at once
    monkeypatch.setattr(paging, "WORKERS", 3)
    sector.refresh()
    total = len(sector.rows(name)[1])
    for limit, offset in ((40, 0), (40, 40), (25, 137), (1000, 0), (10, max(total - 5, 0)), (5, total + 3)):
        keyed = _page(sector, name, True, limit, offset)
        plain = _page(sector, name, False, limit, offset)
        assert keyed == plain, (name, limit, offset)


def test_sparse_answers_fall_back_to_the_limit_page(sector: KnowledgeGraph) -> None:
    saved = parse(
        "#+ page-by: ?controller ?controllerName\n"
        "SELECT ?controllerName WHERE { ?controller a dpv:DataController ; dpv:hasName ?controllerName "
        "FILTER(false) } ORDER BY ?controllerName"
    )
    queries: list[str] = []

    def select(text: str):  # type: ignore[no-untyped-def]
        queries.append(text)
        return sector.select(text)

    index = sector.key_index()
    assert paging.keyed_page(saved.text, saved.page_by, index, select, 10) is None
    # The first SAMPLE keys found nothing: the rest are not read batch by batch.
    assert sum(text.count("(<") for text in queries) == paging.SAMPLE
    assert sector.rows(saved.text, limit=10) == (["controllerName"], [])


def _asked(monkeypatch, kg: KnowledgeGraph, method: str) -> list[str]:  # type: ignore[no-untyped-def]
    """The queries ``kg.<method>`` is asked from now on, in order."""
    asked: list[str] = []
    original = getattr(kg, method)

    def counted(sparql: str, *args, **kwargs):  # type: ignore[no-untyped-def]
        asked.append(sparql)
        return original(sparql, *args, **kwargs)

    monkeypatch.setattr(kg, method, counted)
    return asked


def test_a_question_found_sparse_goes_to_the_limit_page_until_the_graph_changes(sector, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    text = (
        "#+ page-by: ?controller ?controllerName\n"
        "SELECT ?controllerName WHERE { ?controller a dpv:DataController ; dpv:hasName ?controllerName "
        "FILTER(CONTAINS(?controllerName, ?part)) } ORDER BY ?controllerName"
    )
    asked = _asked(monkeypatch, sector, "select")
    sector.refresh()
    first = sector.rows(text, limit=10, part="no such name")
    assert len(asked) > 1  # the sample of keys, then the plain page
    asked.clear()
    assert sector.rows(text, limit=10, part="no such name") == first == (["controllerName"], [])
    assert len(asked) == 1 and "VALUES" not in asked[0]
    # Other parameters are another question: its pages are keyed.
    asked.clear()
    _, rows = sector.rows(text, limit=10, part="")
    assert len(rows) == 10 and all("VALUES" in q for q in asked)
    # A changed graph is looked at again.
    sector.refresh()
    asked.clear()
    sector.rows(text, limit=10, part="no such name")
    assert len(asked) > 1


def _page_of_keys(keys: int, select: paging.Select, offset: int = 0) -> paging.Rows | None:
    """A keyed page of 1,000 rows of a question over ``keys`` keys with names of their own."""
    index = paging.KeyIndex([(ox.NamedNode(f"urn:k{i}"), ox.Literal(f"n{i:06d}")) for i in range(keys)])
    return paging.keyed_page(
        "SELECT ?x WHERE { ?controller ?p ?x } ORDER BY ?controllerName ?x",
        ("controller", "controllerName", "controllers"),
        index,
        select,
        1000,
        offset,
    )


@pytest.mark.parametrize(("keys", "keyed"), [(20_000, False), (40_000, True)])
def test_pages_are_keyed_while_a_quarter_of_the_keys_left_is_enough(keys: int, keyed: bool, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A first batch of 64 keys finds 10 rows: 1,000 rows need about 6,300 more keys,
    more than a quarter of 19,936 keys left, less than a quarter of 39,936."""
    monkeypatch.setattr(paging, "FIRST_BATCH", 64)
    monkeypatch.setattr(paging, "WORKERS", 1)  # one query a batch
    monkeypatch.setattr(paging, "MAX_PART", paging.MAX_BATCH)
    batches: list[str] = []

    def select(text: str):  # type: ignore[no-untyped-def]
        batches.append(text)
        return ["x"], [[ox.Literal("row")]] * (10 if len(batches) == 1 else 990)

    page = _page_of_keys(keys, select)
    assert (page is not None) == keyed
    assert len(batches) == (2 if keyed else 1)


def test_no_query_of_a_page_binds_more_than_max_part_keys(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A later page reads batches of up to MAX_BATCH keys, split into queries of at most
    MAX_PART (the engine's plan for a keyed form can change at a few hundred keys)."""
    monkeypatch.setattr(paging, "WORKERS", 2)
    keys_asked: list[int] = []

    def select(text: str):  # type: ignore[no-untyped-def]
        keys = text.count("(<urn:k")
        keys_asked.append(keys)
        return ["x"], [[ox.Literal("row")]] * keys  # a row a key

    page = _page_of_keys(40_000, select, offset=2000)
    assert page is not None and len(page[1]) == 1000
    assert max(keys_asked) > paging.MAX_PART / 2  # batches large enough to be split
    assert max(keys_asked) <= paging.MAX_PART


def test_only_questions_sorted_by_the_name_first_are_keyed() -> None:
    pair = ("controller", "controllerName", "controllers")
    body = "SELECT ?controllerName ?a WHERE { ?controller dpv:hasName ?controllerName }"
    assert paging.page_by(f"{body} ORDER BY ?controllerName ?a", pair) == pair
    assert paging.page_by(f"{body} ORDER BY ?a ?controllerName", pair) is None
    assert paging.page_by(f"{body} ORDER BY DESC(?controllerName)", pair) is None
    assert paging.page_by(f"{body} ORDER BY ?controllerName LIMIT 5", pair) is None
    assert paging.page_by(body, pair) is None
    # Rows tied on every sort key could come in another order: every projected variable is sorted by.
    assert paging.page_by(f"{body} ORDER BY ?controllerName", pair) is None
    assert paging.page_by(f"{body.replace('?a', '(STR(?a) AS ?b)', 1)} ORDER BY ?controllerName ?b", pair) == pair
    assert (
        paging.page_by("SELECT * WHERE { ?controller dpv:hasName ?controllerName } ORDER BY ?controllerName", pair)
        is None
    )


def test_a_bad_page_by_line_is_an_error() -> None:
    for line in ("controller", "?controller ?name processors"):
        with pytest.raises(QueryError, match="page-by"):
            parse(f"#+ page-by: {line}\nSELECT * WHERE {{ ?s ?p ?o }}")
    assert parse("#+ page-by: ?r ?n recipients\nSELECT * WHERE { ?s ?p ?o }").page_by == ("r", "n", "recipients")


def test_some_questions_have_a_keyed_form() -> None:
    assert "transfers-without-mechanism" in WITH_FORM


@pytest.mark.parametrize("name", WITH_FORM)
def test_a_keyed_form_answers_as_its_question(sector: KnowledgeGraph, kg: KnowledgeGraph, name: str) -> None:
    """Its whole answer, in order, on the synthetic sector and on the seeds."""
    for graph in (sector, kg):
        saved = graph.saved()[name]
        bound = saved.bind({})
        whole = graph.select(saved.text, bound)
        assert graph.select(saved.keyed or "", bound) == whole, name
    assert whole[1], f"{name} has no rows on the seeds to compare"


@pytest.mark.parametrize("name", WITH_FORM)
def test_keyed_pages_use_the_keyed_form(sector: KnowledgeGraph, name: str, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(paging, "SPARSE", 1e-9)
    saved = sector.saved()[name]
    asked: list[str] = []
    select = sector.select
    monkeypatch.setattr(sector, "select", lambda text, *a, **k: asked.append(text) or select(text, *a, **k))
    sector.rows(name, limit=30)
    head = (saved.keyed or "").split("WHERE {")[0]
    batches = [text for text in asked if "VALUES (?controller ?controllerName)" in text]
    assert batches and all(text.startswith(head) for text in batches), name


def test_a_batch_binds_its_keys_at_each_keys_line_of_a_keyed_form() -> None:
    index = paging.KeyIndex([(ox.NamedNode(f"urn:k{i}"), ox.Literal(f"n{i}")) for i in range(4)])
    variables = ("controller", "controllerName", "controllers")
    marked = (
        "SELECT ?controllerName WHERE {\n  {\n    #+ keys\n    ?a ?b ?c\n  } UNION {\n"
        "    #+ keys\n    ?c ?d ?e\n  }\n} ORDER BY ?controllerName"
    )
    text = paging._batch(marked, variables, index, 1, 3)
    block = 'VALUES (?controller ?controllerName) { (<urn:k1> "n1") (<urn:k2> "n2") }'
    assert text.count(block) == 2 and "#+ keys" not in text
    assert text.index(block) < text.index("UNION") < text.rindex(block)
    # After other text on its line, "#+ keys" is a comment, not the mark.
    once = paging._batch(marked.replace("{\n    #+ keys", "{ #+ keys", 1), variables, index, 1, 3)
    assert once.count(block) == 1 and once.index("UNION") < once.index(block)
    unmarked = "SELECT ?controllerName WHERE { ?a ?b ?c } ORDER BY ?controllerName"
    bound = paging._batch(unmarked, variables, index, 1, 3)
    assert bound == f"SELECT ?controllerName WHERE {{ {block} ?a ?b ?c }} ORDER BY ?controllerName"


def test_the_name_line_after_a_keys_line_goes_with_it_when_it_is_the_keys_own() -> None:
    """Every key of a batch has the name it is bound with: the pattern that says so is not
    looked up again; any other line after ``#+ keys`` stays."""
    index = paging.KeyIndex([(ox.NamedNode(f"urn:k{i}"), ox.Literal(f"n{i}")) for i in range(4)])
    variables = ("controller", "controllerName", "controllers")
    block = 'VALUES (?controller ?controllerName) { (<urn:k1> "n1") (<urn:k2> "n2") }'
    form = "SELECT ?controllerName WHERE {{\n  #+ keys\n  {line}\n  ?a ?b ?c\n}} ORDER BY ?controllerName"
    own = paging._batch(form.format(line="?controller dpv:hasName ?controllerName ."), variables, index, 1, 3)
    assert own == f"SELECT ?controllerName WHERE {{\n{block}\n  ?a ?b ?c\n}} ORDER BY ?controllerName"
    for line in (
        "?recipient dpv:hasName ?controllerName .",
        "?controller dpv:hasName ?recipientName .",
        "?controller skos:prefLabel ?controllerName .",
    ):
        kept = paging._batch(form.format(line=line), variables, index, 1, 3)
        assert kept == f"SELECT ?controllerName WHERE {{\n{block}\n  {line}\n  ?a ?b ?c\n}} ORDER BY ?controllerName"


TRANSFERS = """
@prefix dpv: <https://w3id.org/dpv#> .
@prefix loc: <https://w3id.org/dpv/loc#> .
<urn:g:1> {{
  <urn:c:1> a dpv:DataController ; dpv:hasName "Controller one" .
  <urn:c:2> a dpv:DataController ; dpv:hasName "Controller two" .
  {activities}
  <urn:o:named> dpv:hasName "Named importer" .
  <urn:o:other> dpv:hasName "Other importer" .
}}
"""


def _transfer(n: int, controller: int, importers: str) -> str:
    return (
        f"<urn:a:{n}> dpv:hasDataController <urn:c:{controller}> ; dpv:hasProcessing <urn:t:{n}> .\n"
        f"<urn:t:{n}> a dpv:CrossBorderTransfer ; dpv:hasThirdCountry loc:US"
        + "".join(f" ; dpv:hasDataImporter {i}" for i in importers.split())
        + " .\n"
    )


@pytest.mark.parametrize(
    "importers",
    [
        "",  # no importer: one row without a recipient name
        "<urn:o:named>",
        "<urn:o:unnamed>",  # an importer without a name: one row without a recipient name
        "<urn:o:named> <urn:o:unnamed>",  # named and not: the named one's row only
        "<urn:o:named> <urn:o:other>",
        "<urn:o:unnamed> <urn:o:nameless>",
    ],
)
def test_transfers_without_mechanism_keyed_name_their_importers_as_the_question_does(importers: str) -> None:
    """The keyed form joins the importers' names as a table; a transfer with no importer or
    with importers that have no name must still give its one row without a name."""
    activities = _transfer(1, 1, importers) + _transfer(2, 2, "<urn:o:named>") + _transfer(3, 1, "")
    store = ox.Store()
    store.load(TRANSFERS.format(activities=activities).encode("utf-8"), format=ox.RdfFormat.TRIG)
    kg = KnowledgeGraph(store, Paths.default())
    saved = kg.saved()["transfers-without-mechanism"]
    plain = kg.select(saved.text)
    assert plain[1] and kg.select(saved.keyed or "") == plain
    index = kg.key_index("controllers")
    assert index is not None
    assert paging.keyed_page(saved.keyed or "", saved.page_by, index, kg.select, 100) == plain  # type: ignore[arg-type]


TABLED = """SELECT ?controllerName ?activity ?source WHERE {
  #+ keys
  ?controller dpv:hasName ?controllerName .
  ?activity dpv:hasDataController ?controller ; dpv:hasDataSource ?source .
  #+ table
  { SELECT DISTINCT ?source WHERE { [] dpv:hasDataSource ?source FILTER(!STRENDS(STR(?source), "}")) } }
} ORDER BY ?controllerName ?activity ?source"""


def test_a_table_is_evaluated_once_per_loaded_graph_and_each_batch_has_its_rows(sector: KnowledgeGraph) -> None:
    index = sector.key_index("controllers")
    assert index is not None
    index.tables.clear()
    asked: list[str] = []

    def select(text: str) -> tuple[list[str], list[list[Any]]]:
        asked.append(text)
        return sector.select(text)

    def tables() -> list[str]:
        return [text for text in asked if text.startswith("SELECT DISTINCT ?source")]

    variables = ("controller", "controllerName", "controllers")
    plain = sector.select(TABLED)
    assert len(plain[1]) > 60
    for limit in (7, 60, 7):
        assert paging.keyed_page(TABLED, variables, index, select, limit) == (plain[0], plain[1][:limit])
    assert len(tables()) == 1
    batches = [text for text in asked if "VALUES (?controller ?controllerName)" in text]
    assert len(batches) > 3 and all("{ SELECT * WHERE { VALUES (?source) {" in text for text in batches)
    assert all("[] dpv:hasDataSource" not in text for text in batches)
    sector.refresh()  # as after the store changed: the table is evaluated again
    paging.keyed_page(TABLED, variables, sector.key_index("controllers"), select, 7)
    assert len(tables()) == 2


@pytest.mark.parametrize(
    ("header", "form", "words"),
    [
        ("", "SAME", "needs a page-by line"),
        ("#+ page-by: ?controller ?controllerName\n", None, "cannot read its keyed form"),
        (
            "#+ page-by: ?controller ?controllerName\n",
            "SELECT ?controllerName ?x WHERE { ?x ?p ?y } ORDER BY ?controllerName ?x",
            "another SELECT clause or ORDER BY",
        ),
        (
            "#+ page-by: ?controller ?controllerName\n",
            "SELECT ?controllerName WHERE { ?x ?p ?y } ORDER BY ?controllerName",
            "another SELECT clause or ORDER BY",
        ),
        (
            "#+ page-by: ?controller ?controllerName\n#+ params: x: iri = urn:x\n",
            "SELECT DISTINCT ?controllerName WHERE {\n  #+ table\n  { SELECT ?x WHERE { ?x ?p ?y } }\n} "
            "ORDER BY ?controllerName",
            "a question with params cannot have them",
        ),
        (
            "#+ page-by: ?controller ?controllerName\n",
            "SELECT DISTINCT ?controllerName WHERE { ?x ?p ?y } ORDER BY DESC(?controllerName)",
            "another SELECT clause or ORDER BY",
        ),
    ],
)
def test_a_keyed_form_must_be_the_same_question(tmp_path, header: str, form: str | None, words: str) -> None:  # type: ignore[no-untyped-def]
    query = (
        "SELECT DISTINCT ?controllerName WHERE {\n  ?controller dpv:hasName ?controllerName\n} ORDER BY ?controllerName"
    )
    (tmp_path / "keyed").mkdir()
    if form is not None:
        (tmp_path / "keyed" / "q.rq").write_text(query if form == "SAME" else form, "utf-8")
    text = f"{header}#+ keyed-form: keyed/q.rq\n{query}"
    with pytest.raises(QueryError, match=words):
        parse(text, "q", tmp_path / "q.rq")
    broken = "# the same, keyed\n" + query.replace("?controller dpv:hasName", "?controller dpv:hasName dpv:")
    (tmp_path / "keyed" / "q.rq").write_text(broken, "utf-8")
    with pytest.raises(QuerySyntaxError, match=r"keyed[/\\]q\.rq:3:"):
        parse(f"#+ page-by: ?controller ?controllerName\n{text}", "q", tmp_path / "q.rq")
    (tmp_path / "keyed" / "q.rq").write_text("# the same, keyed\n" + query.replace("\n", " "), "utf-8")
    assert parse(f"#+ page-by: ?controller ?controllerName\n{text}", "q", tmp_path / "q.rq").keyed


def test_a_question_is_read_again_when_it_or_its_keyed_form_changes(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Questions are parsed once and kept while their text and their keyed form's text stay
    the same; an edit to either is seen on the next ask, a broken keyed form is an error."""
    query = "SELECT ?controllerName WHERE {\n  ?controller dpv:hasName ?controllerName\n} ORDER BY ?controllerName"
    (tmp_path / "keyed").mkdir()
    form = tmp_path / "keyed" / "q.rq"
    form.write_text("# keyed\n" + query, "utf-8")
    question = tmp_path / "q.rq"
    question.write_text(f"#+ title: One\n#+ page-by: ?controller ?controllerName\n#+ keyed-form: keyed/q.rq\n{query}")
    first = library(tmp_path)["q"]
    assert library(tmp_path)["q"] is first and first.title == "One"
    form.write_text("# keyed, edited\n" + query, "utf-8")
    assert library(tmp_path)["q"].keyed == "# keyed, edited\n" + query
    question.write_text(question.read_text("utf-8").replace("One", "Two"), "utf-8")
    assert library(tmp_path)["q"].title == "Two"
    form.write_text("# keyed\nSELECT ?x WHERE { ?x ?p ?o } ORDER BY ?x", "utf-8")
    with pytest.raises(QueryError, match="another SELECT clause"):
        library(tmp_path)
    form.unlink()
    with pytest.raises(QueryError, match="cannot read its keyed form"):
        library(tmp_path)


def test_a_settled_question_is_known_by_its_file_signature_and_an_edit_is_seen(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A question and keyed form last changed well before they were read are not read again
    while their stat signatures stay; an edit (a new modification time) is read on the next
    ask, and a file changed just before it was read is read again on every ask."""
    query = "SELECT ?controllerName WHERE {\n  ?controller dpv:hasName ?controllerName\n} ORDER BY ?controllerName"
    (tmp_path / "keyed").mkdir()
    form = tmp_path / "keyed" / "q.rq"
    question = tmp_path / "q.rq"
    form.write_text("# keyed\n" + query, "utf-8")
    question.write_text(f"#+ title: One\n#+ page-by: ?controller ?controllerName\n#+ keyed-form: keyed/q.rq\n{query}")
    reads: list[str] = []
    real = Path.read_text

    def counted(self: Path, *args: object, **kwargs: object) -> str:
        reads.append(self.name)
        return real(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "read_text", counted)
    first = library(tmp_path)["q"]
    assert library(tmp_path)["q"] is first and reads.count("q.rq") == 4  # just written: read each time
    old = time.time_ns() - 10 * queries.SETTLED_NS
    for path in (question, form):
        os.utime(path, ns=(old, old))
    library(tmp_path)
    reads.clear()
    assert library(tmp_path)["q"] is first and library(tmp_path)["q"] is first and not reads
    question.write_text(real(question, "utf-8").replace("One", "Two"), "utf-8")
    os.utime(question, ns=(old + 1, old + 1))  # an edit with a time of its own, settled
    assert library(tmp_path)["q"].title == "Two" and reads
    form.write_text("# keyed, edited\n" + query, "utf-8")
    os.utime(form, ns=(old + 2, old + 2))
    assert library(tmp_path)["q"].keyed == "# keyed, edited\n" + query
    form.unlink()
    with pytest.raises(QueryError, match="cannot read its keyed form"):
        library(tmp_path)


@pytest.mark.parametrize(
    ("start", "end", "workers"),
    [(0, 10, 4), (3, 200, 2), (0, 1, 4), (50, 333, 3), (0, 640, 4), (0, 800, 2), (9, 999, 3)],
)
def test_a_batch_is_split_into_parts_that_end_where_names_change(
    start: int, end: int, workers: int, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(paging, "WORKERS", workers)
    # Every name is shared by three keys in a row.
    index = paging.KeyIndex([(ox.NamedNode(f"urn:k{i}"), ox.Literal(f"n{i // 3:06d}")) for i in range(1000)])
    start, end = index.batch_end(0, start) if start else 0, index.batch_end(0, end)
    parts = paging._parts(index, start, end)
    assert parts[0][0] == start and parts[-1][1] == end
    assert all(a < b for a, b in parts) and all(b == c for (_, b), (c, _) in itertools.pairwise(parts))
    assert all(b % 3 == 0 or b == len(index) for _, b in parts)  # no name group is cut
    keys = end - start
    assert len(parts) == max(min(workers, max(keys // paging.PART, 1)), math.ceil(keys / paging.MAX_PART))
    assert all(b - a <= paging.MAX_PART + 2 for a, b in parts)  # a name group of three may go over
    assert max(b - a for a, b in parts) - min(b - a for a, b in parts) <= 3 * len(parts)  # even, to a name group


@pytest.mark.parametrize(
    ("start", "keys", "workers", "count"),
    [
        (64, 1000, 2, 8),  # 1,000 recipients at 10,000 controllers: 8 batches of 117, not 800 and 136
        (64, 10_000, 2, 14),  # 10,000 controllers: batches of at most 800, an even number of them
        (64, 100_000, 2, 126),
        (64, 1000, 3, 12),
        (64, 300, 4, 3),  # no batch under 64 keys
        (64, 100, 2, 1),
        (0, 0, 2, 0),
    ],
)
def test_a_whole_answer_is_split_into_even_batches_a_few_for_each_worker(
    start: int, keys: int, workers: int, count: int, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(paging, "WORKERS", workers)
    index = paging.KeyIndex([(ox.NamedNode(f"urn:k{i}"), ox.Literal(f"n{i // 3:06d}")) for i in range(keys)])
    start = index.batch_end(0, start) if keys else 0
    batches = paging._batches(index, start)
    assert len(batches) == count
    assert batches == list(itertools.pairwise([start, *(b for _, b in batches)]))  # one after the other
    assert batches[-1][1] == keys if batches else start == keys
    assert all(b % 3 == 0 or b == keys for _, b in batches)  # no name group is cut
    sizes = [b - a for a, b in batches]
    assert all(size <= paging.MAX_BATCH + 2 for size in sizes)
    assert all(size >= paging.PART for size in sizes) or len(sizes) == 1
    # even, to a name group; the last may be smaller
    assert max(sizes[:-1], default=0) - min(sizes[:-1], default=0) <= 2 and all(sizes[-1] <= s for s in sizes)


@pytest.mark.parametrize("name", KEYED)
def test_a_whole_answer_built_key_by_key_is_the_plain_answer(sector: KnowledgeGraph, name: str, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(paging, "SAMPLE", 6)
    monkeypatch.setattr(paging, "MAX_BATCH", 9)  # about 14 batches, evaluated 3 at a time
    monkeypatch.setattr(paging, "WORKERS", 3)
    monkeypatch.setattr(paging, "DENSE", 0)  # by key even where the answer is sparse
    sector.refresh()
    saved = sector.resolve(name)
    plain = sector.select_values(saved.text)
    batches = _asked(monkeypatch, sector, "select_values")
    whole = sector.whole(saved, {})
    assert whole == plain
    keyed = f"VALUES (?{saved.page_by[0]} ?{saved.page_by[1]})"
    if saved.one_query:
        assert len(batches) == 1 and keyed not in batches[0]
    else:
        assert len(batches) > 1 and all(keyed in b for b in batches)


def test_a_sparse_whole_answer_is_one_query(sector: KnowledgeGraph, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(paging, "SAMPLE", 6)
    sector.refresh()
    text = (
        "#+ page-by: ?controller ?controllerName\n"
        "SELECT ?controllerName WHERE { ?controller a dpv:DataController ; dpv:hasName ?controllerName "
        "FILTER(STRENDS(STR(?controller), '7')) } ORDER BY ?controllerName"
    )
    asked = _asked(monkeypatch, sector, "select_values")
    names, rows = sector.answer(text)
    assert len(rows) == 12 and len(asked) == 2 and "VALUES" in asked[0] and "VALUES" not in asked[1]
    asked.clear()
    assert sector.answer(text) == (names, rows) and len(asked) == 1  # known sparse: straight to one query


@pytest.mark.parametrize(
    ("rows", "low", "high"),
    [(0, 1.5, 1.5), (1, 1.5, 1.5), (16, 1.5, 1.5), (100, 1.19, 1.21), (557, 1.08, 1.09), (10**6, 1.05, 1.05)],
)
def test_the_margin_of_a_batch_shrinks_with_the_rows_its_rate_is_counted_from(
    rows: int, low: float, high: float
) -> None:
    assert low <= paging.margin(rows) <= high
