"""The saved questions: documented, answering as the policies do, and refusing bad input."""

from __future__ import annotations

from pathlib import Path

import pytest

from ropakg.errors import QueryError
from ropakg.queries import library, parse
from tests.golden import answer, answer_path

QUERIES = Path(__file__).resolve().parent.parent / "queries"
NAMES = sorted(p.stem for p in QUERIES.glob("*.rq"))


def test_there_are_at_least_25_questions() -> None:
    assert len(NAMES) >= 25


@pytest.mark.parametrize("name", NAMES)
def test_every_question_has_a_title_and_a_description(name: str) -> None:
    query = library(QUERIES)[name]
    assert query.title, f"{name}.rq has no '#+ title:' line"
    assert query.description, f"{name}.rq has no '#+ description:' line"


def test_a_question_without_title_is_caught() -> None:
    assert parse("#+ description: d\nSELECT * WHERE { ?s ?p ?o }").title == ""


@pytest.mark.parametrize("name", NAMES)
def test_answer_matches_the_expected_answer(kg, name: str) -> None:  # type: ignore[no-untyped-def]
    expected = answer_path(name)
    assert expected.exists(), f"no expected answer {expected}; run: python -m tests.golden"
    assert answer(kg, name) == expected.read_text("utf-8")


def test_unknown_name_lists_close_matches(kg) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(QueryError, match="did you mean processors-outside-eea"):
        kg.query("processors-outside-eeaa")


def test_missing_parameter_is_named(kg) -> None:  # type: ignore[no-untyped-def]
    query = parse(
        "#+ title: t\n#+ description: d\n#+ params: who: iri\nSELECT ?who WHERE { ?who a dpv:DataController }",
        "q",
        QUERIES / "q.rq",
    )
    with pytest.raises(QueryError, match="missing parameter 'who'"):
        query.bind({})


@pytest.mark.parametrize(
    ("name", "param", "value", "words"),
    [
        ("ended-transfer-mechanisms", "date", "yesterday", "parameter 'date' must be a date"),
        ("controllers-using-processor", "recipient", "not an iri", "parameter 'recipient' must be an iri"),
        ("controllers", "controller", "x", "unknown parameter 'controller'"),
    ],
)
def test_wrong_parameters_are_named(kg, name: str, param: str, value: str, words: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(QueryError, match=words):
        kg.query(name, **{param: value})


def test_a_date_parameter_changes_the_answer(kg) -> None:  # type: ignore[no-untyped-def]
    assert len(kg.query("ended-transfer-mechanisms", date="2020-07-16")) == 1
    assert kg.query("ended-transfer-mechanisms", date="2020-07-15").empty


def test_labels_in_norwegian_and_swedish(kg) -> None:  # type: ignore[no-untyped-def]
    nb = kg.query("transfers", labels="nb")
    sv = kg.query("transfers", labels="sv")
    assert list(nb["countryLabel"]) == ["De forente stater"]
    assert list(sv["countryLabel"]) == ["USA"]
    assert "ugyldig" in nb["mechanismLabel"][0] and "ogiltigförklarat" in sv["mechanismLabel"][0]


def test_ropa_table_of_a_controller(kg) -> None:  # type: ignore[no-untyped-def]
    table = kg.ropa("Entrack AS", lang="en")
    assert len(table) == 7
    cctv = table.set_index("activity").loc["https://w3id.org/ropa-kg/id/entrack/activity/visitors-cctv"]
    assert cctv["Legal basis"] == "Art 6(1-f) legitimate interest"
    assert "Picture" in cctv["Personal data (c)"]
    nb = kg.ropa("entrack", lang="nb")
    assert "Om besøkende" in set(nb["Activity"])
    assert (nb["Transfers (e)"] == "ikke oppgitt").all()


def test_evidence_of_an_activity_quotes_the_policy(kg) -> None:  # type: ignore[no-untyped-def]
    rows = kg.evidence("https://w3id.org/ropa-kg/id/expectit/activity/newsletter")
    text = (Path(__file__).resolve().parent.parent / "data" / "policies" / "expectit_nb.txt").read_text("utf-8")
    assert len(rows) >= 10
    for quote, start, end in rows[["quote", "start", "end"]].itertuples(index=False):
        assert text[start:end] == quote


def test_networkx_view(kg) -> None:  # type: ignore[no-untyped-def]
    g = kg.to_networkx()
    types = {d["type"] for _, d in g.nodes(data=True)}
    assert types == {"controller", "activity", "recipient", "country"}
    google = "https://w3id.org/ropa-kg/id/org/google-llc"
    assert g.nodes[google]["label"] == "Google LLC"
    assert "https://w3id.org/dpv/loc#US" in g.successors(google)
